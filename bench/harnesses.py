"""One function per tool: ``make(tool, corpus, now)`` returns ``one(raw, row) -> summary``.

Each harness loads the corpus's DNS snapshot and does its one-off start-up before timing starts
(mailauth's ``require`` loads its modules and Public Suffix List; headercheck's ``preload()`` does
the same); every tool gets the same answers and the same envelope (client IP, HELO, MAIL FROM,
receiver) for each message. measure.py reports that start-up as ``setup_seconds``.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from snapshot import lookup

RECEIVER = "mx.receiver.example"
One = Callable[[bytes, dict[str, str]], Any]


def make(tool: str, corpus: Path, now: int, speedups: bool = True) -> One:
    """The per-message function for tool."""
    if tool == "headercheck":
        return _headercheck(corpus, now, speedups)
    if tool == "authheaders":
        return _authheaders(corpus)
    if tool == "lowerbound":
        return _lowerbound()
    raise SystemExit(f"unknown tool {tool!r}")


def _set_speedups(on: bool) -> None:
    try:
        from headercheck.checks import _speedups
    except ImportError:
        return
    _speedups.use_speedups(on)


def _headercheck(corpus: Path, now: int, speedups: bool) -> One:
    import headercheck
    from headercheck import check
    from headercheck.dns import open_resolver

    _set_speedups(speedups)
    resolver = open_resolver(str(corpus / "dns.zone"))
    preload = getattr(headercheck, "preload", None)  # older versions load on first use
    if preload:
        preload()

    def one(raw: bytes, row: dict[str, str]) -> Any:
        report = check(raw, dns=resolver, ip=row["ip"], mail_from=row["mail_from"],
                       helo=row["helo"], receiver=RECEIVER, now=now)
        return report.to_dict()

    return one


_worker: dict[str, Any] = {}


def _init_worker(corpus: str, now: int) -> None:
    _worker["one"] = _headercheck(Path(corpus), now, True)
    _worker["corpus"] = Path(corpus)


def _work(row: dict[str, str]) -> Any:
    raw = (_worker["corpus"] / "messages" / row["file"]).read_bytes()
    return _worker["one"](raw, row)


def headercheck_jobs(corpus: Path, items: list[dict[str, str]], jobs: int, now: int,
                     keep: bool = False, started: Callable[[], None] | None = None,
                     ) -> tuple[int, float, list[Any], dict[str, Any]]:
    """headercheck.audit over the messages folder with jobs workers (its shared DNS cache).

    Before audit() exists: a ProcessPoolExecutor over check(), each worker with its own cache.
    """
    import headercheck

    if not hasattr(headercheck, "audit"):
        return _pool_jobs(corpus, items, jobs, now)
    return audit_folder(corpus / "messages", corpus, jobs, now, keep, started)


def audit_folder(folder: Path, corpus: Path, jobs: int, now: int, keep: bool = False,
                 started: Callable[[], None] | None = None,
                 ) -> tuple[int, float, list[Any], dict[str, Any]]:
    """Every message under folder through headercheck.audit(); rows counted (kept if keep).

    The time runs from the audit() call (its start-up included: the DNS snapshot read, the
    workers started) to the last row; the one-off ``headercheck.preload()`` (imports, Public
    Suffix List) runs before it, as for the single-process rows, and is reported as
    ``setup_seconds``. started() is called once audit() has returned (its workers started),
    e.g. to start an RSS sampler.
    """
    import resource

    import headercheck
    from headercheck import audit

    setup = time.perf_counter()
    if hasattr(headercheck, "preload"):
        headercheck.preload()
    setup = time.perf_counter() - setup
    n, start, kept = 0, time.perf_counter(), []
    with audit([str(folder)], jobs=jobs, dns=str(corpus / "dns.zone"), now=now,
               receiver=RECEIVER) as run:
        if started:
            started()
        for row in run:
            n += 1
            if keep:
                kept.append(row)
    secs = time.perf_counter() - start
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return n, secs, kept, {"jobs": jobs, "child_rss_mb": child, "engine": "headercheck.audit()",
                           "setup_seconds": round(setup, 3)}


def _pool_jobs(corpus: Path, items: list[dict[str, str]], jobs: int,
               now: int) -> tuple[int, float, list[Any], dict[str, Any]]:
    import resource

    start = time.perf_counter()
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(str(corpus), now)) as pool:
        results = list(pool.map(_work, items, chunksize=16))
    secs = time.perf_counter() - start
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return len(results), secs, results, {"jobs": jobs, "child_rss_mb": child,
                                         "engine": "ProcessPoolExecutor over check()"}


def _authheaders(corpus: Path) -> One:
    """authheaders 0.16.3, offline: its dnsfunc for DKIM/ARC/DMARC, pyspf's DNSLookup for SPF."""
    import authheaders
    import spf

    records = json.loads((corpus / "dns.json").read_text())

    def dnsfunc(name: bytes | str, timeout: float = 5) -> bytes | str | None:
        # dkimpy passes bytes and wants bytes; authheaders' DMARC code passes str and wants a
        # bare str (STYLE.md defect #3), so one function serves both shapes.
        text = name.decode() if isinstance(name, bytes) else name
        found = lookup(records, text, "TXT")
        if not found:
            return None
        joined = "".join(found[0])
        return joined.encode() if isinstance(name, bytes) else joined

    def spf_lookup(name: str, qtype: str, strict: Any = True, timeout: Any = None) -> list[Any]:
        found = lookup(records, name, qtype) or []
        if qtype in ("TXT", "SPF"):
            return [((name, qtype), [s.encode() for s in v]) for v in found]
        if qtype == "MX":
            return [((name, qtype), (v["priority"], v["exchange"])) for v in found]
        return [((name, qtype), v) for v in found]

    spf.DNSLookup = spf_lookup  # authheaders' check_spf has no DNS parameter (defect #5)

    def one(raw: bytes, row: dict[str, str]) -> Any:
        return authheaders.authenticate_message(
            raw, RECEIVER, spf=True, dkim=True, arc=True, dmarc=True, ip=row["ip"],
            mail_from=row["mail_from"], helo=row["helo"], dnsfunc=dnsfunc)

    return one


def _lowerbound() -> One:
    """SHA-256 over the message bytes plus one OpenSSL RSA-2048 verify per signature."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

    key = rsa.generate_private_key(65537, 2048)
    digest = hashlib.sha256(b"lower bound").digest()
    prehashed = utils.Prehashed(hashes.SHA256())
    sig = key.sign(digest, padding.PKCS1v15(), prehashed)
    pub = key.public_key()
    names = (b"\ndkim-signature:", b"\narc-message-signature:", b"\narc-seal:")

    def one(raw: bytes, row: dict[str, str]) -> Any:
        head = b"\n" + raw[: raw.find(b"\r\n\r\n")].lower()
        n = sum(head.count(name) for name in names)
        h = hashlib.sha256(raw).hexdigest()
        for _ in range(n):
            pub.verify(sig, digest, padding.PKCS1v15(), prehashed)
        return [h[:8], n]

    return one


def cpu_count() -> int:
    """CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
