"""The Received chain, Received-SPF and Return-Path -> Envelope, with the trust boundary. STUB."""

from __future__ import annotations

from headercheck.message import Message
from headercheck.results import Envelope


def find_envelope(
    message: Message,
    *,
    ip: str | None = None,
    mail_from: str | None = None,
    helo: str | None = None,
    receiver: str | None = None,
) -> Envelope:
    """Who handed the message to the receiver; caller-given values override."""
    return Envelope(ip=ip, helo=helo, mail_from=mail_from, receiver=receiver)
