"""The DNS seam: one Resolver protocol and interchangeable back ends."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from headercheck.dns.answer import (
    MX,
    Answer,
    DnsDataError,
    Resolver,
    Status,
    UnknownQuestion,
    failure,
    normalize_name,
    reverse_name,
    stable_answers,
)
from headercheck.dns.caching import CachingResolver
from headercheck.dns.cassette import CassetteResolver
from headercheck.dns.limits import SizeLimitedResolver
from headercheck.dns.live import LiveResolver
from headercheck.dns.recording import RecordingResolver
from headercheck.dns.zone import ZoneResolver

DnsSpec = Resolver | str | os.PathLike[str] | Sequence["str | os.PathLike[str] | Resolver"] | None


class MultiResolver:
    """Ask each resolver in turn; the first answer that is not NXDOMAIN wins."""

    def __init__(self, resolvers: Sequence[Resolver]) -> None:
        self.resolvers = tuple(resolvers)

    @property
    def stable_answers(self) -> bool:
        """Stable when every resolver asked is."""
        return all(stable_answers(r) for r in self.resolvers)

    def query(self, name: str, rdtype: str) -> Answer:
        """Answer from the first resolver that knows the name."""
        answer = failure(name, rdtype, Status.NXDOMAIN)
        for resolver in self.resolvers:
            answer = resolver.query(name, rdtype)
            if answer.status is not Status.NXDOMAIN:
                return answer
        return answer


_OWN_RESOLVERS = (CachingResolver, CassetteResolver, ZoneResolver, LiveResolver, RecordingResolver,
                  SizeLimitedResolver, MultiResolver)


def _from_path(path: str | os.PathLike[str]) -> Resolver:
    if Path(path).suffix.lower() == ".json":
        return CassetteResolver(path)
    return ZoneResolver(path)


def open_resolver(spec: DnsSpec = None) -> Resolver:
    """Turn what a caller gave as DNS into a Resolver.

    None is the live resolver; a path ending in ``.json`` is a cassette, any other path a zone
    file (or a folder of them); a sequence combines several (an empty one knows no names).

    :raises DnsDataError: a file cannot be read or parsed.
    """
    if spec is None:
        return LiveResolver()
    if isinstance(spec, _OWN_RESOLVERS) or isinstance(spec, Resolver):  # the first test is cheap
        return spec
    if isinstance(spec, (str, os.PathLike)):
        return CachingResolver(_from_path(spec))
    parts = [s if isinstance(s, Resolver) else _from_path(s) for s in spec]
    if not parts:
        return CachingResolver(CassetteResolver({}))
    return CachingResolver(parts[0] if len(parts) == 1 else MultiResolver(parts))


__all__ = [
    "MX",
    "Answer",
    "CachingResolver",
    "CassetteResolver",
    "DnsDataError",
    "DnsSpec",
    "LiveResolver",
    "MultiResolver",
    "RecordingResolver",
    "Resolver",
    "SizeLimitedResolver",
    "Status",
    "UnknownQuestion",
    "ZoneResolver",
    "failure",
    "normalize_name",
    "open_resolver",
    "reverse_name",
    "stable_answers",
]
