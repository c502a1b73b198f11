"""The ``yahoo`` style: Authentication-Results and Received-SPF as Yahoo/AOL (atlas) write them.

RECEIVERS.md §2.1: one resinfo per line indented one space, ``;`` after every resinfo
including the last; dkim with header.i and header.s only (no header.b); spf with the
MAIL FROM domain and no comment; ``dmarc=pass(p=REJECT)`` or ``(p=NONE,sp=QUARANTINE)`` glued
to the result, no dis=; ``unknown`` when there is no signature or no DMARC record;
``perm_fail`` for a signature that does not verify (§2.1 2D). No Yahoo ``dmarc=fail`` sample
exists: ``dmarc=fail(p=…)`` is written by analogy.
"""

from __future__ import annotations

import re
from typing import Any

from headercheck._ar_common import auid, clause, client_ip, domain_of, fold, mail_from, prop
from headercheck.checks import _spf_text as spf_text
from headercheck.results import DkimResult, DmarcResult, Report, Result

AUTHSERV_ID = "atlas-production.v2-mail-prod1-gq1.omega.yahoo.com"
INDENT = " "


def _dkim_result(sig: DkimResult) -> str:
    if sig.result is Result.PASS:
        return "pass"
    return "temperror" if sig.result is Result.TEMPERROR else "perm_fail"


def _dkim(report: Report) -> list[Any]:
    if not report.dkim:
        return [clause("dkim", "unknown")]
    return [clause("dkim", _dkim_result(s),
                   props=[prop("header", "i", auid(s)), prop("header", "s", s.selector)])
            for s in report.dkim]


def _spf(report: Report) -> list[Any]:
    if report.spf is None or not client_ip(report):
        return []  # the receiver always knows the client IP: no IP, no verdict to show
    domain = report.spf.domain or domain_of(mail_from(report))
    return [clause("spf", report.spf.result.value, props=[prop("smtp", "mailfrom", domain)])]


def _has_sp(dm: DmarcResult) -> bool:
    if dm.record:
        return re.search(r"(^|;)\s*sp\s*=", dm.record, re.I) is not None
    return bool(dm.subdomain_policy)


def dmarc_comment(dm: DmarcResult) -> str:
    """``p=NONE`` or ``p=NONE,sp=QUARANTINE``: sp only when the record states it."""
    if not dm.policy:
        return ""
    text = f"p={dm.policy.upper()}"
    if _has_sp(dm) and dm.subdomain_policy:
        text += f",sp={dm.subdomain_policy.upper()}"
    return text


def _dmarc(report: Report) -> list[Any]:
    dm = report.dmarc
    if dm is None:
        return []
    result = "unknown" if dm.result is Result.NONE else dm.result.value
    comment = dmarc_comment(dm) if result != "unknown" else ""
    return [clause("dmarc", result, comment=comment or None,
                   props=[prop("header", "from", dm.from_domain or report.from_domain)])]


def _glue(resinfo: str) -> str:
    # Yahoo glues the DMARC comment to the result: "dmarc=pass(p=NONE)".
    return re.sub(r"^(dmarc=[a-z_]+) \(", r"\1(", resinfo)


def clauses(report: Report) -> list[Any]:
    """Yahoo's resinfos in Yahoo's order: dkim, spf, dmarc."""
    return _dkim(report) + _spf(report) + _dmarc(report)


def render(report: Report, authserv_id: str = AUTHSERV_ID) -> str:
    """The folded header value, ``;`` after every resinfo."""
    return fold(authserv_id, [_glue(str(c)) for c in clauses(report)], INDENT, last_semicolon=True)


def received_spf(report: Report) -> str:
    """Yahoo's Received-SPF value: no receiver prefix, no client-ip= (§2.1).

    The texts live in one place, the SPF check's receiver-style comments.
    """
    ip = client_ip(report)
    if report.spf is None or not ip:
        return ""
    spf, domain = report.spf, report.spf.domain or domain_of(mail_from(report))
    text = spf_text.comment(spf.result.value, mail_from(report), domain, ip, AUTHSERV_ID, spf.reason)
    return f"{spf.result.value} ({text})"
