"""Reading receivers' headers: any text gives a result or None, never an exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from headercheck._ar_parse import parse_arc_results, parse_received_spf, parse_results, split_top
from headercheck.authresults import compare
from headercheck.message import parse_message
from support.reports import BASE

_PIECES = st.sampled_from(["mx.google.com", ";", " ", "dkim=pass", "(", ")", '"', "\\", "=", "header.b=",
                           "spf", "i=1;", "\r\n ", "perm_fail", "@", "x", "é", "policy.dmarc=none"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_parsers_never_raise(text: str) -> None:
    parse_results(text)
    parse_arc_results(text)
    parse_received_spf(text)
    assert "".join(split_top(text)).count(";") <= text.count(";")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Authentication-Results", "Received", "Received-SPF",
                                           "ARC-Authentication-Results", "From"]),
                          st.lists(_PIECES, max_size=20).map("".join)), max_size=8))
def test_compare_never_raises(headers: list[tuple[str, str]]) -> None:
    raw = "".join(f"{name}: {' '.join(value.split())}\r\n" for name, value in headers)
    compare(parse_message(raw.encode() + b"\r\nbody\r\n"), BASE)


def test_overlong_value_is_not_read() -> None:
    assert parse_results("mx.google.com; " + "dkim=pass header.d=x; " * 2000) is None


_AR_PARTS = st.sampled_from(["mx.example", ";", " ", "(", ")", '"', "\\", "spf=pass", "dkim=fail",
                             " (c; d)", "i=1", "=", "a", "\t", "\n", "header.d=x"])


@settings(max_examples=800, derandomize=True, database=None)
@given(st.lists(_AR_PARTS, max_size=14).map("".join))
def test_authserv_id_shortcut_equals_the_full_split(value: str) -> None:
    """results_authserv_id reads only the first piece: the same id the full split gives."""
    from headercheck._ar_parse import _name_of, _normalise, results_authserv_id

    assert results_authserv_id(value) == _name_of(_normalise(value)[0])


@settings(max_examples=500, derandomize=True, database=None)
@given(st.lists(_AR_PARTS, max_size=14).map("".join))
def test_split_top_shortcut_equals_the_walk(value: str) -> None:
    """Text without ( " or \\ splits at every ";", as the character walk does."""
    if "(" in value or '"' in value or "\\" in value:
        return
    walked = split_top(value + "(")  # a "(" at the end forces the walk, and changes nothing before it
    walked[-1] = walked[-1][:-1]
    assert split_top(value) == walked
