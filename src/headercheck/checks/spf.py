"""SPF (RFC 7208) via pyspf with our Resolver, for the MAIL FROM and the HELO identities.

pyspf evaluates (through checks/_pyspf.py, the one DNS adapter); this module picks the identities
(RFC 7208 §2.3, §2.4), explains the outcome and writes the receiver-style comment and
Received-SPF text. Only TXT records are evaluated (RFC 7208 §3.1); a type-99 SPF record beside
them is reported as a note.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import spf

from headercheck._received import parse_ip
from headercheck.checks import _pyspf, _spf_memo, _spf_text
from headercheck.dns import Answer, Resolver
from headercheck.results import Envelope, Result, SpfResult

RECOMMENDED_RECORD_BYTES = 450  # RFC 7208 §3.4
_LABEL = re.compile(r"^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?|[^\x00-\x7f]+.*)$", re.IGNORECASE)


@lru_cache(maxsize=4096)
def domain_ok(domain: str) -> bool:
    """A multi-label domain with sane labels (RFC 7208 §4.3); malformed names give none.

    A pure function of the text, remembered (the same domains recur).
    """
    labels = domain.rstrip(".").split(".")
    return len(labels) > 1 and all(0 < len(x) <= 63 and _LABEL.match(x) for x in labels)


def _none(scope: str, reason: str, envelope: Envelope, ip: str = "") -> SpfResult:
    return SpfResult(result=Result.NONE, scope=scope, reason=reason, client_ip=ip,
                     helo=envelope.helo or "")


def check_spf(envelope: Envelope, resolver: Resolver, now: float | None = None
              ) -> tuple[SpfResult | None, SpfResult | None]:
    """SPF for the MAIL FROM identity and, separately, the HELO identity (RFC 7208 §2.3, §2.4).

    No client IP gives MAIL FROM ``none`` with a reason that asks for ``--ip``; no HELO name
    gives no HELO result (None). ``now`` is the time the %{t} macro expands to (RFC 7208 §7.3;
    None: the wall clock).
    """
    if not envelope.ip:
        return _none("mailfrom", "no client IP is known (the trusted Received headers name "
                     "none): pass --ip to check SPF", envelope), None
    parsed = parse_ip(envelope.ip)
    if parsed is None:  # pyspf would raise from its constructor (_pyspf defect 2)
        return _none("mailfrom", f"client IP {envelope.ip!r} is not an IP address: pass a valid "
                     "--ip", envelope), None
    ip = parsed[0]
    return _mailfrom(envelope, ip, resolver, now), _helo(envelope, ip, resolver, now)


def _mailfrom(envelope: Envelope, ip: str, resolver: Resolver, now: float | None) -> SpfResult:
    helo = envelope.helo or ""
    sender = (envelope.mail_from or "").strip().strip("<>").strip()
    if envelope.mail_from is None:
        return _none("mailfrom", "the MAIL FROM is unknown (no trusted Return-Path): pass "
                     "--mail-from", envelope, ip)
    if not sender and not helo:
        return _none("mailfrom", "null sender <> and no HELO name: SPF checks postmaster@HELO "
                     "(RFC 7208 §2.4): pass --helo", envelope, ip)
    local, domain = spf.split_email(sender, helo)
    if not domain_ok(domain):
        return _none("mailfrom", f"{domain!r} is not a valid domain name (RFC 7208 §4.3)",
                     envelope, ip)
    return _run("mailfrom", f"{local}@{domain}", domain, sender, envelope, ip, resolver, now)


def _helo(envelope: Envelope, ip: str, resolver: Resolver, now: float | None) -> SpfResult | None:
    helo = (envelope.helo or "").strip().rstrip(".")
    if not helo:
        return None
    if parse_ip(helo) is not None:
        return _none("helo", f"the HELO {helo} is an address literal: there is no HELO identity to "
                     "check (RFC 7208 §2.3)", envelope, ip)
    if not domain_ok(helo):
        return _none("helo", f"the HELO {helo!r} is not a fully qualified domain name: there is "
                     "no HELO identity to check (RFC 7208 §2.3, §4.3)", envelope, ip)
    return _run("helo", helo, helo, "", envelope, ip, resolver, now)


def _run(scope: str, identity: str, domain: str, sender: str, envelope: Envelope, ip: str,
         resolver: Resolver, now: float | None = None) -> SpfResult:
    receiver = envelope.receiver or ""
    helo = envelope.helo or ""
    out = _spf_memo.evaluate(resolver, ip, sender, helo, receiver, now)
    fixed = _fixed(out, domain, resolver)
    result, problem = fixed.result, fixed.problem
    comment = _spf_text.comment(result.value, identity, domain, ip, receiver, problem)
    return SpfResult(
        result=result, scope=scope, reason=_reason(result, out, domain, ip, fixed.record),
        domain=domain, identity=identity, client_ip=ip, helo=helo,
        mechanism=out.mechanism, lookups=out.lookups, void_lookups=out.void_lookups,
        explanation=fixed.explanation, comment=comment, record=fixed.record,
        received_spf=_spf_text.received_spf(
            result.value, comment, ip=ip, identity=identity, scope=scope, helo=helo,
            receiver=receiver, mechanism=out.mechanism, problem=problem),
        notes=fixed.notes, dns_names=fixed.dns_names,
    )


class _Fixed(NamedTuple):
    """What an outcome means for its domain whatever the client IP and envelope."""

    result: Result
    record: str
    problem: str
    explanation: str
    notes: tuple[str, ...]
    dns_names: tuple[str, ...]


def _fixed(out: _pyspf.Outcome, domain: str, resolver: Resolver) -> _Fixed:
    """The envelope-independent reading of out, kept on it (outcomes are shared by memos)."""
    found: _Fixed | None = out.derived.get(domain)
    if found is not None:
        return found
    result = Result(out.result)
    record = _record(out.asked, domain)
    explanation = out.explanation if result is Result.FAIL and out.explanation != \
        spf.EXPLANATIONS["fail"] else ""
    notes, clean = _notes(resolver, domain, record, result, out.asked)
    fixed = _Fixed(result, record, out.problem or out.explanation.partition(": ")[2], explanation,
                   notes, tuple(dict.fromkeys(a.name for a in out.asked)))
    if clean:
        out.derived[domain] = fixed
    return fixed


def _record(asked: tuple[Answer, ...], domain: str) -> str:
    """The v=spf1 TXT record pyspf found at domain, as text."""
    name = domain.rstrip(".").lower()
    for answer in asked:
        if answer.name == name and answer.rdtype == "TXT":
            for text in answer.texts():
                if text.lower() == "v=spf1" or text.lower().startswith("v=spf1 "):
                    return text
    return ""


def _reason(result: Result, out: _pyspf.Outcome, domain: str, ip: str, record: str) -> str:
    if result in (Result.PERMERROR, Result.TEMPERROR):
        return out.explanation.partition(": ")[2] or out.explanation or result.value
    if result is Result.NONE:
        if not any(a.name == domain.lower() and a.rdtype == "TXT" for a in out.asked):
            return f"{domain!r} is not a valid domain name (RFC 7208 §4.3)"
        return f"no SPF record (TXT v=spf1) at {domain}"
    if out.mechanism:
        return f"{ip} matched {out.mechanism} in the SPF record of {domain}"
    return f"no mechanism matched {ip}; the default result is neutral (RFC 7208 §4.7)"


def _notes(resolver: Resolver, domain: str, record: str, result: Result,
           asked: tuple[Answer, ...]) -> tuple[tuple[str, ...], bool]:
    """Advice on the record, and whether no DNS answer it needed failed temporarily."""
    notes: list[str] = []
    if len(record.encode()) > RECOMMENDED_RECORD_BYTES:
        notes.append(f"the SPF record is {len(record.encode())} bytes; RFC 7208 §3.4 advises "
                     f"under {RECOMMENDED_RECORD_BYTES} so the answer fits a 512-byte UDP reply")
    if result is Result.TEMPERROR or not any(a.name == domain.lower() for a in asked):
        return tuple(notes), result is not Result.TEMPERROR  # no type-99 probe: name invalid
    answer = resolver.query(domain, "SPF")
    type99 = [t for t in answer.texts() if t.lower().startswith("v=spf1")]
    if type99:
        same = " (same text as the TXT record)" if record in type99 else " (differs from TXT)"
        notes.append(f"{domain} also publishes a type-99 SPF record{same}; it is deprecated and "
                     "ignored: only TXT is evaluated (RFC 7208 §3.1)")
    return tuple(notes), not answer.status.is_temporary
