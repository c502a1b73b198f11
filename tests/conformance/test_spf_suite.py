"""The OpenSPF RFC 7208 and RFC 4408 suites through headercheck's own resolver seam.

Each scenario's ``zonedata`` becomes a CassetteResolver (the same back end ``--dns`` uses), and
each case runs through ``check_spf`` (our check layer: envelope in, SpfResult out), not through
pyspf's own test double. Mapping of the suite's zonedata conventions (pyspf test/testspf.py):
- ``SPF: x`` stands for a type-99 record and, when the name has no ``TXT`` entry at all, a TXT
  record with the same text (the suite's "auto-magic duplication" for TXT-only checkers).
- ``TXT: NONE`` means "no TXT records here" (and stops that duplication).
- ``TIMEOUT`` as an entry: every question about the name times out, except for types that have
  records listed before the marker; ``TYPE: TIMEOUT`` times out that type only.
- ``explanation: DEFAULT`` is the harness's placeholder for "no exp= text", which is "" for us.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from headercheck.checks.spf import check_spf
from headercheck.dns import CassetteResolver
from headercheck.results import Envelope
from support.paths import CONFORMANCE

if not CONFORMANCE.is_dir():
    pytest.skip(f"conformance data not found at {CONFORMANCE} (set HEADERCHECK_CONFORMANCE)",
                allow_module_level=True)

SUITES = CONFORMANCE / "spf"
QTYPES = ("A", "AAAA", "MX", "PTR", "TXT", "SPF")

def _shape(rdtype: str, value: Any) -> Any:
    if rdtype in ("TXT", "SPF"):
        return [value] if isinstance(value, str) else list(value)
    if rdtype == "MX":
        return {"priority": int(value[0]), "exchange": str(value[1])}
    return str(value)


def _name_types(entries: list[Any]) -> dict[str, Any]:
    types: dict[str, Any] = {}
    answered: set[str] = set()
    timeout = explicit_txt = False
    for entry in entries or []:
        if entry == "TIMEOUT":
            timeout = True
            continue
        for rdtype, value in entry.items():
            explicit_txt = explicit_txt or rdtype == "TXT"
            if value == "TIMEOUT":
                types[rdtype] = "TIMEOUT"
            elif value == "NONE":
                types.setdefault(rdtype, [])
            else:
                types.setdefault(rdtype, []).append(_shape(rdtype, value))
                if not timeout:
                    answered.add(rdtype)
    if not explicit_txt and isinstance(types.get("SPF"), list):
        types["TXT"] = list(types["SPF"])
    if timeout:
        types.update({t: "TIMEOUT" for t in QTYPES if t not in answered})
    return {t: ("NODATA" if v == [] else v) for t, v in types.items()}


def cassette(zonedata: dict[str, Any]) -> dict[str, Any]:
    """The suite's zonedata as a cassette mapping."""
    return {name: _name_types(entries) for name, entries in zonedata.items()}


def _cases(filename: str) -> list[Any]:
    out = []
    with open(SUITES / filename, "rb") as fh:
        for scenario in yaml.safe_load_all(fh):
            for test_id, case in scenario["tests"].items():
                out.append(pytest.param(scenario["zonedata"], case, id=test_id))
    return out


def run_case(zonedata: dict[str, Any], case: dict[str, Any]) -> tuple[bool, str]:
    """Run one case; (ok, what we got)."""
    resolver = CassetteResolver(cassette(zonedata))
    env = Envelope(ip=str(case["host"]), helo=str(case["helo"]), mail_from=str(case["mailfrom"]))
    result, _ = check_spf(env, resolver)
    assert result is not None
    expected = case["result"] if isinstance(case["result"], list) else [case["result"]]
    ok = result.result.value in expected
    if "explanation" in case and result.result.value == "fail":
        want = "" if case["explanation"] == "DEFAULT" else case["explanation"]
        ok = ok and result.explanation == want
    return ok, f"{result.result.value} ({result.reason}) exp={result.explanation!r}"


@pytest.mark.parametrize(("zonedata", "case"), _cases("rfc7208-tests.yml"))
def test_rfc7208(zonedata: dict[str, Any], case: dict[str, Any]) -> None:
    ok, got = run_case(zonedata, case)
    assert ok, f"expected {case['result']} {case.get('explanation', '')!r}, got {got}"


@pytest.mark.parametrize(("zonedata", "case"), _cases("rfc4408-tests.yml"))
def test_rfc4408(zonedata: dict[str, Any], case: dict[str, Any]) -> None:
    """The older suite: all 191 cases agree with RFC 7208 behaviour as pyspf implements it."""
    ok, got = run_case(zonedata, case)
    assert ok, f"expected {case['result']} {case.get('explanation', '')!r}, got {got}"


def test_suite_sizes() -> None:
    assert len(_cases("rfc7208-tests.yml")) == 203
    assert len(_cases("rfc4408-tests.yml")) == 191
