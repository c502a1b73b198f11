"""authres' quoting hot spot: our compiled version equals authres' own (generated values)."""

from __future__ import annotations

import authres.core
from hypothesis import given, settings
from hypothesis import strategies as st

from headercheck import _authres_speedups as fast

# Characters authres' quoting tells apart: token characters, tspecials, "@", quotes, backslashes,
# spaces, a newline before the end (the pattern's "$"), non-ASCII.
_VALUE = st.lists(st.sampled_from(["a", "Z", "0", ".", "-", "+", "/", "=", "@", '"', "\\", " ", "(",
                                   ")", ";", ":", "\n", "\t", "é", "~", "[", "?", "'"]),
                  max_size=12).map("".join)


@settings(max_examples=500, derandomize=True, database=None)
@given(_VALUE)
def test_quote_if_needed_equals_authres(value: str) -> None:
    assert fast.quote_if_needed(authres.core.QuotableValue(value)) == fast.original_quote_if_needed(value)


def test_installed_and_used_by_authres() -> None:
    assert authres.core.QuotableValue.quote_if_needed is fast.quote_if_needed
    prop = authres.core.AuthenticationResultProperty("header", "b", "ab/cd+e")
    assert str(prop) == 'header.b="ab/cd+e"'
