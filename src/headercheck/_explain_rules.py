"""Findings for SPF, iprev, DMARC, ARC, the message file and the receiver's own verdict."""

from __future__ import annotations

from headercheck._ar_common import client_ip, domain_of, mail_from
from headercheck._explain_codes import Raw
from headercheck.results import Report, Result, SpfResult

_SPF_CODES = {
    Result.FAIL: "spf_fail", Result.SOFTFAIL: "spf_softfail", Result.NEUTRAL: "spf_neutral",
    Result.NONE: "spf_none", Result.PERMERROR: "spf_permerror", Result.TEMPERROR: "spf_temperror",
}


def _spf_args(report: Report, spf: SpfResult) -> dict[str, object]:
    return {
        "domain": spf.domain or domain_of(mail_from(report)) or "?", "ip": client_ip(report) or "?",
        "result": spf.result.value, "reason": spf.reason or "?", "lookups": spf.lookups,
        "record": spf.record or "-", "helo": spf.helo or report.envelope.helo or "?",
        "mechanism": spf.mechanism or "-", "note": "",
    }


def _is_type99(note: str) -> bool:
    text = note.lower()
    return "type 99" in text or "type-99" in text or "type99" in text or "rrtype spf" in text


def spf_findings(report: Report) -> list[Raw]:
    """SPF for MAIL FROM and HELO (RFC 7208), with the envelope's notes."""
    out = [Raw("envelope_note", "envelope", {"note": n}) for n in report.envelope.notes]
    spf = report.spf
    if spf is None or not client_ip(report):
        return out + [Raw("spf_no_ip", "spf", {})]
    too_many = spf.lookups > 10 or "too many" in spf.reason.lower() or "lookup limit" in spf.reason.lower()
    used = spf.result in _SPF_CODES or spf.notes  # a pass without notes needs no arguments
    args = _spf_args(report, spf) if used else {}
    if spf.result is Result.PERMERROR and too_many:
        out.append(Raw("spf_lookup_limit", "spf", args))
    elif spf.result in _SPF_CODES:
        out.append(Raw(_SPF_CODES[spf.result], "spf", args))
    for note in spf.notes:
        code = "spf_type99" if _is_type99(note) else "spf_note"
        out.append(Raw(code, "spf", args | {"note": note}))
    helo = report.spf_helo
    if helo is not None and helo.result in (Result.FAIL, Result.SOFTFAIL, Result.PERMERROR):
        out.append(Raw("spf_helo", "spf", _spf_args(report, helo)))
    return out


def iprev_findings(report: Report) -> list[Raw]:
    """Forward-confirmed reverse DNS (RFC 8601 §3)."""
    rev = report.iprev
    if rev is None or rev.result in (Result.PASS, Result.NONE):
        return []
    args = {"ip": rev.ip or report.envelope.ip or "?", "ptr": ", ".join(rev.ptr_names) or "-",
            "reason": rev.reason or "?"}
    if rev.result is Result.TEMPERROR:
        return [Raw("iprev_temperror", "iprev", args)]
    if not rev.ptr_names:
        return [Raw("iprev_no_ptr", "iprev", args)]
    if rev.result is Result.FAIL:
        return [Raw("iprev_mismatch", "iprev", args)]
    return [Raw("iprev_other", "iprev", args)]


