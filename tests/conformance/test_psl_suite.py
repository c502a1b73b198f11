"""The official Public Suffix List test vectors (conformance/psl/test_psl.txt): 78/78."""

from __future__ import annotations

import re

import pytest

from headercheck.checks._orgdomain import registrable_domain
from support.paths import CONFORMANCE

if not CONFORMANCE.is_dir():
    pytest.skip(f"conformance data not found at {CONFORMANCE} (set HEADERCHECK_CONFORMANCE)",
                allow_module_level=True)

_LINE = re.compile(r"checkPublicSuffix\((null|'[^']*'), (null|'[^']*')\);")


def _cases() -> list[tuple[str | None, str | None]]:
    text = (CONFORMANCE / "psl" / "test_psl.txt").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        m = _LINE.match(line.strip())
        if m:
            a, b = (None if g == "null" else g[1:-1] for g in m.groups())
            out.append((a, b))
    return out


CASES = _cases()


def test_case_count() -> None:
    assert len(CASES) == 78


@pytest.mark.parametrize(("domain", "expected"), CASES, ids=[str(c[0]) for c in CASES])
def test_registrable_domain(domain: str | None, expected: str | None) -> None:
    assert registrable_domain(domain) == expected
