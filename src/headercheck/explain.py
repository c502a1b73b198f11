"""Report -> findings: a stable code, severity, what happened and how to fix it (en, ja).

Rules live in ``_explain_dkim`` and ``_explain_rules``; codes and severities in
``_explain_codes``; every text in ``locale/<lang>.json`` (docs/findings.md lists them).
"""

from __future__ import annotations

from typing import Any

from headercheck._catalogue import LANGUAGES, cause_text, finding_text
from headercheck._explain_codes import CODES, Raw
from headercheck._explain_dkim import dkim_findings
from headercheck._explain_rules import (
    arc_findings,
    auth_findings,
    dmarc_findings,
    iprev_findings,
    message_findings,
    receiver_findings,
    spf_findings,
)
from headercheck.results import Finding, Report, Severity

_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def raw_findings(report: Report) -> list[Raw]:
    """Every finding code with its arguments, before translation."""
    return (message_findings(report) + auth_findings(report) + dkim_findings(report)
            + spf_findings(report) + iprev_findings(report) + dmarc_findings(report)
            + arc_findings(report) + receiver_findings(report))


def _localise(raw: Raw, lang: str) -> Finding:
    args: dict[str, Any] = dict(raw.args)
    if "cause_code" in args:
        code = str(args["cause_code"])
        args["cause"] = cause_text(lang, code, dict(args.get("cause_args") or {})) if code else ""
    message, fix = finding_text(lang, raw.code, args)
    return Finding(code=raw.code, severity=CODES[raw.code], message=message, fix=fix, method=raw.method)


def findings(report: Report, lang: str = "en") -> tuple[Finding, ...]:
    """Every finding for the report, in English ("en") or Japanese ("ja"), errors first.

    :raises ValueError: unknown language.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose from {', '.join(LANGUAGES)}")
    out = [_localise(r, lang) for r in raw_findings(report)]
    return tuple(sorted(out, key=lambda f: _ORDER[f.severity]))
