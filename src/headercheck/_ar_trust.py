"""Which Authentication-Results the trusted receiver wrote (RFC 8601 §5, §7.1).

The receiver's own block sits at the top of the message, above the first Received line
written by a host outside the receiver (the trust boundary) and above the message's own
fields. Inside that block the topmost Authentication-Results bearing the receiver's
authserv-id is the receiver's; any other one claiming the same receiver, and every one below
the boundary, was written by someone else (RFC 8601 §7.1 says the receiver must remove
them) and is reported as forged, never trusted.
"""

from __future__ import annotations

from dataclasses import dataclass

from headercheck._ar_parse import (
    ParsedResults,
    ReceivedSpf,
    arc_results_authserv_id,
    parse_arc_results,
    parse_received_spf,
    parse_results,
    results_authserv_id,
)
from headercheck._received import by_host
from headercheck._receivers import is_internal_host, same_site
from headercheck._trust import OUTLOOK, profile_of
from headercheck.checks.arc import ARC_HEADERS, instance_of
from headercheck.message import Header, Message

# Fields the author or the sending system writes: the receiver's block ends before them.
_ORIGIN_FIELDS = frozenset({
    "dkim-signature", "from", "to", "cc", "subject", "date", "message-id", "mime-version",
    "content-type", "content-transfer-encoding", "reply-to", "sender", "in-reply-to",
    "references", "list-id", "list-unsubscribe", "x-mailer", "user-agent",
})


@dataclass(frozen=True)
class ReceiverHeaders:
    """The trusted receiver's own headers, and the ones that only claim to be."""

    authserv_id: str
    results: ParsedResults | None = None
    arc_results: ParsedResults | None = None
    received_spf: ReceivedSpf | None = None
    forged: tuple[tuple[int, ParsedResults], ...] = ()


def _by_host(header: Header) -> str:
    return (by_host(header.value) or "").strip("[]")


def _receiver_host(message: Message, hint: str | None) -> str:
    if hint:
        return hint.lower()
    for h in message.headers:
        if h.lname == "authentication-results" and results_authserv_id(h.value):
            parsed = parse_results(h.value)
            if parsed is not None and parsed.authserv_id:
                return parsed.authserv_id
        by = _by_host(h) if h.lname == "received" else ""
        if by and not is_internal_host(by):
            return by
    return ""


def zone_end(message: Message, receiver: str) -> int:
    """Index of the first header below the receiver's own block (the trust boundary)."""
    for i, h in enumerate(message.headers):
        if h.lname in _ORIGIN_FIELDS:
            return i
        if h.lname == "received":
            by = _by_host(h)
            if by and not (is_internal_host(by) or same_site(by, receiver)):
                return i
    return len(message.headers)


# What a receiver writes right below its own Received line (Gmail, RECEIVERS.md §1.1).
_RECEIVER_BLOCK = frozenset({"received-spf", "authentication-results", "arc-seal",
                             "arc-message-signature", "arc-authentication-results", "return-path"})


def block_end(message: Message, boundary: int) -> int:
    """Index just past the receiver's block that follows its receiving Received header."""
    end = boundary + 1
    while end < len(message.headers) and message.headers[end].lname in _RECEIVER_BLOCK:
        end += 1
    return end


def _claims(authserv_id: str | None, receiver: str) -> bool:
    """Whether a header with this authserv-id (None: unreadable) claims to be the receiver's."""
    if authserv_id is None:
        return False
    if not authserv_id:
        return profile_of(receiver) is OUTLOOK  # Microsoft writes no authserv-id (§3.2)
    return same_site(authserv_id, receiver)


