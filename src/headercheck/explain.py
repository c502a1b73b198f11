"""Report -> findings: a stable code, severity, what happened and how to fix it. STUB."""

from __future__ import annotations

from headercheck.results import Finding, Report


def findings(report: Report, lang: str = "en") -> tuple[Finding, ...]:
    """Every finding for the report, in English ("en") or Japanese ("ja")."""
    return ()
