"""ARC (RFC 8617): validate the chain via dkimpy with our Resolver -> ArcResult.

dkimpy's ``ARC(raw).verify(dnsfunc)`` does the cryptography and the set structure (gaps,
duplicates); this module adds the 50-set limit, the clock, DNS failure classification and one
ArcInstance per set, and translates dkimpy's exceptions in one place.
"""

from __future__ import annotations

import re
from typing import Any

import dkim

from headercheck.checks._arc_fast import fast_arc, sorted_arc_headers
from headercheck.checks._dkimpy import DkimpyDns, pinned_clock
from headercheck.checks._speedups import FastVerify, speedups_enabled
from headercheck.dns import Resolver
from headercheck.message import Header, Message, without_fields
from headercheck.results import ArcInstance, ArcResult, Result

MAX_INSTANCES = 50  # RFC 8617 §4.2.1
ARC_HEADERS = ("arc-seal", "arc-message-signature", "arc-authentication-results")
_INSTANCE = re.compile(r"(?:^|[\s;])i[ \t]*=[ \t]*(\d+)")
_DKIMPY_ERRORS = (dkim.DKIMException, IndexError, KeyError, ValueError, TypeError)


class ArcVerifier(FastVerify, dkim.ARC):  # type: ignore[misc]
    """dkimpy's ARC with the speed-ups of ``_speedups`` (same results); given ``Message.raw``."""

    crlf_only = True

    def sorted_arc_headers(self) -> Any:
        """dkimpy's, relaxing only the ARC fields it keeps instead of every header field.

        dkimpy relaxes each field (regular expressions) and then keeps those whose relaxed name
        is an ARC name; relaxing is per field, so selecting first by the same test is the same.
        With the speed-ups on, ``_arc_fast.sorted_arc_headers`` relaxes without regexes.
        """
        if speedups_enabled():
            return sorted_arc_headers(self.headers)
        every = self.headers
        self.headers = [h for h in every if h[0].lower().rstrip() in dkim.ARC.ARC_HEADERS]
        try:
            return super().sorted_arc_headers()
        finally:
            self.headers = every


def instance_of(value: str) -> int | None:
    """The i= of an ARC header value, or None when it has none (RFC 8617 §4.2.1)."""
    match = _INSTANCE.search(value)
    return int(match.group(1)) if match else None


_TAGS = {name: re.compile(rf"(?:^|;)\s*{name}\s*=\s*([^;\s]*)") for name in ("d", "s", "cv")}


def _tag(value: str, name: str) -> str:
    match = _TAGS[name].search(value)
    return match.group(1) if match else ""


def check_arc(message: Message, resolver: Resolver, *, now: float,
              skip: tuple[int, ...] = ()) -> ArcResult | None:
    """The chain result (cv) and each ARC set, or None when the message has no ARC headers.

    :param skip: instances the receiver added itself after judging the chain
        (``_ar_trust.receiver_arc_sets``): listed in ``receiver_sets``, left out of the chain,
        which is then judged as it arrived. No set left: result none.
    """
    own: tuple[ArcInstance, ...] = ()
    if skip:
        message, own = _as_arrived(message, set(skip))
    result = _check(message, resolver, now)
    if not own:
        return result
    if result is None:
        sets = ", ".join(f"i={i.instance}" for i in own)
        return ArcResult(Result.NONE, f"no ARC set arrived with the message; the receiver added {sets}",
                         receiver_sets=own)
    return ArcResult(result.result, result.reason, result.instances, result.oldest_pass, own)


def _as_arrived(message: Message, skip: set[int]) -> tuple[Message, tuple[ArcInstance, ...]]:
    """The message without the ARC sets in skip, and those sets as listed; unchanged (and no
    sets) when its fields cannot be cut out exactly."""
    drop = {i for i, h in enumerate(message.headers)
            if h.lname in ARC_HEADERS and instance_of(h.value) in skip}
    arrived = without_fields(message, drop)
    if arrived is None:
        return message, ()
    return arrived, _listed([message.headers[i] for i in sorted(drop)])


