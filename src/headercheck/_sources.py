"""Audit inputs -> a stream of (source id, bytes): .eml files, directories, mbox, Maildir, stdin.

Kinds are told apart by structure and content, never by file name: a directory with ``cur/`` and
``new/`` is a Maildir, a file whose first line is an mbox ``From `` separator is an mbox, any other
file is one message. Every input yields at least one item, unreadable ones included (with an error).
Memory stays bounded: one message at a time, each at most ``max_bytes``.
"""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import BinaryIO

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
STDIN = "-"
_HEADER_COLON = re.compile(rb"^From[ \t]*:")
_ESCAPED_FROM = re.compile(rb"^>+From ")
_FIELD = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")
MAIL_SUFFIXES = (".eml", ".msg", ".mbox", ".mbx", ".mail", ".email")


@dataclass(frozen=True)
class Ref:
    """Where a message lies in a local file, for a process on this machine to read it itself.

    ``length`` -1 is the whole file (a message); otherwise an mbox slice of the lines after its
    ``From `` separator, read with :func:`read_ref` exactly as the mbox reader would join them.
    """

    path: str
    offset: int = 0
    length: int = -1


@dataclass(frozen=True)
class Item:
    """One message to check, or the reason it cannot be: its bytes, a Ref, or an error.

    ``stream``: it came from a stream that may block (stdin), so it should not wait for others.
    """

    source: str
    data: bytes | None = None
    error: str = ""
    size: int = 0
    skipped: bool = False
    ref: Ref | None = None
    stream: bool = False


def looks_like_mail(path: str) -> bool:
    """In a plain directory walk, is this file a message or an mbox? (not a README or a key)

    Yes when its name ends in a mail suffix, or its first line is a header field or an mbox
    separator. Files named on the command line and Maildir files are always messages.
    """
    if path.lower().endswith(MAIL_SUFFIXES):
        return True
    try:
        with open(path, "rb") as fh:
            head = fh.readline(1000)
    except OSError:
        return True  # unreadable: let it be reported as an error row
    return bool(_FIELD.match(head)) or looks_like_mbox(head)


def is_maildir(path: str) -> bool:
    """A Maildir has cur/ and new/ subdirectories (tmp/ holds deliveries in progress)."""
    return os.path.isdir(os.path.join(path, "cur")) and os.path.isdir(os.path.join(path, "new"))


def looks_like_mbox(head: bytes) -> bool:
    """The first line is an mbox separator ``From sender date``, not a ``From:`` header field."""
    return head.startswith(b"From ") and not _HEADER_COLON.match(head)


def iter_items(
    paths: Iterable[str], *, max_bytes: int = DEFAULT_MAX_BYTES, stdin: BinaryIO | None = None,
    exclude: Iterable[str] = (), lazy: bool = False,
) -> Iterator[Item]:
    """Every message under the given paths, in a stable order (names sorted).

    Files in exclude (e.g. the report being written) are skipped inside directories. ``lazy``:
    messages in local files come as a :class:`Ref` (read later with :func:`read_ref`, which gives
    the same bytes or error), not read here; stdin is always read.
    """
    skip = {os.path.realpath(p) for p in exclude}
    names = {os.path.basename(p) for p in skip}
    for path in paths:
        if path == STDIN:
            if stdin is None:
                import sys

                stdin = sys.stdin.buffer
            yield from _iter_stream(stdin, "<stdin>", max_bytes)
        elif os.path.isdir(path):
            items = _iter_dir(path, max_bytes, lazy)
            yield from (i for i in items if not skip or not _excluded(i.source, skip, names))
        else:
            yield from _iter_file(path, max_bytes, lazy)


def _excluded(source: str, skip: set[str], names: set[str]) -> bool:
    """Whether source resolves to a path in skip; realpath is asked only when it could (the
    same name, or a symbolic link: otherwise the resolved name is the source's own)."""
    if os.path.basename(source) not in names and not os.path.islink(source):
        return False
    return os.path.realpath(source) in skip


def read_ref(ref: Ref, source: str, max_bytes: int) -> Item:
    """The Item a Ref stands for: its bytes, or the error reading them gave (as iter_items)."""
    if ref.length < 0:
        return _read_whole(ref.path, max_bytes)
    try:
        with open(ref.path, "rb") as fh:
            fh.seek(ref.offset)
            chunk = fh.read(ref.length)
    except OSError as exc:
        return Item(source, error=f"cannot read {ref.path}: {exc.strerror or exc}")
    if len(chunk) != ref.length:
        return Item(source, error=f"cannot read {ref.path}: it changed while being audited")
    lines = chunk.split(b"\n")
    last = lines.pop()
    parts = [line + b"\n" for line in lines] + ([last] if last else [])
    unquoted = [p[1:] if _ESCAPED_FROM.match(p) else p for p in parts]
    return _mbox_item(source, unquoted, len(chunk), max_bytes)


def _iter_dir(path: str, max_bytes: int, lazy: bool = False) -> Iterator[Item]:
    """Walk a directory; a Maildir contributes cur/ and new/, then its Maildir++ sub-folders."""
    try:
        entries = sorted(os.scandir(path), key=lambda e: e.name)
    except OSError as exc:
        yield Item(path, error=f"cannot read directory {path}: {exc.strerror or exc}")
        return
    maildir = is_maildir(path)
    if maildir:
        for sub in ("cur", "new"):
            yield from _iter_flat(os.path.join(path, sub), max_bytes, lazy)
    for entry in entries:
        if maildir and entry.name in ("cur", "new", "tmp"):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _iter_dir(entry.path, max_bytes, lazy)
        elif not maildir:
            # Files at a Maildir's top level are index and state files, never messages.
            if looks_like_mail(entry.path):
                yield from _iter_file(entry.path, max_bytes, lazy)
            else:
                yield Item(entry.path, error="not a message (skipped)", skipped=True)


