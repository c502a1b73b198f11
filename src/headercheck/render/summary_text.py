"""The audit summary as rich tables for a terminal: per mechanism, per From domain, top reasons."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.table import Table

from headercheck._summary import NOT_CHECKED

RESULTS = ("pass", "fail", "softfail", "neutral", "none", "temperror", "permerror", "policy",
           NOT_CHECKED)
STYLES = {"pass": "green", "fail": "red", "softfail": "yellow", "permerror": "red",
          "temperror": "magenta"}


def _rate(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.1f}%"


def mechanism_table(summary: dict[str, Any]) -> Table:
    """Counts of each result per mechanism, with the pass rate."""
    seen = {r for m in summary["mechanisms"].values() for r in m["counts"]}
    cols = [r for r in RESULTS if r in seen] + sorted(seen - set(RESULTS))
    table = Table(title="Results per mechanism", title_justify="left")
    table.add_column("mechanism")
    for col in cols:
        table.add_column(col, justify="right", style=STYLES.get(col, ""))
    table.add_column("pass rate", justify="right")
    for mech, value in summary["mechanisms"].items():
        table.add_row(mech, *(str(value["counts"].get(c, 0)) for c in cols), _rate(value["pass_rate"]))
    return table


def domain_table(summary: dict[str, Any]) -> Table:
    """Per From domain: messages and the pass rate of each mechanism."""
    table = Table(title="Per From domain (most messages first)", title_justify="left")
    for col in ("From domain", "messages", "dmarc", "dkim", "spf", "arc"):
        table.add_column(col, justify="left" if col == "From domain" else "right")
    for d in summary["domains"]:
        table.add_row(d["domain"], str(d["messages"]),
                      *(_rate(d[m]["pass_rate"]) for m in ("dmarc", "dkim", "spf", "arc")))
    return table


def reasons_table(summary: dict[str, Any]) -> Table:
    """Top findings with their fixes, or the top failure reasons when there are no findings."""
    if summary["findings"]:
        table = Table(title="Top failure reasons and their fixes", title_justify="left")
        for col in ("finding", "messages", "severity", "how to fix"):
            table.add_column(col, justify="right" if col == "messages" else "left")
        for f in summary["findings"]:
            table.add_row(f["code"], str(f["count"]), f["severity"], f["fix"] or f["message"])
        return table
    table = Table(title="Top failure reasons", title_justify="left")
    table.add_column("reason")
    table.add_column("messages", justify="right")
    for r in summary["reasons"]:
        table.add_row(r["reason"], str(r["count"]))
    return table


def print_summary(summary: dict[str, Any], console: Console) -> None:
    """Print the three tables and a totals line."""
    state = " (interrupted: partial)" if summary.get("interrupted") else ""
    totals = (f"{summary['messages']} messages{state}, {summary['with_errors']} with errors, "
              f"{summary['domain_count']} From domains, {summary['dns_questions']} distinct DNS "
              f"questions, {summary['elapsed_seconds']:.1f} s")
    tables = [mechanism_table(summary), domain_table(summary)]
    if summary["findings"] or summary["reasons"]:
        tables.append(reasons_table(summary))
    console.print(Group(*tables))
    console.print(totals)
    if summary.get("skipped"):
        shown = ", ".join(summary["skipped_examples"])
        more = ", ..." if summary["skipped"] > len(summary["skipped_examples"]) else ""
        console.print(f"skipped {summary['skipped']} files that are not messages: {shown}{more}")
