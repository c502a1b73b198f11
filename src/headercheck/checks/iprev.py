"""iprev (RFC 8601 §3): forward-confirmed reverse DNS of the client IP. STUB."""

from __future__ import annotations

from headercheck.dns import Resolver
from headercheck.results import IprevResult


def check_iprev(ip: str | None, resolver: Resolver) -> IprevResult | None:
    """FCrDNS of ip, or None when no client IP is known."""
    return None
