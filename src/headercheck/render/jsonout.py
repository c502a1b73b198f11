"""Report -> JSON-safe dict with stable keys (documented in docs/json.md)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from enum import Enum
from operator import attrgetter
from typing import Any

from headercheck.results import Report

#: Types whose values are already plain data (exact types: enums are not among them).
_SIMPLE = frozenset((str, int, float, bool, type(None)))
_FIELDS: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]] = {}


def _field_names(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """The dataclass's field names in order, and a getter returning their values as a tuple."""
    entry = _FIELDS.get(cls)
    if entry is None:
        names = tuple(f.name for f in dataclasses.fields(cls))
        get = attrgetter(*names) if len(names) > 1 else (lambda v: (getattr(v, names[0]),))
        entry = _FIELDS[cls] = (names, get)
    return entry


def _dataclass(value: Any) -> dict[str, Any]:
    """A dataclass instance as a dict of its fields, in field order."""
    names, get = _field_names(type(value))
    data = getattr(value, "__dict__", None)
    if data is not None and len(data) == len(names):
        # __init__ stores the fields in order and nothing else: copy its dict in one step
        # (the key order is checked below), then convert the values not plain already.
        out = dict(data)
        for name, v in out.items():
            cls = type(v)
            if cls in _SIMPLE:
                continue
            if cls is tuple:  # _sequence, inline: the usual tuple holds strings or nothing
                out[name] = [x if type(x) in _SIMPLE else _plain(x) for x in v] if v else []
            else:
                out[name] = _plain(v)
        if tuple(out) == names:
            return out
    return {name: v if type(v) in _SIMPLE else _plain(v) for name, v in zip(names, get(value), strict=True)}


def _enum(value: Any) -> Any:
    return value._value_  # what .value returns, without the enum property's descriptor


def _mapping(value: Any) -> dict[str, Any]:
    return {str(k): v if type(v) in _SIMPLE else _plain(v) for k, v in value.items()}


def _sequence(value: Any) -> list[Any]:
    return [v if type(v) in _SIMPLE else _plain(v) for v in value] if value else []


def _text(value: Any) -> Any:
    return value.decode("utf-8", "replace")


def _same(value: Any) -> Any:
    return value


def _converter(cls: type) -> Callable[[Any], Any]:
    """How values of exactly this type (never one of _SIMPLE) become plain data."""
    if issubclass(cls, Enum):
        return _enum
    if dataclasses.is_dataclass(cls) and not issubclass(cls, type):
        return _dataclass
    if issubclass(cls, dict):
        return _mapping
    if issubclass(cls, (list, tuple)):
        return _sequence
    if issubclass(cls, bytes):
        return _text
    return _same


_CONVERTERS: dict[type, Callable[[Any], Any]] = {}


def _plain(value: Any) -> Any:
    """Plain data for one value; scalars (the usual field) are returned without a lookup."""
    cls = type(value)
    if cls in _SIMPLE:
        return value
    convert = _CONVERTERS.get(cls)
    if convert is None:
        convert = _CONVERTERS[cls] = _converter(cls)
    return convert(value)


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
