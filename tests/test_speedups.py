"""The speed-ups give dkimpy's results exactly: same canonical bytes, same verdicts, same errors.

Every DKIM and ARC message of the conformance suites (as published and with CRLF line ends), a
set of freshly signed messages, and generated inputs are run through dkimpy as shipped and
through the FastVerify path; the outcomes must be identical. No timing is asserted.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from typing import Any

import dkim
import dkim.canonicalization as canon
import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from headercheck.checks import _speedups
from headercheck.checks._speedups import FastVerify, relaxed_body, relaxed_header, split_message
from headercheck.checks.arc import check_arc
from headercheck.checks.dkim import verify_dkim
from headercheck.dns import CassetteResolver
from headercheck.message import parse_message
from support.paths import CONFORMANCE

Dns = dict[str, str]
_RELAXED, _SIMPLE = canon.Relaxed, canon.Simple


class FastDKIM(FastVerify, dkim.DKIM):  # type: ignore[misc]
    """The verifier the DKIM layer uses, speed-ups in."""


class FastARC(FastVerify, dkim.ARC):  # type: ignore[misc]
    """The ARC verifier, speed-ups in."""


def _dnsfunc(records: Dns) -> Any:
    def lookup(name: bytes, timeout: float = 5) -> bytes | None:
        found = records.get(name.decode().rstrip(".").lower())
        return found.encode() if found is not None else None

    return lookup


def _outcome(call: Any) -> Any:
    try:
        return ("ok", call())
    except Exception as exc:  # noqa: BLE001 - the exception itself is the outcome compared
        return ("raised", type(exc).__name__, str(exc))


def _arc_result(result: Any) -> Any:
    if isinstance(result, tuple) and len(result) == 3:
        cv, data, reason = result
        return cv, [sorted((k, repr(v)) for k, v in row.items()) for row in data], reason
    return result


def outcomes(message: bytes, records: Dns, fast: bool) -> list[Any]:
    """Every signature's verify outcome, then the ARC chain's, through one verifier each."""
    dkim_cls, arc_cls = (FastDKIM, FastARC) if fast else (dkim.DKIM, dkim.ARC)
    if not fast:
        _speedups.use_speedups(False)
        try:
            return _outcomes(message, records, dkim_cls, arc_cls)
        finally:
            _speedups.use_speedups(True)
    return _outcomes(message, records, dkim_cls, arc_cls)


def _outcomes(message: bytes, records: Dns, dkim_cls: Any, arc_cls: Any) -> list[Any]:
    dnsfunc = _dnsfunc(records)
    created = _outcome(lambda: dkim_cls(message, minkey=0))
    if created[0] != "ok":
        return [created]
    verifier = created[1]
    count = sum(1 for name, _ in verifier.headers if name.lower() == b"dkim-signature")
    found: list[Any] = [count]
    for idx in range(count):
        found.append(_outcome(lambda i=idx: verifier.verify(idx=i, dnsfunc=dnsfunc)))
        found.append(repr(getattr(verifier, "signed_headers", None)))
    arc = _outcome(lambda: arc_cls(message).verify(dnsfunc=dnsfunc))
    found.append(_arc_result(arc[1]) if arc[0] == "ok" else arc)
    return found


def _stalwart(path: Any) -> tuple[bytes, Dns]:
    text = path.read_bytes().replace(b"\r\n", b"\n")
    head, _, message = text.partition(b"\n\n")
    records = {}
    for line in head.decode().splitlines():
        name, _, value = line.partition(" ")
        records[name.lower()] = value
    return message.replace(b"\n", b"\r\n"), records


def _json_dns(path: Any) -> Dns:
    data = json.loads(path.read_text())
    txt = data.get("TXT", {})
    return {k.rstrip(".").lower(): v for k, v in txt.items() if isinstance(v, str)}


def conformance_cases() -> Iterator[tuple[str, bytes, Dns]]:
    """(id, message, TXT records) for every DKIM/ARC message in the conformance suites."""
    for folder, dns_file in (("rfc6376", "dns.json"), ("rfc8463", "dns.json"),
                             ("go-msgauth", "dns_from_query_test.go.json")):
        records = _json_dns(CONFORMANCE / folder / dns_file)
        for eml in sorted((CONFORMANCE / folder).glob("*.eml")):
            yield f"{folder}/{eml.name}", eml.read_bytes(), records
    for path in sorted((CONFORMANCE / "stalwart").glob("*/*.txt")):
        message, records = _stalwart(path)
        yield f"stalwart/{path.parent.name}/{path.name}", message, records
    for path in sorted((CONFORMANCE / "authheaders").glob("*message*")):
        yield f"authheaders/{path.name}", path.read_bytes(), {}
    for doc in yaml.safe_load_all((CONFORMANCE / "arc" / "arc-draft-validation-tests.yml").read_text()):
        records = {k.lower(): v.replace(" ", "").replace("v=DKIM1;k=rsa;p=", "v=DKIM1; k=rsa; p=")
                   for k, v in (doc.get("txt-records") or {}).items()}
        for name, case in (doc.get("tests") or {}).items():
            yield f"arc/{name}", case["message"].encode(), records


CASES = list(conformance_cases())


def test_the_suites_are_there() -> None:
    assert len(CASES) > 180


@pytest.mark.parametrize("line_ends", ["as published", "crlf"])
@pytest.mark.parametrize(("name", "message", "records"), CASES, ids=[c[0] for c in CASES])
def test_conformance_identical(name: str, message: bytes, records: Dns, line_ends: str) -> None:
    if line_ends == "crlf":
        message = message.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    assert outcomes(message, records, fast=True) == outcomes(message, records, fast=False)


@pytest.mark.parametrize(("name", "message", "records"), CASES, ids=[c[0] for c in CASES])
def test_headercheck_dkim_and_arc_identical(name: str, message: bytes, records: Dns) -> None:
    """The DKIM and ARC layers, as wired, report the same with the speed-ups on and off."""
    parsed = parse_message(message)
    resolver = CassetteResolver({k: {"TXT": [[v]]} for k, v in records.items()})
    now = 1667843664.0

    def run() -> Any:
        return verify_dkim(parsed, resolver, now=now), check_arc(parsed, resolver, now=now)

    fast = run()
    _speedups.use_speedups(False)
    try:
        slow = run()
    finally:
        _speedups.use_speedups(True)
    assert fast == slow


def _signed_messages() -> list[tuple[bytes, Dns]]:
    key = rsa.generate_private_key(65537, 2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    der = key.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    seed = bytes(range(32))
    ed_pub = ed25519.Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    records = {"rsa._domainkey.example.com": "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode(),
               "ed._domainkey.example.com": "v=DKIM1; k=ed25519; p=" + base64.b64encode(ed_pub).decode()}
    bodies = [b"", b"\r\n\r\n", b"one line", b"tabs\t and  spaces \t\r\nnext  \r\n\r\n\r\n",
              b"x" * 5000 + b" \r\n" + b"base64==\r\n" * 300, b" leading\r\n\t\r\n  \r\n"]
    out = []
    for i, body in enumerate(bodies):
        head = b"From: a@example.com\r\nSubject:  Hello \t there\r\n folded\r\nTo: b@example.org\r\n"
        msg = head + b"\r\n" + body
        sigs = b""
        for c, length in (((b"relaxed", b"relaxed"), False), ((b"relaxed", b"simple"), i % 2 == 0),
                          ((b"simple", b"simple"), False)):
            sigs += dkim.sign(msg, b"rsa", b"example.com", pem, canonicalize=c, length=length,
                              include_headers=[b"from", b"subject", b"to"])
        sigs += dkim.sign(msg, b"ed", b"example.com", base64.b64encode(seed), canonicalize=(b"relaxed",
                          b"relaxed"), signature_algorithm=b"ed25519-sha256", include_headers=[b"from"])
        out.append((sigs + msg, records))
        out.append((sigs + msg + b"added after signing\r\n", records))
    return out


def test_signed_messages_identical() -> None:
    for i, (message, records) in enumerate(_signed_messages()):
        fast = outcomes(message, records, fast=True)
        assert fast == outcomes(message, records, fast=False)
        assert fast[1] == ("ok", True) or i % 2 == 1  # odd ones were changed after signing


def test_switched_off_takes_dkimpys_path() -> None:
    _speedups.use_speedups(False)
    try:
        verifier = FastDKIM(b"From: a@example.com\r\n\r\nbody\r\n")
    finally:
        _speedups.use_speedups(True)
    assert _speedups.body_forms(verifier.body) is None
    assert _speedups.body_forms(FastDKIM(b"From: a@example.com\r\n\r\nbody\r\n").body) is not None


def test_threads_get_the_same_results() -> None:
    cases = [(m, r) for _, m, r in CASES[:40]] + _signed_messages()
    expected = [outcomes(m, r, fast=True) for m, r in cases]
    failures: list[int] = []

    def work() -> None:
        for i, (m, r) in enumerate(cases):
            if outcomes(m, r, fast=True) != expected[i]:
                failures.append(i)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


_WSP = st.binary(max_size=300).map(lambda b: bytes(b" \t\r\nab"[x % 6] for x in b))


@settings(max_examples=400)
@given(_WSP)
def test_relaxed_body_is_dkimpys(body: bytes) -> None:
    assert relaxed_body(body) == _RELAXED.canonicalize_body(body)


@settings(max_examples=400)
@given(_WSP, _WSP)
def test_relaxed_header_is_dkimpys(name: bytes, value: bytes) -> None:
    assert [relaxed_header(name, value)] == _RELAXED.canonicalize_headers([(name, value)])


@settings(max_examples=400)
@given(st.binary(max_size=200).map(lambda b: bytes(b"\r\nF :a\t b"[x % 9] for x in b)))
def test_split_message_is_rfc822_parse(message: bytes) -> None:
    fast = _outcome(lambda: split_message(message))
    if fast == ("ok", None):
        return  # bare LF: dkimpy's own parser is used
    slow = _outcome(lambda: dkim.rfc822_parse(message))
    if slow[0] == "ok":
        slow = ("ok", (slow[1][0], slow[1][1]))
    assert fast == slow


def test_rsa_verify_edge_cases_match_dkimpy() -> None:
    """Signatures OpenSSL would refuse (>= n, wrong length) still get dkimpy's answer."""
    key = rsa.generate_private_key(65537, 1024)
    n = key.public_key().public_numbers().n
    pk = {"modulus": n, "publicExponent": 65537}
    good = dkim.crypto.rsa_decrypt(
        dkim.crypto.EMSA_PKCS1_v1_5_encode(dkim.crypto.hashlib.sha256(b"m"), 128),
        dkim.crypto.parse_private_key(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption())), 128)
    sig = bytes(good)
    wrapped = (int.from_bytes(sig, "big") + n).to_bytes(129, "big")
    for signature in (sig, sig[:-1] + b"\x00", sig[1:], wrapped, b"\x00" + sig, b""):
        for data in (b"m", b"other"):
            h = dkim.crypto.hashlib.sha256(data)
            slow = _outcome(lambda s=signature, h=h: dkim.crypto.RSASSA_PKCS1_v1_5_verify(h, s, pk))
            marked = _speedups._mark_key(pk)
            fast = _outcome(lambda s=signature, h=h, k=marked: _speedups._rsa_verify(h, s, k))
            assert fast == slow, (signature[:4], data)
