"""pyspf evaluations remembered across messages, per stable resolver (``_memo``).

pyspf stays the one evaluator (RFC 7208 §4.6); what it found is reused in two ways:

1. The same envelope (client IP, sender, HELO, receiver) gives the same outcome: remembered
   unless an answer was a temporary DNS failure, or a record read the clock (``%{t}``, §7.3).
2. The same domain from another address of the same family: pyspf's path through the records
   depends on the client IP only through its address tests (``cidrmatch``: ip4, ip6, a, mx),
   when no record or name holds a macro (``%``) and no PTR was asked (ptr, ``%{p}``). The
   evaluation notes each test (the networks and the answer); a later IP that gives the same
   answer to every test, in order, takes the same path to the same outcome. Outcomes whose text
   names the IP are not reused this way.

Every outcome reused is one pyspf produced; anything not covered is evaluated afresh.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import spf

from headercheck.checks import _memo, _pyspf
from headercheck.checks._pyspf import Outcome
from headercheck.dns import Answer, Resolver

Net = tuple[int, int, int]  # (version, network address, netmask) as integers
Trace = tuple[tuple[tuple[Net, ...], bool], ...]
MAX_TRACES = 16  # distinct paths kept per domain (e.g. matched by ip4, by mx, by nothing)


class TracingQuery(spf.query):  # type: ignore[misc]
    """pyspf's query, noting each client-address test it makes and the answer it got."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.trace: list[tuple[tuple[Net, ...], bool]] = []
        self.traceable = True

    def cidrmatch(self, ipaddrs: Sequence[Any], n: int) -> bool:
        """pyspf's cidrmatch, its networks and answer noted for ``replays``."""
        try:
            matched = bool(super().cidrmatch(ipaddrs, n))
        except BaseException:
            self.traceable = False
            raise
        try:
            nets = tuple(network(str(ip), n) for ip in ipaddrs)
        except (ValueError, TypeError):
            self.traceable = False
            return matched
        if _matches(nets, address(self.c)) != matched:  # not as pyspf decided: never reuse
            self.traceable = False
        self.trace.append((nets, matched))
        return matched


@lru_cache(maxsize=4096)
def network(ip: str, prefix: int) -> Net:
    """The network pyspf tests for one address and prefix length, as integers."""
    net = ipaddress.ip_network(ip).supernet(new_prefix=prefix)
    return net.version, int(net.network_address), int(net.netmask)


@lru_cache(maxsize=4096)
def address(ip: str) -> tuple[int, int]:
    """(version, integer) of a canonical address; a plain dotted quad without ``ipaddress``."""
    parts = ip.split(".")
    if len(parts) == 4 and all(p.isascii() and p.isdigit() and str(int(p)) == p and int(p) < 256
                               for p in parts):  # exactly what ipaddress accepts as IPv4 here
        a, b, c, d = map(int, parts)
        return 4, a << 24 | b << 16 | c << 8 | d
    parsed = ipaddress.ip_address(ip)
    return parsed.version, int(parsed)


def _matches(nets: tuple[Net, ...], addr: tuple[int, int]) -> bool:
    version, value = addr
    for v, base, mask in nets:
        if v == version and value & mask == base:
            return True
    return False


def replays(trace: Trace, addr: tuple[int, int]) -> bool:
    """Whether addr answers every test of trace as it was answered."""
    for nets, matched in trace:
        if _matches(nets, addr) is not matched:
            return False
    return True


def evaluate(resolver: Resolver, ip: str, sender: str, helo: str, receiver: str,
             now: float | None = None) -> Outcome:
    """``_pyspf.evaluate``, through the memos of resolver when it has them."""
    memo = _memo.memo_for(resolver, "spf")
    if memo is None:
        return _pyspf.evaluate(resolver, ip, sender, helo, receiver, now)
    exact = (ip, sender, helo, receiver)
    found: Outcome | None = memo.get(exact)
    if found is not None:
        return found
    addr = address(ip)
    domain = spf.split_email(sender, helo)[1]
    by_domain = ("domain", bool(sender), domain, addr[0])
    traces: tuple[tuple[Trace, Outcome], ...] = memo.get(by_domain) or ()
    for trace, outcome in traces:
        if replays(trace, addr):
            memo.put(exact, outcome)
            return outcome
    query = TracingQuery(i=ip, s=sender, h=helo, receiver=receiver or "unknown", querytime=0)
    out = _pyspf.run(resolver, _pyspf.at(query, now))
    if _clean(out):
        if not _reads_clock(out.asked):
            memo.put(exact, out)
        if query.traceable and _ip_free(out, ip, domain):
            memo.put(by_domain, (*traces, (tuple(query.trace), out))[-MAX_TRACES:])
    return out


def _clean(out: Outcome) -> bool:
    """No temporary DNS failure anywhere (one pyspf skipped included): never remembered."""
    return out.result != "temperror" and not any(a.status.is_temporary for a in out.asked)


def _txt(asked: tuple[Answer, ...]) -> bytes:
    """Every TXT/SPF record pyspf read (records, includes, explanations), for macro checks."""
    return b"\n".join(t for a in asked if a.rdtype in ("TXT", "SPF") for t in a.txt())


def _reads_clock(asked: tuple[Answer, ...]) -> bool:
    """A record or explanation with the %{t} macro (RFC 7208 §7.3) reads the clock (``now``)."""
    return b"%{t" in _txt(asked).lower()


def _ip_free(out: Outcome, ip: str, domain: str) -> bool:
    """Nothing in the path depends on the client IP but its address tests (module doc)."""
    if "%" in domain or any(a.rdtype == "PTR" for a in out.asked) or b"%" in _txt(out.asked):
        return False
    return ip not in out.explanation and ip not in out.problem
