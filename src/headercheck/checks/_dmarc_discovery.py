"""DMARC policy discovery through the Resolver: RFC 7489 §6.6.3 (Public Suffix List) and
RFC 9989 §4.10 (DNS Tree Walk). The only DMARC module that does I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

from headercheck.checks._dmarc_record import DmarcRecord, is_dmarc_record, parse_record
from headercheck.checks._orgdomain import psl_org_domain, select_org_domain, walk_targets
from headercheck.dns import Resolver, Status
from headercheck.results import Result

PSL = "psl"
TREEWALK = "treewalk"
_ALIASES = {"psl": PSL, "treewalk": TREEWALK, "tree": TREEWALK, "tree-walk": TREEWALK,
            "dns": TREEWALK, "rfc9989": TREEWALK, "rfc7489": PSL}


def discovery_mode(name: str) -> str:
    """The canonical discovery name ("psl" or "treewalk").

    :raises ValueError: an unknown name.
    """
    try:
        return _ALIASES[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown DMARC discovery {name!r}: psl or treewalk") from None


@dataclass(frozen=True)
class Lookup:
    """What ``_dmarc.<name>`` gave: one record, none, several, or a temporary failure."""

    name: str
    record: DmarcRecord | None = None
    count: int = 0
    temporary: bool = False
    error: str = ""
    permanent: bool = False


@dataclass
class Discovery:
    """The policy record that applies to an Author Domain and its Organizational Domain."""

    author: str
    org_domain: str = ""
    record: DmarcRecord | None = None
    record_domain: str = ""
    result: Result | None = None
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    queried: list[str] = field(default_factory=list)


def lookup(resolver: Resolver, name: str) -> Lookup:
    """Query ``_dmarc.<name>`` TXT; keep the records that start with v=DMARC1 (RFC 7489 §6.6.3)."""
    answer = resolver.query(f"_dmarc.{name}", "TXT")
    if answer.status.is_temporary:
        return Lookup(name, temporary=True, error=f"_dmarc.{name} TXT: {answer.status.value}")
    if answer.status is Status.OVERSIZE:  # refused by the answer-size cap: permanent
        return Lookup(name, permanent=True, error=answer.error)
    texts = [t for t in answer.texts() if is_dmarc_record(t)] if answer.status is Status.NOERROR else []
    if len(texts) == 1:
        return Lookup(name, parse_record(texts[0]), 1)
    return Lookup(name, None, len(texts))


def discover(resolver: Resolver, author: str, mode: str) -> Discovery:
    """Find the record for author by the Public Suffix List or by the DNS Tree Walk."""
    return _tree_walk(resolver, author) if mode == TREEWALK else _psl(resolver, author)


def _ask(resolver: Resolver, name: str, found: Discovery, step: str) -> Lookup:
    """Query _dmarc.<name>; a DNS failure ends discovery with temperror/permerror (§6.6.3)."""
    got = lookup(resolver, name)
    found.queried.append(f"_dmarc.{name}")
    if got.temporary:
        found.result, found.reason = Result.TEMPERROR, f"DNS failure during {step}: {got.error}"
    elif got.permanent:
        found.result, found.reason = Result.PERMERROR, got.error
    return got


def _psl(resolver: Resolver, author: str) -> Discovery:
    """RFC 7489 §6.6.3: the Author Domain, then its Organizational Domain (PSL, §3.2)."""
    found = Discovery(author, org_domain=psl_org_domain(author))
    names = [author] if found.org_domain == author else [author, found.org_domain]
    for name in names:
        got = _ask(resolver, name, found, "discovery")
        if found.result is not None:
            return found
        if got.count > 1:
            found.result = Result.NONE
            found.reason = f"{got.count} DMARC records at _dmarc.{name} (RFC 7489 §6.6.3 step 5)"
            return found
        if got.record is not None:
            found.record, found.record_domain = got.record, name
            return found
    return found


def _tree_walk(resolver: Resolver, author: str) -> Discovery:
    """RFC 9989 §4.10: walk up from the Author Domain (at most 8 queries), stop at psd=y/n."""
    found = Discovery(author)
    hits: list[Lookup] = []
    for name in walk_targets(author):
        got = _ask(resolver, name, found, "tree walk")
        if found.result is not None:
            return found
        if got.count > 1:
            found.notes.append(f"{got.count} DMARC records at _dmarc.{name}: all discarded (RFC 9989 §4.10)")
        if got.record is None:
            continue
        hits.append(got)
        if got.record.psd in ("y", "n"):
            break
    found.org_domain = select_org_domain(author, [(h.name, _psd(h)) for h in hits])
    _choose_record(found, hits)
    return found


def _psd(hit: Lookup) -> str:
    return hit.record.psd if hit.record is not None else "u"


def _choose_record(found: Discovery, hits: list[Lookup]) -> None:
    """RFC 9989 §4.10.1: the Author Domain's record, else the Organizational Domain's, else the PSD's."""
    by_name = {h.name: h.record for h in hits}
    for name in (found.author, found.org_domain):
        if by_name.get(name) is not None:
            found.record, found.record_domain = by_name[name], name
            return
    psd = [h for h in hits if _psd(h) == "y"]
    if psd:
        found.record, found.record_domain = psd[-1].record, psd[-1].name


def walk_org_domain(resolver: Resolver, domain: str) -> str | None:
    """RFC 9989 §4.10.2: the Organizational Domain of any domain by a walk; None on DNS failure."""
    hits: list[tuple[str, str]] = []
    for name in walk_targets(domain):
        got = lookup(resolver, name)
        if got.temporary:
            return None
        if got.record is not None:
            hits.append((name, got.record.psd))
            if got.record.psd in ("y", "n"):
                break
    return select_org_domain(domain, hits)


def author_exists(resolver: Resolver, domain: str) -> bool | None:
    """Whether a domain exists (RFC 9989, as RFC 8020): yes unless NXDOMAIN; None on DNS failure."""
    answer = resolver.query(domain, "A")
    if answer.status.is_temporary:
        return None
    return answer.status is not Status.NXDOMAIN
