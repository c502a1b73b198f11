"""The message model: any input parses into a Message; line endings normalised (RFC 5322 §2.1)."""

from __future__ import annotations

import email
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headercheck.message import normalize_line_endings, parse_message

CRLF = (b"Received: from a (a [192.0.2.1])\r\n\tby mx.example.net; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
        b"From: Alice <alice@Example.JP>\r\nTo: bob@example.net\r\nSubject: hi\r\n\r\nbody\r\n")


def test_lf_and_crlf_give_the_same_raw_bytes() -> None:
    lf = CRLF.replace(b"\r\n", b"\n")
    a, b = parse_message(CRLF), parse_message(lf)
    assert a.raw == b.raw == CRLF
    assert (a.original_line_endings, b.original_line_endings) == ("CRLF", "LF")


def test_headers_keep_order_and_folding() -> None:
    msg = parse_message(CRLF)
    assert [h.name for h in msg.headers] == ["Received", "From", "To", "Subject"]
    assert msg.headers[0].raw.endswith(b"\r\n\tby mx.example.net; Mon, 1 Jan 2024 00:00:00 +0000")
    assert msg.values("received") == [
        "from a (a [192.0.2.1])\tby mx.example.net; Mon, 1 Jan 2024 00:00:00 +0000"]
    assert msg.from_addresses == ("alice@Example.JP",) and msg.from_domain == "example.jp"
    assert msg.body == b"body\r\n"


@pytest.mark.parametrize("kind", ["bytes", "path", "file", "email"])
def test_every_source_kind(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(CRLF)
    source = {"bytes": CRLF, "path": path, "file": io.BytesIO(CRLF),
              "email": email.message_from_bytes(CRLF)}[kind]
    msg = parse_message(source)  # type: ignore[arg-type]
    assert msg.from_domain == "example.jp" and msg.body.strip() == b"body"


@pytest.mark.parametrize("data, warning", [
    (b"", "empty message"),
    (b"From: a@example.jp\r\nSubject: cut", "no blank line"),
    (b"\r\nbody only", "no header section"),
    (b"Subject: x\r\n\r\nno from", "no From header"),
    (b"From: a@x.example\r\nFrom: b@y.example\r\n\r\n", "2 From headers"),
    (b"From: a@x.example\r\nthis is not a header\r\n\r\n", "malformed header line"),
    (b"From a@x Mon Jan  1 00:00:00 2024\nFrom: a@x.example\n\nb\n", "mbox 'From '"),
    (b"From: a@x.example\x00\r\n\r\n", "NUL"),
])
def test_bad_input_is_a_warning(data: bytes, warning: str) -> None:
    msg = parse_message(data)
    assert any(warning in w for w in msg.warnings), msg.warnings


def test_multiple_from_domains_leave_from_domain_empty() -> None:
    msg = parse_message(b"From: a@x.example, b@y.example\r\n\r\n")
    assert msg.from_domain == "" and len(msg.from_addresses) == 2


def test_line_ending_detection() -> None:
    assert normalize_line_endings(b"a\rb\r") == (b"a\r\nb\r\n", "CR")
    assert normalize_line_endings(b"a\r\nb\n") == (b"a\r\nb\r\n", "LF")


_HEAD_PARTS = st.sampled_from([b"From: a@b.example", b"X : y", b"\r\n", b"\r\n ", b"\r\n\t", b" ", b":",
                               b"Subject:", b"bad line", b"From x", b"\xff", b"\x00", b"A:b", b"\r\n\r\n"])


@settings(max_examples=600, derandomize=True, database=None)
@given(st.lists(_HEAD_PARTS, max_size=14).map(b"".join))
def test_field_split_fast_path_equals_the_line_walk(text: bytes) -> None:
    """The one-regex split gives the line walk's headers, or declines (then the walk runs)."""
    from headercheck import message

    head = message.normalize_line_endings(text)[0]
    fast = message._split_fields(head)
    if fast is None:
        return
    saved, message._split_fields = message._split_fields, lambda _head: None  # type: ignore[assignment]
    try:
        warnings: list[str] = []
        walked = message._split_headers(head, warnings)
    finally:
        message._split_fields = saved
    assert [(h.name, h.raw, h.lname, h.value) for h in fast] == [
        (h.name, h.raw, h.lname, h.value) for h in walked]
    assert warnings == []


_FROM_PARTS = st.sampled_from(['"', "<", ">", "@", ".", " ", "\t", "a", "B", "0", "-", "+", "=?", ",", "(",
                               ")", "\\", ":", ";", "[", "]", "é", "x@y.example", "<a@b.example>",
                               '"J, D"', "..", "_"])


@settings(max_examples=600, derandomize=True, database=None)
@given(st.lists(_FROM_PARTS, max_size=12).map("".join))
def test_plain_from_fast_path_equals_getaddresses(value: str) -> None:
    import email.utils

    from headercheck.message import _ONE_ADDRESS

    found = _ONE_ADDRESS.fullmatch(value)
    if found is not None:
        expected = [addr for _, addr in email.utils.getaddresses([value]) if addr]
        assert [found.group(1) or found.group(2)] == expected


_ENDINGS = st.sampled_from([b"\r", b"\n", b"\r\n", b"\n\r", b"a", b"\r\r\n"])


@settings(max_examples=600, derandomize=True, database=None)
@given(st.lists(_ENDINGS, max_size=12).map(b"".join))
def test_line_endings_match_the_plain_definition(data: bytes) -> None:
    """CRLF everywhere, bare LF or bare CR turned into CRLF: as the literal definition says."""
    import re

    raw, endings = normalize_line_endings(data)
    bare_lf = re.search(rb"(?<!\r)\n", data) is not None
    step = re.sub(rb"(?<!\r)\n", b"\r\n", data)
    bare_cr = re.search(rb"\r(?!\n)", step) is not None
    assert raw == re.sub(rb"\r(?!\n)", b"\r\n", step)
    assert endings == ("CR" if bare_cr else "LF" if bare_lf else "CRLF")


@settings(max_examples=600, derandomize=True, database=None)
@given(st.lists(st.sampled_from([b"\r\n", b"\n", b"\r", b" ", b"\t", b"a", b"\r\n ", b"\r\n\t", b"\xff"]),
                max_size=12).map(b"".join))
def test_header_value_unfolds_as_the_regex(raw: bytes) -> None:
    """Header.value's shortcut (every line end a fold) gives what RFC 5322 §2.2.3 unfolding gives."""
    import re

    from headercheck.message import Header

    text = raw.decode("utf-8", "replace")
    assert Header("X", raw).value == re.sub(r"\r?\n(?=[ \t])", "", text).strip()
