"""Which Received header records the receiver taking the message in from outside (the trust boundary).

Received headers are prepended, so the topmost one is always the final receiver's. Walking down,
hops inside the receiver (no ``from`` clause, a private or loopback client, a host of the
receiver's own namespace) are stepped over; the first hop from outside ends the walk. Everything
below that hop is the sender's claim and is never read, so forged headers there change nothing.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from headercheck._received import ReceivedHop


@dataclass(frozen=True)
class Profile:
    """A receiver family whose Received layout is known (../shared/RECEIVERS.md §1.2, §2.1, §3.2)."""

    name: str
    receiver: str
    family: re.Pattern[str]
    mx: re.Pattern[str]
    internal_from: re.Pattern[str] | None = None


GMAIL = Profile("gmail", "mx.google.com", re.compile(r"(^|[.-])mx\.google\.com$"),
                re.compile(r"(^|[.-])mx\.google\.com$"))
YAHOO = Profile("yahoo", "", re.compile(r"(^|\.)(yahoo|aol)\.com$"),
                re.compile(r"(^|\.)(yahoo|aol)\.com$"))
OUTLOOK = Profile("outlook", "protection.outlook.com", re.compile(r"(^|\.)outlook\.com$"),
                  re.compile(r"(^|\.)protection\.outlook\.com$"), re.compile(r"(^|\.)outlook\.com$"))
PROFILES = (GMAIL, YAHOO, OUTLOOK)


def profile_of(host: str | None) -> Profile | None:
    """The known receiver family a host name or authserv-id belongs to.

    A pure function of the name, remembered for names no longer than a DNS name can be (a
    hostile header's giant token is looked at each time instead of kept).
    """
    if host is not None and len(host) > 255:
        return _profile_of(host)
    return _profile_of_memo(host)


def _profile_of(host: str | None) -> Profile | None:
    name = (host or "").rstrip(".").lower()
    return next((p for p in PROFILES if name and p.family.search(name)), None)


_profile_of_memo = lru_cache(maxsize=1024)(_profile_of)


@lru_cache(maxsize=4096)
def is_public(ip: str) -> bool:
    """False for private, loopback, link-local, reserved and documentation-free special ranges.

    A pure function of the text, remembered.
    """
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return not (addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_unspecified
                or addr.is_multicast or addr.is_reserved) or _is_documentation(addr)


def _is_documentation(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """RFC 5737 / RFC 3849 ranges: examples in docs and tests stand for public senders."""
    nets = ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
    return any(addr in ipaddress.ip_network(n) for n in nets if ipaddress.ip_network(n).version
               == addr.version)


def host_matches(host: str | None, receiver: str | None, profile: Profile | None) -> bool:
    """True when a by-host is the receiver: equal, a subdomain of it, or the profile's MX."""
    if not host:
        return False
    if profile is not None and profile.mx.search(host):
        return True
    if not receiver:
        return False
    receiver = receiver.rstrip(".").lower()
    return host == receiver or host.endswith("." + receiver)


@dataclass(frozen=True)
class Walk:
    """The outcome of walking the chain: the receiving hop (or None) and why."""

    index: int | None
    matched: bool
    internal: tuple[int, ...]


def _internal(hop: ReceivedHop, profile: Profile | None) -> bool:
    ip = hop.client_ip
    if hop.from_token is None and ip is None:
        return True  # "Received: by <internal id> with SMTP id …" (Gmail's final hand-off)
    if ip is not None and not is_public(ip):
        return True
    pattern = profile.internal_from if profile else None
    return pattern is not None and any(pattern.search(h or "") for h in (hop.from_token, hop.rdns))


def walk(hops: Sequence[ReceivedHop], receiver: str | None, profile: Profile | None) -> Walk:
    """Find the first hop, from the top, where the receiver took the message from outside."""
    trusted: set[str] = set()
    internal: list[int] = []
    for i, hop in enumerate(hops):
        by_ok = host_matches(hop.by_host, receiver, profile) or (hop.by_host or "") in trusted
        ip = hop.client_ip
        if by_ok and ip is not None and is_public(ip):
            return Walk(i, True, tuple(internal))
        if _internal(hop, profile):
            internal.append(i)
            trusted.update(h for h in (hop.from_token, hop.rdns, ip, hop.by_host) if h)
            continue
        return Walk(i, by_ok, tuple(internal))
    return Walk(None, False, tuple(internal))


def fallback(hops: Sequence[ReceivedHop], internal: tuple[int, ...]) -> int | None:
    """When every hop looks internal: the topmost private (then loopback) client, else the top."""
    with_ip = [i for i in internal if hops[i].client_ip]
    for i in with_ip:
        if not ipaddress.ip_address(hops[i].client_ip or "").is_loopback:
            return i
    if with_ip:
        return with_ip[0]
    return next((i for i, h in enumerate(hops) if h.from_token), 0 if hops else None)


def detect_profile(hops: Sequence[ReceivedHop]) -> tuple[Profile | None, str | None]:
    """A known receiver named by a by-host above (or at) the first hop from outside."""
    for hop in hops:
        profile = profile_of(hop.by_host)
        if profile is not None:
            return profile, profile.receiver or hop.by_host
        if not _internal(hop, None):
            break
    return None, None
