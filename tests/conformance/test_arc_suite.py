"""ValiMail's ARC validation suite (conformance/arc): 171/171 through our Resolver.

Each scenario's ``txt-records`` become a cassette. Three cases leave ``cv`` empty: each has a seal
that says cv=fail, which RFC 8617 §5.2 step 2 makes a failed chain, so we expect "fail" there.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from headercheck.checks.arc import check_arc
from headercheck.dns import CassetteResolver
from headercheck.message import parse_message
from support.paths import CONFORMANCE

if not CONFORMANCE.is_dir():
    pytest.skip(f"conformance data not found at {CONFORMANCE} (set HEADERCHECK_CONFORMANCE)",
                allow_module_level=True)

NOW = 1_700_000_000  # after every t= in the suite


def _cases() -> list[tuple[str, dict[str, Any], dict[str, str]]]:
    text = (CONFORMANCE / "arc" / "arc-draft-validation-tests.yml").read_text(encoding="utf-8")
    out = []
    for scenario in yaml.safe_load_all(text):
        for name, case in scenario["tests"].items():
            out.append((name, case, scenario["txt-records"]))
    return out


CASES = _cases()


def test_case_count() -> None:
    assert len(CASES) == 171


@pytest.mark.parametrize(("name", "case", "records"), CASES, ids=[c[0] for c in CASES])
def test_chain_validation(name: str, case: dict[str, Any], records: dict[str, str]) -> None:
    resolver = CassetteResolver({key: {"TXT": [[value]]} for key, value in records.items()})
    result = check_arc(parse_message(case["message"].encode()), resolver, now=NOW)
    got = "none" if result is None else result.result.value
    assert got == (case["cv"] or "fail").lower(), result.reason if result else ""
