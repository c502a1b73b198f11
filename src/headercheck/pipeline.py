"""The data flow of DESIGN.md: Message -> Envelope -> DKIM, SPF, iprev, ARC -> DMARC -> Report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from headercheck.checks.arc import check_arc
from headercheck.checks.dkim import verify_dkim
from headercheck.checks.dmarc import check_dmarc
from headercheck.checks.iprev import check_iprev
from headercheck.checks.spf import check_spf
from headercheck.dns import Resolver, SizeLimitedResolver
from headercheck.envelope import find_envelope
from headercheck.limits import header_limit_reason, over_limit_results
from headercheck.message import Message
from headercheck.options import CheckOptions
from headercheck.results import Envelope, Report

Guard = Callable[..., Any]


def run(
    message: Message,
    resolver: Resolver,
    *,
    ip: str | None,
    mail_from: str | None,
    helo: str | None,
    receiver: str | None,
    now: float,
    options: CheckOptions,
    guard: Guard,
) -> Report:
    """Run each mechanism once, in dependency order, each behind the guard."""
    errors: list[str] = []
    resolver = SizeLimitedResolver(resolver, options.max_dns_answer_bytes)
    limit = header_limit_reason(message, options)
    capped = over_limit_results(message, options, limit) if limit else None
    env = guard(
        "envelope",
        lambda: find_envelope(message, ip=ip, mail_from=mail_from, helo=helo, receiver=receiver),
        None,  # the fallback below, built only when needed
        errors,
    ) or Envelope(ip=ip, helo=helo, mail_from=mail_from, receiver=receiver)
    dkim = capped[0] if capped else guard(
        "dkim",
        lambda: verify_dkim(message, resolver, now=now, max_signatures=options.max_signatures),
        (),
        errors,
    )
    spf, spf_helo = guard("spf", lambda: check_spf(env, resolver, now), (None, None), errors)
    iprev = guard("iprev", lambda: check_iprev(env.ip, resolver), None, errors)
    arc = capped[1] if capped else guard("arc", lambda: check_arc(
        message, resolver, now=now, skip=_receiver_sets(message, env)), None, errors)
    dmarc = capped[2] if capped else guard(
        "dmarc",
        lambda: check_dmarc(message, dkim, spf, resolver, discovery=options.dmarc_discovery),
        None,
        errors,
    )
    report = Report(
        source=message.source, warnings=message.warnings + ((limit,) if limit else ()),
        from_domain=message.from_domain,
        envelope=env, dkim=dkim, spf=spf, spf_helo=spf_helo, iprev=iprev, dmarc=dmarc, arc=arc,
        errors=tuple(errors),
    )
    return _with_comparison(message, report, guard)


def _receiver_sets(message: Message, env: Envelope) -> tuple[int, ...]:
    """The ARC sets the receiver added after judging the chain (not part of what it judged)."""
    from headercheck._ar_trust import receiver_arc_sets

    return receiver_arc_sets(message, env.receiver or env.receiving_host, env.header_index)


def _with_comparison(message: Message, report: Report, guard: Guard) -> Report:
    from headercheck.authresults import compare

    errors: list[str] = list(report.errors)
    said = guard("compare", lambda: compare(message, report), (), errors)
    if not said and not report.receiver_said and len(errors) == len(report.errors):
        return report  # nothing to add (receiver_said is already empty)
    # dataclasses.replace, without its per-field lookups: every field is an __init__ field
    return Report(**{**report.__dict__, "receiver_said": said, "errors": tuple(errors)})
