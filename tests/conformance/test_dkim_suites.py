"""DKIM conformance: RFC 6376 Appendix A, RFC 8463 Appendix A, go-msgauth and Stalwart messages.

The suites live in ../shared/conformance (read-only); their SOURCE.txt files say where the DNS
data comes from and what each expects.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from headercheck.checks.dkim import verify_dkim
from headercheck.dns import CassetteResolver, Resolver
from headercheck.message import parse_message
from headercheck.results import DkimResult
from support.paths import CONFORMANCE

if not CONFORMANCE.is_dir():
    pytest.skip(f"conformance data not found at {CONFORMANCE} (set HEADERCHECK_CONFORMANCE)",
                allow_module_level=True)

STALWART_NOW = 1667843664  # stalwartlabs/mail-auth src/dkim/verify.rs
LATER = 1800000000  # 2027: long after every suite message was signed


def txt_cassette(path: Path) -> CassetteResolver:
    """The suites' {"TXT": {name: record}} files as a cassette."""
    records = json.loads(path.read_text())["TXT"]
    return CassetteResolver({name: {"TXT": [[value]]} for name, value in records.items()})


def verdicts(source: Path | bytes, resolver: Resolver, now: float = LATER,
             max_signatures: int = 10) -> list[tuple[str, str]]:
    results = verify_dkim(parse_message(source), resolver, now=now, max_signatures=max_signatures)
    return [(r.result.value, r.reason_code) for r in results]


PASS = ("pass", "pass")


# RFC 6376 Appendix A ------------------------------------------------------------------------

def test_rfc6376_a2_corrected_passes() -> None:
    folder = CONFORMANCE / "rfc6376"
    assert verdicts(folder / "A.2-signed.corrected.eml", txt_cassette(folder / "dns.json")) == [PASS]


def test_rfc6376_a2_as_printed_has_the_known_body_erratum() -> None:
    folder = CONFORMANCE / "rfc6376"
    assert verdicts(folder / "A.2-signed.eml", txt_cassette(folder / "dns.json")) == [
        ("neutral", "body_hash_mismatch")]


# RFC 8463 Appendix A ------------------------------------------------------------------------

@pytest.mark.parametrize("endings", ["LF", "CRLF"])
def test_rfc8463_both_signatures_pass(endings: str) -> None:
    folder = CONFORMANCE / "rfc8463"
    raw = (folder / "A.3-signed.eml").read_bytes().replace(b"\r\n", b"\n")
    if endings == "CRLF":
        raw = raw.replace(b"\n", b"\r\n")
    results = verify_dkim(parse_message(raw), txt_cassette(folder / "dns.json"), now=LATER)
    assert [(r.result.value, r.algorithm, r.key_type) for r in results] == [
        ("pass", "ed25519-sha256", "ed25519"), ("pass", "rsa-sha256", "rsa")]


# go-msgauth (SOURCE.txt: its DNS maps test._domainkey.football.example.com to the RFC 6376 key)

GO = CONFORMANCE / "go-msgauth"


@pytest.mark.parametrize(("name", "expected"), [
    ("verifiedMailString.eml", [PASS]),
    ("verifiedRawRSAMailString.eml", [PASS]),  # raw PKCS#1 RSAPublicKey in p=
    ("verifiedEd25519MailString.eml", [PASS, ("fail", "bad_signature")]),  # see SOURCE.txt
    ("tooManySignaturesMailString.eml", [PASS, PASS, PASS]),
    ("unsignedMailString.eml", []),
])
def test_go_msgauth(name: str, expected: list[tuple[str, str]]) -> None:
    assert verdicts(GO / name, txt_cassette(GO / "dns_from_query_test.go.json")) == expected


def test_go_msgauth_ed25519_message_with_the_rfc8463_keys_passes_twice() -> None:
    resolver = txt_cassette(CONFORMANCE / "rfc8463" / "dns.json")
    assert verdicts(GO / "verifiedEd25519MailString.eml", resolver) == [PASS, PASS]


def test_go_msgauth_too_many_signatures_beyond_the_limit_are_not_checked() -> None:
    resolver = txt_cassette(GO / "dns_from_query_test.go.json")
    got = verdicts(GO / "tooManySignaturesMailString.eml", resolver, max_signatures=2)
    assert got == [PASS, PASS, ("none", "not_checked")]


# Stalwart mail-auth resources/dkim: DNS records above the message ---------------------------

def stalwart(path: Path) -> tuple[bytes, CassetteResolver]:
    """Split a Stalwart fixture into the message and a cassette of its inline records."""
    head, _, message = path.read_bytes().partition(b"\n\n")
    records: dict[str, dict[str, list[list[str]]]] = {}
    for line in head.decode().splitlines():
        name, _, value = line.partition(" ")
        records.setdefault(name.rstrip("."), {"TXT": []})["TXT"].append([value])
    return message, CassetteResolver(records)


STALWART = sorted((CONFORMANCE / "stalwart" / "dkim").glob("00*.txt"))


@pytest.mark.parametrize("path", STALWART, ids=lambda p: p.stem)
def test_stalwart_every_signature_passes_at_the_pinned_time(path: Path) -> None:
    message, resolver = stalwart(path)
    results = verify_dkim(parse_message(message), resolver, now=STALWART_NOW)
    assert results and all(r.result.value == "pass" for r in results), _why(results)


def test_stalwart_suite_has_six_messages() -> None:
    assert [p.stem for p in STALWART] == ["001", "002", "003", "004", "005", "006"]


def test_stalwart_005_is_expired_a_day_later() -> None:
    message, resolver = stalwart(CONFORMANCE / "stalwart" / "dkim" / "005.txt")
    results = verify_dkim(parse_message(message), resolver, now=STALWART_NOW + 2 * 86400)
    assert [(r.result.value, r.reason_code, r.expiration) for r in results] == [
        ("neutral", "expired", 1667930064)]


def _why(results: tuple[DkimResult, ...]) -> str:
    return "; ".join(f"{r.domain}/{r.selector}: {r.result} {r.reason_code} {r.detail}" for r in results)
