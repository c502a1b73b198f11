"""The audit's process pool: batches of messages in flight, oldest first, a dead pool replaced.

Tasks are Batches of up to BATCH_MESSAGES messages (pickling and IPC amortised). The default pool
is forked from the caller when that is safe (Linux, a single-threaded process: the workers inherit
the imported pipeline and the loaded DNS data, so they start in milliseconds); otherwise it is
started early from a forkserver that has the check pipeline imported (workers start warm).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import BrokenExecutor, CancelledError, Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace

from headercheck._audit_worker import (
    Batch,
    Notes,
    Row,
    error_row,
    ignore_sigint,
    run_batch,
)
from headercheck._dnsshare import INHERITED, DnsClientSpec, SharedDnsCache
from headercheck._sources import Item, Ref
from headercheck._warm import preload

BATCH_MESSAGES = 32  # messages per task at most: amortises pickling and IPC
BATCH_BYTES = 4 * 1024 * 1024
PRELOAD = "headercheck._audit_preload"
_Result = tuple[Row, Notes]


def new_pool(jobs: int) -> ProcessPoolExecutor:
    """A pool of clean worker processes (forkserver or spawn: never fork a threaded parent).

    The forkserver imports the check pipeline once (PRELOAD), so its workers start warm; each
    worker is started now (a warm-up task each) rather than on the first messages.
    """
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        server = getattr(forkserver, "_forkserver", None)
        modules = list(getattr(server, "_preload_modules", None) or ["__main__"])
        if PRELOAD not in modules:  # only takes effect if the forkserver is not running yet
            ctx.set_forkserver_preload([*modules, PRELOAD])
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=ignore_sigint)
    for _ in range(jobs):
        pool.submit(preload)
    return pool


def can_fork() -> bool:
    """Whether forking this process is safe: Linux, and only one thread (no lock can be held
    by a thread the child would not have)."""
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def fork_pool(jobs: int) -> Executor:
    """A pool of workers forked from this process now (call only when can_fork()).

    They inherit the check pipeline, the Public Suffix List and any offline DNS data already
    loaded here (preload runs here first, so its pages are shared). Standard streams are flushed
    first, so that no buffered output is written again by a worker.
    """
    from headercheck._forkpool import ForkPool

    preload()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    return ForkPool(jobs)


def lookahead(jobs: int) -> int:
    """Inputs read ahead of the batches sent: enough to see the end coming before the last
    full batches are sent."""
    return 2 * BATCH_MESSAGES * jobs


def read_ahead(source: Iterator[tuple[int, Item]], ahead: deque[tuple[int, Item]],
               limit: int) -> bool:
    """Fill ahead to limit inputs (or BATCH_BYTES of message bytes, or up to an input from a
    stream, which is sent at once); True when the source is exhausted."""
    size = sum(len(item.data) for _, item in ahead if item.data is not None)
    while len(ahead) < limit and size <= BATCH_BYTES and not (ahead and ahead[-1][1].stream):
        entry = next(source, None)
        if entry is None:
            return True
        ahead.append(entry)
        if entry[1].data is not None:
            size += len(entry[1].data)
    return False


def take_batch(ahead: deque[tuple[int, Item]], done: bool, jobs: int) -> list[tuple[int, Item]]:
    """The next batch from the front of ahead: BATCH_MESSAGES inputs (or BATCH_BYTES, or up to
    a stream input); once the source is exhausted, a share of what is left that shrinks to one
    message (guided self-scheduling), so that no worker idles while another ends a full batch."""
    count = BATCH_MESSAGES if not done else min(BATCH_MESSAGES, -(-len(ahead) // (2 * jobs)))
    batch: list[tuple[int, Item]] = []
    size = 0
    while ahead and len(batch) < count and size <= BATCH_BYTES:
        entry = ahead.popleft()
        batch.append(entry)
        size += len(entry[1].data) if entry[1].data is not None else 0
        if entry[1].stream:
            break
    return batch


_Answer = tuple[list[_Result], list[tuple[str, str]]]  # rows, snapshot DNS questions asked


def _done(result: _Answer) -> Future[_Answer]:
    fut: Future[_Answer] = Future()
    fut.set_result(result)
    return fut


@dataclass
class TaskBatch:
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


class Dispatch:
    """Batches in flight on a pool, oldest first; a dead pool of ours is replaced."""

    def __init__(self, pool: Executor, own: bool, jobs: int, cache: SharedDnsCache,
                 task: Batch, fallback: DnsClientSpec | None = None) -> None:
        self.pool, self.own, self.jobs, self.cache = pool, own, jobs, cache
        self.task = task  # settings, DNS and limits; entries filled per batch
        self.fallback = fallback  # DNS for a replacement pool (it inherits no snapshot)
        self.pending: deque[TaskBatch] = deque()
        self.inflight = 0

    def submit(self, batch: TaskBatch) -> None:
        entries = batch.entries()
        if entries:
            try:
                batch.future = self.pool.submit(run_batch, replace(self.task, entries=entries))
            except BrokenExecutor as exc:  # a worker already died: finish() replaces the pool
                batch.future = Future()
                batch.future.set_exception(exc)
        self.pending.append(batch)
        self.inflight += batch.nbytes

    def finish(self) -> list[_Result]:
        """Wait for the oldest batch; its rows in input order."""
        head = self.pending[0]
        try:
            rows, asked = head.future.result()
            self.cache.note(asked)
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
        self.pool = new_pool(self.jobs)
        if self.fallback is not None and self.task.dns.snapshot.startswith(INHERITED):
            self.task = replace(self.task, dns=self.fallback)
        old, self.inflight = list(self.pending), 0
        self.pending.clear()
        for batch in old:
            parts = [batch] if len(batch.items) == 1 or batch.tries < 1 else [
                TaskBatch([entry], tries=batch.tries) for entry in batch.items]
            for part in parts:
                part.tries += 1
                self.submit(part)

    def close(self) -> None:
        for batch in self.pending:
            batch.future.cancel()
        if self.own:
            self.pool.shutdown(wait=True, cancel_futures=True)


class PoolStarter:
    """Starts our process pool in a thread, so workers come up while the caller goes on."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None
        self._thread = threading.Thread(target=self._start, name="headercheck-pool", daemon=True)
        self._thread.start()

    def _start(self) -> None:
        with contextlib.suppress(Exception):  # take() tries again and raises
            self.pool = new_pool(self.jobs)

    def take(self) -> ProcessPoolExecutor:
        """The pool (started now if the thread could not); the caller shuts it down."""
        self._thread.join()
        pool, self.pool = self.pool or new_pool(self.jobs), None
        return pool

    def shutdown(self) -> None:
        """Stop the pool if nobody took it."""
        self._thread.join()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
