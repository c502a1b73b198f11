"""Report -> Authentication-Results (RFC 8601) in a receiver's style; the receiver's own verdict.

Styles: ``rfc`` (clean RFC 8601, every registered property), ``gmail`` (mx.google.com),
``yahoo`` (Yahoo/AOL atlas). Formats: RECEIVERS.md §1-§2. Each style lives in its own
module (``_ar_rfc``, ``_ar_gmail``, ``_ar_yahoo``); the receiver's headers are read in
``_ar_parse`` and ``_ar_trust``, compared in ``_ar_compare``.
"""

from __future__ import annotations

from headercheck import _ar_gmail, _ar_rfc, _ar_yahoo
from headercheck._ar_compare import forged, verdicts
from headercheck._ar_parse import ParsedResults, parse_results
from headercheck._ar_trust import receiver_headers
from headercheck._trust import profile_of
from headercheck.message import Message
from headercheck.results import ReceiverVerdict, Report

STYLES = ("rfc", "gmail", "yahoo")


def _receiver_id(report: Report, profile_style: str) -> str | None:
    """The receiver's own authserv-id when it belongs to the style's receiver."""
    for v in report.receiver_said:
        if v.authserv_id and not v.forged:
            p = profile_of(v.authserv_id)
            if p is not None and p.name == profile_style:
                return v.authserv_id
    return None


def render(report: Report, style: str = "rfc") -> str:
    """The Authentication-Results header value (RFC 8601) in style rfc, gmail or yahoo.

    gmail and yahoo values are folded the way those receivers fold them (``\\n`` plus the
    receiver's indent); rfc is one line, exactly as authres writes it.

    :raises ValueError: unknown style.
    """
    if style == "rfc":
        return _ar_rfc.render(report)
    if style == "gmail":
        return _ar_gmail.render(report, _receiver_id(report, "gmail") or _ar_gmail.AUTHSERV_ID)
    if style == "yahoo":
        return _ar_yahoo.render(report, _receiver_id(report, "yahoo") or _ar_yahoo.AUTHSERV_ID)
    raise ValueError(f"unknown Authentication-Results style {style!r}; choose from {', '.join(STYLES)}")


def received_spf(report: Report, style: str = "gmail") -> str:
    """The Received-SPF value the receiver of that style would write ("" for rfc or no SPF).

    :raises ValueError: unknown style.
    """
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}")
    if style == "gmail":
        return _ar_gmail.received_spf(report)
    if style == "yahoo":
        return _ar_yahoo.received_spf(report)
    return report.spf.received_spf if report.spf is not None else ""


def parse(value: str) -> ParsedResults | None:
    """Parse an Authentication-Results value of any style (authres, receivers' quirks repaired)."""
    return parse_results(value)


def default_style(report: Report) -> str:
    """The style of the receiver that took the message in; rfc when unknown."""
    env = report.envelope
    names = [env.receiver, env.receiving_host] + [v.authserv_id for v in report.receiver_said
                                                  if not v.forged]
    for name in names:
        profile = profile_of(name)
        if profile is not None and profile.name in STYLES:
            return profile.name
    return "rfc"


def compare(message: Message, report: Report) -> tuple[ReceiverVerdict, ...]:
    """What the trusted receiver said at delivery, method by method, beside our result."""
    env = report.envelope
    rh = receiver_headers(message, env.receiver or env.receiving_host, env.header_index)
    if rh is None:
        return ()
    return tuple(verdicts(message, report, rh) + forged(rh))
