"""Report -> readable text for a terminal: a verdict line per mechanism, the AR header, findings."""

from __future__ import annotations

from headercheck.results import ArcResult, DkimResult, DmarcResult, Report


def _dkim_line(sig: DkimResult) -> str:
    who = f"d={sig.domain} s={sig.selector}" if sig.domain else f"signature #{sig.index + 1}"
    bits = f", {sig.key_bits}-bit key" if sig.key_bits else ""
    return f"  dkim   {sig.result.value:<10} {who} ({sig.algorithm}{bits}): {sig.reason}"


def _envelope_lines(report: Report) -> list[str]:
    """The client IP, HELO, MAIL FROM and receiver the checks used, each with its source."""
    env = report.envelope
    out = []
    for key, label in (("ip", "client IP"), ("helo", "HELO"), ("mail_from", "MAIL FROM"),
                       ("receiver", "receiver")):
        value = getattr(env, key)
        if value is None:
            continue
        shown = "<> (null sender)" if key == "mail_from" and value == "" else value
        source = env.sources.get(key)
        out.append(f"  {label:<9} {shown}" + (f"  [from {source}]" if source else ""))
    if env.ip is None:
        out.append("  client IP unknown: pass --ip")
    out += [f"  note: {n}" for n in env.notes]
    return out


def _verdicts(report: Report) -> list[str]:
    lines = [_dkim_line(s) for s in report.dkim] or ["  dkim   none       no DKIM-Signature"]
    lines[:0] = _envelope_lines(report)
    for label, res in (("spf", report.spf), ("spf/helo", report.spf_helo)):
        if res is not None:
            lines.append(f"  {label:<6} {res.result.value:<10} {res.domain or '-'}: {res.reason}")
    if report.iprev is not None:
        lines.append(f"  iprev  {report.iprev.result.value:<10} {report.iprev.reason}")
    if report.arc is not None:
        lines += _arc_lines(report.arc)
    if report.dmarc is not None:
        lines += _dmarc_lines(report.dmarc)
    return lines


def _arc_lines(arc: ArcResult) -> list[str]:
    oldest = f" (oldest-pass={arc.oldest_pass})" if arc.oldest_pass is not None else ""
    lines = [f"  arc    {arc.result.value:<10} {arc.reason}{oldest}"]
    for i in arc.instances:
        lines.append(f"         i={i.instance} sealed by d={i.domain} s={i.selector} cv={i.cv or '-'}: "
                     f"AMS {i.ams_result.value}, AS {i.as_result.value}")
        if i.authentication_results:
            lines.append(f"           recorded: {i.authentication_results}")
    return lines


def _dmarc_lines(dmarc: DmarcResult) -> list[str]:
    lines = [f"  dmarc  {dmarc.result.value:<10} {dmarc.reason}"]
    if dmarc.record:
        tag = f", {dmarc.applied_tag}= applied" if dmarc.applied_tag else ""
        lines.append(f"         {dmarc.gmail_comment} (record at _dmarc.{dmarc.record_domain}{tag}; "
                     f"organisational domain {dmarc.org_domain}, {dmarc.discovery})")
    lines += [f"         note: {n}" for n in dmarc.notes]
    return lines


def report_to_text(report: Report, style: str, lang: str = "en") -> str:
    """The whole readable report for one message."""
    out = [f"{report.source or '<message>'}: From domain {report.from_domain or '(none)'}"]
    out += [f"  warning: {w}" for w in report.warnings]
    out += [f"  error: {e}" for e in report.errors]
    out += _verdicts(report)
    out.append("")
    out.append(f"  Authentication-Results: {report.authentication_results(style)}")
    for v in report.receiver_said:
        mark = "=" if v.agrees else "!"
        out.append(f"  {mark} {v.method}: receiver said {v.receiver_result}, now "
                   f"{v.our_result}{': ' + v.cause if v.cause else ''}")
    for f in report.findings(lang):
        out.append(f"  [{f.severity.value}] {f.code}: {f.message}")
        out.append(f"      fix: {f.fix}")
    return "\n".join(out)
