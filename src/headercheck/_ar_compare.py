"""What the receiver said at delivery beside what headercheck finds now, method by method.

DKIM results are matched per signature by header.d (or the domain of header.i) and the
header.b prefix (RFC 6008 §4), or header.s when the receiver writes no header.b (Yahoo).
Every difference gets its likely cause: DNS changed since delivery (key removed, rotated,
SPF or DMARC record edited), the message changed after delivery, a different client IP.
"""

from __future__ import annotations

import re
from typing import Any

from headercheck._ar_common import client_ip, domain_of, mail_from
from headercheck._ar_parse import Clause, ParsedResults, ReceivedSpf
from headercheck._ar_trust import ReceiverHeaders
from headercheck._catalogue import cause_text
from headercheck._kinds import dkim_kind
from headercheck.message import Message
from headercheck.results import DkimResult, ReceiverVerdict, Report

_ALIASES = {"perm_fail": "fail", "hardfail": "fail", "unknown": "none", "temp_fail": "temperror",
            "error": "temperror", "bestguesspass": "none"}
_IP_IN_COMMENT = re.compile(
    r"(?:designates|designate|sender ip is)\s+([0-9A-Fa-f:.]+)|([0-9A-Fa-f:.]+)\s+is neither", re.I)
_POLICY_IN_COMMENT = re.compile(r"\bp=([A-Za-z]+)")

# receiver said pass; the DKIM kind we find now -> cause code
_DKIM_CAUSES = {
    "no_key": "dkim_key_removed", "key_revoked": "dkim_key_revoked", "body_hash": "message_body_changed",
    "signature": "dkim_key_changed", "expired": "dkim_expired_since", "dns": "dns_error_now",
    "key_too_short": "dkim_policy_now", "sha1": "dkim_policy_now", "bad_key": "dkim_key_changed",
}


def outcome(token: str, comment: str = "") -> str:
    """pass, none, temperror or fail: what a result means for delivery, vendor tokens mapped."""
    t = _ALIASES.get(token.lower(), token.lower())
    if t == "temperror" and "no key" in comment.lower():
        return "fail"  # Gmail 2016-2021: "temperror (no key for signature)" for a missing key
    return t if t in ("pass", "none", "temperror") else "fail"


def _verdict(method: str, clause_: Clause | ReceivedSpf, ours: str, code: str, args: dict[str, Any],
             *, identifier: str = "", authserv_id: str = "", source: str = "") -> ReceiverVerdict:
    agrees = outcome(clause_.result, clause_.comment) == outcome(ours)
    cause = "" if agrees else code
    return ReceiverVerdict(
        method=method, receiver_result=clause_.result, our_result=ours, agrees=agrees,
        cause=cause_text("en", cause, args) if cause else "", identifier=identifier,
        authserv_id=authserv_id, source=source, receiver_comment=clause_.comment,
        cause_code=cause, cause_args=args if cause else {},
    )


def _match(c: Clause, sigs: tuple[DkimResult, ...], used: set[int]) -> int | None:
    d = (c.props.get("header.d") or "").lower()
    i_dom = domain_of(c.props.get("header.i", "")) if "header.i" in c.props else ""
    b, s = c.props.get("header.b", ""), c.props.get("header.s", "").lower()
    for n, sig in enumerate(sigs):
        dom = sig.domain.lower()
        if n in used or (d and d != dom) or (i_dom and not (i_dom == dom or i_dom.endswith("." + dom))):
            continue
        if b and sig.header_b and not (sig.header_b.startswith(b) or b.startswith(sig.header_b)):
            continue
        if not b and s and sig.selector and s != sig.selector.lower():
            continue
        return n
    return None


def _dkim_cause(c: Clause, sig: DkimResult | None) -> tuple[str, dict[str, Any]]:
    if sig is None:
        return "dkim_signature_gone", {}
    args: dict[str, Any] = {}
    if outcome(c.result, c.comment) != "pass":
        return ("dkim_fixed_since" if sig.result.value == "pass" else "changed_since"), args
    kind = dkim_kind(sig)
    return _DKIM_CAUSES.get(kind, "changed_since"), args


def _dkim(pr: ParsedResults, report: Report, message: Message, src: str) -> list[ReceiverVerdict]:
    out: list[ReceiverVerdict] = []
    used: set[int] = set()
    for c in pr.of("dkim"):
        if not c.props and outcome(c.result) == "none":
            ours = "none" if not report.dkim else report.dkim[0].result.value
            out.append(_verdict("dkim", c, ours, "changed_since", {}, authserv_id=pr.authserv_id, source=src))
            continue
        n = _match(c, report.dkim, used)
        sig = report.dkim[n] if n is not None else None
        if n is not None:
            used.add(n)
        ident = " ".join(f"{k.split('.')[1]}={v}" for k, v in c.props.items() if k.startswith("header."))
        code, args = _dkim_cause(c, sig)
        out.append(_verdict("dkim", c, sig.result.value if sig else "none", code, args,
                            identifier=ident, authserv_id=pr.authserv_id, source=src))
    return out


