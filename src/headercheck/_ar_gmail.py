"""The ``gmail`` style: Authentication-Results and Received-SPF as mx.google.com writes them.

Every text below is quoted in RECEIVERS.md §1.3-§1.5 and §4.2-§4.3: method order dkim, arc,
spf, dmarc; one resinfo per line indented 7 spaces; 8-character header.b, quoted when it holds
a ``/``; comments only where Gmail is seen to write one.
"""

from __future__ import annotations

import re
from typing import Any

from headercheck._ar_common import auid, clause, client_ip, domain_of, fold, mail_from, prop
from headercheck._ar_parse import parse_results
from headercheck._kinds import dkim_kind
from headercheck.checks import _spf_text as spf_text
from headercheck.results import ArcResult, DkimResult, DmarcResult, Report, Result, SpfResult

AUTHSERV_ID = "mx.google.com"
INDENT = " " * 7

# (result, comment) Gmail writes per DKIM kind (§1.5): body-hash mismatch is neutral, a missing
# key permerror (2025 samples; temperror in 2016-2021), rsa-sha1 and short keys "weak key".
_DKIM: dict[str, tuple[str, str]] = {
    "body_hash": ("neutral", "body hash did not verify"),
    "no_key": ("permerror", "no key for signature"),
    "bad_format": ("neutral", "bad format"),
    "auid": ("neutral", "bad format"),
    "key_too_short": ("policy", "weak key"),
    "sha1": ("policy", "weak key"),
    "signature": ("fail", ""),
}


def _dkim(sig: DkimResult) -> Any:
    result, comment = _DKIM.get(dkim_kind(sig), (sig.result.value, ""))
    if sig.result is Result.PASS:
        result, comment = "pass", ""
    props = [prop("header", "i", auid(sig)), prop("header", "s", sig.selector),
             prop("header", "b", sig.header_b[:8])]
    return clause("dkim", result, comment=comment or None, props=props)


def spf_comment(spf: SpfResult, address: str, ip: str) -> str:
    """Gmail's SPF comment, ``google.com: domain of X designates IP …`` (§1.3, §4.2).

    The texts live in one place, the SPF check's receiver-style comments.
    """
    return spf_text.comment(spf.result.value, address, domain_of(address), ip, AUTHSERV_ID, spf.reason)


def _mailfrom_value(address: str) -> str:
    # Gmail quotes the whole address when its local part holds "=" (§1.4, prvs=…@fb.com).
    return f'"{address}"' if "=" in address.partition("@")[0] else address


def _spf(report: Report) -> list[Any]:
    if report.spf is None or not client_ip(report):
        return []  # the receiver always knows the client IP: no IP, no verdict to show
    address = mail_from(report)
    comment = spf_comment(report.spf, address, client_ip(report))
    return [clause("spf", report.spf.result.value, comment=comment,
                   props=[prop("smtp", "mailfrom", _mailfrom_value(address))])]


def _arc_comment(arc: ArcResult) -> str:
    """``i=N spf=… spfdomain=… dkim=… dkdomain=… dmarc=… fromdomain=…`` from the newest AAR."""
    if not arc.instances:
        return ""
    newest = max(arc.instances, key=lambda inst: inst.instance)
    parts = [f"i={newest.instance}"]
    aar = parse_results(re.sub(r"^\s*i\s*=\s*\d+\s*;", "", newest.authentication_results))
    if aar is None:
        return parts[0]
    for method, key, label in (("spf", "smtp.mailfrom", "spfdomain"), ("dkim", "header.d", "dkdomain"),
                               ("dmarc", "header.from", "fromdomain")):
        found = aar.of(method)
        if not found:
            continue
        c = next((x for x in found if x.result == "pass"), found[0])
        where = c.props.get(key) or c.props.get("header.i", "")
        parts.append(f"{method}={c.result}")
        if where:
            parts.append(f"{label}={domain_of(where)}")
    return " ".join(parts)


def _arc(report: Report) -> list[Any]:
    arc = report.arc
    if arc is None or arc.result is Result.NONE:
        return []
    if arc.result is Result.PASS:
        return [clause("arc", "pass", comment=_arc_comment(arc) or None)]
    hint = "body hash mismatch" if "body hash" in arc.reason.lower() else ""
    return [clause("arc", arc.result.value, comment=hint or None)]


def dmarc_comment(dm: DmarcResult) -> str:
    """``p=NONE sp=NONE dis=NONE`` (§1.4): upper case, sp defaults to p; none without a record."""
    return dm.gmail_comment if dm.policy else ""


def _dmarc(report: Report) -> list[Any]:
    dm = report.dmarc
    if dm is None or dm.result is Result.NONE:
        return []  # Gmail writes no dmarc= clause when the domain publishes no record (§1.1 1A)
    return [clause("dmarc", dm.result.value, comment=dmarc_comment(dm) or None,
                   props=[prop("header", "from", dm.from_domain or report.from_domain)])]


def clauses(report: Report) -> list[Any]:
    """Gmail's resinfos in Gmail's order: dkim (per signature), arc, spf, dmarc."""
    return [_dkim(s) for s in report.dkim] + _arc(report) + _spf(report) + _dmarc(report)


def render(report: Report, authserv_id: str = AUTHSERV_ID) -> str:
    """The folded header value."""
    return fold(authserv_id, [str(c) for c in clauses(report)], INDENT, last_semicolon=False)


def received_spf(report: Report) -> str:
    """Gmail's Received-SPF value: ``<result> (google.com: <comment>) client-ip=<ip>;`` (§1.3)."""
    ip = client_ip(report)
    if report.spf is None or not ip:
        return ""
    comment = spf_comment(report.spf, mail_from(report), ip)
    return f"{report.spf.result.value} ({comment}) client-ip={ip};"
