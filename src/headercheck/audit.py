"""audit(): many messages, one row each, checked in parallel with one shared DNS cache.

Memory stays constant: inputs are read one message at a time, at most ``window`` messages are in
flight, and rows are yielded (in input order) as soon as they are ready; only the bounded
``Summary`` is kept. Any ``concurrent.futures.Executor`` runs the checks: a process pool by
default, or e.g. a Dask cluster's ``Client.get_executor()`` (docs/audit.md).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import BrokenExecutor, CancelledError, Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import BinaryIO

from headercheck._audit_worker import (
    Batch,
    Notes,
    Row,
    Settings,
    check_bytes,
    error_row,
    ignore_sigint,
    run_batch,
    warm_up,
)
from headercheck._dnsshare import (
    DnsClientSpec,
    DnsServer,
    SharedDnsCache,
    offline_snapshot,
    write_snapshot,
)
from headercheck._sources import DEFAULT_MAX_BYTES, Item, Ref, iter_items
from headercheck._summary import Summary
from headercheck._time import When, to_timestamp
from headercheck.dns import DnsSpec, open_resolver
from headercheck.options import CheckOptions

SourceSpec = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]
MAX_INFLIGHT_BYTES = 256 * 1024 * 1024
BATCH_MESSAGES = 16  # messages per task: amortises pickling and IPC, keeps the tail short
BATCH_BYTES = 4 * 1024 * 1024
PRELOAD = "headercheck._audit_preload"
_Result = tuple[Row, Notes]


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _new_pool(jobs: int) -> ProcessPoolExecutor:
    """A pool of clean worker processes (forkserver or spawn: never fork a threaded parent).

    The forkserver imports the check pipeline once (PRELOAD), so its workers start warm; each
    worker is started now (a warm-up task each) rather than on the first messages.
    """
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        server = getattr(forkserver, "_forkserver", None)
        preload = list(getattr(server, "_preload_modules", None) or ["__main__"])
        if PRELOAD not in preload:  # only takes effect if the forkserver is not running yet
            ctx.set_forkserver_preload([*preload, PRELOAD])
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=ignore_sigint)
    for _ in range(jobs):
        pool.submit(warm_up)
    return pool


_Answer = tuple[list[_Result], list[tuple[str, str]]]  # rows, snapshot DNS questions asked


def _done(result: _Answer) -> Future[_Answer]:
    fut: Future[_Answer] = Future()
    fut.set_result(result)
    return fut


@dataclass
class _Batch:
    """Consecutive inputs sent as one task; unreadable ones are answered here, not sent."""

    items: list[tuple[int, Item]]
    future: Future[_Answer] = field(default_factory=lambda: _done(([], [])))
    tries: int = 0

    @property
    def nbytes(self) -> int:
        return sum(len(item.data) for _, item in self.items if item.data is not None)

    def entries(self) -> tuple[tuple[int, str, bytes | Ref], ...]:
        out: list[tuple[int, str, bytes | Ref]] = []
        for i, item in self.items:
            payload = item.data if item.data is not None else item.ref
            if payload is not None:
                out.append((i, item.source, payload))
        return tuple(out)

    def rows(self, results: list[_Result]) -> list[_Result]:
        """Every input's row in order: the worker's results with the error rows put back."""
        out: list[_Result] = []
        it = iter(results)
        for index, item in self.items:
            if item.data is None and item.ref is None:
                out.append((error_row(index, item.source, item.error, item.size), {}))
            else:
                out.append(next(it))
        return out

    def failed(self, why: str) -> list[_Result]:
        """The rows when the worker never answered: each message an error row."""
        return self.rows([(error_row(i, item.source, why, item.size), {})
                          for i, item in self.items if item.data is not None or item.ref is not None])


class _Dispatch:
    """Batches in flight on a pool, oldest first; a dead pool of ours is replaced."""

    def __init__(self, run: AuditRun, pool: Executor, own: bool, spec: DnsClientSpec) -> None:
        self.run, self.pool, self.own, self.spec = run, pool, own, spec
        self.pending: deque[_Batch] = deque()
        self.inflight = 0

    def submit(self, batch: _Batch) -> None:
        entries = batch.entries()
        if entries:
            task = Batch(entries, self.run._settings, self.spec, self.run._max_bytes)
            batch.future = self.pool.submit(run_batch, task)
        self.pending.append(batch)
        self.inflight += batch.nbytes

    def finish(self) -> list[_Result]:
        """Wait for the oldest batch; its rows in input order."""
        head = self.pending[0]
        try:
            rows, asked = head.future.result()
            self.run.cache.note(asked)
            results = head.rows(rows)
        except BrokenExecutor as exc:
            if self.own and head.tries < 3:
                self._replace_pool()
                return self.finish()
            results = head.failed(f"worker process died while checking it: {exc}")
        except (Exception, CancelledError) as exc:  # noqa: BLE001 - e.g. a remote worker lost
            results = head.failed(f"worker failed: {type(exc).__name__}: {exc}")
        self.pending.popleft()
        self.inflight -= head.nbytes
        return results

    def _replace_pool(self) -> None:
        """A new pool; every batch in flight died with the old one and is sent again, alone
        per message from its second death on, so one message that kills its worker costs only
        its own row (an error after the third death)."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = _new_pool(self.run._jobs)
        old, self.inflight = list(self.pending), 0
        self.pending.clear()
        for batch in old:
            parts = [batch] if len(batch.items) == 1 or batch.tries < 1 else [
                _Batch([entry], tries=batch.tries) for entry in batch.items]
            for part in parts:
                part.tries += 1
                self.submit(part)

    def close(self) -> None:
        for batch in self.pending:
            batch.future.cancel()
        if self.own:
            self.pool.shutdown(wait=True, cancel_futures=True)


