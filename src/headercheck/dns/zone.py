"""Offline back end reading RFC 1035 master files (several zones per file allowed)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.tokenizer
import dns.zonefile

from headercheck.dns._store import RecordStore
from headercheck.dns._zonelines import plain_records, record_of
from headercheck.dns.answer import Answer, DnsDataError

StrPath = str | os.PathLike[str]


class _Collector:
    """The slice of a dnspython transaction that its zone-file Reader needs.

    dnspython's own transactions insist on one zone per file (SOA at the origin); a snapshot
    holds several zones, so records are collected as read.
    """

    def __init__(self, store: RecordStore) -> None:
        self.store = store
        self.manager = self

    def origin_information(self) -> tuple[dns.name.Name, bool, None]:
        return dns.name.root, False, None

    def check_put_rdataset(self, check: object) -> None:
        return None

    def _set_origin(self, origin: object) -> None:
        return None

    def add(self, name: dns.name.Name, ttl: int, rdata: dns.rdata.Rdata) -> None:
        kind = dns.rdatatype.to_text(rdata.rdtype)
        self.store.add(name.to_text(), kind, [record_of(rdata)])


class _EntryTokenizer(dns.tokenizer.Tokenizer):
    """A tokenizer whose where() is the line an entry began on.

    dnspython's Reader names ``tok.where()`` in its errors, which is one line too far once the
    entry's end of line has been read (a bad A address on line 3 is reported as line 4).
    """

    entry_line = 1
    _at_start = True

    def get(self, want_leading: bool = False, want_comment: bool = False) -> dns.tokenizer.Token:
        token = super().get(want_leading, want_comment)
        if token.is_eol_or_eof():
            self._at_start = True
        elif self._at_start and not token.is_comment() and not token.is_whitespace():
            self.entry_line, self._at_start = self.line_number, False
        return token

    def where(self) -> tuple[str, int]:
        return self.filename, self.entry_line


def load_zone_text(store: RecordStore, text: str, where: str = "<zone>", plain: bool = True) -> None:
    """Parse master-file text into store; errors name the file and line (RFC 1035 §5.1).

    Text in the plain one-line form is read by :func:`plain_records` (unless plain is False);
    anything else, and every error, by dnspython's Reader.
    """
    rows = plain_records(text) if plain else None
    if rows is not None:
        for name, kind, record in rows:
            store.add(name, kind, [record])
        return
    tok = _EntryTokenizer(text, where)
    reader = dns.zonefile.Reader(
        tok, dns.rdataclass.IN, _Collector(store),  # type: ignore[arg-type]
        allow_directives={"$ORIGIN", "$TTL"},
        default_ttl=3600,
    )
    try:
        reader.read()
    except dns.exception.DNSException as exc:
        raise DnsDataError(str(exc)) from exc


def _zone_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".zone", ".db") and p.is_file())
    return [path]


class ZoneResolver:
    """Answer from RFC 1035 master files; never touches the network.

    :param paths: one or more zone files (or folders of ``*.zone`` files).
    :param strict: a question for a name outside every loaded zone (no SOA at or above it)
        raises :class:`UnknownQuestion` instead of answering NXDOMAIN.
    :raises DnsDataError: a file cannot be read or has a syntax error (named with its line).
    """

    stable_answers = True  # loaded once, never changed

    def __init__(self, *paths: StrPath, text: str | None = None, strict: bool = False) -> None:
        self._store = RecordStore("zone" if strict else "")
        self.paths = tuple(str(p) for p in paths)
        for path in paths:
            for file in _zone_files(Path(path)):
                self._load_file(file)
        if text is not None:
            load_zone_text(self._store, text)

    def _load_file(self, file: Path) -> None:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DnsDataError(f"{file}: cannot read zone file: {exc}") from exc
        load_zone_text(self._store, text, where=str(file))

    def query(self, name: str, rdtype: str) -> Answer:
        """Answer from the loaded zones.

        :raises UnknownQuestion: strict mode only, for a name outside every loaded zone.
        """
        return self._store.query(name, rdtype)

    def names(self) -> Iterable[str]:
        """Every owner name loaded (for tests and tooling)."""
        return self._store._data.keys()