def receiver_headers(message: Message, hint: str | None,
                     boundary: int | None = None) -> ReceiverHeaders | None:
    """The trusted receiver's Authentication-Results, ARC-Authentication-Results, Received-SPF.

    :param boundary: index of the receiving Received header when the envelope found it
        (Envelope.header_index); nothing below it and the receiver's block is trusted.
    """
    receiver = _receiver_host(message, hint)
    if not receiver:
        return None
    end = zone_end(message, receiver)
    if boundary is not None and 0 <= boundary < len(message.headers):
        end = min(end, block_end(message, boundary))
    trusted: ParsedResults | None = None
    aar: ParsedResults | None = None
    spf: ReceivedSpf | None = None
    forged: list[tuple[int, ParsedResults]] = []
    for i, h in enumerate(message.headers):
        if h.lname == "authentication-results":
            # Only a header that claims the receiver is worth authres' parse.
            parsed = parse_results(h.value) if _claims(results_authserv_id(h.value), receiver) else None
            if parsed is None:
                continue
            if trusted is None and i < end:
                trusted = parsed
            else:
                forged.append((i, parsed))
        elif i < end and h.lname == "arc-authentication-results":
            claims = _claims(arc_results_authserv_id(h.value), receiver)
            got = parse_arc_results(h.value) if claims else None
            if got is not None and (aar is None or (got.instance or 0) > (aar.instance or 0)):
                aar = got
        elif i < end and h.lname == "received-spf" and spf is None:
            spf = parse_received_spf(h.value)
    if trusted is None and aar is None and spf is None and not forged:
        return None
    source = trusted or aar
    name = source.authserv_id if source is not None else ""
    return ReceiverHeaders(name or receiver, trusted, aar, spf, tuple(forged))


def _seals_for(authserv_id: str | None, receiver: str) -> bool:
    """Whether an ARC-Authentication-Results with this authserv-id is the receiver's: its own
    name, or ``mx.microsoft.com`` for Exchange Online (``protection.outlook.com``, RECEIVERS.md
    §3.2 example 3B)."""
    if (authserv_id or "").lower() == "mx.microsoft.com" and profile_of(receiver) is OUTLOOK:
        return True
    return _claims(authserv_id, receiver)


def receiver_arc_sets(message: Message, hint: str | None, boundary: int | None) -> tuple[int, ...]:
    """Instances of the ARC sets the receiver added itself, newest first; () when unsure.

    A receiver seals after it has evaluated the chain (RFC 8617 §5.1), so the chain it judged
    is the one below its own sets. A set is the receiver's when its three fields lie above the
    receiver's Received line (the envelope's boundary is required; Gmail and Microsoft seal
    there, RECEIVERS.md §1.1 and §3.2) and its ARC-Authentication-Results bears the receiver's
    authserv-id (``_seals_for``); only the newest sets can be (later hops seal above earlier
    ones).
    """
    if boundary is None or not 0 <= boundary < len(message.headers):
        return ()
    if not any(h.lname in ARC_HEADERS for h in message.headers[:boundary]):
        return ()  # the common case: nothing sealed above the receiver's Received line
    receiver = _receiver_host(message, hint)
    found = _arc_positions(message, receiver) if receiver else None
    if found is None:
        return ()
    where, claimed = found
    end = min(zone_end(message, receiver), boundary)  # a receiver seals above its Received line
    own: list[int] = []
    for number in sorted(where, reverse=True):
        if number not in claimed or len(where[number]) != 3 or max(where[number]) >= end:
            break
        own.append(number)
    return tuple(own)


def _arc_positions(message: Message, receiver: str) -> tuple[dict[int, list[int]], set[int]] | None:
    """Where each ARC set's fields are, and which sets' AAR claims the receiver; None when a
    field has no readable i= (the sets cannot be told apart)."""
    where: dict[int, list[int]] = {}
    claimed: set[int] = set()
    for i, h in enumerate(message.headers):
        if h.lname not in ARC_HEADERS:
            continue
        number = instance_of(h.value)
        if number is None:
            return None
        where.setdefault(number, []).append(i)
        if h.lname == "arc-authentication-results" and _seals_for(arc_results_authserv_id(h.value), receiver):
            claimed.add(number)
    return where, claimed
