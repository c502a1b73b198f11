"""The Received chain, Received-SPF and Return-Path -> Envelope, with the trust boundary.

RFC 5321 §4.4 (trace fields), RFC 7208 §9.1 (Received-SPF), RFC 8601 §5 (which headers a
receiver may trust). Only headers above the receiving hop (and, in Gmail's layout, its own
Received-SPF and Authentication-Results just below it) are read; the rest are the sender's claims.
"""

from __future__ import annotations

import re

from headercheck import _trust
from headercheck._received import LazyHops, ReceivedHop, parse_ip
from headercheck.message import Header, Message
from headercheck.results import Envelope

_KV = re.compile(r"\b(client-ip|envelope-from|helo)=(\"[^\"]*\"|[^;\s]+)", re.IGNORECASE)
_COMMENT = re.compile(r"\([^()]*\)")
_HOSTNAME = re.compile(r"^[a-z0-9_]([a-z0-9_.-]*[a-z0-9])?$", re.IGNORECASE)


def _received_spf(value: str) -> dict[str, str]:
    """client-ip, envelope-from and helo of a Received-SPF value (RFC 7208 §9.1)."""
    text = value
    for _ in range(5):
        text = _COMMENT.sub(" ", text)
    return {k.lower(): v.strip('"') for k, v in _KV.findall(text)}


def _authserv_id(value: str) -> str | None:
    """The authserv-id of an Authentication-Results value (RFC 8601 §2.2), if it has one."""
    first = value.split(";", 1)[0].split()
    token = first[0] if first else ""
    return token.lower() if _HOSTNAME.match(token) and "." in token else None


def _return_path(value: str) -> str:
    """The address in a Return-Path value; "" for the null sender ``<>``."""
    inner = value.strip()
    if "<" in inner:
        inner = inner[inner.index("<") + 1 :].partition(">")[0]
    return inner.strip()


class _Chain:
    """The message's Received hops and the trusted header region around the receiving hop."""

    def __init__(self, message: Message) -> None:
        self.headers = message.headers
        self.positions = [i for i, h in enumerate(message.headers) if h.lname == "received"]
        self.hops = LazyHops([message.headers[i].value for i in self.positions])

    def trusted(self, hop: int | None, gmail: bool) -> list[Header]:
        """Headers above the receiving hop's Received (Gmail: plus its block just below it)."""
        if hop is None:
            return list(self.headers[: self.positions[0]]) if self.positions else []
        at = self.positions[hop]
        above = list(self.headers[:at])
        if gmail:
            seen: set[str] = set()
            for h in self.headers[at + 1 :]:
                if h.lname not in ("received-spf", "authentication-results") or h.lname in seen:
                    break
                seen.add(h.lname)
                above.append(h)
        return above


def _first(headers: list[Header], name: str) -> str | None:
    return next((h.value for h in headers if h.lname == name), None)


def _describe(n: int, hop: ReceivedHop) -> str:
    return f"Received header #{n + 1} (from {hop.from_token or '?'} by {hop.by_host or '?'})"


def _pick(*candidates: tuple[str | None, str]) -> tuple[str | None, str]:
    """The first candidate that has a value, with its source."""
    for value, source in candidates:
        if value is not None:
            return value, source
    return None, ""


def _ip_from(chain: _Chain, hop: int | None, trusted: list[Header], spf: dict[str, str],
             notes: list[str]) -> tuple[str | None, str]:
    origin = (_first(trusted, "x-originating-ip") or "").strip()
    parsed_spf, parsed_origin = parse_ip(spf.get("client-ip", "")), parse_ip(origin)
    h = chain.hops[hop] if hop is not None else None
    loose = " (an IP outside an address literal)" if h and not h.ip and h.loose_ip else ""
    ip, source = _pick(
        (h.client_ip if h else None, (_describe(hop, h) + loose) if h and hop is not None else ""),
        (parsed_spf[0] if parsed_spf else None, "the receiver's Received-SPF client-ip"),
        (parsed_origin[0] if parsed_origin else None, "the receiver's X-Originating-Ip"),
    )
    if h is not None and h.zone_id:
        notes.append(f"IPv6 zone id %{h.zone_id} dropped from the client IP")
    if ip and parsed_origin and parsed_origin[0] != ip:
        notes.append(f"X-Originating-Ip {parsed_origin[0]} differs from the client IP {ip}")
    return ip, source


def _mail_from(chain: _Chain, hop: int | None, trusted: list[Header],
               spf: dict[str, str]) -> tuple[str | None, str]:
    rp = _first(trusted, "return-path")
    h = chain.hops[hop] if hop is not None else None
    return _pick(
        (_return_path(rp) if rp is not None else None, "Return-Path"),
        (spf.get("envelope-from"), "the receiver's Received-SPF envelope-from"),
        (h.envelope_from if h else None, "envelope-from in the receiving Received header"),
    )


