"""bytes -> Message: CRLF-normalised raw bytes, ordered headers with folding kept, From domains.

No I/O beyond reading the source the caller named; malformed input yields warnings, not errors.
"""

from __future__ import annotations

import email.header
import email.message
import email.utils
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import BinaryIO

MessageSource = bytes | bytearray | str | os.PathLike[str] | BinaryIO | email.message.Message

# Both start at a literal byte, so the regex engine skips ahead between line ends (a lookbehind
# before the literal, as in (?<!\r)\n, would make it try every position: 20x slower).
_BARE_LF = re.compile(rb"\n(?<!\r\n)")
_BARE_CR = re.compile(rb"\r(?!\n)")
_FIELD_NAME = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")
_UNFOLD = re.compile(r"\r?\n(?=[ \t])")
#: Where one header field ends and the next begins: a line end not followed by folding white space.
_FIELD_END = re.compile(rb"\r\n(?![ \t])")
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ADDR_SPEC = rf"{_ATEXT}(?:\.{_ATEXT})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
#: A From value email.utils.getaddresses reads as one address and nothing else: an addr-spec
#: alone, or a display name (atoms and dots, or a plain quoted string) with ``<addr-spec>``.
_ONE_ADDRESS = re.compile(
    rf"(?:(?:\"[\x20\x21\x23-\x2b\x2d-\x5b\x5d-\x7e]*\"|[A-Za-z0-9!#$%&'*+/=?^_`{{|}}~. \t-]*)"
    rf"[ \t]*<({_ADDR_SPEC})>|({_ADDR_SPEC}))"
)


@dataclass(frozen=True)
class Header:
    """One header field as received: name, raw value bytes (folding kept, CRLF ends)."""

    name: str
    raw: bytes

    def __post_init__(self) -> None:
        self.__dict__["lname"] = self.name.lower()  # asked for on every lookup: set at once

    @cached_property
    def value(self) -> str:
        """The unfolded value as text (RFC 5322 §2.2.3), undecodable bytes kept as UTF-8.

        Computed once per header (a frozen dataclass without slots keeps it in ``__dict__``).
        """
        text = self.raw.decode("utf-8", "replace")
        if "\n" not in text:
            return text.strip()
        if text.count("\n") == text.count("\r\n ") + text.count("\r\n\t"):
            return text.replace("\r\n", "").strip()  # every line end is a fold: no regex needed
        return _UNFOLD.sub("", text).strip()

    @cached_property
    def lname(self) -> str:
        """The field name in lower case."""
        return self.name.lower()


@dataclass(frozen=True)
class Message:
    """A parsed message: raw CRLF bytes, header list in order, body, and parse warnings."""

    raw: bytes
    headers: tuple[Header, ...]
    body: bytes
    warnings: tuple[str, ...] = ()
    original_line_endings: str = "CRLF"
    source: str = ""
    from_addresses: tuple[str, ...] = field(default=())

    def get_all(self, name: str) -> list[Header]:
        """Every header with that name, top to bottom."""
        lname = name.lower()
        return [h for h in self.headers if h.lname == lname]

    def values(self, name: str) -> list[str]:
        """Unfolded values of every header with that name, top to bottom."""
        return [h.value for h in self.get_all(name)]

    def first(self, name: str) -> str | None:
        """The value of the topmost header with that name, or None."""
        found = self.get_all(name)
        return found[0].value if found else None

    @property
    def from_domain(self) -> str:
        """The RFC5322.From domain (RFC 7489 §3.1.1); empty when absent or ambiguous."""
        domains = {address_domain(a) for a in self.from_addresses}
        domains.discard("")
        return domains.pop() if len(domains) == 1 else ""


def address_domain(address: str) -> str:
    """The lower-case domain of an address, without a trailing dot; "" if none."""
    _, _, domain = address.rpartition("@")
    return domain.strip().strip("<>[] ").rstrip(".").lower() if "@" in address else ""


def _read(source: MessageSource) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source), ""
    if isinstance(source, email.message.Message):
        return source.as_bytes(), ""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fh:
            return fh.read(), os.fspath(source)
    return source.read(), str(getattr(source, "name", ""))


