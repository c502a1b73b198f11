"""Building blocks every Authentication-Results style shares (RFC 8601 §2.2), via authres."""

from __future__ import annotations

import re
from typing import Any

from authres.core import AuthenticationResult, AuthenticationResultProperty

from headercheck import _authres_speedups  # noqa: F401 - installs the faster quoting
from headercheck.results import DkimResult, Report

_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")
_COMMENT_SPECIALS = re.compile(r"([()\\])")


def comment_text(text: str) -> str:
    """Text made safe inside an RFC 5322 comment: printable ASCII, ( ) \\ escaped as quoted-pairs."""
    text = _UNPRINTABLE.sub("?", " ".join(text.split()))
    return _COMMENT_SPECIALS.sub(r"\\\1", text)


def prop(ptype: str, name: str, value: str, comment: str | None = None) -> Any:
    """One propspec (RFC 8601 §2.2 ``ptype.property=pvalue``)."""
    return AuthenticationResultProperty(ptype, name, value, comment and comment_text(comment))


def clause(
    method: str,
    result: str,
    *,
    comment: str | None = None,
    reason: str | None = None,
    props: list[Any] | None = None,
) -> Any:
    """One resinfo as an authres result object; empty property values are left out."""
    kept = [p for p in props or [] if p.value]
    return AuthenticationResult(
        method, None, result, comment and comment_text(comment), reason, None, kept
    )


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
