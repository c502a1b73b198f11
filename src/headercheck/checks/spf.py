"""SPF (RFC 7208) via pyspf with our Resolver, for MAIL FROM and HELO. STUB."""

from __future__ import annotations

from headercheck.dns import Resolver
from headercheck.results import Envelope, SpfResult


def check_spf(envelope: Envelope, resolver: Resolver) -> tuple[SpfResult | None, SpfResult | None]:
    """SPF for the MAIL FROM identity and, separately, the HELO identity."""
    return None, None