def _receiver(message: Message, chain: _Chain, given: str | None, index: int | None,
              found: tuple[_trust.Profile | None, str | None]) -> tuple[str | None, str, list[str]]:
    """The receiver: given, the topmost AR's authserv-id if a trusted hop names it, or known."""
    if given:
        return given.rstrip(".").lower(), "caller (--receiver)", []
    notes: list[str] = []
    authserv = _authserv_id(message.first("authentication-results") or "")
    upto = chain.hops[: (index if index is not None else len(chain.hops)) + 1]
    if authserv:
        profile = _trust.profile_of(authserv)
        if any(h.by_host and (_trust.host_matches(h.by_host, authserv, None) or (
                profile and profile is _trust.profile_of(h.by_host))) for h in upto):
            return authserv, "authserv-id of the topmost Authentication-Results", notes
        notes.append(f"the topmost Authentication-Results names {authserv}, which no trusted "
                     "Received header mentions: ignored")
    if found[0] is not None and found[1]:
        return found[1], f"known receiver ({found[0].name})", notes
    h = chain.hops[index] if index is not None else None
    return (h.by_host, "by host of the receiving Received header", notes) if h and h.by_host else (
        None, "", notes)


def _boundary(chain: _Chain, receiver: str | None) -> tuple[
        int | None, _trust.Profile | None, tuple[_trust.Profile | None, str | None], list[str]]:
    notes: list[str] = []
    found = _trust.detect_profile(chain.hops)
    profile = _trust.profile_of(receiver) if receiver else found[0]
    walk = _trust.walk(chain.hops, receiver, profile)
    index = walk.index
    if index is None:
        index = _trust.fallback(chain.hops, walk.internal)
        if chain.hops:
            notes.append("no hop from outside the receiver: using the best internal hop")
    elif receiver and not walk.matched:
        notes.append(f"the receiving hop's by host {chain.hops[index].by_host} does not match "
                     f"the receiver {receiver}")
    unparsed = chain.hops.unparsed()
    if unparsed:
        notes.append(f"{unparsed} Received header(s) could not be parsed")
    return index, profile, found, notes


def _notes_for_ip(ip: str | None, source: str) -> list[str]:
    if ip is None:
        return ["no client IP in the trusted Received headers: pass --ip"]
    parsed = parse_ip(ip)
    if parsed is None:
        return [f"client IP {ip!r} ({source}) is not an IP address"]
    if not _trust.is_public(parsed[0]):
        return [f"client IP {parsed[0]} is private or loopback: SPF and iprev see an internal hop"]
    return []


def _field_notes(values: dict[str, tuple[str | None, str]], hdr_ip: str | None,
                 ip_src: str) -> list[str]:
    """What the user should know about the chosen IP and MAIL FROM."""
    notes: list[str] = []
    given = values["ip"][0] if values["ip"][1].startswith("caller") else None
    if given and parse_ip(given) is not None and hdr_ip and parse_ip(given) != parse_ip(hdr_ip):
        notes.append(f"--ip {given} overrides {hdr_ip} from {ip_src}")
    notes += _notes_for_ip(values["ip"][0], values["ip"][1])
    if values["mail_from"][0] is None:
        notes.append("no Return-Path: the MAIL FROM is unknown (pass --mail-from)")
    elif values["mail_from"][0] == "":
        notes.append("null sender <>: SPF checks postmaster@HELO (RFC 7208 §2.4)")
    return notes


def find_envelope(
    message: Message,
    *,
    ip: str | None = None,
    mail_from: str | None = None,
    helo: str | None = None,
    receiver: str | None = None,
) -> Envelope:
    """Who handed the message to the receiver; caller-given values override (RFC 5321 §4.4)."""
    chain = _Chain(message)
    index, profile, found, notes = _boundary(chain, receiver)
    rcv, rcv_src, rcv_notes = _receiver(message, chain, receiver, index, found)
    trusted = chain.trusted(index, profile is _trust.GMAIL)
    hop = chain.hops[index] if index is not None else None
    spf = _received_spf(_first(trusted, "received-spf") or "")
    hdr_ip, ip_src = _ip_from(chain, index, trusted, spf, notes)
    hdr_from, from_src = _mail_from(chain, index, trusted, spf)
    spf_helo = spf.get("helo")
    where = _describe(index, hop) if hop is not None and index is not None else ""
    values = {
        "ip": _pick((ip, "caller (--ip)"), (hdr_ip, ip_src)),
        "helo": _pick((helo, "caller (--helo)"), (hop.helo if hop else None, where),
                      (spf_helo, "the receiver's Received-SPF helo")),
        "mail_from": _pick((mail_from, "caller (--mail-from)"), (hdr_from, from_src)),
        "receiver": (rcv, rcv_src),
    }
    notes += rcv_notes + _field_notes(values, hdr_ip, ip_src)
    client = parse_ip(values["ip"][0] or "")
    return Envelope(
        ip=client[0] if client else values["ip"][0], helo=values["helo"][0],
        mail_from=values["mail_from"][0], receiver=values["receiver"][0],
        receiving_host=hop.by_host if hop else None, hop=index,
        sources={k: src for k, (v, src) in values.items() if v is not None},
        notes=tuple(notes),
        header_index=chain.positions[index] if index is not None else None,
        recipient=hop.recipient if hop else None,
    )
