"""ARC (RFC 8617): validate the chain via dkimpy with our Resolver. STUB."""

from __future__ import annotations

from headercheck.dns import Resolver
from headercheck.message import Message
from headercheck.results import ArcResult


def check_arc(message: Message, resolver: Resolver, *, now: float) -> ArcResult | None:
    """The chain result and each ARC set, or None when the message has no ARC headers."""
    return None
