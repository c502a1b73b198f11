"""Domain names for DMARC: normalisation, the Organizational Domain (RFC 7489 §3.2 via the Public
Suffix List; RFC 9989 §4.10 via the DNS Tree Walk). Pure except for the bundled PSL file.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from functools import lru_cache

from publicsuffixlist import PublicSuffixList

MAX_WALK_QUERIES = 8  # RFC 9989 §4.10: at most eight DNS queries
_LDH = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_lock = threading.Lock()
_psl: PublicSuffixList | None = None


def public_suffix_list() -> PublicSuffixList:
    """The PSL bundled with the publicsuffixlist package (offline), built once per process."""
    global _psl
    with _lock:
        if _psl is None:
            _psl = PublicSuffixList()
        return _psl


@lru_cache(maxsize=4096)
def to_ascii(domain: str) -> str:
    """Lower-case A-label form of a domain (IDNA; Unicode and A-labels alike), no outer dots.

    A pure function of the text, remembered (errors are not: they are raised each time).

    :raises ValueError: the name is not a valid host name (empty label, bad character, too long).
    """
    name = domain.strip().strip(".")
    if not name:
        raise ValueError("empty domain")
    labels = []
    for label in name.split("."):
        if label.isascii():
            labels.append(label.lower())
            continue
        try:
            labels.append(label.encode("idna").decode("ascii").lower())
        except UnicodeError as exc:
            raise ValueError(f"invalid IDN label {label!r}: {exc}") from None
    for label in labels:
        if not _LDH.match(label):
            raise ValueError(f"invalid label {label!r} in {domain!r}")
    ascii_name = ".".join(labels)
    if len(ascii_name) > 253:
        raise ValueError(f"domain longer than 253 characters: {domain[:60]!r}...")
    return ascii_name


def loose_name(domain: str) -> str:
    """Lower-case, outer dots removed; A-labels when possible, else the text as is (for comparing)."""
    try:
        return to_ascii(domain)
    except ValueError:
        return domain.strip().strip(".").lower()


def registrable_domain(domain: str | None, psl: PublicSuffixList | None = None) -> str | None:
    """The registrable domain (public suffix + 1 label) as the PSL tests define it, or None.

    Keeps the input's form (Unicode stays Unicode); a leading dot or a bare suffix gives None.
    """
    if not domain or domain.startswith("."):
        return None
    result = (psl or public_suffix_list()).privatesuffix(domain.lower())
    return str(result) if result else None


@lru_cache(maxsize=4096)
def psl_org_domain(domain: str) -> str:
    """RFC 7489 §3.2: the Organizational Domain of an A-label domain (the domain itself when it is
    a public suffix or has no registrable part)."""
    name = loose_name(domain)
    return registrable_domain(name) or name


def walk_targets(domain: str) -> list[str]:
    """RFC 9989 §4.10: the names a DNS Tree Walk may query, in order, at most eight.

    The Author Domain first; then, when it has eight or more labels, its last seven labels;
    otherwise its parent; then one label fewer each time, down to the top-level domain.
    """
    labels = domain.split(".")
    targets = [domain]
    rest = labels[-7:] if len(labels) >= MAX_WALK_QUERIES else labels[1:]
    while rest and len(targets) < MAX_WALK_QUERIES:
        targets.append(".".join(rest))
        rest = rest[1:]
    return targets


def select_org_domain(domain: str, found: Sequence[tuple[str, str]]) -> str:
    """RFC 9989 §4.10.2: the Organizational Domain from the records a walk found.

    ``found`` holds (name, psd value) for each name that had one valid record, longest name first.
    A psd=n record names it; else one label below a psd=y record (other than the domain itself);
    else the record with the fewest labels; with no record, the domain itself.
    """
    for name, psd in found:
        if psd == "n":
            return name
        if psd == "y" and name != domain:
            keep = name.count(".") + 2
            return ".".join(domain.split(".")[-keep:])
    return found[-1][0] if found else domain
