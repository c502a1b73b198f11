"""checks._arc_fast: the ARC fast path answers only "pass", with dkimpy's own data, or defers."""

from __future__ import annotations

from typing import Any

import dkim
import pytest
import yaml

from headercheck.checks._arc_fast import fast_arc, sorted_arc_headers
from headercheck.checks._dkimpy import DkimpyDns, pinned_clock
from headercheck.checks.arc import ArcVerifier
from headercheck.dns import CassetteResolver
from headercheck.message import parse_message
from support.paths import CONFORMANCE
from test_arc import BASE, T0, ZONE, seal

SUITE = CONFORMANCE / "arc" / "arc-draft-validation-tests.yml"
if not SUITE.is_file():
    pytest.skip(f"conformance data not found at {SUITE}", allow_module_level=True)


def _suite() -> list[tuple[str, bytes, dict[str, Any]]]:
    out = []
    for doc in yaml.safe_load_all(SUITE.read_text(encoding="utf-8")):
        zone = {k: {"TXT": [[v]]} for k, v in doc["txt-records"].items()}
        out += [(name, case["message"].encode(), zone) for name, case in doc["tests"].items()]
    return out


CASES = _suite() + [
    ("sealed-1", seal(BASE), ZONE), ("sealed-3", seal(BASE, 3), ZONE),
    ("sealed-body-changed", seal(BASE).replace(b"Hello.", b"Hacked"), ZONE),
    ("sealed-no-key", seal(BASE, 2), {}),
    ("sealed-servfail", seal(BASE), {"arc._domainkey.example.net": {"TXT": "SERVFAIL"}}),
]


def _both(raw: bytes, zone: dict[str, Any], now: float) -> tuple[Any, Any]:
    raw = parse_message(raw).raw
    with pinned_clock(now):
        fast = fast_arc(ArcVerifier(raw), DkimpyDns(CassetteResolver(zone)))
        try:
            want = dkim.ARC(raw).verify(dnsfunc=DkimpyDns(CassetteResolver(zone)))
        except Exception as exc:  # noqa: BLE001 - dkimpy's exception is its verdict
            want = type(exc)
    return fast, want


@pytest.mark.parametrize("now", [1_700_000_000, T0 + 60])
def test_fast_path_is_dkimpys_pass_or_defers(now: float) -> None:
    taken = 0
    for name, raw, zone in CASES:
        fast, want = _both(raw, zone, now)
        if fast is not None:
            taken += 1
            assert fast == want and fast[0] == dkim.CV_Pass, name
        elif isinstance(want, tuple) and want[0] == dkim.CV_Pass:
            assert name == "cv_pass_i2_1_ams1_invalid"  # an older AMS fails: dkimpy decides
    assert taken >= 50


def test_future_seal_defers_to_dkimpy() -> None:
    fast, want = _both(seal(BASE), ZONE, T0 - 86_400)
    assert fast is None and want[0] == dkim.CV_Fail


@pytest.mark.parametrize(("name", "raw", "zone"), CASES[:60], ids=[c[0] for c in CASES[:60]])
def test_sorted_arc_headers_is_dkimpys(name: str, raw: bytes, zone: dict[str, Any]) -> None:
    raw = parse_message(raw).raw
    assert sorted_arc_headers(dkim.ARC(raw).headers) == dkim.ARC(raw).sorted_arc_headers()
