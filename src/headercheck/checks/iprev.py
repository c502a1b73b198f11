"""iprev (RFC 8601 §3): forward-confirmed reverse DNS of the client IP.

The PTR names of the IP are each resolved forward (A for IPv4, AAAA for IPv6); the check passes
when one of them maps back to the IP. Results (RFC 8601 §2.7.3): pass; fail when no name maps
back; permerror when no PTR data are published (NXDOMAIN/NODATA), the address is unusable or
every PTR name is malformed; temperror when a lookup failed transiently and nothing confirmed.
"""

from __future__ import annotations

from headercheck._received import parse_ip
from headercheck.checks import _memo
from headercheck.dns import Answer, Resolver, reverse_name
from headercheck.results import IprevResult, Result

MAX_PTR_NAMES = 10  # the same bound RFC 7208 §4.6.4 puts on ptr


def _valid_name(name: str) -> bool:
    labels = name.rstrip(".").split(".")
    return len(name) <= 253 and all(0 < len(label) <= 63 for label in labels) and len(labels) > 1


def check_iprev(ip: str | None, resolver: Resolver) -> IprevResult | None:
    """FCrDNS of ip (RFC 8601 §3), or None when no client IP is known.

    Remembered per resolver and address (``_memo``) unless a lookup failed temporarily.
    """
    if not ip:
        return None
    parsed = parse_ip(ip)
    if parsed is None:
        return IprevResult(Result.PERMERROR, f"{ip!r} is not an IP address", ip=ip)
    ip = parsed[0]
    asked: list[Answer] = []
    return _memo.remembered(resolver, "iprev", ip, lambda: _check(ip, resolver, asked),
                            keep=lambda _: not any(a.status.is_temporary for a in asked))


def _reverse(ip: str) -> str:
    """The PTR name of a canonical address: ``reverse_name``, without re-parsing IPv4."""
    if ":" in ip:
        return reverse_name(ip)
    a, b, c, d = ip.split(".")
    return f"{d}.{c}.{b}.{a}.in-addr.arpa"


def _check(ip: str, resolver: Resolver, asked: list[Answer]) -> IprevResult:
    asked.append(resolver.query(_reverse(ip), "PTR"))
    ptr = asked[0]
    if ptr.status.is_temporary:
        return IprevResult(Result.TEMPERROR, f"PTR lookup of {ptr.name} failed: {ptr.status.value}",
                           ip=ip, dns_names=(ptr.name,))
    names = tuple(dict.fromkeys(n.rstrip(".").lower() for n in ptr.names()))
    if not names:
        return IprevResult(Result.PERMERROR, f"no PTR record for {ip} ({ptr.status.value} at {ptr.name})",
                           ip=ip, dns_names=(ptr.name,))
    return _confirm(ip, names, resolver, asked)


def _confirm(ip: str, names: tuple[str, ...], resolver: Resolver, asked: list[Answer]) -> IprevResult:
    """Resolve each PTR name forward until one maps back to ip."""
    rdtype = "AAAA" if ":" in ip else "A"  # ip is canonical (parse_ip): IPv6 has colons
    checked = [n for n in names if _valid_name(n)][:MAX_PTR_NAMES]
    temporary: list[str] = []
    for name in checked:
        answer = resolver.query(name, rdtype)
        asked.append(answer)
        if answer.status.is_temporary:
            temporary.append(f"{name} {rdtype}: {answer.status.value}")
        elif any(parse_ip(a) == (ip, None) for a in answer.names()):
            return _result(Result.PASS, f"{ip} has PTR {name}, which resolves back to it", ip,
                           names, asked, name)
    skipped = f" (only the first {MAX_PTR_NAMES} checked)" if len(names) > MAX_PTR_NAMES else ""
    if not checked:
        return _result(Result.PERMERROR, f"every PTR name of {ip} is malformed: "
                       f"{', '.join(names)}", ip, names, asked)
    if temporary:
        return _result(Result.TEMPERROR, f"forward lookup failed: {'; '.join(temporary)}", ip,
                       names, asked)
    return _result(Result.FAIL, f"no PTR name of {ip} ({', '.join(checked)}) resolves back to it"
                   + skipped, ip, names, asked)


def _result(result: Result, reason: str, ip: str, names: tuple[str, ...], asked: list[Answer],
            confirmed: str = "") -> IprevResult:
    return IprevResult(result, reason, ip=ip, ptr_names=names, confirmed_name=confirmed,
                       dns_names=tuple(dict.fromkeys(a.name for a in asked)))