def normalize_line_endings(data: bytes) -> tuple[bytes, str]:
    """Turn LF or CR line ends into CRLF (RFC 5322 §2.1); report what the input used."""
    if _BARE_CR.search(data) is None:
        if _BARE_LF.search(data) is None:
            return data, "CRLF"  # the common case: one scan each, nothing copied
        bare_lf = True
    else:
        bare_lf = bool(_BARE_LF.search(data))
    if bare_lf:
        data = _BARE_LF.sub(b"\r\n", data)
    if _BARE_CR.search(data):
        data = _BARE_CR.sub(b"\r\n", data)
        return data, "CR"
    return data, "LF" if bare_lf else "CRLF"


def _new_header(name: str, raw: bytes) -> Header:
    """Header(name, raw) without the frozen dataclass's per-field ``object.__setattr__``."""
    header = object.__new__(Header)
    header.__dict__.update(name=name, raw=raw, lname=name.lower())
    return header


def _split_fields(head: bytes) -> list[Header] | None:
    """The usual header section (only fields and their continuations), or None for the walk."""
    headers: list[Header] = []
    for block in _FIELD_END.split(head):
        if not _FIELD_NAME.match(block):
            if block:
                return None
            continue  # the empty line after a section that ends with CRLF
        name, _, value = block.partition(b":")
        headers.append(_new_header(name.strip().decode("ascii", "replace"), value))
    return headers


def _split_headers(head: bytes, warnings: list[str]) -> list[Header]:
    fields = _split_fields(head)
    if fields is not None:
        return fields
    headers: list[Header] = []
    for line in head.split(b"\r\n"):
        if not line:
            continue
        if line[:1] in (b" ", b"\t") and headers:
            last = headers[-1]
            headers[-1] = Header(last.name, last.raw + b"\r\n" + line)
        elif _FIELD_NAME.match(line):
            name, _, value = line.partition(b":")
            headers.append(Header(name.strip().decode("ascii", "replace"), value))
        elif line.startswith(b"From ") and not headers:
            warnings.append("mbox 'From ' separator line ignored")
        else:
            warnings.append(f"malformed header line ignored: {line[:60]!r}")
    return headers


def _from_addresses(headers: list[Header], warnings: list[str]) -> tuple[str, ...]:
    values = [h.value for h in headers if h.lname == "from"]
    if not values:
        warnings.append("no From header")
    elif len(values) > 1:
        warnings.append(f"{len(values)} From headers (RFC 5322 §3.6 allows one)")
    if len(values) == 1 and (simple := _ONE_ADDRESS.fullmatch(values[0])) is not None:
        return (simple.group(1) or simple.group(2),)  # what getaddresses gives, without its parser
    addresses = []
    for _, addr in email.utils.getaddresses(values):
        if addr:
            addresses.append(addr)
    return tuple(addresses)


def parse_message(source: MessageSource) -> Message:
    """Parse a message from bytes, a path, a binary file object or an email Message.

    :raises OSError: only when a path cannot be read (the caller reports it).
    """
    data, name = _read(source)
    warnings: list[str] = []
    if not data or data.isspace():  # same as ``not data.strip()``, without copying the message
        warnings.append("empty message")
    raw, endings = normalize_line_endings(data)
    head, sep, body = raw.partition(b"\r\n\r\n")
    if raw.startswith(b"\r\n"):
        head, body = b"", raw[2:]
        warnings.append("message has no header section")
    elif not sep:
        warnings.append("no blank line between header and body (truncated message?)")
    headers = _split_headers(head, warnings)
    if b"\x00" in data:
        warnings.append("message contains NUL bytes")
    froms = _from_addresses(headers, warnings)
    return Message(raw, tuple(headers), body, tuple(warnings), endings, name, froms)


def without_fields(message: Message, drop: set[int]) -> Message | None:
    """The message as it was before the header fields at these indices were added: the same
    bytes without them. None when its header section is not a plain list of fields (the
    fields could not be cut out exactly)."""
    head, sep, body = message.raw.partition(b"\r\n\r\n")
    blocks = _FIELD_END.split(head)
    if not sep or len(blocks) != len(message.headers) or not all(
            b.split(b":", 1)[0].strip().decode("ascii", "replace") == h.name
            for b, h in zip(blocks, message.headers, strict=True)):
        return None
    kept = [i for i in range(len(blocks)) if i not in drop]
    raw = b"\r\n".join(blocks[i] for i in kept) + b"\r\n\r\n" + body
    headers = tuple(message.headers[i] for i in kept)
    return Message(raw, headers, body, message.warnings, message.original_line_endings,
                   message.source, message.from_addresses)


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded-words for display."""
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except (ValueError, LookupError, UnicodeDecodeError):
        return value
