"""Run a real NSD on 127.0.0.1 serving the same master files the zone back end reads."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

import dns.message
import dns.query

from headercheck.dns import ZoneResolver

NSD = shutil.which("nsd") or "/usr/sbin/nsd"


def free_port() -> int:
    """A free UDP+TCP port on 127.0.0.1."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                u.bind(("127.0.0.1", port))
            return int(port)
        except OSError:
            continue


def zone_apexes(files: Iterable[Path]) -> list[str]:
    """Every name that owns an SOA in the files: the zones NSD must serve."""
    resolver = ZoneResolver(*files)
    return sorted(n for n in resolver.names() if resolver.query(n, "SOA").ok)


def split_zone(resolver: ZoneResolver, apex: str, apexes: list[str]) -> str:
    """The records of one zone out of multi-zone data: names whose closest apex is this one."""
    lines = [f"$ORIGIN {apex}.", "$TTL 300"]
    for name in resolver.names():
        owners = [a for a in apexes if name == a or name.endswith("." + a)]
        if owners and max(owners, key=len) == apex:
            lines.extend(_records_text(resolver, name))
    return "\n".join(lines) + "\n"


def _records_text(resolver: ZoneResolver, name: str) -> list[str]:
    out = []
    store = resolver._store._data.get(name, {})
    for rdtype, records in store.items():
        if not isinstance(records, tuple):
            continue
        for rec in records:
            if rdtype in ("TXT", "SPF"):
                value = " ".join('"' + _escape(s) + '"' for s in rec)  # type: ignore[union-attr]
            elif rdtype == "MX":
                value = f"{rec[0]} {rec[1]}."  # type: ignore[index]
            elif rdtype in ("PTR", "CNAME", "NS"):
                value = f"{rec}."
            else:
                value = str(rec)
            out.append(f"{name}. IN {rdtype} {value}")
    return out


def _escape(data: bytes) -> str:
    out = []
    for b in data:
        ch = chr(b)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 32 <= b < 127:
            out.append(ch)
        else:
            out.append(f"\\{b:03d}")
    return "".join(out)


def stop_process(proc: subprocess.Popen[bytes] | None) -> None:
    """Terminate a server started by a test (kill it if it lingers) and close its stderr pipe."""
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    if proc and proc.stderr:
        proc.stderr.close()


class NsdServer:
    """A foreground NSD on 127.0.0.1:port, rate limiting off, stopped by stop()."""

    def __init__(self, zone_files: Iterable[Path]) -> None:
        self.files = [Path(f) for f in zone_files]
        self.dir = Path(tempfile.mkdtemp(prefix="hc-nsd-"))
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def _write_config(self) -> Path:
        resolver = ZoneResolver(*self.files)
        apexes = zone_apexes(self.files)
        zones = []
        for apex in apexes:
            path = self.dir / f"{apex}.zone"
            path.write_text(split_zone(resolver, apex, apexes))
            zones.append(f"zone:\n  name: \"{apex}\"\n  zonefile: \"{path}\"\n")
        conf = self.dir / "nsd.conf"
        conf.write_text(
            "server:\n"
            f"  ip-address: 127.0.0.1\n  port: {self.port}\n"
            '  username: ""\n  chroot: ""\n  database: ""\n'
            f'  zonesdir: "{self.dir}"\n  zonelistfile: "{self.dir}/zone.list"\n'
            f'  xfrdfile: "{self.dir}/xfrd.state"\n  pidfile: "{self.dir}/nsd.pid"\n'
            f'  logfile: "{self.dir}/nsd.log"\n  xfrdir: "{self.dir}"\n'
            "  server-count: 1\n  verbosity: 1\n"
            "  rrl-ratelimit: 0\n  rrl-whitelist-ratelimit: 0\n"
            "remote-control:\n  control-enable: no\n" + "".join(zones)
        )
        return conf

    def start(self) -> NsdServer:
        """Start NSD and wait until it answers."""
        conf = self._write_config()
        self.proc = subprocess.Popen([NSD, "-d", "-c", str(conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        apex = zone_apexes(self.files)[0]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"nsd exited: {err}\n{(self.dir / 'nsd.log').read_text()}")
            try:
                q = dns.message.make_query(apex + ".", "SOA")
                dns.query.udp(q, "127.0.0.1", port=self.port, timeout=0.2)
                return self
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("nsd did not answer within 10 s")

    def stop(self) -> None:
        """Stop NSD and remove its directory."""
        stop_process(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)
