"""DKIM: verify every DKIM-Signature via dkimpy (RFC 6376, RFC 8301, RFC 8463).

dkimpy does the canonicalisation and the cryptography; the rules it gets wrong or leaves out
(t=/x= by the wall clock, key h= ignored, rsa-sha1 accepted, short keys) are judged in
``_dkimsig``; every exception dkimpy can raise becomes a result in ``map_exception``.
"""

from __future__ import annotations

import binascii
import dataclasses
import re
from typing import Any

import dkim
from dkim.util import InvalidTagValueList

from headercheck.checks._dkimpy import DkimpyDns
from headercheck.checks._dkimsig import (
    REASONS,
    KeyInfo,
    Tags,
    Verdict,
    check_key,
    check_signature,
    compact,
    number,
    parse_tags,
    policy_verdict,
    signed_headers,
)
from headercheck.checks._dkimverifier import Split, Verifier, make_verifier, open_message
from headercheck.checks._speedups_text import unfold
from headercheck.checks._speedups_verify import Prepared, fast_verify, prepare
from headercheck.dns import Resolver
from headercheck.message import Header, Message
from headercheck.results import DkimResult, Result

#: DkimResult's evidence fields (everything but the verdict), by name
Evidence = dict[str, Any]
MAX_KEY_RECORDS = 5  # RFC 6376 §6.1.2 step 3 lets a verifier cycle through several key records
__all__ = ["Verifier", "make_verifier", "map_exception", "verify_dkim"]


def map_exception(exc: BaseException) -> Verdict:
    """Translate anything dkimpy (or a malformed signature) raises into a verdict."""
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, InvalidTagValueList):
        return Verdict("bad_format", f"tag=value syntax error near {exc}")
    if isinstance(exc, dkim.ValidationError):
        if "body hash mismatch" in str(exc):
            return Verdict("body_hash_mismatch", str(exc))
        if "i= domain is not a subdomain of d=" in str(exc):  # RFC 6376 §6.1.1
            return Verdict("auid_mismatch", str(exc))
        return Verdict("bad_format", str(exc))
    if isinstance(exc, dkim.MessageFormatError):
        code = "message_format" if "RFC822 header" in str(exc) else "bad_format"
        return Verdict(code, str(exc))
    if isinstance(exc, dkim.DnsTimeoutError):
        return Verdict("key_unavailable", str(exc))
    if isinstance(exc, dkim.UnknownKeyTypeError):
        return Verdict("key_type_mismatch", text)
    if isinstance(exc, dkim.NaClNotFoundError):
        return Verdict("unsupported_algorithm", "ed25519 needs PyNaCl, which is not installed")
    if isinstance(exc, dkim.KeyFormatError):
        return Verdict("bad_key_format", str(exc))
    if isinstance(exc, (binascii.Error, IndexError, KeyError)):
        return Verdict("bad_format", text)
    return Verdict("verify_error", text)


def _text(tags: Tags, tag: bytes) -> str:
    value = tags.get(tag)
    return "" if value is None else value.decode("utf-8", "replace").strip()


def _head(value: bytes) -> str:
    """``compact(value)[:8]``, reading no more of value than it needs (compact works bytewise)."""
    start = compact(value[:64])
    return start[:8] if len(start) >= 8 else compact(value)[:8]


def describe(tags: Tags, index: int) -> Evidence:
    """The evidence a signature carries, before any verdict (RFC 6376 §3.5): DkimResult fields."""
    domain, selector = _text(tags, b"d"), _text(tags, b"s")
    return {
        "domain": domain, "selector": selector,
        "auid": _text(tags, b"i") or (f"@{domain}" if domain else ""),
        "algorithm": _text(tags, b"a"),
        "canonicalization": _text(tags, b"c") if b"c" in tags else "simple/simple",
        "header_b": _head(tags.get(b"b", b"")),
        "body_length": number(tags, b"l"), "timestamp": number(tags, b"t"),
        "expiration": number(tags, b"x"), "signed_headers": signed_headers(tags),
        "dns_name": f"{selector}._domainkey.{domain}" if domain and selector else "", "index": index,
    }


def _unsigned_bytes(verifier: Verifier | Split, tags: Tags) -> int:
    """Canonical body bytes past l= (RFC 6376 §3.4.5, §8.2)."""
    limit = number(tags, b"l")
    if limit is None:
        return 0
    policy = dkim.CanonicalizationPolicy.from_c_value(tags.get(b"c", b"simple/simple").strip())
    return max(0, len(policy.canonicalize_body(verifier.body)) - limit)


def _judge(
    verifier: Verifier | Split | Exception, base: Evidence, tags: Tags, dns: DkimpyDns, now: float,
    prepared: Prepared | None = None,
) -> tuple[Verdict, KeyInfo | None, int]:
    """Signature rules, key rules, then dkimpy's cryptographic check (RFC 6376 §6.1).

    Several key records at one name: each is tried in turn and the first that verifies wins;
    otherwise the first record's verdict is reported (RFC 6376 §6.1.2 step 3).
    """
    early = check_signature(tags, now, base["signed_headers"])
    if early is not None:
        return early, None, 0
    answer = dns.lookup(base["dns_name"])
    first: tuple[Verdict, KeyInfo | None, int] | None = None
    for index in range(min(max(1, len(answer.txt())), MAX_KEY_RECORDS)):
        outcome = _judge_with_key(verifier, base, tags, dns, check_key(tags, answer, index), prepared)
        if outcome[0].result in (Result.PASS, Result.POLICY):
            return outcome
        first = first or outcome
        dns.choose(base["dns_name"], index + 1)
    assert first is not None
    return first


