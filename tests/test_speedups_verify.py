"""The DKIM fast path (_speedups_verify) and its helpers give dkimpy's answers (no timing).

``fast_verify`` may only say True where dkimpy's ``verify`` says True (else None: dkimpy decides);
the helpers it relies on are compared with dkimpy's functions on every conformance signature
and on generated input; the per-message and per-key caches are keyed by everything they use.
"""

from __future__ import annotations

import base64
import dataclasses
import re
from typing import Any

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from headercheck.checks import _speedups, _speedups_blocks, _speedups_text
from headercheck.checks._dkimsig import check_key
from headercheck.checks._dkimverifier import Split, open_message
from headercheck.checks._speedups import relaxed_body
from headercheck.checks._speedups_verify import fast_verify, prepare
from headercheck.checks.dkim import Verifier, _parse, make_verifier, verify_dkim
from headercheck.dns import Answer, CassetteResolver, Status
from headercheck.message import parse_message
from test_speedups import CASES, FastDKIM, _dnsfunc, _outcome, _signed_messages

_UNFOLD = re.compile(rb"\r?\n(?=[ \t])")
_VALUE = st.lists(st.sampled_from([b"a", b"Z", b"0", b"9", b"+", b"/", b"=", b"@", b".", b";", b":",
                                   b" ", b"\t", b"\r\n ", b"\r\n", b"\n", b"\x0b", b"\xc3\xa9",
                                   b"rsa-sha256", b"dns/txt", b"example.com", b"1"]),
                  max_size=12).map(b"".join)
_TAGS = st.dictionaries(st.sampled_from([b"v", b"a", b"b", b"bh", b"d", b"h", b"s", b"i", b"l", b"q",
                                         b"cv", b"c"]), _VALUE, max_size=12)


@settings(max_examples=1500)
@given(st.lists(st.sampled_from([b"a", b"b", b" ", b"\t", b"\r", b"\n", b"\r\n", b" \r\n", b"\r\n\r\n"]),
                max_size=60).map(b"".join), st.integers(1, 12))
def test_relaxed_body_in_windows_is_dkimpys(body: bytes, window: int) -> None:
    assert relaxed_body(body, window) == dkim.canonicalization.Relaxed.canonicalize_body(body)


def _dkimpy_fields(sig: dict[bytes, bytes]) -> Any:
    return _outcome(lambda: dkim.validate_signature_fields(sig))


@settings(max_examples=3000)
@given(_TAGS)
def test_validate_signature_fields_is_dkimpys(sig: dict[bytes, bytes]) -> None:
    fast = _outcome(lambda: _speedups_text.validate_signature_fields(sig))
    assert fast == _dkimpy_fields(sig)


@settings(max_examples=1500)
@given(st.lists(st.sampled_from([b"a", b" ", b"\t", b"\r", b"\n", b"\r\n", b"\r\n ", b"\r\n\t"]),
                max_size=20).map(b"".join))
def test_unfold_is_the_pattern(raw: bytes) -> None:
    assert _speedups_text.unfold(raw) == _UNFOLD.sub(b"", raw)


@settings(max_examples=1500)
@given(st.lists(st.sampled_from([b"From: a\r\n", b"To: b\r\n", b" c\r\n", b"\tc\r\n", b"X :y\r\n",
                                 b"From x\r\n", b"\r\n", b"bad line\r\n", b"A:\r\n", b"a:b:c\r\n",
                                 b"body"]), max_size=8).map(b"".join))
def test_split_from_fields_is_split_message(message: bytes) -> None:
    parsed = parse_message(message)
    fields = [(h.name.encode("ascii", "replace"), h.raw) for h in parsed.headers]
    found = _speedups_text.split_from_fields(parsed.raw, fields)
    if found is not None:
        slow = _speedups_text.split_message(parsed.raw, True)
        assert slow is not None and (found[0], parsed.raw[found[1]:]) == slow


def test_split_from_fields_refuses_what_it_cannot_prove() -> None:
    raw = b"A: 1\r\nB: 2\r\n\r\nbody"
    assert _speedups_text.split_from_fields(raw, [(b"A", b" 1"), (b"B", b" 2")]) == (
        [[b"A", b" 1\r\n"], [b"B", b" 2\r\n"]], len(raw) - 4)
    assert _speedups_text.split_from_fields(raw, [(b"A", b" 1\r\nB: 2")]) is None  # a line, not a fold
    assert _speedups_text.split_from_fields(raw, [(b"A ", b" 1"), (b"B", b" 2")]) is None
    assert _speedups_text.split_from_fields(raw, [(b"A", b" 1")]) is None


