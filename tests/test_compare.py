"""The receiver's verdict at delivery beside ours (RFC 8601 §5, §7.1 trust boundary)."""

from __future__ import annotations

from dataclasses import replace

from headercheck.authresults import compare, default_style
from headercheck.message import parse_message
from headercheck.results import Envelope, Result
from support.paths import TESTS
from support.reports import BASE, CASES, SIG

DATA = TESTS / "data" / "ar"

GMAIL_TOP = (DATA / "gmail_top.txt").read_bytes()
ORIGIN = (DATA / "origin.txt").read_bytes()
REPORT = replace(BASE, envelope=Envelope(ip="203.0.113.25", helo="mail.example.jp",
                                         mail_from="info@example.jp"),
                 dmarc=replace(BASE.dmarc, policy="reject", applied_policy="reject"))  # type: ignore[arg-type]


def _by_method(verdicts: tuple) -> dict:  # type: ignore[type-arg]
    return {v.method: v for v in verdicts if not v.forged}


def test_all_agree() -> None:
    verdicts = compare(parse_message(GMAIL_TOP + ORIGIN), REPORT)
    got = _by_method(verdicts)
    assert set(got) == {"dkim", "spf", "dmarc"}
    assert all(v.agrees for v in verdicts)
    assert got["dkim"].authserv_id == "mx.google.com" and got["dkim"].identifier.startswith("i=@example.jp")


def test_key_removed_since_delivery() -> None:
    report = replace(REPORT, dkim=(replace(SIG, result=Result.PERMERROR, reason_code="no_key",
                                           reason="no key for signature"),))
    v = _by_method(compare(parse_message(GMAIL_TOP + ORIGIN), report))["dkim"]
    assert (v.receiver_result, v.our_result, v.agrees) == ("pass", "permerror", False)
    assert f"receiver said {v.receiver_result}, now {v.our_result}: {v.cause}" == \
        "receiver said pass, now permerror: key no longer published"


def test_body_changed_since_delivery() -> None:
    report = replace(REPORT, dkim=CASES["dkim_body_hash"].dkim)
    crlf = (GMAIL_TOP + ORIGIN).replace(b"\n", b"\r\n")
    v = _by_method(compare(parse_message(crlf), report))["dkim"]
    assert v.cause_code == "message_body_changed" and "line endings" in v.cause


def test_different_client_ip() -> None:
    report = replace(REPORT, spf=replace(REPORT.spf, result=Result.FAIL, client_ip="198.51.100.7"),  # type: ignore[arg-type]
                     envelope=replace(REPORT.envelope, ip="198.51.100.7"))
    v = _by_method(compare(parse_message(GMAIL_TOP + ORIGIN), report))["spf"]
    assert v.cause_code == "spf_ip_differs"
    assert v.cause_args == {"receiver_ip": "203.0.113.25", "our_ip": "198.51.100.7"}


def test_spf_record_changed() -> None:
    report = replace(REPORT, spf=replace(REPORT.spf, result=Result.SOFTFAIL))  # type: ignore[arg-type]
    assert _by_method(compare(parse_message(GMAIL_TOP + ORIGIN), report))["spf"].cause_code == \
        "spf_record_changed"


def test_spf_best_guess_is_not_a_change() -> None:
    """Gmail judges a guessed record when the domain publishes none (RECEIVERS.md §4.1)."""
    said = (b"neutral (google.com: 203.0.113.25 is neither permitted nor denied by best guess record"
            b" for domain of info@example.jp)")
    top = GMAIL_TOP.replace(b"pass (google.com: domain of info@example.jp designates 203.0.113.25 as"
                            b" permitted sender)", said)
    assert top != GMAIL_TOP
    report = replace(REPORT, spf=replace(REPORT.spf, result=Result.NONE))  # type: ignore[arg-type]
    v = _by_method(compare(parse_message(top + ORIGIN), report))["spf"]
    assert (v.receiver_result, v.cause_code) == ("neutral", "spf_best_guess")
    published = replace(REPORT, spf=replace(REPORT.spf, result=Result.PASS))  # a record since
    verdict = _by_method(compare(parse_message(top + ORIGIN), published))["spf"]
    assert verdict.cause_code == "spf_record_changed"


def test_dmarc_record_changed() -> None:
    report = replace(REPORT, dmarc=replace(REPORT.dmarc, result=Result.FAIL, policy="none"))  # type: ignore[arg-type]
    v = _by_method(compare(parse_message(GMAIL_TOP + ORIGIN), report))["dmarc"]
    assert v.cause_code == "dmarc_record_changed" and "p=reject then, p=none now" in v.cause


def test_forged_below_boundary_is_ignored_and_flagged() -> None:
    forged = b"""Authentication-Results: mx.google.com; dkim=pass header.i=@paypal.com; spf=pass
 smtp.mailfrom=paypal.com; dmarc=pass header.from=paypal.com
"""
    message = parse_message(GMAIL_TOP + forged + ORIGIN)
    verdicts = compare(message, REPORT)
    assert [v for v in verdicts if v.forged][0].cause_code == "forged_ar"
    assert _by_method(verdicts)["dkim"].identifier.startswith("i=@example.jp")
    # A forged header with no receiver header above it is never trusted.
    only_forged = parse_message(ORIGIN.replace(b"From:", forged + b"From:", 1))
    assert not [v for v in compare(only_forged, REPORT) if not v.forged]


def test_yahoo_header_with_its_quirks() -> None:
    yahoo = (DATA / "yahoo_top.txt").read_bytes()
    report = replace(REPORT, dkim=CASES["dkim_body_hash"].dkim)
    verdicts = compare(parse_message(yahoo + ORIGIN), report)
    got = _by_method(verdicts)
    assert got["dkim"].receiver_result == "perm_fail" and got["dkim"].agrees
    assert got["dmarc"].agrees and got["spf"].agrees
    assert default_style(replace(report, receiver_said=verdicts)) == "yahoo"


def test_no_receiver_headers() -> None:
    assert compare(parse_message(ORIGIN), REPORT) == ()


def test_default_style() -> None:
    assert default_style(BASE) == "gmail"
    assert default_style(replace(BASE, envelope=Envelope())) == "rfc"
    yahoo = Envelope(receiver="atlas1.free.mail.bf1.yahoo.com")
    assert default_style(replace(BASE, envelope=yahoo)) == "yahoo"


def test_envelope_boundary_limits_the_trusted_block() -> None:
    """Envelope.header_index (the receiving Received) bounds what is trusted, with its block."""
    message = parse_message(GMAIL_TOP + ORIGIN)
    receiving = next(i for i, h in enumerate(message.headers) if "by mx.google.com" in h.value)
    env = replace(REPORT.envelope, receiver="mx.google.com", header_index=receiving)
    assert all(v.agrees for v in compare(message, replace(REPORT, envelope=env)))
    # Were the receiving hop the topmost Received, the AR below Return-Path would be a claim.
    env = replace(env, header_index=1)
    said = compare(message, replace(REPORT, envelope=env))
    assert said and all(v.forged for v in said)
