"""audit(): many messages, one row each, checked in parallel with one shared DNS cache.

Memory stays constant: inputs are read one message at a time, at most ``window`` messages are in
flight, and rows are yielded (in input order) as soon as they are ready; only the bounded
``Summary`` is kept. Any ``concurrent.futures.Executor`` runs the checks: a process pool by
default, or e.g. a Dask cluster's ``Client.get_executor()`` (docs/audit.md).
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Executor
from dataclasses import replace
from types import TracebackType
from typing import BinaryIO

from headercheck._audit_pool import (
    Dispatch,
    PoolStarter,
    TaskBatch,
    can_fork,
    fork_pool,
    lookahead,
    new_pool,
    read_ahead,
    take_batch,
)
from headercheck._audit_worker import Batch, Notes, Row, Settings, check_bytes, error_row
from headercheck._dnsshare import (
    DnsClientSpec,
    DnsServer,
    SharedDnsCache,
    inherit_snapshot,
    offline_snapshot,
    release_snapshot,
    write_snapshot,
)
from headercheck._sources import DEFAULT_MAX_BYTES, Item, iter_items
from headercheck._summary import Summary
from headercheck._time import When, to_timestamp
from headercheck.dns import DnsSpec, open_resolver
from headercheck.options import CheckOptions

SourceSpec = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]
MAX_INFLIGHT_BYTES = 256 * 1024 * 1024
def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


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
        local = executor is None and jobs > 1
        fork = local and can_fork()
        # a forkserver pool starts while the resolver loads (e.g. a zone file is parsed); a forked
        # one after, so that its workers inherit the loaded DNS data
        self._pool = PoolStarter(jobs) if local and not fork else None
        self._forked: Executor | None = None
        self._token = ""
        try:
            self.cache = SharedDnsCache(open_resolver(dns))
            if fork:
                self._start_forked(jobs)
        except BaseException:
            self._stop_pools()
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
        self._stop_pools()

    def _start_forked(self, jobs: int) -> None:
        """Fork the workers now if still safe (they inherit an offline snapshot), else start a
        forkserver pool."""
        if not can_fork():
            self._pool = PoolStarter(jobs)
            return
        snapshot = offline_snapshot(self.cache.inner)
        self._token = inherit_snapshot(snapshot) if snapshot is not None else ""
        self._forked = fork_pool(jobs)

    def _stop_pools(self) -> None:
        if self._pool:
            self._pool.shutdown()
        if self._forked:
            self._forked.shutdown(wait=True, cancel_futures=True)
            self._forked = None
        if self._token:
            release_snapshot(self._token)

    def _take_pool(self) -> Executor:
        if self._forked:
            pool, self._forked = self._forked, None
            return pool
        return self._pool.take() if self._pool else new_pool(self._jobs)

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

    def _dns_spec(self, server: DnsServer, own: bool) -> tuple[DnsClientSpec, str]:
        """How workers get DNS: an offline snapshot inherited by forked workers, or copied to
        our own pool's workers (a file in a private folder, returned for removal), else the
        shared cache's socket."""
        if own and self._forked and self._token:
            return replace(server.spec, snapshot=self._token), ""
        snapshot = offline_snapshot(self.cache.inner) if own and not self._forked else None
        if snapshot is None:
            return server.spec, ""
        folder = tempfile.mkdtemp(prefix="headercheck-audit-")
        try:
            return replace(server.spec, snapshot=write_snapshot(snapshot, folder)), folder
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            shutil.rmtree(folder, ignore_errors=True)
            return server.spec, ""

    def _rows_parallel(self) -> Iterator[Row]:
        server, own = DnsServer(self.cache, self._dns_host), self._executor is None
        folder, flight = "", None
        try:
            spec, folder = self._dns_spec(server, own)
            flight = Dispatch(self._executor or self._take_pool(), own, self._jobs, self.cache,
                              Batch((), self._settings, spec, self._max_bytes), server.spec)
            yield from self._dispatch(flight, window=max(2, 4 * self._jobs), lazy=own)
        finally:
            if flight:
                flight.close()
            server.close()
            if folder:
                shutil.rmtree(folder, ignore_errors=True)

    def _dispatch(self, flight: Dispatch, window: int, lazy: bool) -> Iterator[Row]:
        """Inputs in batches to the pool, at most window batches in flight; rows in order.

        Inputs are read a little ahead (see take_batch), so that the last ones go out in ever
        smaller batches and the workers finish together.
        """
        source = enumerate(self._items(lazy=lazy))
        ahead: deque[tuple[int, Item]] = deque()
        done = False
        while ahead or not done:
            done = read_ahead(source, ahead, lookahead(self._jobs)) or done
            if not ahead:
                break
            batch = take_batch(ahead, done, self._jobs)
            flight.submit(TaskBatch(batch))
            stream = batch[-1][1].stream
            while len(flight.pending) >= window or flight.inflight > MAX_INFLIGHT_BYTES or (
                    flight.pending and stream and flight.pending[0].future.done()):
                for result in flight.finish():
                    yield self._emit(*result)
        while flight.pending:
            for result in flight.finish():
                yield self._emit(*result)


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