def _signature_cases() -> list[tuple[str, bytes, dict[str, str]]]:
    signed = [(f"signed{i}", m, r) for i, (m, r) in enumerate(_signed_messages())]
    return [c for c in CASES if b"dkim-signature" in c[1].lower()] + signed


SIGNATURE_CASES = _signature_cases()


@pytest.mark.parametrize(("name", "message", "records"), SIGNATURE_CASES, ids=[c[0] for c in SIGNATURE_CASES])
def test_fast_verify_says_true_only_where_dkimpy_does(name: str, message: bytes, records: Any) -> None:
    message = message.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    dnsfunc = _dnsfunc(records)
    made = _outcome(lambda: FastDKIM(message, minkey=0))
    if made[0] != "ok":
        return
    count = sum(1 for n, _ in made[1].headers if n.lower() == b"dkim-signature")
    for idx in range(count):
        fast = fast_verify(Verifier(message, minkey=0), idx, dnsfunc)
        _speedups.use_speedups(False)
        try:  # our verifier (t= and x= are judged apart) on dkimpy's paths end to end
            slow = _outcome(lambda i=idx: Verifier(message, minkey=0).verify(idx=i, dnsfunc=dnsfunc))
        finally:
            _speedups.use_speedups(True)
        assert fast in (True, None)
        assert fast is None or slow == ("ok", True), (idx, slow)


def test_fast_verify_is_taken_for_good_signatures_and_not_when_switched_off() -> None:
    message, records = _signed_messages()[2]
    verifier = FastDKIM(message, minkey=0)
    assert [fast_verify(verifier, i, _dnsfunc(records)) for i in range(4)] == [True] * 4
    _speedups.use_speedups(False)
    try:
        assert fast_verify(FastDKIM(message, minkey=0), 0, _dnsfunc(records)) is None
    finally:
        _speedups.use_speedups(True)


@pytest.mark.parametrize(("name", "message", "records"), SIGNATURE_CASES, ids=[c[0] for c in SIGNATURE_CASES])
def test_prepare_gives_dkimpys_parse_of_our_tags(name: str, message: bytes, records: Any) -> None:
    """Our tags are dkimpy's parse with each value unfolded; validation agrees on both."""
    from headercheck.checks._dkimsig import parse_tags

    parsed = parse_message(message)
    made = _outcome(lambda: make_verifier(parsed))
    if made[0] != "ok":
        return
    for idx, header in enumerate(parsed.get_all("DKIM-Signature")):
        found = prepare(made[1], idx, header.raw)
        if found is None:
            continue
        _, sig = found
        tags = parse_tags(header.raw)
        assert tags == {k: _speedups_text.unfold(v) for k, v in sig.items()}
        assert _parse(made[1], idx, header.raw) == (tags, found)  # what _verify_one uses
        assert sig == dkim.util.parse_tag_value(header.raw + b"\r\n")
        plain = {k: v for k, v in tags.items() if k not in (b"t", b"x")}
        folded = {k: v for k, v in sig.items() if k not in (b"t", b"x")}
        assert (_dkimpy_fields(plain)[0] == "ok") == (_dkimpy_fields(folded)[0] == "ok")


