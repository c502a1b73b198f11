"""Parse one Received header (RFC 5321 §4.4) into the client it names, as MTAs actually write it.

The clauses (``from``, ``by``, ``via``, ``with``, ``id``, ``for``) are split at top level, outside
comments. The client IP is taken the way mailauth's vectors define it: from an address literal in
the from-clause's TCP-info comment (Postfix, Sendmail, Gmail: ``(rdns [IP])``; Exim: ``([IP]:port
helo=…)``), or from the from-token itself when a comment carries the HELO (Exim ``from [IP]
(helo=…)``, Yahoo ``from IP (EHLO name)``). A bare IP in a comment (qmail, Exchange: ``(IP)``) is
kept apart as ``loose_ip``: it is weaker evidence. Nothing here raises on odd input.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import overload

_KEYWORDS = frozenset({"from", "by", "via", "with", "id", "for"})
_LITERAL = re.compile(r"\[(?:ipv6:)?([0-9a-f:.]+(?:%[\w.-]+)?)\]", re.IGNORECASE)
_HELO = re.compile(r"(?:\bhelo=|\b(?:helo|ehlo)\s+)(\S+?)\)?(?:\s|$)", re.IGNORECASE)
_ENV_FROM = re.compile(r"envelope-from[=\s]*<([^>]*)>", re.IGNORECASE)
#: Every string ``ipaddress.ip_address`` accepts is made of these characters (its IPv4 and IPv6
#: parsers reject anything else), so other text is no IP without building an exception.
_IP_CHARS = re.compile(r"[0-9A-Fa-f:.]+")


@dataclass(frozen=True)
class ReceivedHop:
    """What one Received header says about the hop it records."""

    raw: str
    from_token: str | None = None
    helo: str | None = None
    rdns: str | None = None
    ip: str | None = None
    loose_ip: str | None = None
    zone_id: str | None = None
    by_host: str | None = None
    recipient: str | None = None
    envelope_from: str | None = None
    parsed: bool = True

    @property
    def client_ip(self) -> str | None:
        """The address literal if there is one, else a bare IP from a comment."""
        return self.ip or self.loose_ip


@lru_cache(maxsize=4096)
def parse_ip(text: str) -> tuple[str, str | None] | None:
    """An IP in canonical form and its zone id (RFC 4007 §11), or None when text is no IP.

    Accepts ``[…]``, an ``IPv6:`` prefix (RFC 5321 §4.1.3) and ``%zone``; IPv4-mapped IPv6
    becomes IPv4. A pure function of the text, remembered (the same addresses recur).
    """
    value = text.strip().strip("[]").strip()
    if value.lower().startswith("ipv6:"):
        value = value[5:]
    value, _, zone = value.partition("%")
    if _IP_CHARS.fullmatch(value) is None:
        return None
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return str(ip), (zone or None)


_SPACES = re.compile(r"\s+")  # \s is str.isspace() for str patterns
_ATOM = re.compile(r"[^\s(]+")
#: One top-level item with the space before it: a flat comment (no ``(`` or ``\\`` inside, closed)
#: or an atom. Text made only of these (and trailing space) needs no character walk.
_FLAT_ITEM = re.compile(r"(\s*)(?:\(([^()\\]*)\)|([^\s(]+))")
#: A value whose first top-level item is the keyword ``from`` or ``by`` (so it parses), read in
#: the value without its date (the text after the last ``;``).
_OPENS_WITH_CLAUSE = re.compile(r"\s*(?:[Ff][Rr][Oo][Mm]|[Bb][Yy])(?=[\s(]|\Z)")
#: Received values longer than this are parsed every time instead of remembered.
_MEMO_MAX_CHARS = 4096
_MEMO_SIZE = 512
_MEMO: dict[str, ReceivedHop] = {}  # value -> its parse (a pure function of the value)


def _comment_end(text: str, start: int) -> int:
    """Index of the ``)`` closing the comment opened at start (len(text) if none)."""
    close = text.find(")", start + 1)
    inner = text[start + 1 :] if close < 0 else text[start + 1 : close]
    if "(" not in inner and "\\" not in inner:  # the usual flat comment
        return len(text) if close < 0 else close
    depth, j, n = 0, start, len(text)
    while j < n:
        if text[j] == "\\":
            j += 1
        elif text[j] == "(":
            depth += 1
        elif text[j] == ")":
            depth -= 1
            if depth == 0:
                break
        j += 1
    return j


def _flat_clauses(text: str) -> dict[str, list[tuple[str, str, bool]]] | None:
    """_clauses' split for text without nested or escaped comments (the usual case), in one pass.

    None when the text holds anything else: then the character walk of _tokens runs.
    """
    clauses: dict[str, list[tuple[str, str, bool]]] = {}
    current: list[tuple[str, str, bool]] | None = None
    at, first = 0, True
    for space, comment, atom in _FLAT_ITEM.findall(text):
        spaced, first = bool(space) or first, False
        if atom:
            at += len(space) + len(atom)
            low = atom.lower()
            if low in _KEYWORDS and low not in clauses:
                current = clauses[low] = []
            elif current is not None:
                current.append(("atom", atom, spaced))
        else:
            at += len(space) + len(comment) + 2
            if current is not None:
                current.append(("comment", comment, spaced))
    return clauses if at == len(text) or text[at:].isspace() else None


def _tokens(text: str) -> list[tuple[str, str, bool]]:
    """Top-level items: ("atom", text, spaced) or ("comment", inner text, spaced)."""
    items: list[tuple[str, str, bool]] = []
    i, n, spaced = 0, len(text), True
    while i < n:
        ch = text[i]
        if ch.isspace():
            spaced, i = True, _SPACES.match(text, i).end()  # type: ignore[union-attr]
            continue
        if ch == "(":
            j = _comment_end(text, i)
            items.append(("comment", text[i + 1 : j], spaced))
            i = j + 1
        else:
            j = _ATOM.match(text, i).end()  # type: ignore[union-attr]
            items.append(("atom", text[i:j], spaced))
            i = j
        spaced = False
    return items


def _clauses(value: str) -> dict[str, list[tuple[str, str, bool]]]:
    """Split the value (date removed) into keyword clauses; the first keyword wins per name."""
    body = value.rpartition(";")[0] if ";" in value else value
    flat = _flat_clauses(body)
    if flat is not None:
        return flat
    clauses: dict[str, list[tuple[str, str, bool]]] = {}
    current: list[tuple[str, str, bool]] | None = None
    for kind, text, spaced in _tokens(body):
        if kind == "atom" and text.lower() in _KEYWORDS and text.lower() not in clauses:
            current = clauses.setdefault(text.lower(), [])
        elif current is not None:
            current.append((kind, text, spaced))
    return clauses


def _first_atom(items: list[tuple[str, str, bool]]) -> str | None:
    for kind, text, _ in items:
        if kind == "atom":
            return text
    return None


def _tcp_info(comments: list[str]) -> tuple[str | None, str | None, str | None]:
    """(ip, zone, rdns) from the last comment with an address literal outside ``helo=``."""
    for inner in reversed(comments):
        cleaned = _HELO.sub(" ", inner)
        for match in _LITERAL.finditer(cleaned):
            parsed = parse_ip(match.group(1))
            if parsed is None:
                continue
            before = cleaned[: match.start()].split()
            rdns = before[-1].rpartition("@")[2].rstrip(".").lower() if before else None
            return parsed[0], parsed[1], None if rdns in (None, "", "unknown") else rdns
    return None, None, None


def _helo_in(comments: list[str]) -> str | None:
    for inner in comments:
        match = _HELO.search(inner)
        if match:
            return match.group(1).rstrip(")")
    return None


def _loose(comments: list[str]) -> tuple[str, str | None] | None:
    for inner in comments:
        parsed = parse_ip(inner.split()[0]) if inner.split() else None
        if parsed is not None:
            return parsed
    return None


def _address(text: str | None) -> str | None:
    if text is None:
        return None
    return text.strip().strip("<>").strip() or None


def parse_received(value: str) -> ReceivedHop:
    """Parse one unfolded Received header value; unparseable input gives ``parsed=False``.

    A pure function of the value: remembered (the envelope and the receiver comparison both
    read each Received header), except for very long values.
    """
    hop = _MEMO.get(value)
    if hop is None:
        hop = _parse_received(value)
        if len(value) <= _MEMO_MAX_CHARS:
            if len(_MEMO) >= _MEMO_SIZE:
                _MEMO.clear()  # bounded: a batch rarely re-reads a Received of long ago
            _MEMO[value] = hop
    return hop


def by_host(value: str) -> str | None:
    """``parse_received(value).by_host``, reading only the clauses when the value is new."""
    hop = _MEMO.get(value)
    if hop is not None:
        return hop.by_host
    return (_first_atom(_clauses(value).get("by", [])) or "").rstrip(".").lower() or None


def _parse_received(value: str) -> ReceivedHop:
    clauses = _clauses(value)
    if not clauses:
        return ReceivedHop(raw=value, parsed=False)
    items = clauses.get("from", [])
    token = _first_atom(items[:1]) if items and items[0][0] == "atom" else None
    comments = [t for k, t, spaced in items if k == "comment" and (spaced or token is None)]
    ip, zone, rdns = _tcp_info(comments)
    helo = _helo_in(comments)
    as_ip = parse_ip(token) if token is not None else None
    loose: str | None = None
    if ip is None and as_ip is not None and helo is not None:
        ip, zone = as_ip  # Exim "from [IP] (helo=…)", Yahoo "from IP (EHLO …)"
    elif ip is None and as_ip is not None and not (token or "").startswith("["):
        loose, zone = as_ip  # Yahoo's internal "from 10.x.x.x by …"
    if ip is None and loose is None and (found := _loose(comments)) is not None:
        loose, zone = found  # qmail, Exchange: "(IP)"
    if helo is None:
        helo = token
    elif rdns is None and as_ip is None and token is not None and token.lower() != "unknown":
        rdns = token.rstrip(".").lower()  # Exim: the from-token is the reverse DNS name
    env_from = _ENV_FROM.search(value)
    return ReceivedHop(
        raw=value,
        from_token=token,
        helo=helo,
        rdns=rdns,
        ip=ip,
        loose_ip=loose,
        zone_id=zone,
        by_host=(_first_atom(clauses.get("by", [])) or "").rstrip(".").lower() or None,
        recipient=_address(_first_atom(clauses.get("for", []))),
        envelope_from=env_from.group(1).strip() if env_from else None,
        parsed="from" in clauses or "by" in clauses,
    )


class LazyHops(Sequence[ReceivedHop]):
    """The Received hops of a message, top first, each parsed when first read.

    The trust walk stops at the receiving hop, so the sender's hops below it are seldom parsed.
    """

    def __init__(self, values: list[str]) -> None:
        self._values = values
        self._hops: list[ReceivedHop | None] = [None] * len(values)

    def __len__(self) -> int:
        return len(self._values)

    @overload
    def __getitem__(self, index: int) -> ReceivedHop: ...

    @overload
    def __getitem__(self, index: slice) -> list[ReceivedHop]: ...

    def __getitem__(self, index: int | slice) -> ReceivedHop | list[ReceivedHop]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._values)))]
        hop = self._hops[index]
        if hop is None:
            hop = self._hops[index] = parse_received(self._values[index])
        return hop

    def __iter__(self) -> Iterator[ReceivedHop]:
        return (self[i] for i in range(len(self._values)))

    def unparsed(self) -> int:
        """How many hops do not parse (``parsed=False``), parsing only the doubtful ones."""
        count = 0
        for i, value in enumerate(self._values):
            hop = self._hops[i]
            if hop is None and _OPENS_WITH_CLAUSE.match(value.rpartition(";")[0] if ";" in value else value):
                continue  # "from …" or "by …": its clauses hold that keyword, so it parses
            count += not self[i].parsed
        return count