def _judge_with_key(
    verifier: Verifier | Split | Exception, base: Evidence, tags: Tags, dns: DkimpyDns, key: KeyInfo,
    prepared: Prepared | None = None,
) -> tuple[Verdict, KeyInfo | None, int]:
    """One key record: its rules, then dkimpy's cryptographic check with that record."""
    if key.verdict is not None:
        return key.verdict, key, 0
    if isinstance(verifier, Exception):
        raise verifier
    try:
        index = base["index"]
        verified = fast_verify(verifier, index, dns, prepared) or _dkimpy(verifier).verify(
            idx=index, dnsfunc=dns)
    except Exception as exc:  # noqa: BLE001 - every failure is a result (map_exception)
        return map_exception(exc), key, 0
    if not verified:
        return Verdict("bad_signature", "the header hash does not match b="), key, 0
    unsigned = _unsigned_bytes(verifier, tags)
    return policy_verdict(tags, key, unsigned), key, unsigned


def _dkimpy(verifier: Verifier | Split) -> Verifier:
    return verifier.verifier() if isinstance(verifier, Split) else verifier


def _finish(base: Evidence, verdict: Verdict, key: KeyInfo | None, unsigned: int) -> DkimResult:
    result, reason = REASONS[verdict.code]
    values = {
        **base, "result": result, "reason_code": verdict.code, "reason": reason,
        "detail": verdict.detail, "key_bits": key.bits if key else None,
        "key_type": key.key_type if key else "", "unsigned_bytes": unsigned,
        "key_testing": key.testing if key else False,
    }
    if len(values) != len(_FIELDS):  # _loose evidence: the constructor fills the defaults
        return DkimResult(**values)
    made = object.__new__(DkimResult)  # as message._new_header: no per-field object.__setattr__
    made.__dict__.update({name: values[name] for name in _FIELDS})  # in field order, as __init__
    return made


_FIELDS = tuple(f.name for f in dataclasses.fields(DkimResult))


def _loose(header: Header, index: int) -> Evidence:
    """d= and s= read leniently from a signature whose tag list does not parse."""
    found = dict(re.findall(rb"(?:^|;)\s*([ds])\s*=\s*([^;\s]+)", header.raw))
    domain, selector = (found.get(k, b"").decode("utf-8", "replace") for k in (b"d", b"s"))
    return {"domain": domain, "selector": selector, "auid": f"@{domain}" if domain else "",
            "index": index}


def _parse(verifier: Verifier | Split | Exception, index: int, raw: bytes) -> tuple[Tags, Prepared | None]:
    """``parse_tags(raw)`` and ``prepare``'s parse of the same signature, parsed once.

    ``prepare`` parses dkimpy's value, ``raw`` with its folding: when no tag name holds a line
    break (``prepare`` checks), unfolding each value gives ``parse_tags(raw)`` (unfolding moves
    no ``;`` or ``=`` and commutes with the strip of each value; see ``prepare``).

    :raises dkim.util.InvalidTagValueList: the list is not valid tag=value syntax.
    """
    prepared = None if isinstance(verifier, Exception) else prepare(verifier, index, raw)
    if prepared is None:
        return parse_tags(raw), None
    tags = dict(prepared[1])
    for tag, value in prepared[1].items():
        if b"\n" in value:
            tags[tag] = unfold(value)
    return tags, prepared


def _verify_one(
    verifier: Verifier | Split | Exception, index: int, header: Header, dns: DkimpyDns, now: float
) -> DkimResult:
    base: Evidence | None = None
    key: KeyInfo | None = None
    unsigned = 0
    try:
        tags, prepared = _parse(verifier, index, header.raw)
        base = describe(tags, index)
        verdict, key, unsigned = _judge(verifier, base, tags, dns, now, prepared)
    except Exception as exc:  # noqa: BLE001 - every failure is a result (map_exception)
        verdict = map_exception(exc)
    return _finish(base if base is not None else _loose(header, index), verdict, key, unsigned)


def _not_checked(header: Header, index: int, limit: int) -> DkimResult:
    try:
        base = describe(parse_tags(header.raw), index)
    except InvalidTagValueList:
        base = _loose(header, index)
    verdict = Verdict("not_checked", f"only the first {limit} signatures are verified")
    return _finish(base, verdict, None, 0)


def verify_dkim(
    message: Message, resolver: Resolver, *, now: float, max_signatures: int = 10
) -> tuple[DkimResult, ...]:
    """One result per DKIM-Signature, top to bottom (RFC 6376 §6.1; RFC 8301; RFC 8463).

    :param now: the time (epoch seconds) t= and x= are judged against.
    :param max_signatures: signatures past this many are reported as not checked.
    """
    headers = message.get_all("DKIM-Signature")
    if not headers:
        return ()
    dns = DkimpyDns(resolver)
    verifier: Verifier | Split | Exception
    try:
        verifier = open_message(message)
    except Exception as exc:  # noqa: BLE001 - reported on each signature via map_exception
        verifier = exc
    return tuple(
        _verify_one(verifier, i, h, dns, now) if i < max_signatures
        else _not_checked(h, i, max_signatures)
        for i, h in enumerate(headers)
    )
