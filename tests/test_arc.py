"""check_arc(): chains sealed here with a fresh key, served by an offline Resolver."""

from __future__ import annotations

import base64
import re
from typing import Any

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from headercheck.checks.arc import MAX_INSTANCES, check_arc, oldest_pass
from headercheck.dns import CassetteResolver
from headercheck.message import parse_message
from headercheck.results import Result

T0 = 2_000_000_000  # 2033: a seal time the wall clock has not reached
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=1024)
PRIVATE = _KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())
PUBLIC = base64.b64encode(_KEY.public_key().public_bytes(
    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode()
ZONE: dict[str, Any] = {"arc._domainkey.example.net": {"TXT": [[f"v=DKIM1; k=rsa; p={PUBLIC}"]]}}
BASE = (b"From: a@example.com\r\nTo: b@example.org\r\nSubject: hello\r\n"
        b"Date: Mon, 01 Jan 2033 00:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n\r\nHello.\r\n")


def seal(message: bytes, hops: int = 1, when: int = T0) -> bytes:
    """Add hops ARC sets, each after an Authentication-Results header of its own hop."""
    for hop in range(hops):
        srv = f"hop{hop + 1}.example.net".encode()
        arc = b" arc=pass;" if hop else b""
        ar = b"Authentication-Results: " + srv + b";" + arc + b" spf=pass smtp.mailfrom=example.com\r\n"
        message = ar + message
        headers = dkim.arc_sign(message, b"arc", b"example.net", PRIVATE, srv, timestamp=when + hop)
        message = b"".join(headers) + message
    return message


def check(raw: bytes, zone: dict[str, Any] | None = None, now: float = T0 + 60) -> Any:
    return check_arc(parse_message(raw), CassetteResolver(ZONE if zone is None else zone), now=now)


def test_no_arc_headers_is_none() -> None:
    assert check(BASE) is None


def test_two_sets_pass() -> None:
    result = check(seal(BASE, 2))
    assert result.result is Result.PASS and result.oldest_pass == 0
    assert [(i.instance, i.cv, i.domain, i.selector) for i in result.instances] == [
        (2, "pass", "example.net", "arc"), (1, "none", "example.net", "arc")]
    assert result.instances[0].authentication_results.startswith("hop2.example.net; arc=pass")


def test_body_change_fails_the_newest_ams() -> None:
    result = check(seal(BASE).replace(b"Hello.", b"Hacked"))
    assert result.result is Result.FAIL and "did not validate" in result.reason
    assert result.instances[0].ams_result is Result.FAIL


def test_pinned_clock_decides_t_rfc8617() -> None:
    """dkimpy reads the wall clock for t=; headercheck pins it to now (the defect shown once)."""
    sealed = seal(BASE)
    assert check(sealed, now=T0 + 60).result is Result.PASS
    assert "future" in check(sealed, now=T0 - 86_400).reason


def test_dns_failure_is_temperror() -> None:
    result = check(seal(BASE), {"arc._domainkey.example.net": {"TXT": "SERVFAIL"}})
    assert result.result is Result.TEMPERROR


def test_missing_key_fails() -> None:
    assert check(seal(BASE), {}).result is Result.FAIL


def test_gap_in_instances_fails() -> None:
    sealed = seal(BASE, 3)
    gapped = re.sub(rb"ARC-[A-Za-z-]+: i=2;.*?(?=\r\n[^ \t])\r\n", b"", sealed, flags=re.S)
    assert b"i=2;" not in gapped
    result = check(gapped)
    assert result.result is Result.FAIL and "instance 2" in result.reason


def test_duplicate_set_fails() -> None:
    sealed = seal(BASE)
    first_seal = re.search(rb"ARC-Seal: .*?\r\n(?=[^ \t])", sealed, flags=re.S)
    assert first_seal is not None
    result = check(first_seal.group(0) + sealed)
    assert result.result is Result.FAIL and "Duplicate" in result.reason


def test_more_than_fifty_sets_fails_without_a_traceback() -> None:
    raw = b"ARC-Seal: i=51; a=rsa-sha256; cv=pass; d=example.net; s=arc; b=AAAA\r\n" + seal(BASE)
    result = check(raw)
    assert result.result is Result.FAIL and str(MAX_INSTANCES) in result.reason


def test_headers_without_instance_fail() -> None:
    raw = b"ARC-Seal: a=rsa-sha256; cv=none; d=example.net; s=arc; b=AAAA\r\n" + BASE
    assert check(raw).result is Result.FAIL


@pytest.mark.parametrize("junk", [b"ARC-Seal: i=1; garbage\r\n", b"ARC-Message-Signature: i=1; h=\r\n",
                                  b"ARC-Authentication-Results: i=1\r\n"])
def test_garbage_sets_fail_without_a_traceback(junk: bytes) -> None:
    assert check(junk + BASE).result is Result.FAIL


def test_oldest_pass_rfc8617_5_2() -> None:
    data = [{"instance": 3, "ams-valid": True}, {"instance": 2, "ams-valid": True},
            {"instance": 1, "ams-valid": False}]
    assert oldest_pass(data) == 2
    assert oldest_pass([{"instance": 1, "ams-valid": True}]) == 0