class _PoolStarter:
    """Starts our process pool in a thread, so workers come up while the caller goes on."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None
        self._thread = threading.Thread(target=self._start, name="headercheck-pool", daemon=True)
        self._thread.start()

    def _start(self) -> None:
        with contextlib.suppress(Exception):  # take() tries again and raises
            self.pool = _new_pool(self.jobs)

    def take(self) -> ProcessPoolExecutor:
        """The pool (started now if the thread could not); the caller shuts it down."""
        self._thread.join()
        pool, self.pool = self.pool or _new_pool(self.jobs), None
        return pool

    def shutdown(self) -> None:
        """Stop the pool if nobody took it."""
        self._thread.join()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


class AuditRun(Iterator[Row]):
    """The rows of one audit, one per input message, in input order; see audit().

    ``summary`` holds the running totals (``summary.dns_questions``: distinct DNS questions
    asked so far). Closing the run (or leaving its ``with`` block) stops the workers.
    """

    def __init__(
        self, sources: list[str], *, executor: Executor | None, jobs: int, dns: DnsSpec,
        settings: Settings, max_bytes: int, dns_host: str, stdin: BinaryIO | None,
        exclude: list[str],
    ) -> None:
        self.summary = Summary()
        self._pool = _PoolStarter(jobs) if executor is None and jobs > 1 else None
        try:  # the workers start while the resolver loads (e.g. a zone file is parsed)
            self.cache = SharedDnsCache(open_resolver(dns))
        except BaseException:
            if self._pool:
                self._pool.shutdown()
            raise
        self._sources, self._executor, self._jobs = sources, executor, jobs
        self._settings, self._max_bytes, self._dns_host = settings, max_bytes, dns_host
        self._stdin, self._exclude = stdin, exclude
        self._started = time.monotonic()
        self._gen = self._rows()

    def __next__(self) -> Row:
        return next(self._gen)

    def __enter__(self) -> AuditRun:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stop: cancel what is queued, shut down a pool we started, close the DNS server."""
        self._gen.close()
        if self._pool:
            self._pool.shutdown()

    def _take_pool(self) -> Executor:
        return self._pool.take() if self._pool else _new_pool(self._jobs)

    @property
    def dns_questions(self) -> int:
        """Distinct DNS questions asked so far (each is asked once per run)."""
        return self.cache.questions

    def _items(self, lazy: bool = False) -> Iterator[Item]:
        """The inputs; files a directory walk skipped are counted in the summary, not rows.

        lazy: local files as Refs, for workers on this machine to read (see iter_items).
        """
        for item in iter_items(self._sources, max_bytes=self._max_bytes, stdin=self._stdin,
                               exclude=self._exclude, lazy=lazy):
            if item.skipped:
                self.summary.skip(item.source)
            else:
                yield item

    def _emit(self, row: Row, notes: Notes) -> Row:
        self.summary.add(row, notes)
        self.summary.dns_questions = self.cache.questions
        self.summary.elapsed = time.monotonic() - self._started
        return row

    def _rows(self) -> Generator[Row, None, None]:
        try:
            if self._executor is None and self._jobs <= 1:
                yield from self._rows_inline()
            else:
                yield from self._rows_parallel()
        except GeneratorExit:
            self.summary.interrupted = True
            raise
        except KeyboardInterrupt:
            self.summary.interrupted = True
            raise
        finally:
            self.summary.dns_questions = self.cache.questions
            self.summary.elapsed = time.monotonic() - self._started

    def _rows_inline(self) -> Iterator[Row]:
        for index, item in enumerate(self._items()):
            if item.data is None:
                yield self._emit(error_row(index, item.source, item.error, item.size), {})
            else:
                yield self._emit(*check_bytes(index, item.source, item.data, self._settings,
                                              self.cache))

    def _rows_parallel(self) -> Iterator[Row]:
        server = DnsServer(self.cache, self._dns_host)
        own = self._executor is None
        snapshot = offline_snapshot(self.cache.inner) if own else None
        folder = tempfile.mkdtemp(prefix="headercheck-audit-") if snapshot else ""
        spec = replace(server.spec, snapshot=write_snapshot(snapshot, folder)) if snapshot else (
            server.spec)
        flight = _Dispatch(self, self._executor or self._take_pool(), own, spec)
        window = max(2, (2 if own else 4) * self._jobs)
        batch: list[tuple[int, Item]] = []
        size = 0
        try:
            for index, item in enumerate(self._items(lazy=own)):
                batch.append((index, item))
                size += len(item.data) if item.data is not None else 0
                if item.stream or len(batch) >= BATCH_MESSAGES or size > BATCH_BYTES:
                    flight.submit(_Batch(batch))
                    batch, size = [], 0
                while len(flight.pending) >= window or flight.inflight > MAX_INFLIGHT_BYTES or (
                        flight.pending and item.stream and flight.pending[0].future.done()):
                    for result in flight.finish():
                        yield self._emit(*result)
            if batch:
                flight.submit(_Batch(batch))
            while flight.pending:
                for result in flight.finish():
                    yield self._emit(*result)
        finally:
            flight.close()
            server.close()
            if folder:
                shutil.rmtree(folder, ignore_errors=True)


