"""Audit rows as CSV (RFC 4180), one line per message, flushed as written.

Columns (docs/audit.md): the scalar row fields as they are; list fields joined with `` | ``;
an empty cell for a mechanism that was not checked.
"""

from __future__ import annotations

import csv
from typing import IO, Any

from headercheck._audit_worker import Row

COLUMNS = (
    "index", "file", "size", "from_domain", "dkim", "dkim_domains", "spf", "spf_domain",
    "spf_helo", "iprev", "dmarc", "dmarc_policy", "disposition", "arc", "reasons", "findings",
    "errors", "warnings", "authentication_results",
)
JOIN = " | "


def csv_cells(row: Row) -> list[str]:
    """The CSV cells of one row, in COLUMNS order."""
    cells = []
    for col in COLUMNS:
        value = row.get(col)
        if value is None:
            cells.append("")
        elif isinstance(value, list):
            cells.append(JOIN.join(str(v) for v in value))
        else:
            cells.append(str(value))
    return cells


class CsvWriter:
    """A header line, then one line per row."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self._csv = csv.writer(out, lineterminator="\r\n")
        self._csv.writerow(COLUMNS)
        out.flush()

    def write(self, row: Row) -> None:
        """Write and flush one line."""
        self._csv.writerow(csv_cells(row))
        self.out.flush()

    def close(self, summary: dict[str, Any]) -> None:
        """Nothing to add: the summary is not part of the CSV."""
        self.out.flush()
