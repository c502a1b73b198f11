"""The one adapter between dkimpy and our Resolver (DKIM and ARC both use it).

dkimpy asks ``dnsfunc(name: bytes, timeout=5) -> bytes | None`` for TXT records and expects the
strings of one record joined with no separator (FIELDNOTES); it cannot tell NXDOMAIN from a DNS
failure. This adapter records every answer so callers can classify the failure afterwards, and
raises dkimpy's own DnsTimeoutError for SERVFAIL/TIMEOUT so dkimpy stops at once.
``pinned_clock(now)`` makes dkimpy's wall-clock checks use the caller's "now".
"""

from __future__ import annotations

import threading
import time as _time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dkim

from headercheck.dns import Answer, Resolver, Status, normalize_name


class DkimpyDns:
    """A dkimpy ``dnsfunc`` bound to our Resolver; ``answers`` keeps what each name returned."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.answers: dict[str, Answer] = {}
        self.choice: dict[str, int] = {}

    def __call__(self, name: bytes | str, timeout: float = 5) -> bytes | None:
        """Return the chosen (by default the first) TXT record of name, strings joined.

        :raises dkim.DnsTimeoutError: the question failed (SERVFAIL or TIMEOUT): temperror.
        """
        answer = self.lookup(name)
        if answer.status.is_temporary:
            raise dkim.DnsTimeoutError(f"{answer.name} TXT: {answer.status.value}")
        records = answer.txt()
        index = self.choice.get(answer.name, 0)
        return records[index] if index < len(records) else None

    def lookup(self, name: bytes | str) -> Answer:
        """The TXT answer for name, asked once per adapter (later calls reuse it)."""
        qname = normalize_name(name)
        answer = self.answers.get(qname)
        if answer is None:
            answer = self.resolver.query(qname, "TXT")
            self.answers[qname] = answer
        return answer

    def choose(self, name: str, index: int) -> None:
        """Make dkimpy see record ``index`` of name (RFC 6376 §6.1.2 step 3: several key records)."""
        self.choice[normalize_name(name)] = index

    def status_of(self, name: str) -> Status | None:
        """How the last question for name ended, if it was asked."""
        answer = self.answers.get(name.rstrip(".").lower())
        return answer.status if answer else None

    def records_of(self, name: str) -> list[bytes]:
        """Every TXT record name returned."""
        answer = self.answers.get(name.rstrip(".").lower())
        return answer.txt() if answer else []


class _Clock:
    """Stands in for the ``time`` module inside dkimpy: ``time()`` is this thread's pinned "now".

    dkimpy reads the wall clock for t= (not in the future) and x= (not expired) in
    ``validate_signature_fields``; DKIM and ARC both go through it.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def time(self) -> float:
        """The pinned time of this thread, or the wall clock."""
        pinned: float | None = getattr(self._local, "now", None)
        return _time.time() if pinned is None else pinned

    def __getattr__(self, name: str) -> Any:
        return getattr(_time, name)


_CLOCK = _Clock()


@contextmanager
def pinned_clock(now: float) -> Iterator[None]:
    """Within the block, dkimpy's clock reads ``now`` in this thread (other threads unaffected)."""
    if dkim.time is not _CLOCK:
        dkim.time = _CLOCK
    previous = getattr(_CLOCK._local, "now", None)
    _CLOCK._local.now = now
    try:
        yield
    finally:
        _CLOCK._local.now = previous
