"""Inline SVG bar charts for the HTML audit report: no script, no network, just markup."""

from __future__ import annotations

from html import escape
from typing import Any

COLOURS = {
    "pass": "#2e7d32", "fail": "#c62828", "softfail": "#ef6c00", "neutral": "#9e9e9e",
    "none": "#cfd8dc", "temperror": "#6a1b9a", "permerror": "#880e4f", "policy": "#1565c0",
    "not checked": "#eceff1",
}
ORDER = tuple(COLOURS)
ROW_H, LABEL_W, BAR_W, PAD = 26, 190, 420, 8


def _colour(result: str) -> str:
    return COLOURS.get(result, "#607d8b")


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.0f}% pass"


def _label(text: str, y: int) -> str:
    short = text if len(text) <= 28 else text[:27] + "\u2026"
    return (f'<text x="{LABEL_W - 6}" y="{y + ROW_H // 2 + 4}" text-anchor="end">'
            f"<title>{escape(text)}</title>{escape(short)}</text>")


def stacked_bars(title: str, rows: list[tuple[str, dict[str, int], float | None]]) -> str:
    """One stacked bar per row: the share of each result, with the pass rate at the end."""
    height = PAD * 2 + ROW_H * max(1, len(rows)) + 24
    width = LABEL_W + BAR_W + 110
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, counts, rate) in enumerate(rows):
        y = PAD + i * ROW_H
        parts.append(_label(label, y))
        total = sum(counts.values()) or 1
        x = float(LABEL_W)
        for result in sorted(counts, key=lambda r: ORDER.index(r) if r in ORDER else 99):
            w = BAR_W * counts[result] / total
            parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{ROW_H - 6}" '
                         f'fill="{_colour(result)}"><title>{escape(label)}: {escape(result)} '
                         f"{counts[result]}</title></rect>")
            x += w
        parts.append(f'<text x="{LABEL_W + BAR_W + 8}" y="{y + ROW_H // 2 + 4}">{_pct(rate)}</text>')
    parts.append(_legend(height - 18, {r for _, c, _ in rows for r in c}))
    parts.append("</svg>")
    return "".join(parts)


def _legend(y: int, present: set[str]) -> str:
    out, x = [], LABEL_W
    for result in [r for r in ORDER if r in present] + sorted(present - set(ORDER)):
        out.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{_colour(result)}"/>'
                   f'<text x="{x + 14}" y="{y + 9}" class="legend">{escape(result)}</text>')
        x += 24 + 7 * len(result)
    return "".join(out)


def count_bars(title: str, rows: list[tuple[str, int]], colour: str = "#c62828") -> str:
    """Plain horizontal bars of counts (failure reasons)."""
    height = PAD * 2 + ROW_H * max(1, len(rows))
    width = LABEL_W + BAR_W + 80
    peak = max((n for _, n in rows), default=1) or 1
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    if not rows:
        parts.append(f'<text x="{LABEL_W}" y="{PAD + 16}">no failures</text>')
    for i, (label, count) in enumerate(rows):
        y = PAD + i * ROW_H
        w = max(1.0, BAR_W * count / peak)
        parts.append(_label(label, y))
        parts.append(f'<rect x="{LABEL_W}" y="{y + 3}" width="{w:.1f}" height="{ROW_H - 6}" '
                     f'fill="{colour}"><title>{escape(label)}: {count}</title></rect>')
        parts.append(f'<text x="{LABEL_W + w + 6:.1f}" y="{y + ROW_H // 2 + 4}">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)


def mechanism_chart(summary: dict[str, Any]) -> str:
    """Results per mechanism."""
    rows = [(m, v["counts"], v["pass_rate"]) for m, v in summary["mechanisms"].items()]
    return stacked_bars("Results per mechanism", rows)


def domain_chart(summary: dict[str, Any], mechanism: str = "dmarc") -> str:
    """DMARC results per From domain (the domains with the most messages)."""
    rows = [(f"{d['domain']} ({d['messages']})", d[mechanism]["counts"], d[mechanism]["pass_rate"])
            for d in summary["domains"]]
    return stacked_bars(f"{mechanism} results per From domain", rows)


def reasons_chart(summary: dict[str, Any]) -> str:
    """The most frequent findings (or, without findings, the most frequent failure reasons)."""
    rows = [(f["code"], f["count"]) for f in summary["findings"]]
    if not rows:
        rows = [(r["reason"], r["count"]) for r in summary["reasons"]]
    return count_bars("Top failure reasons", rows[:15])
