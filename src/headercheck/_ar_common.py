"""Building blocks every Authentication-Results style shares (RFC 8601 §2.2).

A resinfo is written exactly as authres writes its ``AuthenticationResult`` (authres' own
quoting pattern, compiled once), without building authres objects for every message:
tests/test_ar_format.py proves the text equal to authres' for generated clauses.
"""

from __future__ import annotations

import re

from authres.core import RFC2045_TOKEN_PATTERN

from headercheck.results import DkimResult, Report

_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")
#: authres' QuotableValue.quote_if_needed test: a whole RFC 2045 token (``$`` as authres has it).
_TOKEN = re.compile("^" + RFC2045_TOKEN_PATTERN + "$")
_COMMENT_SPECIALS = re.compile(r"([()\\])")
_QUOTE_SPECIALS = re.compile(r'(["\\])')


def quote_if_needed(value: str) -> str:
    """A pvalue as authres writes it: bare when it holds ``@`` or is a token, else quoted."""
    if "@" in value or _TOKEN.match(value):
        return value
    if '"' not in value and "\\" not in value:
        return f'"{value}"'  # nothing to escape (a base64 header.b with "/" is the usual case)
    escaped = _QUOTE_SPECIALS.sub(r"\\\1", value)
    return f'"{escaped}"'


class Prop:
    """One propspec ``ptype.property=pvalue (comment)``, as authres' AuthenticationResultProperty."""

    __slots__ = ("comment", "name", "type", "value")

    def __init__(self, ptype: str, name: str, value: str, comment: str | None = None) -> None:
        self.type, self.name, self.value, self.comment = ptype.lower(), name.lower(), value, comment

    def __str__(self) -> str:
        text = f"{self.type}.{self.name}={quote_if_needed(self.value)}"
        return f"{text} ({self.comment})" if self.comment else text


class Resinfo:
    """One resinfo ``method=result (comment) reason=… props``, as authres' AuthenticationResult."""

    __slots__ = ("method", "properties", "reason", "result", "result_comment")

    def __init__(self, method: str, result: str, comment: str | None, reason: str | None,
                 props: list[Prop]) -> None:
        self.method, self.result = method.lower(), result.lower()
        if not self.result:
            raise ValueError("Required result argument missing or None or empty")
        self.result_comment = comment
        self.reason = reason and _UNPRINTABLE.sub("?", reason)
        self.properties = props

    def __str__(self) -> str:
        text = f"{self.method}={self.result}"
        if self.result_comment:
            text += f" ({self.result_comment})"
        if self.reason:
            text += f" reason={quote_if_needed(self.reason)}"
        for p in self.properties:  # Prop.__str__, inline
            text += f" {p.type}.{p.name}={quote_if_needed(p.value)}"
            if p.comment:
                text += f" ({p.comment})"
        return text


def header_value(authserv_id: str, resinfos: list[Resinfo]) -> str:
    """The one-line header value, as authres' AuthenticationResultsHeader.header_value()."""
    return authserv_id + "".join(["; " + str(r) for r in resinfos]) if resinfos else f"{authserv_id}; none"


def comment_text(text: str) -> str:
    """Text made safe inside an RFC 5322 comment: printable ASCII, ( ) \\ escaped as quoted-pairs."""
    text = _UNPRINTABLE.sub("?", " ".join(text.split()))
    return _COMMENT_SPECIALS.sub(r"\\\1", text)


def prop(ptype: str, name: str, value: str, comment: str | None = None) -> Prop:
    """One propspec (RFC 8601 §2.2 ``ptype.property=pvalue``)."""
    return Prop(ptype, name, value, comment and comment_text(comment))


def clause(
    method: str,
    result: str,
    *,
    comment: str | None = None,
    reason: str | None = None,
    props: list[Prop] | None = None,
) -> Resinfo:
    """One resinfo; empty property values are left out."""
    kept = [p for p in props or [] if p.value]
    return Resinfo(method, result, comment and comment_text(comment), reason, kept)


def auid(sig: DkimResult) -> str:
    """The signature's i= or, without one, ``@d`` (RFC 6376 §3.5 default)."""
    return sig.auid or (f"@{sig.domain}" if sig.domain else "")


def mail_from(report: Report) -> str:
    """The SMTP MAIL FROM identity SPF checked (postmaster@HELO for a null sender)."""
    if report.spf is not None and report.spf.identity:
        return report.spf.identity
    env = report.envelope
    if env.mail_from:
        return env.mail_from
    return f"postmaster@{env.helo}" if env.helo else ""


def client_ip(report: Report) -> str:
    """The client IP SPF was evaluated for."""
    if report.spf is not None and report.spf.client_ip:
        return report.spf.client_ip
    return report.envelope.ip or ""


def domain_of(address: str) -> str:
    """The domain part of an address, or the value itself when it has no @."""
    return address.rpartition("@")[2].strip("<>").lower()


def fold(authserv_id: str, resinfos: list[str], indent: str, *, last_semicolon: bool) -> str:
    """authserv-id then one resinfo per line (the way Gmail and Yahoo fold), or ``none``."""
    if not resinfos:
        return f"{authserv_id}; none"
    tail = ";" if last_semicolon else ""
    return f"{authserv_id};\n" + ";\n".join(indent + r for r in resinfos) + tail
