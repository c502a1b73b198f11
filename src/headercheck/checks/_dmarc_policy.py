"""DMARC policy selection and disposition (RFC 7489 §6.6.3-§6.6.4, RFC 9989 §4.10.1). Pure."""

from __future__ import annotations

from dataclasses import dataclass, replace

from headercheck.checks._dmarc_record import DmarcRecord, Policy
from headercheck.results import Result

# Worst first: the verdict reported for several From domains (RFC 7489 §6.6.1).
_RANK = {Result.FAIL: 0, Result.TEMPERROR: 1, Result.PERMERROR: 2, Result.NONE: 3, Result.PASS: 4}


def rank(result: Result) -> int:
    """Order of severity when several Author Domains are evaluated (lower is worse)."""
    return _RANK.get(result, 3)


@dataclass(frozen=True)
class Effective:
    """The record as a receiver applies it: missing or invalid tags replaced, or a verdict."""

    record: DmarcRecord
    verdict: Result | None = None
    reason: str = ""
    notes: tuple[str, ...] = ()


def effective_record(record: DmarcRecord) -> Effective:
    """Apply the RFC rules to a parsed record's problems.

    - parts that are not tag=value: a syntactically incorrect record, permerror (RFC 8601 §2.7,
      as OpenDMARC and authheaders report it);
    - p= missing or invalid, or sp=/np= invalid: with a valid rua= act as if p=none (RFC 7489
      §6.6.3 step 6, RFC 9989); else without p= no DMARC processing (none) and with an invalid
      p=/sp=/np= a permerror;
    - other invalid values: the tag's default is used (RFC 7489 §6.3).
    """
    notes = list(record.notes) + [f"{b}; default used" for b in record.bad_values if not _policy_tag(b)]
    if record.malformed:
        return Effective(record, Result.PERMERROR, "invalid DMARC record: " + "; ".join(record.malformed))
    bad_policy = [b for b in record.bad_values if _policy_tag(b)]
    if record.p is not None and not bad_policy:
        return Effective(record, notes=tuple(notes))
    why = "; ".join(bad_policy) or "no p= tag"
    if record.has_valid_rua:
        notes.append(f"{why}: acting as p=none because rua= is valid (RFC 7489 §6.6.3 step 6)")
        fixed = replace(record, p=Policy.NONE, sp=None, np=None)
        return Effective(fixed, notes=tuple(notes))
    if bad_policy:
        return Effective(record, Result.PERMERROR, f"invalid DMARC record: {why}", tuple(notes))
    return Effective(record, Result.NONE, f"{why} and no valid rua=: DMARC not applied (RFC 7489 §6.6.3 "
                     "step 6)", tuple(notes))


def _policy_tag(problem: str) -> bool:
    return problem.split("=", 1)[0] in ("p", "sp", "np")


@dataclass(frozen=True)
class Selected:
    """Which tag of the record applies to the Author Domain, and its policy."""

    tag: str
    policy: Policy


def select_policy(record: DmarcRecord, author: str, record_domain: str, exists: bool | None) -> Selected:
    """RFC 7489 §6.6.3, RFC 9989 §4.10.1: p for the Author Domain's own record; for a record found
    above it, np when the Author Domain does not exist, else sp, else p."""
    p = record.p or Policy.NONE
    if record_domain == author:
        return Selected("p", p)
    if exists is False and record.np is not None:
        return Selected("np", record.np)
    if record.sp is not None:
        return Selected("sp", record.sp)
    return Selected("p", p)


def disposition(result: Result, policy: Policy, record: DmarcRecord) -> tuple[Policy, str]:
    """What a receiver does with the message (RFC 7489 §6.6.4 pct; RFC 9989 t=y), and why.

    Only a failing message gets a disposition other than none. t=y, like pct=0, applies the next
    weaker policy; 0 < pct < 100 samples, so the policy is given with a note on the rest.
    """
    if result is not Result.FAIL or policy is Policy.NONE:
        return Policy.NONE, ""
    softer = policy.weakened().value
    if record.testing:
        return policy.weakened(), f"t=y: {policy.value} applied as {softer} (RFC 9989)"
    if record.pct == 0:
        return policy.weakened(), f"pct=0: {policy.value} applied as {softer} (RFC 7489 §6.6.4)"
    if record.pct < 100:
        return policy, (f"pct={record.pct}: {policy.value} for about {record.pct}% of failing messages, "
                        f"{policy.weakened().value} for the rest (RFC 7489 §6.6.4)")
    return policy, ""


def gmail_comment(p: str, sp: str, dis: str) -> str:
    """Gmail's DMARC comment, e.g. ``p=REJECT sp=REJECT dis=NONE`` (RECEIVERS.md §1.4)."""
    return f"p={(p or 'none').upper()} sp={(sp or p or 'none').upper()} dis={(dis or 'none').upper()}"
