"""audit(): many messages, one row each, checked in parallel with one shared DNS cache.

Memory stays constant: inputs are read one message at a time, at most ``window`` messages are in
flight, and rows are yielded (in input order) as soon as they are ready; only the bounded
``Summary`` is kept. Any ``concurrent.futures.Executor`` runs the checks: a process pool by
default, or e.g. a Dask cluster's ``Client.get_executor()`` (docs/audit.md).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import BrokenExecutor, CancelledError, Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from types import TracebackType
from typing import BinaryIO

from headercheck._audit_worker import Notes, Row, Settings, Task, check_bytes, error_row, run_task
from headercheck._dnsshare import DnsServer, SharedDnsCache
from headercheck._sources import DEFAULT_MAX_BYTES, Item, iter_items
from headercheck._summary import Summary
from headercheck._time import When, to_timestamp
from headercheck.dns import DnsSpec, open_resolver
from headercheck.options import CheckOptions

SourceSpec = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]
MAX_INFLIGHT_BYTES = 256 * 1024 * 1024
_Result = tuple[Row, Notes]


@dataclass
class _Pending:
    item: Item
    index: int
    future: Future[_Result]
    tries: int = 0


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _new_pool(jobs: int) -> ProcessPoolExecutor:
    """A pool of clean worker processes (forkserver or spawn: never fork a threaded parent)."""
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    from headercheck._audit_worker import ignore_sigint

    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=ignore_sigint)


def _done(result: _Result) -> Future[_Result]:
    fut: Future[_Result] = Future()
    fut.set_result(result)
    return fut


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
        self.cache = SharedDnsCache(open_resolver(dns))
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

    @property
    def dns_questions(self) -> int:
        """Distinct DNS questions asked so far (each is asked once per run)."""
        return self.cache.questions

    def _items(self) -> Iterator[Item]:
        """The inputs; files a directory walk skipped are counted in the summary, not rows."""
        for item in iter_items(self._sources, max_bytes=self._max_bytes, stdin=self._stdin,
                               exclude=self._exclude):
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
        pool: Executor = self._executor or _new_pool(self._jobs)
        window = max(2, 4 * self._jobs)
        pending: deque[_Pending] = deque()
        inflight = 0
        try:
            for index, item in enumerate(self._items()):
                pending.append(_Pending(item, index, self._submit(pool, item, index, server)))
                inflight += item.size
                while len(pending) >= window or inflight > MAX_INFLIGHT_BYTES:
                    head = pending[0]
                    pool, row = self._finish(pool, own, pending, server)
                    inflight -= head.item.size
                    yield row
            while pending:
                pool, row = self._finish(pool, own, pending, server)
                yield row
        finally:
            for entry in pending:
                entry.future.cancel()
            if own:
                pool.shutdown(wait=True, cancel_futures=True)
            server.close()

    def _submit(self, pool: Executor, item: Item, index: int, server: DnsServer) -> Future[_Result]:
        if item.data is None:
            return _done((error_row(index, item.source, item.error, item.size), {}))
        task = Task(index, item.source, item.data, self._settings, server.spec)
        return pool.submit(run_task, task)

    def _finish(
        self, pool: Executor, own: bool, pending: deque[_Pending], server: DnsServer
    ) -> tuple[Executor, Row]:
        """Wait for the oldest message; a dead worker pool is replaced once (if it is ours)."""
        head = pending[0]
        try:
            result = head.future.result()
        except BrokenExecutor as exc:
            if own and head.tries == 0:
                pool.shutdown(wait=False, cancel_futures=True)
                pool = _new_pool(self._jobs)
                for entry in pending:  # every in-flight future died with the pool
                    entry.tries += 1
                    entry.future = self._submit(pool, entry.item, entry.index, server)
                return self._finish(pool, own, pending, server)
            result = (error_row(head.index, head.item.source,
                                f"worker process died while checking it: {exc}", head.item.size), {})
        except (Exception, CancelledError) as exc:  # noqa: BLE001 - e.g. a remote worker lost
            result = (error_row(head.index, head.item.source,
                                f"worker failed: {type(exc).__name__}: {exc}", head.item.size), {})
        pending.popleft()
        return pool, self._emit(*result)


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
