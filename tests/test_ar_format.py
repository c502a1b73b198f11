"""Resinfos are written exactly as authres writes them (generated clauses; no timing)."""

from __future__ import annotations

import authres
from authres.core import AuthenticationResult, AuthenticationResultProperty
from hypothesis import given, settings
from hypothesis import strategies as st

from headercheck._ar_common import Prop, Resinfo, header_value, quote_if_needed

# Values over the characters authres' quoting tells apart: token characters, tspecials, "@",
# quotes, backslashes, spaces, a newline before the end (its "$"), non-ASCII.
_VALUE = st.lists(st.sampled_from(["a", "Z", "0", ".", "-", "+", "/", "=", "@", '"', "\\", " ", "(",
                                   ")", ";", ":", "\n", "\t", "é", "~", "[", "?"]),
                  max_size=12).map("".join)
_PROP = st.tuples(st.sampled_from(["header", "smtp", "Policy"]), st.sampled_from(["d", "b", "MailFrom"]),
                  _VALUE.filter(bool), st.one_of(st.none(), _VALUE))
_CLAUSE = st.tuples(st.sampled_from(["dkim", "SPF", "dmarc"]), st.sampled_from(["pass", "Fail", "none"]),
                    st.one_of(st.none(), _VALUE), st.one_of(st.none(), _VALUE), st.lists(_PROP, max_size=4))


@settings(max_examples=300, derandomize=True, database=None)
@given(_VALUE)
def test_quote_if_needed_is_authres(value: str) -> None:
    from authres.core import QuotableValue

    assert quote_if_needed(value) == QuotableValue(value).quote_if_needed()


@settings(max_examples=300, derandomize=True, database=None)
@given(st.lists(_CLAUSE, max_size=4))
def test_header_value_is_authres(clauses: list[tuple[str, str, str | None, str | None, list[
        tuple[str, str, str, str | None]]]]) -> None:
    ours, theirs = [], []
    for method, result, comment, reason, props in clauses:
        ours.append(Resinfo(method, result, comment, reason, [Prop(*p) for p in props]))
        theirs.append(AuthenticationResult(method, None, result, comment, reason, None,
                                           [AuthenticationResultProperty(*p) for p in props]))
    expected = authres.AuthenticationResultsHeader(authserv_id="mx.example", results=theirs).header_value()
    assert header_value("mx.example", ours) == expected
    for o, t in zip(ours, theirs, strict=True):
        assert (o.method, o.result, o.result_comment) == (t.method, t.result, t.result_comment)
