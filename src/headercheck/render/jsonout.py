"""Report -> JSON-safe dict with stable keys (documented in docs/json.md)."""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from typing import Any

from headercheck.results import Report

_SCALARS = (str, int, float, bool, type(None))
_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _plain(value: Any) -> Any:
    if type(value) in _SCALARS:  # most values: exact type, so enums still reach .value below
        return value
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def report_to_dict(report: Report, style: str | None = None, lang: str = "en") -> dict[str, Any]:
    """The report as plain data; style picks the Authentication-Results form (default: receiver's)."""
    from headercheck.authresults import default_style, received_spf

    out: dict[str, Any] = {"file": report.source, "from_domain": report.from_domain}
    out["warnings"] = list(report.warnings)
    out["errors"] = list(report.errors)
    out["envelope"] = _plain(report.envelope)
    out["dkim"] = _plain(report.dkim)
    for name in ("spf", "spf_helo", "iprev", "arc"):
        out[name] = _plain(getattr(report, name))
    dmarc = _plain(report.dmarc)
    if dmarc is not None:
        dmarc["domain"] = dmarc.get("from_domain", "")
    out["dmarc"] = dmarc
    style = style or default_style(report)
    out["authentication_results"] = report.authentication_results(style)
    out["received_spf"] = received_spf(report, style)
    out["receiver_said"] = _plain(report.receiver_said)
    out["findings"] = [
        {"code": f.code, "severity": f.severity.value, "message": f.message, "fix": f.fix,
         "method": f.method}
        for f in report.findings(lang)
    ]
    return out


def report_to_json(report: Report, style: str | None = None, lang: str = "en") -> str:
    """One JSON Lines record for the report."""
    return json.dumps(report_to_dict(report, style, lang), ensure_ascii=False, sort_keys=False)
