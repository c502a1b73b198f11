"""The corpus's DNS snapshot, written twice: a zone file (headercheck) and a cassette (mailauth)."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any


class Snapshot:
    """Records by (name, type); the same answers serialised for every tool."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, list[Any]]] = {}

    def _add(self, name: str, rdtype: str, value: Any) -> None:
        values = self.records.setdefault(name.lower(), {}).setdefault(rdtype, [])
        if value not in values:
            values.append(value)

    def txt(self, name: str, *strings: str) -> None:
        """One TXT record made of these strings."""
        self._add(name, "TXT", list(strings))

    def a(self, name: str, address: str) -> None:
        """One A record."""
        self._add(name, "A", address)

    def mx(self, name: str, exchange: str, priority: int) -> None:
        """One MX record."""
        self._add(name, "MX", {"exchange": exchange, "priority": priority})

    def ptr(self, address: str, host: str) -> None:
        """A PTR record for address, and the A record that confirms it (iprev, RFC 8601 §3)."""
        self._add(ipaddress.ip_address(address).reverse_pointer, "PTR", host)
        self.a(host, address)

    def write_cassette(self, path: Path) -> None:
        """mailauth's ``--dns-cache`` shape, which headercheck's CassetteResolver also reads."""
        path.write_text(json.dumps(self.records, indent=1, sort_keys=True) + "\n")

    def write_zone(self, path: Path) -> None:
        """An RFC 1035 master file with absolute owner names (several zones in one file)."""
        lines = ["$TTL 3600"]
        for name in sorted(self.records):
            for rdtype, values in sorted(self.records[name].items()):
                for v in values:
                    lines.append(f"{name}. IN {rdtype} {_rdata(rdtype, v)}")
        path.write_text("\n".join(lines) + "\n")


def _rdata(rdtype: str, value: Any) -> str:
    if rdtype == "TXT":
        return " ".join('"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"' for s in value)
    if rdtype == "MX":
        return f"{value['priority']} {value['exchange']}."
    if rdtype == "PTR":
        return f"{value}."
    return str(value)


def lookup(records: dict[str, dict[str, list[Any]]], name: str, rdtype: str) -> list[Any] | None:
    """What the snapshot holds for (name, type), or None (benchmark harnesses' resolvers)."""
    return records.get(name.rstrip(".").lower(), {}).get(rdtype)
