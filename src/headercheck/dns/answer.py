"""DNS answers as values: records or a typed failure (NXDOMAIN, NODATA, SERVFAIL, TIMEOUT, ...)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple, Protocol, runtime_checkable


class Status(StrEnum):
    """Outcome of one DNS question; NOERROR always carries at least one record.

    OVERSIZE is not a DNS rcode: the answer arrived but its record data exceeded the size cap
    (``SizeLimitedResolver``); it is permanent, so mechanisms report permerror with the reason.
    """

    NOERROR = "NOERROR"
    NXDOMAIN = "NXDOMAIN"
    NODATA = "NODATA"
    SERVFAIL = "SERVFAIL"
    TIMEOUT = "TIMEOUT"
    OVERSIZE = "OVERSIZE"

    @property
    def is_temporary(self) -> bool:
        """SERVFAIL and TIMEOUT are transient (RFC 7208 §2.6.6, RFC 6376 §6.1.2)."""
        return self in (Status.SERVFAIL, Status.TIMEOUT)


class MX(NamedTuple):
    """One MX record."""

    priority: int
    exchange: str


TxtRecord = tuple[bytes, ...]
Record = str | TxtRecord | MX


class UnknownQuestion(LookupError):
    """Strict replay: a question the zone files or cassette do not cover (named in the message)."""


class DnsDataError(ValueError):
    """A zone or cassette file has content that cannot be used; the message names the place."""


def normalize_name(name: str | bytes) -> str:
    """Lower-case, strip the trailing dot; bytes are decoded as ASCII/IDNA text."""
    if isinstance(name, bytes):
        name = name.decode("ascii", "replace")
    return name.strip().rstrip(".").lower()


def reverse_name(ip: str) -> str:
    """The in-addr.arpa / ip6.arpa name for an address (RFC 1035 §3.5, RFC 3596 §2.5)."""
    return normalize_name(ipaddress.ip_address(ip.split("%")[0]).reverse_pointer)


@dataclass(frozen=True)
class Answer:
    """One DNS answer: the question, its status and the records (after CNAMEs)."""

    name: str
    rdtype: str
    status: Status
    records: tuple[Record, ...] = ()
    error: str = ""
    canonical_name: str = ""

    @cached_property
    def data_bytes(self) -> int:
        """Approximate wire size of the record data (TXT: each string plus its length octet).

        Computed once per answer (answers are immutable and shared by the per-run caches).
        """
        return sum(record_bytes(r) for r in self.records)

    @property
    def ok(self) -> bool:
        """True when records were returned."""
        return self.status is Status.NOERROR and bool(self.records)

    def txt(self) -> list[bytes]:
        """TXT/SPF records, each with its strings joined without separator (RFC 7208 §3.3)."""
        return [b"".join(r) for r in self.records if isinstance(r, tuple) and not isinstance(r, MX)]

    def texts(self) -> list[str]:
        """TXT records as text (UTF-8, undecodable bytes replaced)."""
        return [t.decode("utf-8", "replace") for t in self.txt()]

    def names(self) -> list[str]:
        """A/AAAA/PTR/CNAME/NS records as strings."""
        return [r for r in self.records if isinstance(r, str)]

    def mx(self) -> list[MX]:
        """MX records sorted by priority."""
        return sorted(r for r in self.records if isinstance(r, MX))


def record_bytes(record: Record) -> int:
    """Approximate wire size of one record's data (TXT: each string plus its length octet)."""
    if isinstance(record, MX):
        return 2 + len(record.exchange) + 2
    if isinstance(record, str):
        return len(record)
    return sum(1 + len(s) for s in record if isinstance(s, bytes))


@runtime_checkable
class Resolver(Protocol):
    """The one DNS contract: every query headercheck makes goes through this method."""

    def query(self, name: str, rdtype: str) -> Answer:
        """Answer one question; never raises for DNS failures (they are Answer statuses)."""
        ...


def stable_answers(resolver: Resolver) -> bool:
    """Whether resolver gives one answer per question for its whole life.

    A resolver says so with a true ``stable_answers`` attribute (the offline back ends, any
    caching resolver, wrappers of those); any other resolver does not. Results that depend on
    DNS answers alone may then be remembered across messages (``checks/_memo.py``).
    """
    return bool(getattr(resolver, "stable_answers", False))


def failure(name: str, rdtype: str, status: Status, error: str = "") -> Answer:
    """Build a failed answer."""
    return Answer(normalize_name(name), rdtype.upper(), status, (), error)
