"""The audit as ONE self-contained HTML file: inline CSS, SVG charts and a filterable table.

Nothing is fetched when the file is viewed (a Content-Security-Policy forbids it). Rows are
spooled to a temporary file while the audit runs and streamed into the page at the end, so the
writer's memory does not grow with the number of messages.
"""

from __future__ import annotations

import json
import tempfile
from html import escape
from importlib import resources
from typing import IO, Any

from headercheck._audit_worker import Row
from headercheck.render import _charts

TEMPLATE = "audit_report.html"
ROWS_MARK = "{{ROWS}}"
# The order of the compact arrays the page's script reads (its COLS).
HTML_COLS = ("index", "file", "from_domain", "dkim", "spf", "dmarc", "arc", "iprev", "findings",
             "reasons", "errors")


def _compact(row: Row) -> list[Any]:
    out: list[Any] = []
    for col in HTML_COLS:
        value = row.get(col)
        out.append(" | ".join(map(str, value)) if isinstance(value, list) else
                   ("" if value is None else value))
    return out


def _script_safe(text: str) -> str:
    """JSON that cannot end its <script> element early."""
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _cards(summary: dict[str, Any]) -> str:
    dmarc = summary["mechanisms"]["dmarc"]["pass_rate"]
    cards = [("messages", summary["messages"]), ("with errors", summary["with_errors"]),
             ("DMARC pass", "n/a" if dmarc is None else f"{dmarc * 100:.1f}%"),
             ("From domains", summary["domain_count"]), ("DNS questions", summary["dns_questions"]),
             ("seconds", summary["elapsed_seconds"])]
    if summary.get("skipped"):
        cards.append(("files skipped (not mail)", summary["skipped"]))
    return "".join(f'<div class="card"><b>{escape(str(v))}</b><span>{escape(k)}</span></div>'
                   for k, v in cards)


def _reasons_table(summary: dict[str, Any]) -> str:
    if not summary["findings"]:
        return ""
    lines = ["<table><thead><tr><th>finding</th><th>messages</th><th>severity</th>"
             "<th>what happened (first seen)</th><th>how to fix</th></tr></thead><tbody>"]
    for f in summary["findings"]:
        lines.append(f"<tr><td>{escape(f['code'])}</td><td>{f['count']}</td>"
                     f"<td>{escape(f['severity'])}</td><td>{escape(f['message'])}</td>"
                     f"<td>{escape(f['fix'])}</td></tr>")
    lines.append("</tbody></table>")
    return "".join(lines)


def render_head_tail(summary: dict[str, Any], title: str) -> tuple[str, str]:
    """The page before and after the rows' JSON."""
    page = resources.files("headercheck.render").joinpath(TEMPLATE).read_text(encoding="utf-8")
    subtitle = (f"{summary['messages']} messages, {summary['domain_count']} From domains, "
                f"{summary['dns_questions']} DNS questions")
    interrupted = ('<div class="interrupted">The audit was interrupted: this report covers the '
                   "messages checked until then.</div>") if summary.get("interrupted") else ""
    fills = {
        "{{TITLE}}": escape(title), "{{SUBTITLE}}": escape(subtitle),
        "{{INTERRUPTED}}": interrupted, "{{CARDS}}": _cards(summary),
        "{{CHART_MECHANISMS}}": _charts.mechanism_chart(summary),
        "{{CHART_DOMAINS}}": _charts.domain_chart(summary),
        "{{CHART_REASONS}}": _charts.reasons_chart(summary),
        "{{REASONS_TABLE}}": _reasons_table(summary),
    }
    for mark, value in fills.items():
        page = page.replace(mark, value)
    head, _, tail = page.partition(ROWS_MARK)
    return head, tail


class HtmlWriter:
    """Spool rows, then write the page once the summary is known."""

    def __init__(self, out: IO[str], title: str = "") -> None:
        self.out = out
        self.title = title
        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._rows = 0

    def write(self, row: Row) -> None:
        """Keep the row (on disk) for the table."""
        self._spool.write(_script_safe(json.dumps(_compact(row), ensure_ascii=False)) + "\n")
        self._rows += 1

    def close(self, summary: dict[str, Any]) -> None:
        """Write the whole page."""
        head, tail = render_head_tail(summary, self.title)
        self.out.write(head)
        self._spool.seek(0)
        for i, line in enumerate(self._spool):
            self.out.write((",\n" if i else "") + line.rstrip("\n"))
        self.out.write(tail)
        self.out.flush()
        self._spool.close()
