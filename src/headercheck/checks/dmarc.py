"""DMARC (RFC 7489, RFC 9989): discovery, alignment, policy, disposition. STUB."""

from __future__ import annotations

from headercheck.dns import Resolver
from headercheck.message import Message
from headercheck.results import DkimResult, DmarcResult, SpfResult


def check_dmarc(
    message: Message,
    dkim: tuple[DkimResult, ...],
    spf: SpfResult | None,
    resolver: Resolver,
    *,
    discovery: str = "psl",
) -> DmarcResult | None:
    """The DMARC verdict for the RFC5322.From domain."""
    return None
