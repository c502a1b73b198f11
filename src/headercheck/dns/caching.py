"""A thread-safe per-run cache that counts the distinct questions asked."""

from __future__ import annotations

import threading

from headercheck.dns.answer import Answer, Resolver, normalize_name


class CachingResolver:
    """Wrap a resolver so each distinct (name, type) is asked once per run."""

    stable_answers = True  # the first answer to each question is kept for the run

    def __init__(self, inner: Resolver) -> None:
        self.inner = inner
        self._cache: dict[tuple[str, str], Answer] = {}
        self._lock = threading.Lock()
        self.questions = 0
        self.hits = 0

    def query(self, name: str, rdtype: str) -> Answer:
        """Answer from the cache or ask the inner resolver once."""
        key = (normalize_name(name), rdtype.upper())
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self.hits += 1
                return cached
        answer = self.inner.query(*key)
        with self._lock:
            if key not in self._cache:
                self.questions += 1
                self._cache[key] = answer
            return self._cache[key]
