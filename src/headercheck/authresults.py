"""Report -> Authentication-Results in a receiver's style; the receiver's own verdict. STUB."""

from __future__ import annotations

from headercheck.message import Message
from headercheck.results import ReceiverVerdict, Report


def render(report: Report, style: str = "rfc") -> str:
    """The Authentication-Results header value (RFC 8601) in style rfc, gmail or yahoo."""
    return "headercheck; none"


def default_style(report: Report) -> str:
    """The style of the receiver that took the message in; rfc when unknown."""
    return "rfc"


def compare(message: Message, report: Report) -> tuple[ReceiverVerdict, ...]:
    """What the trusted receiver said at delivery, method by method, beside our result."""
    return ()
