"""DMARC (RFC 7489, RFC 9989): discovery, alignment, policy, disposition -> DmarcResult.

The From header decides the Author Domain(s) (RFC 7489 §6.6.1); ``_dmarc_discovery`` finds the
record through the Resolver; alignment (``_alignment``) and policy (``_dmarc_policy``) are pure.
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from headercheck.checks import _memo
from headercheck.checks._alignment import aligned, aligned_domains
from headercheck.checks._dmarc_discovery import (
    Discovery,
    author_exists,
    discover,
    discovery_mode,
    walk_org_domain,
)
from headercheck.checks._dmarc_policy import disposition, effective_record, rank, select_policy
from headercheck.checks._dmarc_record import DmarcRecord, Policy
from headercheck.checks._orgdomain import loose_name, psl_org_domain, to_ascii
from headercheck.dns import Resolver
from headercheck.message import Message, address_domain
from headercheck.results import DkimResult, DmarcResult, Result, SpfResult

# Gmail refuses messages with no or several From headers after DATA ("550-5.7.1 ... not RFC 5322
# compliant: Multiple 'From' headers found"): a permerror whose disposition is reject.
_STRUCTURAL = "reject"


_ATOMS = r"[A-Za-z0-9_+=-]+(?:\.[A-Za-z0-9_+=-]+)*"
# One plain address, bare or in <> after a plain or simply quoted display name: what most From
# headers hold, and what email.utils.getaddresses reads as that one address (tests compare).
_PLAIN_FROM = re.compile(rf'[ \t]*(?:(?:"[^"\\<>@(),;:\r\n]*"[ \t]*|[A-Za-z0-9 \t]*)<{_ATOMS}@({_ATOMS})>'
                         rf'|{_ATOMS}@({_ATOMS}))[ \t]*')


def author_domains(value: str) -> list[str]:
    """The domain of each address in one From value, in order; "" for an address without one."""
    plain = _PLAIN_FROM.fullmatch(value)
    if plain is not None:
        return [(plain.group(1) or plain.group(2)).lower()]
    pairs = email.utils.getaddresses([value])
    return [address_domain(addr) if "@" in addr else "" for _, addr in pairs if addr.strip()]


def check_dmarc(
    message: Message,
    dkim: tuple[DkimResult, ...],
    spf: SpfResult | None,
    resolver: Resolver,
    *,
    discovery: str = "psl",
) -> DmarcResult | None:
    """The DMARC verdict for the RFC5322.From domain(s) (RFC 7489 §6.6, RFC 9989 §4.10).

    :param discovery: "psl" (RFC 7489 §3.2, Public Suffix List) or "treewalk" (RFC 9989 §4.10).
    :raises ValueError: an unknown discovery name.
    """
    mode = discovery_mode(discovery)
    headers = message.get_all("From")
    if len(headers) != 1:
        why = "no From header" if not headers else f"{len(headers)} From headers"
        return _structural(f"{why}: RFC 5322 §3.6 requires exactly one (RFC 7489 §6.6.1)", mode)
    raw = author_domains(headers[0].value)
    if not raw or "" in raw:
        return _structural(f"Unable to extract From domain: {headers[0].value[:80]!r}", mode)
    authors: list[str] = []
    for domain in raw:
        try:
            name = to_ascii(domain)
        except ValueError as exc:
            return _structural(f"From domain {domain!r} is not a valid domain name: {exc}", mode, domain)
        if name not in authors:
            authors.append(name)
    ctx = _Context(resolver, mode, dkim, _spf_domain(spf))
    verdicts = [_evaluate(ctx, author) for author in authors]
    return verdicts[0] if len(verdicts) == 1 else _combine(verdicts)


def _structural(reason: str, mode: str, domain: str = "") -> DmarcResult:
    return DmarcResult(Result.PERMERROR, reason, from_domain=domain, disposition=_STRUCTURAL,
                       discovery=mode)


def _spf_domain(spf: SpfResult | None) -> str:
    """The SPF-authenticated domain when SPF passed: MAIL FROM's, or HELO's for a null sender
    (RFC 7489 §3.1.2, RFC 7208 §2.4)."""
    if spf is None or spf.result is not Result.PASS:
        return ""
    return spf.domain or address_domain(spf.identity) or spf.helo


@dataclass
class _Context:
    resolver: Resolver
    mode: str
    dkim: tuple[DkimResult, ...]
    spf_domain: str
    orgs: dict[str, str | None] = field(default_factory=dict)

    def org_of(self, domain: str) -> str | None:
        """The Organizational Domain by the chosen discovery (tree walks cached per check)."""
        if self.mode != "treewalk":
            return psl_org_domain(domain)
        if domain not in self.orgs:
            self.orgs[domain] = _walk(self.resolver, domain)
        return self.orgs[domain]


def _walk(resolver: Resolver, domain: str) -> str | None:
    """``walk_org_domain``, remembered per resolver (a DNS failure, None, is not)."""
    return _memo.remembered(resolver, "dmarc", ("walk", domain),
                            lambda: walk_org_domain(resolver, domain))


class _Stage(NamedTuple):
    """An Author Domain's discovery and policy, the same for every message (``_memo``).

    ``fields`` are the DmarcResult fields known before alignment; ``record`` is None when they
    are already the verdict (no record, a DNS failure, a record that decides by itself).
    """

    found: Discovery
    fields: dict[str, Any]
    record: DmarcRecord | None


def _evaluate(ctx: _Context, author: str) -> DmarcResult:
    stage = _stage_of(ctx.resolver, author, ctx.mode)
    fields = dict(stage.fields, spf_domain=ctx.spf_domain)
    if stage.record is None:
        return DmarcResult(**fields)
    return _apply(ctx, author, stage.found, stage.record, fields)


def _stage_of(resolver: Resolver, author: str, mode: str) -> _Stage:
    """Discovery and policy for author, remembered per resolver unless DNS failed (temperror)."""
    return _memo.remembered(resolver, "dmarc", ("stage", author, mode),
                            lambda: _stage(discover(resolver, author, mode), author, mode),
                            keep=lambda stage: stage.found.result is not Result.TEMPERROR)


def _stage(found: Discovery, author: str, mode: str) -> _Stage:
    fields: dict[str, Any] = dict(
        result=Result.NONE, reason="", from_domain=author, org_domain=found.org_domain,
        discovery=mode, dns_names=tuple(found.queried), notes=tuple(found.notes),
        from_domains=(author,))
    if found.result is not None:
        fields.update(result=found.result, reason=found.reason)
        return _Stage(found, fields, None)
    if found.record is None:
        fields["reason"] = f"no DMARC record at {' or '.join(dict.fromkeys(found.queried))}"
        return _Stage(found, fields, None)
    effective = effective_record(found.record)
    fields.update(record=found.record.text, record_domain=found.record_domain,
                  notes=fields["notes"] + effective.notes, **_policy_fields(effective.record))
    if effective.verdict is not None:
        fields.update(result=effective.verdict, reason=effective.reason)
        return _Stage(found, fields, None)
    return _Stage(found, fields, effective.record)


def _policy_fields(record: DmarcRecord) -> dict[str, Any]:
    """p/sp/np as Gmail prints them: sp defaults to p, np to sp (RFC 9989)."""
    p = (record.p or Policy.NONE).value
    sp = record.sp.value if record.sp else p
    return dict(policy=p, subdomain_policy=sp, np_policy=record.np.value if record.np else sp,
                pct=record.pct, testing=record.testing, adkim=record.adkim, aspf=record.aspf,
                psd=record.psd)


def _apply(ctx: _Context, author: str, found: Discovery, record: DmarcRecord,
           fields: dict[str, Any]) -> DmarcResult:
    exists: bool | None = True
    if found.record_domain != author and record.np is not None:
        exists = _exists(ctx.resolver, author)
        fields["dns_names"] += (author,)
        if exists is None:
            fields.update(result=Result.TEMPERROR,
                          reason=f"DNS failure asking whether {author} exists (for np=)")
            return DmarcResult(**fields)
    if ctx.mode == "treewalk":
        ctx.orgs[author] = found.org_domain
    chosen = select_policy(record, author, found.record_domain, exists)
    passing = [r.domain for r in ctx.dkim if r.result is Result.PASS and r.domain]
    dkim_ok = aligned_domains(author, passing, record.adkim, ctx.org_of)
    spf_ok = bool(ctx.spf_domain) and aligned(author, ctx.spf_domain, record.aspf, ctx.org_of)
    result = Result.PASS if dkim_ok or spf_ok else Result.FAIL
    reason = _reason(author, record, passing, dkim_ok, ctx.spf_domain, spf_ok)
    if result is Result.FAIL and any(v is None for v in ctx.orgs.values()):
        result, reason = Result.TEMPERROR, reason + "; a DNS failure hid an Organizational Domain"
    dis, note = disposition(result, chosen.policy, record)
    fields.update(result=result, reason=reason, applied_policy=chosen.policy.value,
                  applied_tag=chosen.tag, disposition=dis.value, dkim_aligned=dkim_ok,
                  spf_aligned=spf_ok, notes=fields["notes"] + ((note,) if note else ()))
    return DmarcResult(**fields)


def _exists(resolver: Resolver, domain: str) -> bool | None:
    """``author_exists``, remembered per resolver (a DNS failure, None, is not)."""
    return _memo.remembered(resolver, "dmarc", ("exists", domain),
                            lambda: author_exists(resolver, domain))


def _reason(author: str, record: DmarcRecord, passing: list[str], dkim_ok: tuple[str, ...],
            spf_domain: str, spf_ok: bool) -> str:
    if dkim_ok or spf_ok:
        parts = [f"DKIM d={d}" for d in dkim_ok] + ([f"SPF {spf_domain}"] if spf_ok else [])
        return f"aligned with {author}: " + ", ".join(parts)
    dkim_txt = (f"DKIM passes for {', '.join(dict.fromkeys(passing))} (adkim={record.adkim})"
                if passing else "no passing DKIM signature")
    spf_txt = f"SPF passes for {spf_domain} (aspf={record.aspf})" if spf_domain else "SPF did not pass"
    return f"no identifier aligned with {author}: {dkim_txt}; {spf_txt}"


def _combine(verdicts: list[DmarcResult]) -> DmarcResult:
    """RFC 7489 §6.6.1: several From domains are each checked; the worst verdict is reported and,
    among failing ones, the one whose policy is strictest."""
    worst = min(verdicts, key=lambda v: (rank(v.result), -Policy(v.disposition).strength))
    summary = "; ".join(f"{v.from_domain}: {v.result.value}" for v in verdicts)
    domains = tuple(loose_name(v.from_domain) for v in verdicts)
    return replace(worst, reason=f"{worst.reason} (From has {len(verdicts)} domains: {summary})",
                   from_domains=domains,
                   notes=worst.notes + ("several From domains: each checked (RFC 7489 §6.6.1)",))
