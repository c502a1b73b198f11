"""Report -> readable text: a verdict line per mechanism, the Authentication-Results in a
receiver's style, the receiver-versus-now comparison and the findings.

Lines are rich ``Text`` objects: coloured on a terminal (``print_report``), plain otherwise
(``report_to_text``).
"""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console
from rich.text import Text

from headercheck._catalogue import cause_text, label
from headercheck.results import ArcResult, DkimResult, DmarcResult, ReceiverVerdict, Report, Severity

_COLOURS = {
    "pass": "green", "fail": "red", "permerror": "red", "perm_fail": "red", "softfail": "yellow",
    "neutral": "yellow", "policy": "yellow", "temperror": "magenta", "none": "dim", "unknown": "dim",
}
_SEVERITY = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _verdict(name: str, result: str, rest: str) -> Text:
    line = Text(f"  {name:<6} ")
    line.append(f"{result:<10}", style=_COLOURS.get(result, ""))
    return line.append(f" {rest}")


def _dkim_line(sig: DkimResult) -> Text:
    who = f"d={sig.domain} s={sig.selector}" if sig.domain else f"signature #{sig.index + 1}"
    bits = f", {sig.key_bits}-bit key" if sig.key_bits else ""
    return _verdict("dkim", sig.result.value, f"{who} ({sig.algorithm or '?'}{bits}): {sig.reason}")


def _envelope(report: Report, lang: str) -> list[Text]:
    """The client IP, HELO, MAIL FROM and receiver the checks used, each with its source."""
    env = report.envelope
    out = []
    for key, name in (("ip", "client IP"), ("helo", "HELO"), ("mail_from", "MAIL FROM"),
                      ("receiver", "receiver")):
        value = getattr(env, key)
        if value is None:
            continue
        shown = "<> (null sender)" if key == "mail_from" and value == "" else value
        source = env.sources.get(key)
        out.append(Text(f"  {name:<9} {shown}" + (f"  [from {source}]" if source else "")))
    if env.ip is None:
        out.append(Text("  " + label(lang, "client_ip_unknown"), style="yellow"))
    return out + [Text(f"  note: {n}") for n in env.notes]


def _arc(arc: ArcResult) -> list[Text]:
    oldest = f" (oldest-pass={arc.oldest_pass})" if arc.oldest_pass is not None else ""
    lines = [_verdict("arc", arc.result.value, arc.reason + oldest)]
    for i in sorted(arc.instances, key=lambda inst: -inst.instance):
        lines.append(Text(f"         i={i.instance} sealed by d={i.domain} s={i.selector} "
                          f"cv={i.cv or '-'}: AMS {i.ams_result.value}, AS {i.as_result.value}"))
        if i.authentication_results:
            lines.append(Text(f"           recorded: {i.authentication_results}"))
    for i in arc.receiver_sets:
        lines.append(Text(f"         i={i.instance} sealed by d={i.domain} s={i.selector}: the receiver's "
                          "own set, added at delivery (not part of the chain it judged)"))
    return lines


def _dmarc(dm: DmarcResult) -> list[Text]:
    lines = [_verdict("dmarc", dm.result.value, dm.reason)]
    if dm.record:
        applied = f", {dm.applied_tag}= applied" if dm.applied_tag else ""
        lines.append(Text(f"         {dm.gmail_comment} (record at _dmarc.{dm.record_domain}{applied}; "
                          f"organisational domain {dm.org_domain}, {dm.discovery})"))
    return lines + [Text(f"         note: {n}") for n in dm.notes]


def _verdicts(report: Report, lang: str) -> list[Text]:
    lines = [Text(label(lang, "verdicts"), style="bold")] + _envelope(report, lang)
    lines += [_dkim_line(s) for s in report.dkim] or [_verdict("dkim", "none", label(lang, "no_signature"))]
    for name, spf in (("spf", report.spf), ("spf/helo", report.spf_helo)):
        if spf is not None:
            lines.append(_verdict(name, spf.result.value, f"{spf.domain or '-'}: {spf.reason}"))
    if report.iprev is not None:
        lines.append(_verdict("iprev", report.iprev.result.value, report.iprev.reason))
    if report.arc is not None:
        lines += _arc(report.arc)
    if report.dmarc is not None:
        lines += _dmarc(report.dmarc)
    return lines


def _header(report: Report, style: str, lang: str) -> list[Text]:
    from headercheck.authresults import received_spf

    lines = [Text(label(lang, "authentication_results", {"style": style}), style="bold")]
    value = report.authentication_results(style)
    lines += [Text("  " + line) for line in f"Authentication-Results: {value}".splitlines()]
    spf = received_spf(report, style) if style != "rfc" else ""
    if spf:
        lines.append(Text(f"  Received-SPF: {spf}"))
    return lines


def _said_line(v: ReceiverVerdict, lang: str) -> Text:
    if v.forged:
        line = Text("  ! ", style="bold red")
        return line.append(f"{v.source} {v.identifier} ({v.authserv_id}): {label(lang, 'forged')}")
    mark = Text("  = ", style="green") if v.agrees else Text("  ! ", style="bold red")
    what = v.method + (f" ({v.identifier})" if v.identifier else "")
    said = label(lang, "receiver_line", {"theirs": v.receiver_result, "ours": v.our_result})
    cause = f": {cause_text(lang, v.cause_code, v.cause_args)}" if v.cause_code else ""
    return mark.append(f"{what}: {said}{cause}")


def _comparison(report: Report, lang: str) -> list[Text]:
    if not report.receiver_said:
        return []
    ids = sorted({v.authserv_id for v in report.receiver_said if v.authserv_id and not v.forged})
    title = label(lang, "receiver_said") + (f" ({', '.join(ids)})" if ids else "")
    return [Text(title, style="bold")] + [_said_line(v, lang) for v in report.receiver_said]


def _findings(report: Report, lang: str) -> list[Text]:
    lines = [Text(label(lang, "findings"), style="bold")]
    found = report.findings(lang)
    if not found:
        return lines + [Text("  " + label(lang, "no_findings"), style="green")]
    for f in found:
        line = Text("  ")
        line.append(f"[{f.severity.value}]", style=_SEVERITY[f.severity])
        lines.append(line.append(f" {f.code}: {f.message}"))
        lines.append(Text(f"      {label(lang, 'fix')}: {f.fix}"))
    return lines


def report_lines(report: Report, style: str, lang: str = "en") -> list[Text]:
    """The readable report as lines of rich Text."""
    title = Text(f"{report.source or '<message>'}: ", style="bold")
    lines = [title.append(f"{label(lang, 'from_domain')} {report.from_domain or label(lang, 'none')}")]
    lines += [Text(f"  {label(lang, 'warning')}: {w}", style="yellow") for w in report.warnings]
    lines += [Text(f"  {label(lang, 'error')}: {e}", style="red") for e in report.errors]
    for section in (_verdicts(report, lang), _header(report, style, lang),
                    _comparison(report, lang), _findings(report, lang)):
        if section:
            lines += [Text("")] + section
    return lines


def report_to_text(report: Report, style: str, lang: str = "en") -> str:
    """The whole readable report for one message, as plain text."""
    return "\n".join(line.plain for line in report_lines(report, style, lang))


def print_report(report: Report, style: str, lang: str = "en", file: TextIO | None = None) -> None:
    """Print the report: coloured when the output is a terminal, plain text otherwise."""
    out = file or sys.stdout
    if out.isatty():
        Console(file=out, highlight=False, soft_wrap=True).print(Text("\n").join(
            report_lines(report, style, lang)))
    else:
        print(report_to_text(report, style, lang), file=out)
