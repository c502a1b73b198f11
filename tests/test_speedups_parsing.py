"""The faster message and Received parsing gives the results of the plain versions (no timing).

Each fast path is compared on generated inputs with a straightforward reference written here.
"""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from headercheck._received import _tokens, parse_ip
from headercheck.message import normalize_line_endings


def _tokens_reference(text: str) -> list[tuple[str, str, bool]]:
    """The character-by-character tokenizer _tokens replaced."""
    items: list[tuple[str, str, bool]] = []
    i, n, spaced = 0, len(text), True
    while i < n:
        ch = text[i]
        if ch.isspace():
            spaced, i = True, i + 1
            continue
        if ch == "(":
            depth, j = 0, i
            while j < n:
                if text[j] == "\\":
                    j += 1
                elif text[j] == "(":
                    depth += 1
                elif text[j] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            items.append(("comment", text[i + 1 : j], spaced))
            i = j + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] != "(":
                j += 1
            items.append(("atom", text[i:j], spaced))
            i = j
        spaced = False
    return items


_RECEIVED_TEXT = st.lists(st.sampled_from(
    ["(", ")", "\\", " ", "\t", "\r\n", "\u00a0", "\u2003", "\x1c", "a", "from", "[1.2.3.4]", ";",
     "helo=x", "é"]), max_size=40).map("".join)


@settings(max_examples=2000)
@given(_RECEIVED_TEXT)
def test_tokens_are_the_reference(text: str) -> None:
    assert _tokens(text) == _tokens_reference(text)


def _endings_reference(data: bytes) -> bool:
    crlf = data.count(b"\r\n")
    return data.count(b"\n") == crlf and data.count(b"\r") == crlf


@settings(max_examples=2000)
@given(st.lists(st.sampled_from([b"\r", b"\n", b"\r\n", b"a", b" "]), max_size=30).map(b"".join))
def test_line_ending_fast_path_is_exact(data: bytes) -> None:
    fixed, endings = normalize_line_endings(data)
    assert (endings == "CRLF" and fixed is data) == _endings_reference(data)


def _parse_ip_reference(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


@settings(max_examples=2000)
@given(st.text(alphabet="0123456789abcdefABCDEFG:.%[] xé٣", max_size=24))
def test_parse_ip_prefilter_loses_no_address(text: str) -> None:
    found = parse_ip(text)
    value = text.strip().strip("[]").strip()
    value = value[5:] if value.lower().startswith("ipv6:") else value
    expected = _parse_ip_reference(value.partition("%")[0])
    if found is None:
        assert expected is None
    else:
        assert expected is not None


def test_cached_header_values_keep_equality_and_pickling() -> None:
    import pickle

    from headercheck.message import Header, parse_message

    message = parse_message(b"Subject: a\r\n b\r\nFrom: x@example.com\r\n\r\nbody\r\n")
    header = message.headers[0]
    assert (header.value, header.lname) == ("a b", "subject")
    assert header == Header("Subject", header.raw) and hash(header) == hash(Header("Subject", header.raw))
    again = pickle.loads(pickle.dumps(header))
    assert (again, again.value, again.lname) == (header, "a b", "subject")