def dmarc_findings(report: Report) -> list[Raw]:
    """DMARC record, alignment and policy (RFC 7489 §6.6, RFC 9989)."""
    dm = report.dmarc
    if dm is None:
        return []
    args = {"domain": dm.from_domain or report.from_domain or "?", "reason": dm.reason or "?",
            "policy": dm.policy or "none", "disposition": dm.disposition or "none",
            "org": dm.org_domain or dm.from_domain or "?"}
    out: list[Raw] = []
    if dm.result is Result.NONE:
        out.append(Raw("dmarc_missing", "dmarc", args))
    elif dm.result is Result.FAIL:
        unaligned = not dm.dkim_aligned and not dm.spf_aligned
        out.append(Raw("dmarc_fail_unaligned" if unaligned else "dmarc_fail", "dmarc", args))
    elif dm.result not in (Result.PASS, Result.PERMERROR, Result.TEMPERROR):
        out.append(Raw("dmarc_fail", "dmarc", args))  # not a DMARC result (RFC 9989 §9.2)
    elif dm.result is Result.PERMERROR:
        out.append(Raw("dmarc_permerror", "dmarc", args))
    elif dm.result is Result.TEMPERROR:
        out.append(Raw("dmarc_temperror", "dmarc", args))
    elif dm.result is Result.PASS and dm.spf_aligned and not dm.dkim_aligned:
        out.append(Raw("dmarc_spf_only", "dmarc", args))
    if dm.result in (Result.PASS, Result.FAIL) and dm.policy == "none":
        out.append(Raw("dmarc_policy_none", "dmarc", args))
    out += [Raw("dmarc_note", "dmarc", args | {"note": n}) for n in dm.notes]
    if dm.testing or (dm.pct is not None and dm.pct < 100):
        out.append(Raw("dmarc_testing", "dmarc", args | {"pct": dm.pct if dm.pct is not None else 100}))
    return out


def arc_findings(report: Report) -> list[Raw]:
    """The ARC chain (RFC 8617 §5.2)."""
    arc = report.arc
    if arc is None:
        return []
    if arc.result is Result.FAIL:
        return [Raw("arc_fail", "arc", {"reason": arc.reason or "?"})]
    dm = report.dmarc
    if arc.result is Result.PASS and dm is not None and dm.result is Result.FAIL and arc.instances:
        newest = max(arc.instances, key=lambda inst: inst.instance)
        return [Raw("arc_rescue", "arc", {"sealer": newest.domain or "?"})]
    return []


def auth_findings(report: Report) -> list[Raw]:
    """Gmail and Yahoo require every sender to pass SPF or DKIM (RECEIVERS.md §5)."""
    dkim_pass = any(s.result is Result.PASS for s in report.dkim)
    spf_pass = report.spf is not None and report.spf.result is Result.PASS
    if dkim_pass or spf_pass or (report.spf is None and not report.dkim):
        return []
    return [Raw("auth_none", "", {"domain": report.from_domain or "?"})]


def message_findings(report: Report) -> list[Raw]:
    """Parse warnings and internal errors."""
    out = []
    for w in report.warnings:
        low = w.lower()
        if "line ending" in low:
            out.append(Raw("message_line_endings", "message", {"warning": w}))
        elif "from" in low and ("header" in low or "no from" in low):
            out.append(Raw("message_from", "message", {"warning": w}))
        else:
            out.append(Raw("message_warning", "message", {"warning": w}))
    out += [Raw("check_error", "", {"error": e}) for e in report.errors]
    return out


# Causes another finding already explains (spf_no_ip, the DKIM/SPF difference, no check run).
_EXPLAINED_ELSEWHERE = frozenset({"spf_not_checked", "not_checked", "dmarc_follows"})


def receiver_findings(report: Report) -> list[Raw]:
    """Forged receiver headers and verdicts that changed since delivery."""
    out = []
    for v in report.receiver_said:
        args = {"method": v.method, "receiver_result": v.receiver_result, "our_result": v.our_result,
                "authserv_id": v.authserv_id or "?", "identifier": v.identifier,
                "cause_code": v.cause_code, "cause_args": v.cause_args}
        if v.forged:
            out.append(Raw("ar_forged", "receiver", args | dict(v.cause_args)))
        elif not v.agrees and v.cause_code not in _EXPLAINED_ELSEWHERE:
            code = "receiver_key_removed" if v.cause_code == "dkim_key_removed" else "receiver_changed"
            out.append(Raw(code, v.method, args))
    return out
