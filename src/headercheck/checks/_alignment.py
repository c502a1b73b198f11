"""Identifier alignment (RFC 7489 §3.1, RFC 9989 §4.4). Pure: the Organizational Domain comes
from the caller's function (PSL or DNS Tree Walk)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from headercheck.checks._orgdomain import loose_name

OrgOf = Callable[[str], str | None]


def aligned(author: str, identifier: str, mode: str, org_of: OrgOf) -> bool:
    """True when identifier aligns with the Author Domain.

    Strict (``s``): the two names are identical. Relaxed (``r``): their Organizational Domains
    are identical (RFC 7489 §3.1.1/§3.1.2). Case, outer dots and IDN form do not matter; an
    identifier whose Organizational Domain cannot be found (``org_of`` gives None) is not aligned.
    """
    a, b = loose_name(author), loose_name(identifier)
    if not a or not b:
        return False
    if a == b:
        return True
    if mode == "s":
        return False
    if not _share_parent(a, b):
        return False
    org_a, org_b = org_of(a), org_of(b)
    return org_a is not None and org_a == org_b


def _share_parent(a: str, b: str) -> bool:
    """Names whose Organizational Domains can be equal share at least their last two labels."""
    return a.split(".")[-2:] == b.split(".")[-2:] and a.count(".") >= 1 and b.count(".") >= 1


def aligned_domains(author: str, identifiers: Iterable[str], mode: str, org_of: OrgOf) -> tuple[str, ...]:
    """The identifiers that align, each once, in their first order."""
    out: list[str] = []
    for ident in identifiers:
        name = loose_name(ident)
        if name not in out and aligned(author, ident, mode, org_of):
            out.append(name)
    return tuple(out)
