"""Row writers for audits: JSON Lines here, CSV and HTML beside; each row is flushed as written.

A writer gets ``write(row)`` once per message and ``close(summary)`` once at the end, also after
Ctrl-C, so a partial report is always valid.
"""

from __future__ import annotations

import json
from typing import IO, Any, Protocol

from headercheck._audit_worker import Row

FORMATS = ("jsonl", "csv", "html")


class RowWriter(Protocol):
    """Receives the rows of an audit as they come, then the summary."""

    def write(self, row: Row) -> None:
        """Add one row."""
        ...

    def close(self, summary: dict[str, Any]) -> None:
        """Finish the report (the summary is that of the rows written)."""
        ...


class JsonlWriter:
    """One JSON object per line (the row schema of docs/audit.md), flushed line by line."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def write(self, row: Row) -> None:
        """Write and flush one line."""
        self.out.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.out.flush()

    def close(self, summary: dict[str, Any]) -> None:
        """Nothing to add: JSON Lines carries rows only."""
        self.out.flush()


def format_for(path: str | None, given: str | None) -> str:
    """The format asked for, or the one an output file name implies (default jsonl)."""
    if given:
        return given
    suffix = (path or "").rsplit(".", 1)[-1].lower()
    return {"csv": "csv", "html": "html", "htm": "html"}.get(suffix, "jsonl")


def open_writer(fmt: str, out: IO[str]) -> RowWriter:
    """The writer for a format, writing to out."""
    if fmt == "csv":
        from headercheck.render.csv import CsvWriter

        return CsvWriter(out)
    if fmt == "html":
        from headercheck.render.html import HtmlWriter

        return HtmlWriter(out)
    if fmt == "jsonl":
        return JsonlWriter(out)
    raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
