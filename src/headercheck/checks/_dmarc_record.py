"""DMARC policy records: selection and tag parsing (RFC 7489 §6.3-§6.4, RFC 9989).

Pure: text in, a frozen DmarcRecord out. The parser never decides a verdict; it records what is
wrong (``malformed`` parts, ``bad_values``) and the policy layer in ``dmarc.py`` applies the
RFC rules to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any


class Policy(StrEnum):
    """The requested disposition of failing mail (RFC 7489 §6.3 p=)."""

    NONE = "none"
    QUARANTINE = "quarantine"
    REJECT = "reject"

    def weakened(self) -> Policy:
        """The next weaker policy (RFC 7489 §6.6.4 pct sampling; RFC 9989 t=y)."""
        return Policy.QUARANTINE if self is Policy.REJECT else Policy.NONE

    @property
    def strength(self) -> int:
        """0 for none, 1 for quarantine, 2 for reject (RFC 7489 §6.6.1: the strictest applies)."""
        return list(Policy).index(self)


class RecordError(ValueError):
    """The text is not a DMARC record at all; ``code`` is empty or bad_version."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


_VERSION = re.compile(r"^v[ \t]*=[ \t]*DMARC1[ \t]*(;|$)")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s!]+(![0-9]+[kmgt]?)?$", re.IGNORECASE)
_FO = {"0", "1", "d", "s"}


def is_dmarc_record(text: str) -> bool:
    """True when the record starts with "v=DMARC1" (RFC 7489 §6.6.3 step 2; RFC 9989 §4.10)."""
    return bool(_VERSION.match(text))


@dataclass(frozen=True)
class DmarcRecord:
    """One parsed DMARC record; tags that are absent or invalid take their defaults."""

    text: str
    p: Policy | None = None
    sp: Policy | None = None
    np: Policy | None = None
    adkim: str = "r"
    aspf: str = "r"
    pct: int = 100
    testing: bool = False
    psd: str = "u"
    rua: tuple[str, ...] = ()
    ruf: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    malformed: tuple[str, ...] = ()
    bad_values: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def has_valid_rua(self) -> bool:
        """At least one syntactically valid rua URI (RFC 7489 §6.6.3 step 6, RFC 9989)."""
        return bool(self.rua)

    def tag(self, name: str) -> str | None:
        """The raw value of a tag as written, or None."""
        return next((v for k, v in self.tags if k == name), None)


def parse_policy(value: str) -> tuple[Policy | None, str]:
    """A p=/sp=/np= value; an unambiguous abbreviation is accepted with a note, as OpenDMARC does."""
    word = value.strip().lower()
    for policy in Policy:
        if word == policy.value:
            return policy, ""
    for policy in Policy:
        if word and policy.value.startswith(word):
            return policy, f"{value!r} is not a policy keyword; taken as {policy.value!r} as OpenDMARC does"
    return None, f"invalid policy {value!r} (none, quarantine or reject)"


def _split(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    pairs: list[tuple[str, str]] = []
    malformed: list[str] = []
    for part in text.split(";"):
        part = part.strip(" \t\r\n")
        if not part:
            continue
        name, eq, value = part.partition("=")
        name = name.strip().lower()
        if not eq or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            malformed.append(f"{part!r} is not tag=value")
        elif any(name == k for k, _ in pairs):
            malformed.append(f"duplicate tag {name}=")
        else:
            pairs.append((name, value.strip(" \t\r\n")))
    return pairs, malformed


def _uris(value: str) -> tuple[tuple[str, ...], list[str]]:
    good: list[str] = []
    bad: list[str] = []
    for uri in (u.strip() for u in value.split(",")):
        (good if _URI.match(uri) else bad).append(uri)
    return tuple(good), [f"invalid report URI {u!r}" for u in bad if u]


@lru_cache(maxsize=1024)
def parse_record(text: str) -> DmarcRecord:
    """Parse one TXT record that should be a DMARC record (RFC 7489 §6.3; RFC 9989).

    Unknown tags are ignored (RFC 9989); a value that is invalid is listed in ``bad_values``
    and its default is used (RFC 7489 §6.3); parts that are not ``tag=value`` go to ``malformed``.

    A pure function of the text and the result is frozen: remembered (errors are not).

    :raises RecordError: empty text, or the record does not start with ``v=DMARC1``.
    """
    if not text.strip():
        raise RecordError("empty", "empty DMARC record")
    if not is_dmarc_record(text):
        raise RecordError("bad_version", f"record does not start with v=DMARC1: {text[:60]!r}")
    pairs, malformed = _split(text)
    fields: dict[str, Any] = {}
    bad: list[str] = []
    notes: list[str] = []
    for name, value in pairs[1:]:
        _parse_tag(name, value, fields, bad, notes)
    return DmarcRecord(text=text, tags=tuple(pairs), malformed=tuple(malformed), bad_values=tuple(bad),
                       notes=tuple(notes), **fields)


def _parse_tag(name: str, value: str, fields: dict[str, Any], bad: list[str], notes: list[str]) -> None:
    low = value.lower()
    if name in ("p", "sp", "np"):
        policy, why = parse_policy(value)
        if policy is None:
            bad.append(f"{name}={value}: {why}")
        else:
            fields[name] = policy
            if why:
                notes.append(f"{name}={value}: {why}")
    elif name in ("adkim", "aspf"):
        _choice(name, low, ("r", "s"), fields, bad)
    elif name == "t":
        _choice("testing", low, ("y", "n"), fields, bad, tag="t")
    elif name == "psd":
        _choice(name, low, ("y", "n", "u"), fields, bad)
    elif name == "pct":
        if re.fullmatch(r"[0-9]{1,3}", value) and int(value) <= 100:
            fields["pct"] = int(value)
        else:
            bad.append(f"pct={value}: not an integer from 0 to 100")
    elif name in ("rua", "ruf"):
        uris, errors = _uris(value)
        fields[name] = uris
        notes.extend(f"{name}: {e}" for e in errors)
    else:
        _check_report_tag(name, low, bad)


def _choice(field: str, value: str, allowed: tuple[str, ...], fields: dict[str, Any],
            bad: list[str], *, tag: str = "") -> None:
    tag = tag or field
    if value not in allowed:
        bad.append(f"{tag}={value}: not one of {', '.join(allowed)}")
    elif field == "testing":
        fields[field] = value == "y"
    else:
        fields[field] = value


def _check_report_tag(name: str, value: str, bad: list[str]) -> None:
    """fo=, rf=, ri= (RFC 7489 §6.3; moved to RFC 9990/9991): checked, never used for policy."""
    if name == "fo" and not all(v.strip() in _FO for v in value.split(":")):
        bad.append(f"fo={value}: options are 0, 1, d, s separated by ':'")
    elif name == "rf" and not all(v.strip() == "afrf" for v in value.split(":")):
        bad.append(f"rf={value}: the only report format is afrf")
    elif name == "ri" and not (value.isdigit() and int(value) < 2**32):
        bad.append(f"ri={value}: not a 32-bit unsigned integer")
