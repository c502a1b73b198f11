"""RFC 9989 cases (tests/data/dmarc/rfc9989-cases.json, see its SOURCE.md) through check_dmarc().

Each case runs in the discovery modes it names: the Public Suffix List (RFC 7489 §6.6.3) and
the DNS Tree Walk (RFC 9989 §4.10); the expected fields are DmarcResult's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from headercheck.checks.dmarc import check_dmarc
from headercheck.dns import CassetteResolver
from headercheck.message import parse_message
from headercheck.results import DkimResult, Result, SpfResult

CASES = json.loads((Path(__file__).parent / "data" / "dmarc" / "rfc9989-cases.json").read_text())
RUNS = [(case, mode) for case in CASES for mode in case["modes"]]


def _verdict(case: dict[str, Any], mode: str) -> Any:
    head = f"From: {case['from']}\r\nTo: x@example.net\r\nSubject: t\r\n\r\n"
    message = parse_message(head.encode() + b"body\r\n")
    dkim = tuple(DkimResult(Result.PASS, "", "", domain=d) for d in case["dkim"])
    spf = SpfResult(Result.PASS, "mailfrom", "", domain=case["spf"]) if case["spf"] else None
    return check_dmarc(message, dkim, spf, CassetteResolver(case["zone"]), discovery=mode)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Result) else list(value) if isinstance(value, tuple) else value


@pytest.mark.parametrize(("case", "mode"), RUNS, ids=[f"{c['name']}-{m}" for c, m in RUNS])
def test_rfc9989_case(case: dict[str, Any], mode: str) -> None:
    verdict = _verdict(case, mode)
    got = {key: _plain(getattr(verdict, key)) for key in case["expect"]}
    assert got == case["expect"], verdict.reason