def _receiver_ip(c: Clause | ReceivedSpf, rspf: ReceivedSpf | None) -> str:
    if rspf is not None and rspf.pairs.get("client-ip"):
        return rspf.pairs["client-ip"]
    m = _IP_IN_COMMENT.search(c.comment)
    return (m.group(1) or m.group(2)) if m else ""


def _spf(c: Clause | ReceivedSpf, report: Report, rh: ReceiverHeaders, src: str) -> ReceiverVerdict:
    ours = report.spf.result.value if report.spf is not None else "none"
    theirs_ip, our_ip = _receiver_ip(c, rh.received_spf), client_ip(report)
    args = {"receiver_ip": theirs_ip, "our_ip": our_ip or "?"}
    if report.spf is None or not our_ip:
        code = "spf_not_checked"
    elif theirs_ip and theirs_ip != our_ip:
        code = "spf_ip_differs"
    else:
        theirs_from = domain_of(c.props.get("smtp.mailfrom", "")) if isinstance(c, Clause) else ""
        ours_from = domain_of(mail_from(report))
        args |= {"receiver_from": theirs_from, "our_from": ours_from}
        code = "spf_identity_differs" if theirs_from and theirs_from != ours_from else (
            "spf_best_guess" if ours == "none" and "best guess record" in c.comment else "spf_record_changed")
    return _verdict("spf", c, ours, code, args, authserv_id=rh.authserv_id, source=src)


def _dmarc(c: Clause, report: Report, earlier: list[ReceiverVerdict], pr: ParsedResults,
           src: str) -> ReceiverVerdict:
    dm = report.dmarc
    ours = dm.result.value if dm is not None else "none"
    m = _POLICY_IN_COMMENT.search(c.comment)
    then, now = (m.group(1).lower() if m else ""), (dm.policy if dm is not None else "")
    args = {"then": then or "?", "now": now or "(none)"}
    if dm is None:
        code = "not_checked"
    elif dm.result.value == "none" and outcome(c.result) != "none":
        code = "dmarc_record_removed"
    elif then and now and then != now:
        code = "dmarc_record_changed"
    elif any(not v.agrees for v in earlier):
        code = "dmarc_follows"
    else:
        code = "dmarc_changed"
    return _verdict("dmarc", c, ours, code, args, authserv_id=pr.authserv_id, source=src)


def _simple(method: str, c: Clause, ours: str, code: str, pr: ParsedResults, src: str) -> ReceiverVerdict:
    return _verdict(method, c, ours, code, {}, authserv_id=pr.authserv_id, source=src)


def verdicts(message: Message, report: Report, rh: ReceiverHeaders) -> list[ReceiverVerdict]:
    """Every method the receiver reported, beside ours."""
    pr = rh.results or rh.arc_results
    src = "Authentication-Results" if rh.results else "ARC-Authentication-Results"
    out: list[ReceiverVerdict] = []
    if pr is not None:
        out += _dkim(pr, report, message, src)
        out += [_spf(c, report, rh, src) for c in pr.of("spf")[:1]]
        for c in pr.of("iprev")[:1]:
            rev = report.iprev
            out.append(_simple("iprev", c, rev.result.value if rev else "none",
                               "iprev_changed" if rev else "not_checked", pr, src))
        for c in pr.of("arc")[:1]:
            arc = report.arc
            out.append(_simple("arc", c, arc.result.value if arc else "none",
                               "arc_changed" if arc else "not_checked", pr, src))
        out += [_dmarc(c, report, list(out), pr, src) for c in pr.of("dmarc")[:1]]
    if rh.received_spf is not None and not any(v.method == "spf" for v in out):
        out.append(_spf(rh.received_spf, report, rh, "Received-SPF"))
    return out


def forged(rh: ReceiverHeaders) -> list[ReceiverVerdict]:
    """One verdict per Authentication-Results that only claims to be the receiver's."""
    out = []
    for index, pr in rh.forged:
        said = "; ".join(f"{c.method}={c.result}" for c in pr.clauses) or "none"
        args = {"authserv_id": pr.authserv_id or "(none)", "position": index + 1}
        out.append(ReceiverVerdict(
            method="authentication-results", receiver_result=said, our_result="", agrees=False,
            cause=cause_text("en", "forged_ar", args), identifier=f"header #{index + 1}",
            authserv_id=pr.authserv_id, source="Authentication-Results", forged=True,
            cause_code="forged_ar", cause_args=args,
        ))
    return out
