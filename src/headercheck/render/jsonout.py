"""Report -> JSON-safe dict with stable keys (documented in docs/json.md)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from enum import Enum
from operator import attrgetter
from typing import Any

from headercheck.results import Report

_SCALARS = (str, int, float, bool, type(None))
#: Types whose values are already plain data (exact types: enums are not among them).
_SIMPLE = frozenset(_SCALARS)
_FIELDS: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]] = {}


def _field_names(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """The dataclass's field names in order, and a getter returning their values as a tuple."""
    entry = _FIELDS.get(cls)
    if entry is None:
        names = tuple(f.name for f in dataclasses.fields(cls))
        get = attrgetter(*names) if len(names) > 1 else (lambda v: (getattr(v, names[0]),))
        entry = _FIELDS[cls] = (names, get)
    return entry


_SCALAR, _ENUM, _DATACLASS, _DICT, _SEQUENCE, _BYTES, _OTHER = range(7)
_KINDS: dict[type, int] = {}


def _kind(cls: type) -> int:
    """How values of exactly this type become plain data (a pure function of the type)."""
    kind = _KINDS.get(cls)
    if kind is None:
        if cls in _SCALARS:  # exact type, so enums still reach .value below
            kind = _SCALAR
        elif issubclass(cls, Enum):
            kind = _ENUM
        elif dataclasses.is_dataclass(cls) and not issubclass(cls, type):
            kind = _DATACLASS
        elif issubclass(cls, dict):
            kind = _DICT
        elif issubclass(cls, (list, tuple)):
            kind = _SEQUENCE
        elif issubclass(cls, bytes):
            kind = _BYTES
        else:
            kind = _OTHER
        _KINDS[cls] = kind
    return kind


def _plain(value: Any) -> Any:
    """Plain data for one value; scalars (the usual field) are returned without a lookup."""
    cls = type(value)
    if cls in _SIMPLE:
        return value
    kind = _kind(cls)
    if kind == _ENUM:
        return value.value
    if kind == _DATACLASS:
        names, get = _field_names(cls)
        return {
            name: v if type(v) in _SIMPLE else _plain(v)
            for name, v in zip(names, get(value), strict=True)
        }
    if kind == _DICT:
        return {str(k): v if type(v) in _SIMPLE else _plain(v) for k, v in value.items()}
    if kind == _SEQUENCE:
        return [v if type(v) in _SIMPLE else _plain(v) for v in value]
    if kind == _BYTES:
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
