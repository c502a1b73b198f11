"""authheaders 0.16.3 cases (conformance/authheaders): the same DMARC (and DKIM) results as its
expected Authentication-Results, not necessarily the same text.

Its DNS (a dict inside test_authentication.py) becomes a cassette: "" and None mean "no record",
so those names are NXDOMAIN; other names outside ``_dmarc`` only need to exist.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from headercheck.checks.dkim import verify_dkim
from headercheck.checks.dmarc import check_dmarc
from headercheck.dns import CassetteResolver
from headercheck.message import parse_message
from headercheck.results import DkimResult, Result
from support.paths import CONFORMANCE

if not CONFORMANCE.is_dir():
    pytest.skip(f"conformance data not found at {CONFORMANCE} (set HEADERCHECK_CONFORMANCE)",
                allow_module_level=True)

HERE: Path = CONFORMANCE / "authheaders"
NOW = 1_700_000_000  # after every signature's t= (2018 and 2021); none has x=


def _cassette() -> dict[str, Any]:
    raw = json.loads((HERE / "dns_from_test_authentication.py.json").read_text())["dnsfunc (line 58)"]
    out: dict[str, Any] = {}
    for name, value in raw.items():
        if isinstance(value, dict):
            value = (HERE / value["file"]).read_text().strip()
        if value:
            out[name.rstrip(".")] = {"TXT": [[value]]}
    return out


def _cases() -> list[dict[str, Any]]:
    cases = json.loads((HERE / "expected_results.json").read_text())["cases"]
    return [c for c in cases if "dmarc=" in c.get("expected_header", "")]


CASES = _cases()


def _expected(header: str) -> dict[str, Any]:
    pattern = r"dmarc=(\w+)(?: \(([^)]*)\))?(?: header\.from=(\S+))?(?: policy\.dmarc=(\w+))?"
    dmarc = re.search(pattern, header)
    assert dmarc is not None
    dkim = re.findall(r"dkim=(\w+) header\.d=(\S+)", header)
    return {"result": dmarc.group(1), "from": dmarc.group(3), "policy": dmarc.group(4), "dkim": dkim}


def _mode(case: dict[str, Any]) -> str:
    return "treewalk" if case["kwargs"].get("dmarcbis") == "True" else "psl"


def test_case_count() -> None:
    assert len(CASES) == 11


@pytest.mark.parametrize("case", CASES, ids=[c["test"] for c in CASES])
def test_dmarc_with_expected_dkim(case: dict[str, Any]) -> None:
    """DMARC from the DKIM results authheaders printed (its own or the ``prev`` header's)."""
    want = _expected(case["expected_header"])
    dkim = tuple(DkimResult(Result(r), "", "", domain=d) for r, d in want["dkim"])
    message = parse_message(HERE / case["message_file"])
    got = check_dmarc(message, dkim, None, CassetteResolver(_cassette()), discovery=_mode(case))
    assert got is not None
    assert got.result.value == want["result"], got.reason
    if want["from"] is not None:
        assert (got.from_domain or "none") == want["from"]
    if want["policy"] is not None:
        assert (got.applied_policy or "none") == want["policy"]


E2E = [c for c in CASES if c["kwargs"].get("dkim") != "False"]


@pytest.mark.parametrize("case", E2E, ids=[c["test"] for c in E2E])
def test_dkim_then_dmarc_end_to_end(case: dict[str, Any]) -> None:
    """Our own DKIM results feed DMARC; runs once checks/dkim.py verifies signatures."""
    resolver = CassetteResolver(_cassette())
    message = parse_message(HERE / case["message_file"])
    dkim = verify_dkim(message, resolver, now=NOW)
    if not dkim:
        pytest.skip("verify_dkim is still a stub on this branch")
    want = _expected(case["expected_header"])
    assert [(r.result.value, r.domain) for r in dkim] == [tuple(p) for p in want["dkim"]]
    got = check_dmarc(message, dkim, None, resolver, discovery=_mode(case))
    assert got is not None and got.result.value == want["result"]
    assert got.applied_policy == want["policy"]
