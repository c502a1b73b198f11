"""Recording back end: wraps any resolver and writes what it answered as a cassette."""

from __future__ import annotations

import json
import os
import threading
from typing import Any

from headercheck.dns.answer import MX, Answer, Resolver, Status, stable_answers

StrPath = str | os.PathLike[str]


def _encode(answer: Answer) -> Any:
    if answer.status is not Status.NOERROR:
        return answer.status.value
    out: list[Any] = []
    for rec in answer.records:
        if isinstance(rec, MX):
            out.append({"exchange": rec.exchange, "priority": rec.priority})
        elif isinstance(rec, tuple):
            out.append([bytes(s).decode("utf-8", "surrogateescape") for s in rec if isinstance(s, bytes)])
        else:
            out.append(rec)
    return out


class RecordingResolver:
    """Pass questions to inner and remember every answer; ``save()`` writes the cassette."""

    def __init__(self, inner: Resolver, path: StrPath | None = None) -> None:
        self.inner = inner
        self.path = path
        self._data: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    @property
    def stable_answers(self) -> bool:
        """As stable as inner (answers pass through)."""
        return stable_answers(self.inner)

    def query(self, name: str, rdtype: str) -> Answer:
        """Answer through inner and record the answer."""
        answer = self.inner.query(name, rdtype)
        with self._lock:
            self._data.setdefault(answer.name, {})[answer.rdtype] = _encode(answer)
        return answer

    def cassette(self) -> dict[str, dict[str, Any]]:
        """The recorded answers in cassette shape."""
        with self._lock:
            return {name: dict(types) for name, types in sorted(self._data.items())}

    def save(self, path: StrPath | None = None) -> None:
        """Write the cassette as JSON to path (or the path given at construction)."""
        target = path or self.path
        if target is None:
            raise ValueError("no path to save the cassette to")
        with open(target, "w", encoding="utf-8") as fh:
            json.dump(self.cassette(), fh, indent=1, sort_keys=True)
            fh.write("\n")
