"""Limits keep hostile input cheap, and the report says which limit applied and why.

CheckOptions: max_signatures (10), max_header_bytes (1,000,000), max_dns_answer_bytes (16,384);
SPF's 10 DNS-mechanism / 2 void lookups (RFC 7208 §4.6.4) and DMARC's 8-query tree walk
(RFC 9989) live in their mechanisms and are tested here through check().
"""

from __future__ import annotations

import pytest

from headercheck import CheckOptions, Result
from headercheck.dns import CassetteResolver
from headercheck.limits import HEADER_LIMIT_CODE
from support.fuzzmail import CLIENT_IP, base_messages, fuzz_dns, nested_mime, run_check

SIGNED = base_messages()[0]


def _dns() -> CassetteResolver:
    return CassetteResolver(fuzz_dns())


def test_header_section_over_the_limit_is_permerror_with_reason() -> None:
    """max_header_bytes: a warning, DKIM and DMARC permerror naming the limit; no dkimpy parse."""
    report = run_check(SIGNED, _dns(), ip=CLIENT_IP, options=CheckOptions(max_header_bytes=500))
    assert any("over the limit of 500" in w for w in report.warnings)
    assert report.dkim and all(
        d.result is Result.PERMERROR and d.reason_code == HEADER_LIMIT_CODE for d in report.dkim)
    assert "over the limit of 500" in report.dkim[0].detail
    assert report.dmarc is not None and report.dmarc.result is Result.PERMERROR
    assert "max_header_bytes" in report.dmarc.reason


def test_huge_header_section_default_limit() -> None:
    """Five megabytes of headers (one 5 MB header line) is refused by the default limit."""
    msg = b"X-Junk: " + b"a" * 5_000_000 + b"\r\n" + SIGNED
    report = run_check(msg, _dns(), ip=CLIENT_IP)
    assert any("max_header_bytes" in w for w in report.warnings)
    assert all(d.reason_code == HEADER_LIMIT_CODE for d in report.dkim)


def test_within_the_limit_runs_the_mechanisms() -> None:
    report = run_check(SIGNED, _dns(), ip=CLIENT_IP)
    assert not any("max_header_bytes" in w for w in report.warnings)
    assert all(d.reason_code != HEADER_LIMIT_CODE for d in report.dkim)


def test_no_body_separator_makes_everything_header() -> None:
    """A 3 MB message with no blank line is all header section: limited, not parsed again."""
    report = run_check(b"From: a@fuzz.example\r\n" + b"X: y\r\n" * 500_000, _dns())
    assert any("max_header_bytes" in w for w in report.warnings)


@pytest.mark.parametrize("depth", [50, 1000, 5000])
def test_deeply_nested_mime(depth: int) -> None:
    head = SIGNED.split(b"\r\n\r\n", 1)[0].replace(b"Content-Type: text/plain\r\n", b"")
    run_check(head + b"\r\n" + nested_mime(depth), _dns(), ip=CLIENT_IP)
def test_thousand_dkim_signatures() -> None:
    """1,000 DKIM-Signature headers: at most max_signatures are verified; the report is bounded."""
    sig_end = SIGNED.index(b"\r\nFrom:") + 2
    start = SIGNED.index(b"DKIM-Signature:")
    sig = SIGNED[start:sig_end]
    msg = SIGNED[:start] + sig * 999 + SIGNED[start:]
    report = run_check(msg, _dns(), ip=CLIENT_IP)
    assert len(report.dkim) == 1000
    verified = [d for d in report.dkim if d.reason_code != "not_checked"]
    assert len(verified) == 10 and verified[0].result is Result.PASS
def test_giant_l_tag() -> None:
    msg = SIGNED.replace(b"DKIM-Signature: v=1;", b"DKIM-Signature: v=1; l=" + b"9" * 5000 + b";", 1)
    report = run_check(msg, _dns(), ip=CLIENT_IP)
    assert len(report.dkim) == 1 and report.dkim[0].result is not Result.PASS
def test_oversized_dns_answer_is_refused() -> None:
    """A 20 KB key record exceeds max_dns_answer_bytes: DKIM must not pass on it."""
    data = fuzz_dns()
    data["sel._domainkey.fuzz.example"] = {"TXT": [["v=DKIM1; p=" + "A" * 20_000]]}
    report = run_check(SIGNED, CassetteResolver(data), ip=CLIENT_IP)
    assert [d.result for d in report.dkim] == [Result.PERMERROR]


@pytest.mark.slow
def test_fifty_megabyte_body() -> None:
    """One bounded test: a 50 MB body is checked (the hang guard is the only time bound)."""
    head, _, body = SIGNED.partition(b"\r\n\r\n")
    big = head + b"\r\n\r\n" + body + b"0123456789abcdef" * (50 * 1024 * 1024 // 16)
    report = run_check(big, _dns(), ip=CLIENT_IP)
    assert len(report.dkim) == 1 and report.dkim[0].result is not Result.PASS  # body changed
@pytest.mark.parametrize("discovery", ["psl", "treewalk"])
def test_oversized_spf_and_dmarc_answers_are_permerror(discovery: str) -> None:
    """max_dns_answer_bytes: an oversized SPF or DMARC record is permerror naming the limit."""
    data = fuzz_dns()
    data["fuzz.example"]["TXT"] = [["v=spf1 " + "a" * 250] * 80]
    data["_dmarc.fuzz.example"] = {"TXT": [["v=DMARC1; p=reject; " + "x" * 250] * 80]}
    report = run_check(SIGNED, CassetteResolver(data), ip=CLIENT_IP, mail_from="a@fuzz.example",
                       options=CheckOptions(dmarc_discovery=discovery))
    assert report.spf is not None and report.spf.result is Result.PERMERROR
    assert report.dmarc is not None and report.dmarc.result is Result.PERMERROR
    assert "max_dns_answer_bytes" in report.spf.reason and "max_dns_answer_bytes" in report.dmarc.reason
