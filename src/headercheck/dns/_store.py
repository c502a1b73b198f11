"""In-memory record store shared by the offline back ends (zone file and cassette)."""

from __future__ import annotations

from collections.abc import Iterable

from headercheck.dns.answer import Answer, Record, Status, UnknownQuestion, failure, normalize_name

MAX_CNAME_CHAIN = 8


class RecordStore:
    """Names -> {type -> records or a failure status}; answers as an authoritative server would."""

    def __init__(self, strict: str = "") -> None:
        self._data: dict[str, dict[str, tuple[Record, ...] | Status]] = {}
        self._existing: set[str] = set()
        self.strict = strict  # "" off; "zone": outside every loaded zone; "cassette": unrecorded

    def _check_known(self, name: str, rdtype: str) -> None:
        """Strict replay: raise for a question the data does not cover (DESIGN.md, the DNS seam)."""
        if self.strict == "zone":
            labels = name.split(".")
            apexes = (".".join(labels[i:]) for i in range(len(labels)))
            known = any("SOA" in self._data.get(a, {}) for a in apexes)
        elif self.strict == "cassette":
            types = self._data.get(name, {})
            known = rdtype in types or "CNAME" in types or Status.NXDOMAIN in types.values()
        else:
            return
        if not known:
            raise UnknownQuestion(f"strict DNS replay: no data for {name} {rdtype}")

    def add(self, name: str, rdtype: str, records: Iterable[Record]) -> None:
        """Add records of one type at a name."""
        name, rdtype = normalize_name(name), rdtype.upper()
        types = self._data.setdefault(name, {})
        old = types.get(rdtype, ())
        merged = (old if isinstance(old, tuple) else ()) + tuple(records)
        types[rdtype] = merged
        self._mark(name)

    def set_status(self, name: str, rdtype: str, status: Status) -> None:
        """Declare that a question fails (NXDOMAIN, NODATA, SERVFAIL, TIMEOUT)."""
        name = normalize_name(name)
        self._data.setdefault(name, {})[rdtype.upper()] = status
        if status is not Status.NXDOMAIN:
            self._mark(name)

    def _mark(self, name: str) -> None:
        labels = name.split(".")
        for i in range(len(labels)):
            self._existing.add(".".join(labels[i:]))

    def _lookup_name(self, name: str) -> str | None:
        """The owner that answers for name: itself, or a wildcard (RFC 4592 §3.3.1)."""
        if name in self._data or name in self._existing:
            return name
        labels = name.split(".")
        for i in range(1, len(labels)):
            ancestor = ".".join(labels[i:])
            if ancestor in self._existing:
                wild = "*." + ancestor
                return wild if wild in self._data else None
        return None

    def query(self, name: str, rdtype: str) -> Answer:
        """Answer a question, following CNAMEs (RFC 1034 §3.6.2)."""
        qname, rdtype = normalize_name(name), rdtype.upper()
        current, seen = qname, set()
        for _ in range(MAX_CNAME_CHAIN + 1):
            answer = self._direct(qname, current, rdtype)
            if answer is not None:
                return answer
            seen.add(current)
            target = self._cname(current)
            if target is None or target in seen:
                break
            current = target
        return failure(qname, rdtype, Status.SERVFAIL, "CNAME chain loops or is too long")

    def _cname(self, name: str) -> str | None:
        owner = self._lookup_name(name)
        recs = self._data.get(owner or "", {}).get("CNAME")
        if isinstance(recs, tuple) and recs and isinstance(recs[0], str):
            return normalize_name(recs[0])
        return None

    def _direct(self, qname: str, name: str, rdtype: str) -> Answer | None:
        self._check_known(name, rdtype)
        owner = self._lookup_name(name)
        if owner is None:
            return failure(qname, rdtype, Status.NXDOMAIN)
        types = self._data.get(owner, {})
        value = types.get(rdtype)
        if isinstance(value, Status):
            return failure(qname, rdtype, value, f"{name} {rdtype}: {value}")
        if value:
            return Answer(qname, rdtype, Status.NOERROR, value, canonical_name=name)
        if "CNAME" in types and rdtype != "CNAME":
            return None
        for any_status in types.values():
            if any_status is Status.NXDOMAIN:
                return failure(qname, rdtype, Status.NXDOMAIN)
        return failure(qname, rdtype, Status.NODATA)
