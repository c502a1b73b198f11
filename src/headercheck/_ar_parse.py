"""Read Authentication-Results, ARC-Authentication-Results and Received-SPF as receivers write them.

authres parses RFC 8601 (§2.2) but rejects three real-world deviations (RECEIVERS.md §6.5):
Yahoo's ``;`` after the last resinfo, Microsoft's missing authserv-id and its bare
``; domain;`` tokens between resinfos. ``_normalise`` repairs exactly those, in this one place,
before authres sees the text. authres also drops comments, so they are read here beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import authres

_RESULT_HEAD = re.compile(r"\s*([A-Za-z0-9_.-]+)\s*(?:/\s*\d+\s*)?=\s*([A-Za-z0-9_.-]+)\s*(\(.*)?", re.S)
_AAR_INSTANCE = re.compile(r"^\s*i\s*=\s*(\d+)\s*;", re.I)
MAX_VALUE = 16_384  # receivers write a few hundred bytes; longer values are not read (authres is quadratic)
_KEYVAL = re.compile(r"([A-Za-z-]+)\s*=\s*(\"[^\"]*\"|[^\s;]+)")


@dataclass(frozen=True)
class Clause:
    """One resinfo: method, result, its comment, and properties keyed ``ptype.name``."""

    method: str
    result: str
    comment: str = ""
    props: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedResults:
    """A parsed Authentication-Results (or ARC-Authentication-Results) header."""

    authserv_id: str
    clauses: tuple[Clause, ...]
    instance: int | None = None

    def of(self, method: str) -> list[Clause]:
        """The clauses for one method, in header order."""
        return [c for c in self.clauses if c.method == method]


@dataclass(frozen=True)
class ReceivedSpf:
    """A Received-SPF header (RFC 7208 §9.1): result, comment and key=value pairs."""

    result: str
    comment: str = ""
    pairs: dict[str, str] = field(default_factory=dict)


def split_top(value: str) -> list[str]:
    """Split at ``;`` outside comments and quoted strings (RFC 5322 §3.2.2, §3.2.4)."""
    if "(" not in value and '"' not in value and "\\" not in value:
        return value.split(";")  # no comment, quote or escape: every ";" is at top level
    parts, depth, quoted, escaped, start = [], 0, False, False, 0
    for i, ch in enumerate(value):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif quoted:
            quoted = ch != '"'
        elif ch == '"':
            quoted = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    return parts


def _take_comment(text: str) -> tuple[str, str]:
    """Split ``(comment) rest`` into the comment's text (nesting kept) and the rest."""
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return text[1:i].strip(), text[i + 1:]
    return text[1:].strip(), ""


def _comment_after(piece: str) -> str:
    m = _RESULT_HEAD.match(piece)
    return _take_comment(m.group(3))[0] if m and m.group(3) else ""


def _authserv_of(head: str) -> str:
    """The first piece is the authserv-id unless it is a resinfo (Microsoft writes none)."""
    return "" if _RESULT_HEAD.match(head) and "=" in head.split("(")[0] else head


def _normalise(value: str) -> tuple[str, list[str]]:
    """authserv-id (may be "") and the resinfo pieces, receivers' deviations repaired."""
    pieces = [p.strip() for p in split_top(" ".join(value.split()))]
    head = pieces[0] if pieces else ""
    authserv_id = _authserv_of(head)
    rest = pieces[1:] if authserv_id or not head else pieces
    return authserv_id, [p for p in rest if p and "=" in p.split("(")[0]]


def _head(value: str) -> str:
    """``_normalise``'s first piece: the text up to the first ``;`` outside comments and quotes."""
    text = " ".join(value.split())
    end = text.find(";")
    prefix = text if end < 0 else text[:end]
    if "(" in prefix or '"' in prefix or "\\" in prefix:
        return split_top(text)[0].strip()  # that ";" may sit inside a comment or quotes
    return prefix.strip()


def _name_of(authserv_id: str) -> str:
    return authserv_id.split()[0].lower() if authserv_id else ""


def results_authserv_id(value: str) -> str | None:
    """The authserv-id ``parse_results(value)`` reports, without authres; None if too long.

    A cheap test before the full parse (authres is slow): a header that cannot be the
    receiver's is never parsed.
    """
    return None if len(value) > MAX_VALUE else _name_of(_authserv_of(_head(value)))


def arc_results_authserv_id(value: str) -> str | None:
    """The authserv-id ``parse_arc_results(value)`` reports (see results_authserv_id)."""
    m = _AAR_INSTANCE.match(value)
    return results_authserv_id(value[m.end():]) if m else None


def parse_results(value: str, instance: int | None = None) -> ParsedResults | None:
    """Parse an Authentication-Results value with authres; None when it cannot be read."""
    if len(value) > MAX_VALUE:
        return None
    authserv_id, pieces = _normalise(value)
    text = f"{authserv_id or 'unnamed.invalid'}; " + ("; ".join(pieces) if pieces else "none")
    try:
        parsed = authres.all_features().parse_value(text)
    except (authres.AuthResError, ValueError, TypeError, AttributeError):
        return None
    comments = [_comment_after(p) for p in pieces]
    clauses = []
    for i, res in enumerate(parsed.results):
        props: dict[str, str] = {}
        for p in res.properties:
            props.setdefault(f"{p.type}.{p.name}", str(p.value or ""))
        comment = comments[i] if len(comments) == len(parsed.results) else ""
        clauses.append(Clause(str(res.method), str(res.result), comment, props))
    return ParsedResults(_name_of(authserv_id), tuple(clauses), instance)


def parse_arc_results(value: str) -> ParsedResults | None:
    """Parse an ARC-Authentication-Results value: ``i=N;`` then an RFC 8601 payload."""
    m = _AAR_INSTANCE.match(value)
    if not m:
        return None
    return parse_results(value[m.end():], int(m.group(1)))


def parse_received_spf(value: str) -> ReceivedSpf | None:
    """Parse Received-SPF: ``result [(comment)] [key=value; ...]`` (RFC 7208 §9.1)."""
    text = " ".join(value[:MAX_VALUE].split())
    m = re.match(r"([A-Za-z_]+)\s*", text)
    if not m:
        return None
    rest = text[m.end():]
    comment = ""
    if rest.startswith("("):
        comment, rest = _take_comment(rest)
    pairs = {k.lower(): v.strip('"') for k, v in _KEYVAL.findall(rest)}
    return ReceivedSpf(m.group(1).lower(), comment, pairs)
