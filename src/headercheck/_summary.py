"""Running totals of an audit: results per mechanism and per From domain, top failure reasons.

Bounded memory whatever the number of messages: at most MAX_DOMAINS domains and MAX_KEYS
reasons are tracked one by one; the rest are counted under "(other)".
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from headercheck._audit_worker import MECHANISMS, Notes, Row

MAX_DOMAINS = 2000
MAX_KEYS = 1000
OTHER = "(other)"
NOT_CHECKED = "not checked"


def _bounded(counter: Counter[str], key: str, limit: int) -> None:
    counter[key if key in counter or len(counter) < limit else OTHER] += 1


class Summary:
    """Totals over every row added so far; ``to_dict()`` is JSON-safe."""

    def __init__(self) -> None:
        self.messages = 0
        self.with_errors = 0
        self.dns_questions = 0
        self.elapsed = 0.0
        self.interrupted = False
        self.mechanisms: dict[str, Counter[str]] = {m: Counter() for m in MECHANISMS}
        self.domains: dict[str, dict[str, Counter[str]]] = {}
        self.domain_messages: Counter[str] = Counter()
        self.findings: Counter[str] = Counter()
        self.notes: dict[str, tuple[str, str, str]] = {}
        self.reasons: Counter[str] = Counter()
        self.skipped = 0
        self.skipped_examples: list[str] = []

    def skip(self, source: str) -> None:
        """Count a file a directory walk passed over because it is not a message."""
        self.skipped += 1
        if len(self.skipped_examples) < 10:
            self.skipped_examples.append(source)

    def add(self, row: Row, notes: Notes | None = None) -> None:
        """Count one row (and remember the text of findings seen for the first time)."""
        self.messages += 1
        if row.get("errors"):
            self.with_errors += 1
        domain = row.get("from_domain") or "(no From domain)"
        per_domain = self.domains.get(domain)
        if per_domain is None:
            if len(self.domains) >= MAX_DOMAINS:
                domain = OTHER
                per_domain = self.domains.get(OTHER)
            if per_domain is None:
                per_domain = self.domains[domain] = {m: Counter() for m in MECHANISMS}
        self.domain_messages[domain] += 1
        totals = self.mechanisms
        for mech in MECHANISMS:
            result = row.get(mech) or NOT_CHECKED
            totals[mech][result] += 1
            per_domain[mech][result] += 1
        for code in row.get("findings") or ():
            _bounded(self.findings, code, MAX_KEYS)
        if notes:
            self._note(notes)
        for reason in row.get("reasons") or ():
            _bounded(self.reasons, reason.split(":", 1)[0] + ":" + _short(reason), MAX_KEYS)

    def _note(self, notes: Notes) -> None:
        for code, text in notes.items():
            if code not in self.notes and len(self.notes) < MAX_KEYS:
                self.notes[code] = text

    def pass_rate(self, counts: Counter[str]) -> float | None:
        """Share of pass among the messages where the mechanism gave a result."""
        checked = sum(n for r, n in counts.items() if r != NOT_CHECKED)
        return counts["pass"] / checked if checked else None

    def top_domains(self, n: int = 20) -> list[tuple[str, int]]:
        """The n From domains with the most messages."""
        return self.domain_messages.most_common(n)

    def top_findings(self, n: int = 10) -> list[dict[str, Any]]:
        """The most frequent findings that are not merely informational, with their fixes."""
        out = []
        for code, count in self.findings.most_common():
            severity, message, fix = self.notes.get(code, ("", "", ""))
            if severity == "info":
                continue
            out.append({"code": code, "count": count, "severity": severity, "message": message,
                        "fix": fix})
            if len(out) == n:
                break
        return out

    def to_dict(self, top: int = 20) -> dict[str, Any]:
        """Everything a report needs, as plain data."""
        return {
            "messages": self.messages, "with_errors": self.with_errors,
            "dns_questions": self.dns_questions, "elapsed_seconds": round(self.elapsed, 3),
            "interrupted": self.interrupted,
            "skipped": self.skipped, "skipped_examples": list(self.skipped_examples),
            "mechanisms": {m: {"counts": dict(c), "pass_rate": self.pass_rate(c)}
                           for m, c in self.mechanisms.items()},
            "domains": [
                {"domain": d, "messages": n,
                 **{m: {"counts": dict(self.domains[d][m]),
                        "pass_rate": self.pass_rate(self.domains[d][m])} for m in MECHANISMS}}
                for d, n in self.top_domains(top)
            ],
            "domain_count": len(self.domains),
            "findings": self.top_findings(top),
            "reasons": [{"reason": r, "count": n} for r, n in self.reasons.most_common(top)],
        }


def _short(reason: str) -> str:
    """The reason text without its mechanism prefix, cut to a readable length."""
    text = reason.split(":", 1)[1].strip() if ":" in reason else reason
    return " " + (text[:117] + "..." if len(text) > 120 else text)
