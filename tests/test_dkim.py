"""DKIM verification: the dkimpy defects we work around, the exception mapping, the samples."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import dkim
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headercheck.checks._dkimpy import DkimpyDns
from headercheck.checks._dkimsig import REASONS
from headercheck.checks.dkim import map_exception, verify_dkim
from headercheck.cli import main as cli_main
from headercheck.dns import Answer, CassetteResolver, Resolver, ZoneResolver
from headercheck.message import parse_message
from support.paths import ROOT, SAMPLES, SCENARIOS

NOW = 1793491200  # 2026-11-01T00:00:00Z, the samples' and scenarios' "now"
DOC = ROOT / "docs" / "dkim.md"


def scenario(name: str) -> tuple[bytes, Resolver]:
    folder = SCENARIOS / name
    return (folder / "message.eml").read_bytes(), ZoneResolver(folder / "dns.zone")


def plain_dkimpy(raw: bytes, resolver: Resolver) -> Any:
    """What dkimpy alone says about the first signature (True, False or an exception)."""
    try:
        return dkim.DKIM(parse_message(raw).raw).verify(idx=0, dnsfunc=DkimpyDns(resolver))
    except dkim.DKIMException as exc:
        return exc


def ours(raw: bytes, resolver: Resolver, now: float = NOW) -> tuple[str, str]:
    (result,) = verify_dkim(parse_message(raw), resolver, now=now)
    return result.result.value, result.reason_code


# The dkimpy defects worked around (FIELDNOTES), each shown next to our verdict ---------------

def test_dkimpy_judges_x_by_the_wall_clock_we_judge_it_by_now() -> None:
    head, _, message = (ROOT / "tests" / "data" / "stalwart" / "dkim-005.txt").read_bytes().partition(b"\n\n")
    name, _, value = head.decode().partition(" ")
    resolver = CassetteResolver({name: {"TXT": [[value]]}})
    got = plain_dkimpy(message, resolver)
    assert isinstance(got, dkim.ValidationError) and "x= value is past" in str(got)
    assert ours(message, resolver, now=1667843664) == ("pass", "pass")
    assert ours(message, resolver, now=1667930065) == ("neutral", "expired")


def test_dkimpy_ignores_key_h_we_honour_it() -> None:
    raw, resolver = scenario("dkim-key-hash-mismatch")  # a=rsa-sha1, key h=sha256
    assert plain_dkimpy(raw, resolver) is True
    assert ours(raw, resolver) == ("permerror", "key_hash_mismatch")


def test_dkimpy_ignores_key_t_flags_we_honour_them() -> None:
    raw, resolver = scenario("dkim-key-strict-identity")  # key t=s, i=@news.example.jp
    assert plain_dkimpy(raw, resolver) is True
    assert ours(raw, resolver) == ("permerror", "key_strict_identity")  # RFC 6376 §3.6.1
    raw, resolver = scenario("dkim-key-testing")  # key t=y: still a pass, marked as testing
    (result,) = verify_dkim(parse_message(raw), resolver, now=NOW)
    assert (result.result.value, result.key_testing) == ("pass", True)


def test_dkimpy_accepts_rsa_sha1_we_report_policy() -> None:
    raw, resolver = scenario("dkim-rsa-sha1")
    assert plain_dkimpy(raw, resolver) is True
    assert ours(raw, resolver) == ("policy", "rsa_sha1")  # RFC 8301 §3.1


def test_dkimpy_says_false_for_a_missing_key_we_say_why() -> None:
    raw, resolver = scenario("dkim-nxdomain")
    assert plain_dkimpy(raw, resolver) is False
    assert ours(raw, resolver) == ("permerror", "no_key")


def test_dkimpy_rejects_short_keys_by_exception_we_report_policy() -> None:
    raw, resolver = scenario("dkim-short-key")
    assert isinstance(plain_dkimpy(raw, resolver), dkim.KeyFormatError)
    assert ours(raw, resolver) == ("policy", "weak_key")  # RFC 8301 §3.2


# The one exception mapping ----------------------------------------------------------------

@pytest.mark.parametrize(("exc", "code"), [
    (dkim.ValidationError("body hash mismatch (got x, expected y)"), "body_hash_mismatch"),
    (dkim.ValidationError("missing bh="), "bad_format"),
    (dkim.MessageFormatError("Unexpected characters in RFC822 header: b'x'"), "message_format"),
    (dkim.MessageFormatError("invalid c= value: b'odd'"), "bad_format"),
    (dkim.KeyFormatError("could not parse RSA public key"), "bad_key_format"),
    (dkim.DnsTimeoutError("timed out"), "key_unavailable"),
    (dkim.UnknownKeyTypeError(b"dsa"), "key_type_mismatch"),
    (dkim.NaClNotFoundError("no nacl"), "unsupported_algorithm"),
    (dkim.util.InvalidTagSpec(b"garbage"), "bad_format"),
    (IndexError("index out of range"), "bad_format"),
    (RuntimeError("anything else"), "verify_error"),
])
def test_map_exception(exc: Exception, code: str) -> None:
    assert map_exception(exc).code == code


def test_every_reason_code_is_documented() -> None:
    documented = set(re.findall(r"^\| `([a-z_0-9]+)` \|", DOC.read_text(), re.M))
    assert documented == set(REASONS)


def test_no_signature_gives_no_result() -> None:
    raw = b"From: a@example.jp\r\nSubject: hi\r\n\r\nbody\r\n"
    assert verify_dkim(parse_message(raw), CassetteResolver({}), now=NOW) == ()


def test_a_header_dkimpy_cannot_parse_is_reported_on_each_signature() -> None:
    raw, resolver = scenario("dkim-pass")
    broken = raw.replace(b"\nMIME-Version", b"\nnot a header line\nMIME-Version", 1)
    assert ours(broken, resolver) == ("permerror", "message_format")


def test_each_key_is_asked_once() -> None:
    class Counting:
        def __init__(self, inner: Resolver) -> None:
            self.inner, self.asked = inner, []

        def query(self, name: str, rdtype: str) -> Answer:
            self.asked.append((name, rdtype))
            return self.inner.query(name, rdtype)

    raw, zone = scenario("dkim-pass")
    counting = Counting(zone)
    assert ours(raw, counting) == ("pass", "pass")
    assert counting.asked == [("master._domainkey.example.jp", "TXT")]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_any_signature_value_gives_a_result_never_a_traceback(value: bytes) -> None:
    raw, resolver = scenario("dkim-pass")
    value = value.replace(b"\r", b"").replace(b"\n", b"\n ")
    mutated = re.sub(rb"^DKIM-Signature:.*?(?=\n\S)", b"DKIM-Signature: " + value.replace(b"\\", b""),
                     raw, count=1, flags=re.S | re.M)
    for result in verify_dkim(parse_message(mutated), resolver, now=NOW):
        assert result.reason_code in REASONS


# The samples: offline snapshot, CLI JSON, and the same verdicts through a real NSD ------------

SAMPLE_VERDICTS = {
    "01-gmail-pass.eml": [("pass", "example.jp", "master")],
    "02-gmail-body-modified.eml": [("neutral", "example.jp", "master")],
    "03-gmail-key-missing.eml": [("permerror", "example.net", "master")],
    "04-gmail-esp-fail-author-pass.eml": [("pass", "example.com", "master"),
                                          ("fail", "esp.example", "esp2026")],
    "05-gmail-ed25519-rsa.eml": [("pass", "example.org", "ed"), ("pass", "example.org", "master")],
    "06-yahoo-pass.eml": [("pass", "example.jp", "master")],
}


def sample_verdicts(resolver: Resolver) -> dict[str, list[tuple[str, str, str]]]:
    return {
        name: [(r.result.value, r.domain, r.selector)
               for r in verify_dkim(parse_message(SAMPLES / name), resolver, now=NOW)]
        for name in SAMPLE_VERDICTS
    }


def test_samples_offline() -> None:
    assert sample_verdicts(ZoneResolver(SAMPLES / "dns.zone")) == SAMPLE_VERDICTS


def test_samples_agree_with_what_the_receiver_wrote() -> None:
    for name in SAMPLE_VERDICTS:
        message = parse_message(SAMPLES / name)
        said = re.findall(r"dkim=(\w+)", " ".join(message.values("Authentication-Results")))
        ours_ = [r.result.value for r in verify_dkim(message, ZoneResolver(SAMPLES / "dns.zone"), now=NOW)]
        assert said == ours_, name


def test_cli_json_reports_each_signature(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(SAMPLES / n) for n in SAMPLE_VERDICTS]
    assert cli_main(["check", *files, "--dns", str(SAMPLES / "dns.zone"),
                     "--now", "2026-11-01T00:00:00Z", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    got = {Path(obj["file"]).name: [(d["result"], d["domain"], d["selector"]) for d in obj["dkim"]]
           for obj in lines}
    assert got == SAMPLE_VERDICTS
    assert all(d["reason"] for obj in lines for d in obj["dkim"])


@pytest.mark.live
def test_samples_through_nsd_match_the_snapshot() -> None:
    from headercheck.dns import LiveResolver
    from support.nsd import NSD, NsdServer

    if not Path(NSD).exists():
        pytest.skip("nsd is not installed (scripts/test installs it)")
    server = NsdServer([SAMPLES / "dns.zone"]).start()
    try:
        live = LiveResolver(["127.0.0.1"], port=server.port)
        assert sample_verdicts(live) == sample_verdicts(ZoneResolver(SAMPLES / "dns.zone"))
    finally:
        server.stop()


def test_now_is_per_call_under_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    head, _, message = (ROOT / "tests" / "data" / "stalwart" / "dkim-005.txt").read_bytes().partition(b"\n\n")
    name, _, value = head.decode().partition(" ")
    resolver = CassetteResolver({name: {"TXT": [[value]]}})
    nows = [1667843664, 1667930065] * 8
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda now: ours(message, resolver, now=now), nows))
    assert got == [("pass", "pass"), ("neutral", "expired")] * 8


@pytest.mark.parametrize(("old", "new"), [(b"d=example.jp;", b"d=example..jp;"),
                                          (b"s=master;", b"s=-master;")])
def test_a_domain_or_selector_that_is_not_a_name_is_bad_format(old: bytes, new: bytes) -> None:
    raw, resolver = scenario("dkim-pass")
    assert ours(raw.replace(old, new, 1), resolver) == ("neutral", "bad_format")
