"""Offline back end for JSON cassettes in the shape of mailauth's ``--dns-cache`` file.

Shape: ``{"name": {"TXT": [["str", ...], ...], "A": ["1.2.3.4"], "MX": [{"exchange": "mx",
"priority": 10}]}}``; a type's value may be "NXDOMAIN", "NODATA", "SERVFAIL" or "TIMEOUT".
"""

from __future__ import annotations

import ipaddress
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
    if not isinstance(value, dict) or not isinstance(value.get("exchange"), str):
        raise DnsDataError(f"{where}: an MX record must be {{'exchange', 'priority'}}")
    priority = value.get("priority", 0)
    if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= 65535:
        raise DnsDataError(f"{where}: MX priority must be an integer 0-65535, not {priority!r}")
    return MX(priority, value["exchange"].rstrip(".").lower())


def _address(rdtype: str, value: Any, where: str) -> str:
    """A/AAAA records must be addresses of their family (RFC 1035 §3.4.1, RFC 3596 §2.2)."""
    version = 4 if rdtype == "A" else 6
    try:
        ok = isinstance(value, str) and ipaddress.ip_address(value).version == version
    except ValueError:
        ok = False
    if not ok:
        raise DnsDataError(f"{where}: {value!r} is not an IPv{version} address")
    return str(value)


def _records(rdtype: str, values: Any, where: str) -> list[Record]:
    if not isinstance(values, list):
        raise DnsDataError(f"{where}: records must be a list or a failure marker")
    if rdtype in ("TXT", "SPF"):
        return [_txt(v, where) for v in values]
    if rdtype == "MX":
        return [_mx(v, where) for v in values]
    if rdtype in ("A", "AAAA"):
        return [_address(rdtype, v, where) for v in values]
    if not all(isinstance(v, str) for v in values):
        raise DnsDataError(f"{where}: {rdtype} records must be strings")
    lower = rdtype in ("PTR", "CNAME", "NS")
    return [v.rstrip(".").lower() if lower else v for v in values]


def _line_of(text: str, name: str) -> str:
    """ "line N: " where the JSON key name first appears in text, or "" when unknown."""
    pos = text.find(json.dumps(name) + ":") if text else -1
    if pos < 0 and text:
        pos = text.find(json.dumps(name))
    return f"line {text.count(chr(10), 0, pos) + 1}: " if pos >= 0 else ""


def load_cassette_data(store: RecordStore, data: Any, where: str = "<cassette>", text: str = "") -> None:
    """Fill store from parsed cassette JSON; bad content raises DnsDataError naming the entry.

    :param text: the JSON text, when known, so that errors also name the line.
    """
    if not isinstance(data, dict):
        raise DnsDataError(f"{where}: top level must be an object of names")
    for name, types in data.items():
        if not isinstance(types, dict):
            raise DnsDataError(f"{where}: {_line_of(text, name)}{name!r}: value must be an object of types")
        for rdtype, values in types.items():
            at = f"{where}: {_line_of(text, name)}{name} {rdtype}"
            if isinstance(values, str):
                if values.upper() not in FAILURES:
                    raise DnsDataError(f"{at}: unknown failure marker {values!r}")
                store.set_status(name, rdtype, FAILURES[values.upper()])
            else:
                store.add(name, rdtype, _records(rdtype.upper(), values, at))


class CassetteResolver:
    """Answer from a JSON cassette; never touches the network.

    :param source: a path to the JSON file, or the already-parsed mapping.
    :param strict: a question the cassette did not record raises :class:`UnknownQuestion`
        instead of answering NXDOMAIN or NODATA.
    :raises DnsDataError: the file is not valid JSON (line named) or has bad content.
    """

    stable_answers = True  # loaded once, never changed

    def __init__(self, source: StrPath | dict[str, Any], strict: bool = False) -> None:
        self._store = RecordStore("cassette" if strict else "")
        if isinstance(source, dict):
            load_cassette_data(self._store, source)
            return
        where = str(source)
        try:
            with open(source, encoding="utf-8") as fh:
                text = fh.read()
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DnsDataError(f"{where}: line {exc.lineno}: invalid JSON: {exc.msg}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise DnsDataError(f"{where}: cannot read cassette: {exc}") from exc
        load_cassette_data(self._store, data, where, text)

    def query(self, name: str, rdtype: str) -> Answer:
        """Answer from the cassette.

        :raises UnknownQuestion: strict mode only, for a question the cassette did not record.
        """
        return self._store.query(name, rdtype)
