"""The one adapter between pyspf and our Resolver, and the one place for pyspf's defects.

pyspf has no resolver parameter: every question goes through the module global
``spf.DNSLookup(name, qtype, strict, timeout) -> [((name, qtype), value), ...]`` (FIELDNOTES).
That global is replaced once by ``_hook``, which answers from the Resolver bound to the calling
thread by ``bound()``; with none bound it refuses (TempError) instead of reaching the network.
So several threads can check at once, each through its own resolver.

Value shapes pyspf expects (read from spf.py 2.0.14): TXT/SPF a tuple of byte strings (one per
character-string, joined by pyspf), MX ``(priority, exchange)``, A/AAAA/PTR/CNAME text. NXDOMAIN
and NODATA are an empty list (pyspf counts them as void lookups, RFC 7208 §4.6.4); SERVFAIL and
TIMEOUT raise ``spf.TempError``, which pyspf reports as temperror (RFC 7208 §2.6.6).

pyspf defects worked around here, each shown by a test in tests/test_spf.py:
1. A TXT record with no character-strings makes ``query.dns_txt`` index an empty list
   (IndexError): such a record is handed over as one empty string, which means the same.
2. ``spf.query(i=...)`` raises PermError from its constructor for an unparseable IP, outside
   ``check()``'s error handling: the IP is validated before pyspf sees it.
3. Errors pyspf does not classify (AssertionError "Too many levels of recursion", UnicodeError
   from odd records) escape ``check()``: they become permerror with the reason.
4. RFC 7208 §5.5: a DNS error on the A/AAAA lookup of a name from the PTR answer skips that
   name; pyspf turns it into temperror for the whole check. Such a failure is answered as empty.
5. The %{t} macro (RFC 7208 §7.3) expands to ``time.time()`` taken in the query's constructor:
   ``at()`` sets the query's clock to the injected ``now``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import spf

from headercheck.dns import MX, Answer, Resolver, Status

_local = threading.local()
_install_lock = threading.Lock()

PyspfAnswer = list[tuple[tuple[str, str], Any]]


@dataclass
class SpfDns:
    """The resolver for one SPF check and every answer pyspf asked for, in order."""

    resolver: Resolver
    asked: list[Answer] = field(default_factory=list)
    ptr_targets: set[str] = field(default_factory=set)

    def lookup(self, name: str, qtype: str) -> PyspfAnswer:
        """Answer one pyspf question in the shape pyspf expects.

        :raises spf.TempError: the question failed with SERVFAIL or TIMEOUT.
        :raises spf.PermError: the answer was over the size cap (Status.OVERSIZE).
        """
        answer = self.resolver.query(name, qtype)
        self.asked.append(answer)
        if answer.status.is_temporary:
            if qtype in ("A", "AAAA") and answer.name in self.ptr_targets:
                return []  # defect 4: RFC 7208 §5.5 skips this PTR name
            raise spf.TempError(f"DNS {answer.status.value} for {answer.name} {qtype}")
        if answer.status is Status.OVERSIZE:  # refused by the answer-size cap: permanent
            raise spf.PermError(answer.error)
        if not answer.ok:
            return []
        if qtype == "PTR":
            self.ptr_targets.update(n.rstrip(".").lower() for n in answer.names())
        return [((name, qtype), _value(qtype, record)) for record in answer.records]


def _value(qtype: str, record: object) -> Any:
    if isinstance(record, MX):
        return (record.priority, record.exchange)
    if isinstance(record, tuple):
        return record if record else (b"",)  # defect 1: a record with no strings
    return record


def _hook(name: str, qtype: str, strict: object = True, timeout: object = None) -> PyspfAnswer:
    """pyspf's DNSLookup: the resolver bound to this thread, never the network."""
    current: SpfDns | None = getattr(_local, "dns", None)
    if current is None:
        raise spf.TempError("no resolver bound for this thread (headercheck never queries "
                            "DNS on pyspf's own)")
    return current.lookup(str(name), str(qtype))


def install() -> None:
    """Route pyspf's module-global DNS hook through ``_hook`` (idempotent)."""
    with _install_lock:
        if spf.DNSLookup is not _hook:
            spf.DNSLookup = _hook


@contextmanager
def bound(resolver: Resolver) -> Iterator[SpfDns]:
    """Bind resolver to pyspf for the calling thread for the duration of the block."""
    install()
    previous = getattr(_local, "dns", None)
    _local.dns = current = SpfDns(resolver)
    try:
        yield current
    finally:
        _local.dns = previous


@dataclass(frozen=True)
class Outcome:
    """What one pyspf evaluation found."""

    result: str
    explanation: str
    mechanism: str
    lookups: int
    void_lookups: int
    problem: str
    asked: tuple[Answer, ...]
    #: What readers derived from this outcome, by domain (``spf._fixed``; memos share outcomes).
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def evaluate(resolver: Resolver, ip: str, sender: str, helo: str, receiver: str,
             now: float | None = None) -> Outcome:
    """Run ``spf.query(...).check()`` through resolver; pyspf's escapes become permerror.

    ip must already be a valid address (defect 2); sender "" means the HELO identity; now is
    the time %{t} expands to (defect 5; None: the wall clock).
    """
    return run(resolver, at(spf.query(i=ip, s=sender, h=helo, receiver=receiver or "unknown",
                                      querytime=0), now))


def at(query: spf.query, now: float | None) -> spf.query:
    """The query with its %{t} clock set to now (defect 5); None keeps pyspf's wall clock."""
    if now is not None:
        query.t = str(int(now))
    return query


def run(resolver: Resolver, query: spf.query) -> Outcome:
    """Check a fresh ``spf.query`` (or a subclass) through resolver: see ``evaluate``."""
    with bound(resolver) as dns:
        try:
            result, _code, explanation = query.check()
        except (AssertionError, UnicodeError, IndexError, ValueError) as exc:  # defect 3
            result, explanation = "permerror", f"SPF Permanent Error: {exc}"
            query.prob = str(exc)
    problem = str(getattr(query, "prob", "") or "")
    return Outcome(
        result=str(result),
        explanation=str(explanation or ""),
        mechanism=str(getattr(query, "mechanism", None) or ""),
        lookups=int(query.lookups),
        void_lookups=int(query.void_lookups),
        problem=problem,
        asked=tuple(dns.asked),
    )


install()
