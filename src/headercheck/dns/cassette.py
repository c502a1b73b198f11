"""Offline back end for JSON cassettes in the shape of mailauth's ``--dns-cache`` file.

Shape: ``{"name": {"TXT": [["str", ...], ...], "A": ["1.2.3.4"], "MX": [{"exchange": "mx",
"priority": 10}]}}``; a type's value may be "NXDOMAIN", "NODATA", "SERVFAIL" or "TIMEOUT".
"""

from __future__ import annotations

import json
import os
from typing import Any

from headercheck.dns._store import RecordStore
from headercheck.dns.answer import MX, Answer, DnsDataError, Record, Status

StrPath = str | os.PathLike[str]
FAILURES = {s.value: s for s in Status if s is not Status.NOERROR}


def _txt(value: Any, where: str) -> tuple[bytes, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise DnsDataError(f"{where}: a TXT record must be a list of strings")
    return tuple(s.encode("utf-8") for s in value)


def _mx(value: Any, where: str) -> MX:
    if not isinstance(value, dict) or "exchange" not in value:
        raise DnsDataError(f"{where}: an MX record must be {{'exchange', 'priority'}}")
    return MX(int(value.get("priority", 0)), str(value["exchange"]).rstrip(".").lower())


def _records(rdtype: str, values: Any, where: str) -> list[Record]:
    if not isinstance(values, list):
        raise DnsDataError(f"{where}: records must be a list or a failure marker")
    if rdtype in ("TXT", "SPF"):
        return [_txt(v, where) for v in values]
    if rdtype == "MX":
        return [_mx(v, where) for v in values]
    if not all(isinstance(v, str) for v in values):
        raise DnsDataError(f"{where}: {rdtype} records must be strings")
    lower = rdtype in ("PTR", "CNAME", "NS")
    return [v.rstrip(".").lower() if lower else v for v in values]


def load_cassette_data(store: RecordStore, data: Any, where: str = "<cassette>") -> None:
    """Fill store from parsed cassette JSON; bad content raises DnsDataError naming the entry."""
    if not isinstance(data, dict):
        raise DnsDataError(f"{where}: top level must be an object of names")
    for name, types in data.items():
        if not isinstance(types, dict):
            raise DnsDataError(f"{where}: {name!r}: value must be an object of types")
        for rdtype, values in types.items():
            at = f"{where}: {name} {rdtype}"
            if isinstance(values, str):
                if values.upper() not in FAILURES:
                    raise DnsDataError(f"{at}: unknown failure marker {values!r}")
                store.set_status(name, rdtype, FAILURES[values.upper()])
            else:
                store.add(name, rdtype, _records(rdtype.upper(), values, at))


class CassetteResolver:
    """Answer from a JSON cassette; never touches the network.

    :param source: a path to the JSON file, or the already-parsed mapping.
    :raises DnsDataError: the file is not valid JSON (line named) or has bad content.
    """

    def __init__(self, source: StrPath | dict[str, Any]) -> None:
        self._store = RecordStore()
        if isinstance(source, dict):
            load_cassette_data(self._store, source)
            return
        where = str(source)
        try:
            with open(source, encoding="utf-8") as fh:
                data = json.load(fh)
        except json.JSONDecodeError as exc:
            raise DnsDataError(f"{where}: line {exc.lineno}: invalid JSON: {exc.msg}") from exc
        except OSError as exc:
            raise DnsDataError(f"{where}: cannot read cassette: {exc}") from exc
        load_cassette_data(self._store, data, where)

    def query(self, name: str, rdtype: str) -> Answer:
        """Answer from the cassette."""
        return self._store.query(name, rdtype)