def audit(
    sources: SourceSpec,
    *,
    executor: Executor | None = None,
    jobs: int | None = None,
    dns: DnsSpec = None,
    now: When = None,
    receiver: str | None = None,
    style: str | None = None,
    options: CheckOptions | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    dns_host: str = "127.0.0.1",
    stdin: BinaryIO | None = None,
    exclude: Iterable[str | os.PathLike[str]] = (),
) -> AuditRun:
    """Check every message under sources; iterate the result for one row per message.

    :param sources: paths of .eml files, directories (recursive), mbox files, Maildirs, or "-"
        for stdin (one message, or an mbox stream).
    :param executor: any ``concurrent.futures.Executor`` (e.g. Dask's ``Client.get_executor()``);
        None starts a process pool of ``jobs`` workers (``jobs=1``: check in this process).
    :param jobs: worker processes, and the in-flight window (4 per job); default: the cores.
    :param dns: as for check(); one cache serves every worker, so each question is asked once.
    :param now: the time to judge t=/x= against, the same for every message (default: now).
    :param receiver: the receiving host or authserv-id, e.g. ``mx.google.com``.
    :param style: Authentication-Results style in the rows (default: each receiver's own).
    :param max_bytes: a message larger than this is reported as an error row, not read.
    :param dns_host: the address the shared DNS cache listens on; workers on other machines
        need one they can reach (the cache asks a per-run secret key of every client).
    :param stdin: the stream "-" reads (default: sys.stdin's bytes).
    :param exclude: files never read inside directories (e.g. the report being written there).
    :raises headercheck.dns.DnsDataError: dns is a file with unusable content.
    :raises ValueError: now is not a time.
    """
    paths = [os.fspath(sources)] if isinstance(sources, (str, os.PathLike)) else [
        os.fspath(s) for s in sources]
    settings = Settings(to_timestamp(now), receiver, style, options or CheckOptions())
    return AuditRun(paths, executor=executor, jobs=jobs or default_jobs(), dns=dns,
                    settings=settings, max_bytes=max_bytes, dns_host=dns_host, stdin=stdin,
                    exclude=[os.fspath(e) for e in exclude])
