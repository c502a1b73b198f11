"""_speedups_text gives dkimpy's text functions' results exactly (generated inputs; no timing)."""

from __future__ import annotations

from typing import Any

import dkim
import dkim.util
from hypothesis import given, settings
from hypothesis import strategies as st

from headercheck.checks import _speedups
from headercheck.checks._speedups_text import BTagPattern, parse_tag_value, strip_b_tag

_RE_BTAG = dkim.RE_BTAG.pattern_object if isinstance(dkim.RE_BTAG, BTagPattern) else dkim.RE_BTAG
_PARSE = dkim.util.parse_tag_value  # dkimpy's own (the hook replaces dkim.parse_tag_value only)

# Bytes over the characters that matter to each function, in runs that make tags likely.
_BTAG_ALPHABET = b" \t\r\n;b=hAz09+/:.\x0b\x0c\xff"
_BTAG_TEXT = st.lists(st.sampled_from([b"b=", b" b =", b";b=", b"\r\n ", b"bh=", b"==", b"\r\n"]
                                      + [bytes([c]) for c in _BTAG_ALPHABET]),
                      max_size=60).map(b"".join)
_TAG_TEXT = st.lists(st.sampled_from([b"a=", b"; ", b";", b"=", b" ", b"\t", b"1", b"_",
                                      b"b", b"Z", b"\xc3\xa9", b"\r\n", b"v=1", b"a"]),
                     max_size=30).map(b"".join)


def _outcome(call: Any) -> Any:
    try:
        return ("ok", call())
    except Exception as exc:  # noqa: BLE001 - the exception itself is the outcome compared
        return ("raised", type(exc).__name__, exc.args)


@settings(max_examples=1500)
@given(_BTAG_TEXT)
def test_strip_b_tag_is_dkimpys_re_btag(value: bytes) -> None:
    assert strip_b_tag(value) == _RE_BTAG.sub(b"\\1", value)


def test_strip_b_tag_on_real_signatures() -> None:
    sig = (b" v=1; a=rsa-sha256; d=example.com; s=s;\r\n h=from : to;\r\n bh=rJVe/+0=;\r\n"
           b" b=KFRU3FDOgLfvIK\r\n iGvMqgm+/Yoi397k==\r\n")
    for value in (sig, sig.rstrip(), sig + b" ", b"b=abc", b" b=abc\n", b"; b =\r\n abc; c=1",
                  b"x; b=a b=c", sig.replace(b" b=", b"\tb\r\n =")):
        assert strip_b_tag(value) == _RE_BTAG.sub(b"\\1", value)


@settings(max_examples=1500)
@given(_TAG_TEXT)
def test_parse_tag_value_is_dkimpys(tag_list: bytes) -> None:
    assert _outcome(lambda: parse_tag_value(tag_list)) == _outcome(lambda: _PARSE(tag_list))


def test_hooks_dispatch_and_switch_off() -> None:
    value = b"a=1; b=abc\r\n def; c=2"
    assert dkim.RE_BTAG.sub(b"\\1", value) == _RE_BTAG.sub(b"\\1", value)
    assert dkim.RE_BTAG.sub(b"X", value) == _RE_BTAG.sub(b"X", value)
    assert dkim.RE_BTAG.pattern == _RE_BTAG.pattern
    _speedups.use_speedups(False)
    try:
        assert dkim.parse_tag_value(b"a=1") == {b"a": b"1"}
        assert dkim.RE_BTAG.sub(b"\\1", value) == _RE_BTAG.sub(b"\\1", value)
    finally:
        _speedups.use_speedups(True)