def _check(message: Message, resolver: Resolver, now: float) -> ArcResult | None:
    headers = [h for h in message.headers if h.lname in ARC_HEADERS]
    if not headers:
        return None
    numbers = [instance_of(h.value) for h in headers]
    listed = _listed(headers)
    highest = max((n for n in numbers if n is not None), default=0)
    if highest > MAX_INSTANCES:
        return ArcResult(Result.FAIL, f"i={highest}: more than {MAX_INSTANCES} ARC sets (RFC 8617 §4.2.1)",
                         listed)
    if highest == 0:
        return ArcResult(Result.FAIL, "ARC headers without a valid i= tag (RFC 8617 §4.2.1)", listed)
    dns = DkimpyDns(resolver)
    try:
        with pinned_clock(now):
            verifier = ArcVerifier(message.raw)
            found = fast_arc(verifier, dns)  # a chain that validates, else None: dkimpy decides
            cv, data, comment = found if found is not None else verifier.verify(dnsfunc=dns)
    except _DKIMPY_ERRORS as exc:
        return ArcResult(_failure(dns), f"ARC chain could not be verified: {exc}", listed)
    return _result(cv, data, str(comment), listed, dns)


def _failure(dns: DkimpyDns) -> Result:
    """A failure caused by a DNS error is temporary, not a broken chain."""
    return Result.TEMPERROR if any(a.status.is_temporary for a in dns.answers.values()) else Result.FAIL


def _result(cv: bytes | None, data: list[dict[Any, Any]], comment: str, listed: tuple[ArcInstance, ...],
            dns: DkimpyDns) -> ArcResult:
    instances = _merge(listed, data)
    if cv == dkim.CV_Pass:
        return ArcResult(Result.PASS, f"chain of {len(instances)} ARC set(s) validates", instances,
                         oldest_pass(data))
    if cv is None:
        # dkimpy's "chain terminated": a seal says cv=fail, so the chain has failed (RFC 8617 §5.2 step 2)
        return ArcResult(Result.FAIL, comment, instances)
    return ArcResult(_failure(dns), comment, instances)


def oldest_pass(data: list[dict[Any, Any]]) -> int:
    """RFC 8617 §5.2 step 5: the lowest instance from which every newer AMS validates; 0 if all do."""
    ordered = sorted(data, key=lambda d: int(d["instance"]), reverse=True)
    oldest = 0
    for entry in ordered:
        if not entry.get("ams-valid"):
            return oldest
        oldest = int(entry["instance"])
    return 0


def _listed(headers: list[Header]) -> tuple[ArcInstance, ...]:
    """One ArcInstance per i= seen in the headers, newest first, with what the headers say."""
    sets: dict[int, dict[str, str]] = {}
    for h in headers:
        number = instance_of(h.value)
        if number is not None and number <= MAX_INSTANCES:
            sets.setdefault(number, {}).setdefault(h.lname, h.value)
    out = []
    for number in sorted(sets, reverse=True):
        seal, ams = sets[number].get("arc-seal", ""), sets[number].get("arc-message-signature", "")
        aar_raw = " ".join(sets[number].get("arc-authentication-results", "").split())
        aar = re.sub(r"^i\s*=\s*\d+\s*;\s*", "", aar_raw)
        out.append(ArcInstance(number, domain=_tag(seal, "d"), selector=_tag(seal, "s"), cv=_tag(seal, "cv"),
                               authentication_results=aar, ams_domain=_tag(ams, "d"),
                               ams_selector=_tag(ams, "s")))
    return tuple(out)


def _merge(listed: tuple[ArcInstance, ...], data: list[dict[Any, Any]]) -> tuple[ArcInstance, ...]:
    """Add dkimpy's per-set verdicts (AMS and AS valid or not) to the listed sets."""
    verdicts = {int(d["instance"]): d for d in data}
    out = []
    for inst in listed:
        got = verdicts.get(inst.instance)
        if got is None:
            out.append(inst)
            continue
        ams = Result.PASS if got.get("ams-valid") else Result.FAIL
        seal = Result.PASS if got.get("as-valid") else Result.FAIL
        reason = "" if ams is seal is Result.PASS else _set_reason(ams, seal)
        out.append(ArcInstance(inst.instance, inst.domain, inst.selector, inst.cv, ams, seal,
                               inst.authentication_results, reason, inst.ams_domain, inst.ams_selector))
    return tuple(out)


def _set_reason(ams: Result, seal: Result) -> str:
    parts = (["ARC-Message-Signature did not validate"] if ams is Result.FAIL else []) + (
        ["ARC-Seal did not validate"] if seal is Result.FAIL else [])
    return "; ".join(parts)
