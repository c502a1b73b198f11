"""Master-file records as the store keeps them, and a fast reader for the plain one-line form.

dnspython's zone-file Reader tokenizes character by character: about 60 µs a record, so loading
the benchmark's 3,706-record snapshot took 0.22 s, serial start-up in every audit. Snapshots are
usually written one record per line with absolute names (the benchmark's and most exports), so
:func:`plain_records` reads exactly that form with one regular expression a line and returns
None for anything else (``$ORIGIN``, ``@``, relative or escaped names, parentheses, a TTL with
units, quoted strings with escapes, ...): the caller then reads the whole file with dnspython.
Record data of types other than A, TXT, SPF, MX, PTR, CNAME and NS is still parsed by dnspython.
tests/test_zone_plain.py checks that both readers give the same records.
"""

from __future__ import annotations

import re

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype

from headercheck.dns.answer import MX, Record

_NAME = r"(?:[A-Za-z0-9_-]{1,63}\.)+"  # absolute, no escapes (RFC 1035 §5.1)
_LINE = re.compile(
    rf"({_NAME})[ \t]+(?:([0-9]{{1,10}})[ \t]+)?(?:IN[ \t]+)?([A-Z][A-Z0-9]*)[ \t]+(\S.*)")
_TTL = re.compile(r"\$TTL[ \t]+([0-9]{1,10})[ \t]*(?:;.*)?")
_QUOTED = r'"[ !#-\[\]-~]*"'  # printable ASCII, no quote or backslash inside
_TXT = re.compile(rf"({_QUOTED}(?:[ \t]+{_QUOTED})*)[ \t]*(?:;.*)?")
_STRING = re.compile(r'"([^"]*)"')
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_A = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}")
_TARGET = re.compile(_NAME)
_MX = re.compile(rf"([0-9]{{1,5}})[ \t]+({_NAME})")
_UNSAFE = re.compile(r'["\\()]')  # quoted strings, escapes, parentheses: dnspython's Reader
_SKIP = re.compile(r"[ \t]*(?:;.*)?")
_MAX_TTL = 2**32 - 1
_NAMED = {"PTR", "CNAME", "NS"}
_PLAIN = {"A", "TXT", "SPF", "MX", *_NAMED}

Row = tuple[str, str, Record]  # owner name as written, type, record


def record_of(rdata: dns.rdata.Rdata) -> Record:
    """The store's form of one dnspython rdata."""
    kind = dns.rdatatype.to_text(rdata.rdtype)
    if kind in ("TXT", "SPF"):
        return tuple(rdata.strings)  # type: ignore[attr-defined]
    if kind == "MX":
        return MX(int(rdata.preference), str(rdata.exchange).rstrip(".").lower())  # type: ignore[attr-defined]
    return rdata.to_text().rstrip(".").lower() if kind in _NAMED else rdata.to_text()


def plain_records(text: str) -> list[Row] | None:
    """Every record of a master file written in the plain one-line form; None if any line is not."""
    rows: list[Row] = []
    for line in text.split("\n"):
        if _SKIP.fullmatch(line):
            continue
        ttl = _TTL.fullmatch(line)
        if ttl is not None:
            if int(ttl.group(1)) > _MAX_TTL:
                return None
            continue
        row = _plain_line(line)
        if row is None:
            return None
        rows.append(row)
    return rows


def _plain_line(line: str) -> Row | None:
    found = _LINE.fullmatch(line)
    if found is None:
        return None
    name, ttl, kind, rest = found.groups()
    if len(name) > 254 or (ttl is not None and int(ttl) > _MAX_TTL):
        return None
    if kind in ("TXT", "SPF"):
        record = _txt(rest)
        return None if record is None else (name, kind, record)
    if _UNSAFE.search(rest):
        return None
    data = rest.split(";", 1)[0].rstrip(" \t")  # the comment and the blanks before it go
    if kind not in _PLAIN:
        return _other_line(name, kind, data)
    record = _plain_data(kind, data)
    return None if record is None else (name, kind, record)


def _txt(rest: str) -> Record | None:
    """TXT/SPF strings: plain quoted strings of at most 255 bytes (comment included), or None."""
    found = _TXT.fullmatch(rest)
    strings = _STRING.findall(found.group(1)) if found else []
    return tuple(s.encode() for s in strings) if strings and max(map(len, strings)) <= 255 else None


def _plain_data(kind: str, data: str) -> Record | None:
    """The A, MX, PTR, CNAME or NS record of data (no comment), or None to leave it to dnspython."""
    if kind == "A":
        return data if _A.fullmatch(data) else None
    if kind in _NAMED:
        return data.rstrip(".").lower() if _TARGET.fullmatch(data) and len(data) <= 254 else None
    mx = _MX.fullmatch(data)
    if mx is None or int(mx.group(1)) > 65535 or len(mx.group(2)) > 254:
        return None
    return MX(int(mx.group(1)), mx.group(2).rstrip(".").lower())


def _other_line(name: str, kind: str, data: str) -> Row | None:
    """A record of another type, its data (no quotes, escapes, parentheses or comment) parsed by
    dnspython."""
    try:
        rdata = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(kind), data,
                                    origin=dns.name.root, relativize=False)
    except Exception:  # noqa: BLE001 - any doubt: the whole file goes to dnspython's Reader
        return None
    return name, dns.rdatatype.to_text(rdata.rdtype), record_of(rdata)
