"""DKIM: verify every DKIM-Signature via dkimpy (RFC 6376, RFC 8301, RFC 8463). STUB."""

from __future__ import annotations

from headercheck.dns import Resolver
from headercheck.message import Message
from headercheck.results import DkimResult


def verify_dkim(
    message: Message, resolver: Resolver, *, now: float, max_signatures: int = 10
) -> tuple[DkimResult, ...]:
    """One result per DKIM-Signature, top to bottom."""
    return ()
