"""authres' one hot spot, made fast with the same result (the ``_speedups`` approach for authres).

``QuotableValue.quote_if_needed`` runs for every pvalue and reason written; it looks up three
regular expressions by their pattern text on each call (the token pattern formatted afresh each
time), which costs more than the rest of writing a header. ``quote_if_needed`` below uses the same
patterns, compiled once: ``tests/test_authres_speedups.py`` checks it against authres' own method
on generated values. Installed once, at import; authres still builds and writes every header.
"""

from __future__ import annotations

import re

import authres.core

_ORIGINAL = authres.core.QuotableValue.quote_if_needed
_TOKEN = re.compile("^" + authres.core.RFC2045_TOKEN_PATTERN + "$")  # authres' own pattern
_SPECIALS = re.compile(r'(["\\])')


def quote_if_needed(value: str) -> str:
    """authres' ``QuotableValue.quote_if_needed``: bare if it holds ``@`` or is a token, else quoted."""
    if "@" in value or _TOKEN.match(value):
        return value
    return "\"" + _SPECIALS.sub(r"\\\1", value) + "\""


def original_quote_if_needed(value: str) -> str:
    """authres' own method, for the equivalence tests."""
    return str(_ORIGINAL(authres.core.QuotableValue(value)))


def _install() -> None:
    if authres.core.QuotableValue.quote_if_needed is not quote_if_needed:
        authres.core.QuotableValue.quote_if_needed = quote_if_needed


_install()
