"""The ``rfc`` style: a clean RFC 8601 header written by authres, every registered property.

Properties (IANA Email Authentication Parameters): dkim header.d/i/s/a/b (RFC 6008, RFC 8601
§2.7.1), spf smtp.mailfrom and smtp.helo (§2.7.2), iprev policy.iprev (§2.7.3), arc
header.oldest-pass and smtp.remote-ip (RFC 8617 §10.1), dmarc header.from and policy.dmarc
(RFC 7489 §11.2, RFC 9989 §9.1). Failures carry ``reason=`` (RFC 8601 §2.2 reasonspec).
"""

from __future__ import annotations

from typing import Any

import authres

from headercheck._ar_common import auid, clause, client_ip, mail_from, prop
from headercheck.results import DkimResult, Report, Result

AUTHSERV_ID = "headercheck"


def _reason(result: Result, text: str) -> str | None:
    return text if result is not Result.PASS and text else None


def _dkim(sig: DkimResult) -> Any:
    # header.b goes last: a quoted pvalue must end its resinfo for authres to read it back.
    props = [
        prop("header", "d", sig.domain), prop("header", "i", auid(sig)),
        prop("header", "s", sig.selector), prop("header", "a", sig.algorithm),
        prop("header", "b", sig.header_b),
    ]
    return clause("dkim", sig.result.value, reason=_reason(sig.result, sig.reason), props=props)


def _spf(report: Report) -> list[Any]:
    out = []
    if report.spf is not None:
        spf = report.spf
        out.append(clause("spf", spf.result.value, reason=_reason(spf.result, spf.reason),
                          props=[prop("smtp", "mailfrom", mail_from(report))]))
    if report.spf_helo is not None:
        helo = report.spf_helo
        name = helo.helo or helo.domain or report.envelope.helo or ""
        out.append(clause("spf", helo.result.value, reason=_reason(helo.result, helo.reason),
                          props=[prop("smtp", "helo", name)]))
    return out


def _iprev(report: Report) -> list[Any]:
    if report.iprev is None:
        return []
    rev = report.iprev
    ip = rev.ip or report.envelope.ip or ""
    name = rev.confirmed_name or (rev.ptr_names[0] if rev.ptr_names else "")
    return [clause("iprev", rev.result.value, reason=_reason(rev.result, rev.reason),
                   props=[prop("policy", "iprev", ip, name or None)])]


def _arc(report: Report) -> list[Any]:
    if report.arc is None:
        return []
    arc = report.arc
    oldest = str(arc.oldest_pass) if arc.oldest_pass is not None and arc.result is Result.PASS else ""
    props = [prop("header", "oldest-pass", oldest), prop("smtp", "remote-ip", client_ip(report))]
    return [clause("arc", arc.result.value, reason=_reason(arc.result, arc.reason), props=props)]


def _dmarc(report: Report) -> list[Any]:
    if report.dmarc is None:
        return []
    dm = report.dmarc
    policy = dm.applied_policy or dm.policy
    props = [prop("policy", "dmarc", policy), prop("header", "from", dm.from_domain or report.from_domain)]
    return [clause("dmarc", dm.result.value, reason=_reason(dm.result, dm.reason), props=props)]


def clauses(report: Report) -> list[Any]:
    """Every resinfo in the rfc style, in the order dkim, spf, iprev, arc, dmarc."""
    out = [_dkim(s) for s in report.dkim]
    if not report.dkim:
        out.append(clause("dkim", "none", reason="message not signed"))
    return out + _spf(report) + _iprev(report) + _arc(report) + _dmarc(report)


def render(report: Report) -> str:
    """The header value, exactly as authres writes it."""
    header = authres.AuthenticationResultsHeader(authserv_id=AUTHSERV_ID, results=clauses(report))
    return str(header.header_value())

