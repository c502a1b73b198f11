"""Measure one tool over a corpus in this process; print one JSON line.

Usage: ``python bench/measure.py TOOL CORPUS [--limit N] [--seconds S] [--digest FILE]``
TOOL: headercheck | headercheck-jobs | headercheck-audit | authheaders | lowerbound. Each run reads
every message from disk inside the timed loop (as an audit does), DNS answers loaded beforehand.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(_HERE), str(_HERE.parent / "src")]

RECEIVER = "mx.receiver.example"
NOW = 1793491200 + 30 * 86400  # 30 days after the corpus was signed


def rows(corpus: Path, limit: int | None) -> list[dict[str, str]]:
    """The corpus's meta rows (file, ip, helo, mail_from), at most limit of them."""
    with open(corpus / "meta.jsonl") as fh:
        out = [json.loads(line) for line in fh]
    return out[:limit] if limit else out


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident set size of this process (or of its largest child) in MB.

    For this process: VmHWM, which starts afresh at exec (``ru_maxrss`` is inherited from the
    parent on Linux, so it would report bench.py's own peak).
    """
    if not children:
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


class ChildRss:
    """Samples VmHWM of every descendant process (pool workers may be forkserver children,
    which ``RUSAGE_CHILDREN`` never sees); ``peaks`` maps pid to its highest VmHWM in MB."""

    def __init__(self, every: float = 0.2) -> None:
        import threading

        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)

    def start(self) -> None:
        """Start sampling. Called once audit() has started its workers: a thread running in
        this process before that would stop audit() from forking them (it forks only a
        single-threaded process, as the command line is), so the bench would measure another
        start-up than users get. VmHWM is a high-water mark: nothing is missed by starting late."""
        self._thread.start()

    def _run(self, every: float) -> None:
        while not self._stop.wait(every):
            self.sample()

    def sample(self) -> None:
        """One pass over /proc: descendants of this process and their VmHWM."""
        parent: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                    parent[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
        me, mine = os.getpid(), set()
        for pid in parent:
            p, hops = pid, 0
            while p in parent and p != me and hops < 50:
                p, hops = parent[p], hops + 1
            if p == me and pid != me:
                mine.add(pid)
        for pid in mine:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        mb = int(line.split()[1]) / 1024
                        self.peaks[pid] = max(self.peaks.get(pid, 0.0), mb)
            except OSError:
                continue

    def stop(self) -> dict[int, float]:
        """Stop sampling; the peaks seen."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self.sample()
        return self.peaks


def timed(items: list[dict[str, str]], corpus: Path, one: Callable[[bytes, dict[str, str]], Any],
          seconds: float | None) -> tuple[int, float, list[Any]]:
    """Run one() over the messages (read inside the loop); stop early after seconds."""
    results, start, cpu = [], time.perf_counter(), time.process_time()
    for row in items:
        raw = (corpus / "messages" / row["file"]).read_bytes()
        results.append(one(raw, row))
        if seconds and time.perf_counter() - start > seconds:
            break
    CPU["seconds"] = time.process_time() - cpu
    return len(results), time.perf_counter() - start, results


CPU: dict[str, float] = {}  # CPU time of this process in the timed loop (load-independent)


def main() -> None:
    """Parse arguments, run the chosen tool, print its figures as JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--seconds", type=float)
    ap.add_argument("--digest", type=Path)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-speedups", action="store_true")
    ap.add_argument("--source", type=Path, help="headercheck-audit: the folder to audit")
    args = ap.parse_args()
    items = rows(args.corpus, args.limit)
    import harnesses

    extra: dict[str, Any] = {}
    sampler = ChildRss() if args.tool in ("headercheck-jobs", "headercheck-audit") else None
    if args.tool == "headercheck-audit":
        source = args.source or args.corpus / "messages"
        n, secs, results, extra = harnesses.audit_folder(source, args.corpus, args.jobs, NOW,
                                                         started=sampler and sampler.start)
    elif args.tool == "headercheck-jobs":
        n, secs, results, extra = harnesses.headercheck_jobs(args.corpus, items, args.jobs, NOW,
                                                             keep=bool(args.digest),
                                                             started=sampler and sampler.start)
    else:
        setup = time.perf_counter()
        one = harnesses.make(args.tool, args.corpus, NOW, speedups=not args.no_speedups)
        extra["setup_seconds"] = round(time.perf_counter() - setup, 3)
        n, secs, results = timed(items, args.corpus, one, args.seconds)
    children = sampler.stop() if sampler else {}
    workers = sorted(children.values(), reverse=True)[: max(args.jobs, 1)] if "jobs" in extra else []
    extra.pop("child_rss_mb", None)
    if args.digest:
        args.digest.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in results))
    print(json.dumps({
        "tool": args.tool, "messages": n, "seconds": round(secs, 4),
        "msgs_per_s": round(n / secs, 2) if secs else None,
        "cpu_ms_per_msg": round(CPU["seconds"] / n * 1000, 3) if "seconds" in CPU and n else None,
        "peak_rss_mb": round(max([peak_rss_mb(), *workers]), 1),
        "rss_all_processes_mb": round(peak_rss_mb() + sum(workers), 1),
        **extra,
    }))


if __name__ == "__main__":
    main()