def _iter_flat(path: str, max_bytes: int, lazy: bool = False) -> Iterator[Item]:
    """Messages directly in a Maildir cur/ or new/ folder (RFC-less but de facto: one per file)."""
    try:
        names = sorted(e.name for e in os.scandir(path) if not e.is_dir())
    except OSError as exc:
        yield Item(path, error=f"cannot read directory {path}: {exc.strerror or exc}")
        return
    for name in names:
        full = os.path.join(path, name)
        yield Item(full, ref=Ref(full)) if lazy else _read_whole(full, max_bytes)


def _iter_file(path: str, max_bytes: int, lazy: bool = False) -> Iterator[Item]:
    """One file: an mbox (split into its messages) or a single message."""
    try:
        with open(path, "rb", buffering=0) as raw:  # unbuffered: one read() for the head
            mode = os.fstat(raw.fileno()).st_mode
            if not stat.S_ISREG(mode):
                yield Item(path, error=f"{path} is not a regular file")
                return
            head = raw.read(1024)
            if looks_like_mbox(head):
                raw.seek(0)
                fh = io.BufferedReader(raw)
                yield from (_iter_mbox_refs(fh, path, max_bytes) if lazy
                            else _iter_mbox(fh, path, max_bytes))
                return
    except OSError as exc:
        yield Item(path, error=f"cannot read {path}: {exc.strerror or exc}")
        return
    yield Item(path, ref=Ref(path)) if lazy else _read_whole(path, max_bytes)


def _read_whole(path: str, max_bytes: int) -> Item:
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > max_bytes:
                return Item(path, error=f"message of {size} bytes is over the {max_bytes}-byte limit",
                            size=size)
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        return Item(path, error=f"cannot read {path}: {exc.strerror or exc}")
    if len(data) > max_bytes:
        return Item(path, error=f"message is over the {max_bytes}-byte limit", size=len(data))
    return Item(path, data=data, size=len(data))


def _iter_stream(fh: BinaryIO, name: str, max_bytes: int) -> Iterator[Item]:
    """stdin: an mbox stream or one message."""
    head = fh.read(1024)
    if looks_like_mbox(head):
        for item in _iter_mbox(_Prefixed(head, fh), name, max_bytes):
            yield replace(item, stream=True)
        return
    data = head + fh.read(max_bytes + 1 - len(head))
    if len(data) > max_bytes:
        yield Item(name, error=f"message is over the {max_bytes}-byte limit", size=len(data),
                   stream=True)
    else:
        yield Item(name, data=data, size=len(data), stream=True)


class _Prefixed:
    """A binary stream with bytes already read put back in front (stdin cannot seek)."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head, self._rest = head, rest

    def __iter__(self) -> Iterator[bytes]:
        lines = self._head.splitlines(keepends=True)
        tail = lines.pop() if lines and not lines[-1].endswith(b"\n") else b""
        yield from lines
        first = True
        for line in self._rest:
            yield (tail + line) if first else line
            first = False
        if first and tail:
            yield tail


def _iter_mbox(lines: Iterable[bytes], name: str, max_bytes: int) -> Iterator[Item]:
    """Split an mbox on ``From `` lines that follow a blank line; undo mboxrd ``>From`` quoting."""
    number, size, prev_blank = 0, 0, True
    parts: list[bytes] = []
    for line in lines:
        if prev_blank and line.startswith(b"From ") and not _HEADER_COLON.match(line):
            if number:
                yield _mbox_item(f"{name}#{number}", parts, size, max_bytes)
            number, parts, size, prev_blank = number + 1, [], 0, False
            continue
        prev_blank = line in (b"\n", b"\r\n")
        size += len(line)
        if size <= max_bytes:
            parts.append(line[1:] if _ESCAPED_FROM.match(line) else line)
        elif parts:
            parts = []  # over the limit: keep counting, stop keeping
    if number:
        yield _mbox_item(f"{name}#{number}", parts, size, max_bytes)


def _iter_mbox_refs(fh: BinaryIO, path: str, max_bytes: int) -> Iterator[Item]:
    """As _iter_mbox over a file, but each message as a Ref to its lines (not joined here)."""
    number, start, pos, prev_blank = 0, 0, 0, True
    for line in fh:
        if prev_blank and line.startswith(b"From ") and not _HEADER_COLON.match(line):
            if number:
                yield _mbox_ref(path, number, start, pos - start, max_bytes)
            number, start, prev_blank = number + 1, pos + len(line), False
            pos += len(line)
            continue
        prev_blank = line in (b"\n", b"\r\n")
        pos += len(line)
    if number:
        yield _mbox_ref(path, number, start, pos - start, max_bytes)


def _mbox_ref(path: str, number: int, start: int, size: int, max_bytes: int) -> Item:
    source = f"{path}#{number}"
    if size > max_bytes:
        return Item(source, error=f"message of {size} bytes is over the {max_bytes}-byte limit",
                    size=size)
    return Item(source, ref=Ref(path, start, size))


def _mbox_item(source: str, parts: list[bytes], size: int, max_bytes: int) -> Item:
    if size > max_bytes:
        return Item(source, error=f"message of {size} bytes is over the {max_bytes}-byte limit",
                    size=size)
    if parts and parts[-1] in (b"\n", b"\r\n"):
        parts = parts[:-1]  # the blank line before the next separator belongs to the mbox
    data = b"".join(parts)
    return Item(source, data=data, size=len(data))