def _two_signatures_one_body() -> tuple[bytes, CassetteResolver]:
    """Two relaxed/relaxed signatures over one body, one with l= covering its first line."""
    key = rsa.generate_private_key(65537, 2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    der = key.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    msg = b"From: a@example.com\r\nTo: b@example.org\r\n\r\nfirst line\r\n"
    sigs = b""
    for length in (True, False):
        sigs += dkim.sign(msg, b"s", b"example.com", pem, canonicalize=(b"relaxed", b"relaxed"),
                          length=length, include_headers=[b"from", b"to"])
    record = "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()
    return sigs + msg + b"appended by a list\r\n", CassetteResolver({"s._domainkey.example.com": {
        "TXT": [[record]]}})


def test_body_hashes_are_kept_per_l_value() -> None:
    raw, resolver = _two_signatures_one_body()
    results = verify_dkim(parse_message(raw), resolver, now=2e9)
    assert [r.reason_code for r in results] == ["pass_partial_body", "body_hash_mismatch"]


def test_key_checks_are_remembered_per_algorithm_and_not_for_dns_failures() -> None:
    answer = Answer("s._domainkey.example.com", "TXT", Status.NOERROR,
                    ((b"v=DKIM1; h=sha256; p=" + base64.b64encode(b"\x00" * 8),),))
    first = check_key({b"a": b"rsa-sha1"}, answer)
    assert first.verdict is not None and first.verdict.code == "key_hash_mismatch"
    assert check_key({b"a": b"rsa-sha1"}, answer) == first
    assert check_key({b"a": b"rsa-sha256"}, answer).verdict != first.verdict
    strict = Answer("s._domainkey.example.com", "TXT", Status.NOERROR, ((b"v=DKIM1; t=s; p=AAAA",),))
    same = check_key({b"a": b"rsa-sha256", b"d": b"example.com", b"i": b"@example.com"}, strict)
    sub = check_key({b"a": b"rsa-sha256", b"d": b"example.com", b"i": b"@a.example.com"}, strict)
    assert sub.verdict is not None and sub.verdict.code == "key_strict_identity" and sub != same
    failed = Answer("s._domainkey.example.com", "TXT", Status.SERVFAIL)
    assert check_key({b"a": b"rsa-sha256"}, failed).verdict.code == "key_unavailable"  # type: ignore[union-attr]


def test_split_is_what_dkimpys_verifier_takes() -> None:
    """``open_message`` builds no dkimpy object; the Verifier built later takes the same split."""
    seen = 0
    for _, message, _ in SIGNATURE_CASES:
        parsed = parse_message(message)
        opened = _outcome(lambda p=parsed: open_message(p))
        if opened[0] != "ok" or not isinstance(opened[1], Split):
            continue
        split = opened[1]
        _speedups.use_speedups(False)
        try:
            plain = dkim.DKIM(parsed.raw)
        finally:
            _speedups.use_speedups(True)
        assert (list(map(list, plain.headers)), plain.body) == (list(split.headers), split.body)
        assert split.verifier().headers is split.headers and split.verifier() is split.verifier()
        seen += 1
    assert seen > len(SIGNATURE_CASES) // 2


def test_verify_dkim_on_signed_messages_is_dkimpys() -> None:
    """Whole results (fast path, shared body digests, result building) with the speed-ups off."""
    for message, records in _signed_messages():
        parsed = parse_message(message)
        resolver = CassetteResolver({k: {"TXT": [[v]]} for k, v in records.items()})
        fast = verify_dkim(parsed, resolver, now=2e9)
        _speedups.use_speedups(False)
        try:
            slow = verify_dkim(parsed, resolver, now=2e9)
        finally:
            _speedups.use_speedups(True)
        assert fast == slow
        assert [tuple(vars(r)) for r in fast] == [tuple(f.name for f in dataclasses.fields(r)) for r in fast]


def test_rsa_and_ed25519_signatures_share_one_body_digest() -> None:
    message, records = _signed_messages()[2]  # rsa and ed25519, both relaxed/relaxed, no l=
    parsed = parse_message(message)
    resolver = CassetteResolver({k: {"TXT": [[v]]} for k, v in records.items()})
    assert all(r.reason_code == "pass" for r in verify_dkim(parsed, resolver, now=2e9))
    forms = _speedups.body_forms(parsed.body)
    assert forms is not None
    assert [k for k in forms if isinstance(k, tuple) and k[0] == b"relaxed"] == [
        (b"relaxed", None, dkim.HASH_ALGORITHMS[b"rsa-sha256"])]


_NAMES = st.sampled_from([b"From", b"from", b"To", b"X-A", b"x-a", b"Subject"])


@settings(max_examples=800)
@given(st.lists(st.tuples(_NAMES, st.sampled_from([b" a", b"\tb  c", b" d\r\n e"])), max_size=8),
       st.lists(st.sampled_from([b"from", b"to", b"x-a", b"subject", b"cc"]), max_size=8), st.booleans())
def test_selected_is_select_headers(fields: list[tuple[bytes, bytes]], include: list[bytes],
                                    relaxed: bool) -> None:
    """Header selection by counting, one name index for both canonicalisations (RFC 6376 §5.4.2)."""
    raw = b"".join(n + b":" + v + b"\r\n" for n, v in fields) + b"\r\nbody"
    parsed = _speedups_text.split_message(raw, True)
    assert parsed is not None and all(not any(c in b" \t" for c in n) for n, _ in parsed[0])
    headers = _speedups._Headers(parsed[0])
    algorithm = dkim.canonicalization.Relaxed if relaxed else dkim.canonicalization.Simple
    other = _speedups_blocks._selected(headers, not relaxed, include)  # builds the shared index first
    slow = dkim.select_headers(list(algorithm.canonicalize_headers(parsed[0])), include)
    assert _speedups_blocks._selected(headers, relaxed, include) == [n + b":" + v for n, v in slow]
    assert len(other) == len(slow)
