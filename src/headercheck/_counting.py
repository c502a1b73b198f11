"""How many messages an audit will yield, counted in advance for the progress bar."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable

from headercheck._sources import _HEADER_COLON, STDIN, is_maildir, looks_like_mail, looks_like_mbox


def count_items(paths: Iterable[str]) -> int:
    """How many items iter_items would yield (for a progress bar); reads mbox files once."""
    total = 0
    for path in paths:
        if path == STDIN:
            raise ValueError("stdin cannot be counted in advance")
        if os.path.isdir(path):
            total += _count_dir(path)
        else:
            total += _count_file(path)
    return total


def _count_dir(path: str) -> int:
    try:
        entries = list(os.scandir(path))
    except OSError:
        return 1
    maildir = is_maildir(path)
    total = 0
    if maildir:
        for sub in ("cur", "new"):
            try:
                total += sum(1 for e in os.scandir(os.path.join(path, sub)) if not e.is_dir())
            except OSError:
                total += 1
    for entry in entries:
        if maildir and entry.name in ("cur", "new", "tmp"):
            continue
        if entry.is_dir(follow_symlinks=False):
            total += _count_dir(entry.path)
        elif not maildir:
            total += _count_file(entry.path) if looks_like_mail(entry.path) else 0
    return total


def _count_file(path: str) -> int:
    try:
        with open(path, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return 1
            if not looks_like_mbox(fh.read(1024)):
                return 1
            fh.seek(0)
            count, prev_blank = 0, True
            for line in fh:
                if prev_blank and line.startswith(b"From ") and not _HEADER_COLON.match(line):
                    count += 1
                prev_blank = line in (b"\n", b"\r\n")
            return max(count, 1)
    except OSError:
        return 1
