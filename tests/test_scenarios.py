"""Scenario fixtures: tests/scenarios/<name>/{message.eml, dns.zone | dns.json, expected.json}.

expected.json: {"args": {check() keyword arguments: now, ip, mail_from, helo, receiver; "options":
CheckOptions fields},
"expect": a subset of report.to_dict()}. Lists in "expect" match element-wise by position
(a shorter list checks a prefix only when "expect_prefix" is true); dicts match as subsets.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import headercheck
from headercheck.options import CheckOptions
from support.paths import SCENARIOS


def _scenarios() -> list[Path]:
    return sorted(p for p in SCENARIOS.iterdir() if (p / "expected.json").exists())


def assert_subset(expected: Any, actual: Any, where: str = "$") -> None:
    """Every key/element of expected is in actual with an equal value."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{where}: missing key {key!r} in {sorted(actual)}"
            assert_subset(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), f"{where}: {len(actual)} items, expected {len(expected)}"
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            assert_subset(e, a, f"{where}[{i}]")
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def run_scenario(folder: Path) -> dict[str, Any]:
    """Check the scenario's message with its own DNS and return the report as a dict."""
    spec = json.loads((folder / "expected.json").read_text())
    dns = [p for p in (folder / "dns.zone", folder / "dns.json") if p.exists()]
    args = dict(spec.get("args", {}))
    if "options" in args:
        args["options"] = CheckOptions(**args["options"])
    report = headercheck.check(folder / "message.eml", dns=dns or [], **args)
    return report.to_dict()


@pytest.mark.parametrize("folder", _scenarios(), ids=lambda p: p.name)
def test_scenario(folder: Path) -> None:
    spec = json.loads((folder / "expected.json").read_text())
    assert_subset(spec["expect"], run_scenario(folder))
