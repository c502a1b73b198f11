"""Measure the memory of a 100,000-message audit: the parent's RSS must not grow with the count.

    python bench/audit_rss.py [N] [JOBS]

Writes an N-message mbox (tiny messages from 50 domains, with DKIM-Signature and envelope
headers) in a temporary folder, audits it offline from a cassette, and prints the RSS of the parent
and of its worker processes every N/10 rows. Not a test: it takes minutes and measures a machine.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from headercheck.audit import audit  # noqa: E402
from headercheck.dns import CassetteResolver  # noqa: E402
from support.audit_data import CASSETTE, NOW, message  # noqa: E402


def rss_kib(pid: int | str = "self") -> int:
    """Resident set size of a process in KiB (Linux /proc)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def children_rss_kib() -> int:
    """Summed RSS of this process's direct and indirect children."""
    me, total = os.getpid(), 0
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    family = {me}
    for _ in range(3):
        family |= {pid for pid, ppid in parents.items() if ppid in family}
    for pid in family - {me}:
        try:
            total += rss_kib(pid)
        except OSError:
            continue
    return total


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    jobs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    with tempfile.TemporaryDirectory() as tmp:
        box = Path(tmp) / "big.mbox"
        with open(box, "wb") as fh:
            for i in range(n):
                fh.write(b"From x Sat Jun  1 00:00:00 2024\n" + message(f"d{i % 50}.example", i) + b"\n")
        print(f"{n} messages, {box.stat().st_size // 1024} KiB mbox, jobs={jobs}")
        start, count = time.monotonic(), 0
        with audit(box, jobs=jobs, dns=CassetteResolver(CASSETTE), now=NOW) as run:
            for _ in run:
                count += 1
                if count % (n // 10) == 0 or count == 1000:
                    print(f"{count:>7} rows  parent RSS {rss_kib() / 1024:7.1f} MiB  workers "
                          f"{children_rss_kib() / 1024:7.1f} MiB  {time.monotonic() - start:6.1f} s",
                          flush=True)
        print(f"done: {count} rows, {run.dns_questions} distinct DNS questions, "
              f"{count / (time.monotonic() - start):.0f} msgs/s")


if __name__ == "__main__":
    main()
