"""A lean process pool for the audit: workers forked from the caller, fed over one pipe each.

``concurrent.futures.ProcessPoolExecutor`` moves every task and result through two helper threads
(a queue feeder and a manager), which cost the parent about 25 us of CPU per message in an audit:
a tenth of a worker's time once checks take 0.5 ms. Here the calling thread alone sends each task
to a worker and reads the results back whenever it waits on a future (or submits), so nothing
runs in the parent between those calls. Each worker holds at most DEPTH tasks; a worker that dies
breaks the pool (every unfinished future gets BrokenProcessPool), as with the standard pool.
Only for a single-threaded caller on Linux (see ``_audit_pool.can_fork``).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import pickle
import signal
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

DEPTH = 2  # tasks sent ahead to each worker: it never waits for the parent between two
# A worker that is busy only gets a task this small (it fits in the pipe's buffer, so sending it
# never waits for the worker, which may itself be waiting to send a result: no deadlock).
AHEAD_BYTES = 64 * 1024
JOIN_SECONDS = 30.0


def _serve(conn: Connection, inherited: list[Connection]) -> None:
    """A worker: run each task received, send back (ok, value); stop at end of input."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for other in inherited:  # the parent's ends of earlier workers' pipes
        other.close()
    while True:
        try:
            fn, args, kw = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            out: tuple[bool, Any] = (True, fn(*args, **kw))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's future
            out = (False, exc)
        try:
            data = pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - an unpicklable result or exception
            data = pickle.dumps((False, RuntimeError(f"unpicklable result: {exc!r}")))
        try:
            conn.send_bytes(data)
        except OSError:  # the parent stopped listening (shut down, e.g. after Ctrl-C)
            return


class _Future(Future[Any]):
    """A future that reads results from its pool while it is waited on (no helper thread)."""

    def __init__(self, pool: ForkPool) -> None:
        super().__init__()
        self._pool = pool

    def result(self, timeout: float | None = None) -> Any:
        """Wait (reading results as they come; timeout is not supported) and return."""
        while not super().done():
            if not self._pool.pump(block=True):
                raise BrokenProcessPool("the pool is shut down")
        return super().result(timeout)

    def done(self) -> bool:
        if not super().done():
            self._pool.pump(block=False)
        return super().done()


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    sent: deque[_Future] = field(default_factory=deque)


class ForkPool(Executor):
    """jobs worker processes forked now from this (single-threaded) process."""

    def __init__(self, jobs: int) -> None:
        ctx = multiprocessing.get_context("fork")
        self._workers: list[_Worker] = []
        self._queue: deque[tuple[_Future, bytes]] = deque()
        self._broken = ""
        self._closed = False
        freeze = gc.get_freeze_count() == 0  # the workers' collector skips what they inherit
        if freeze:
            gc.freeze()
        try:
            for _ in range(jobs):
                mine, theirs = ctx.Pipe()
                process = ctx.Process(target=_serve, daemon=True,
                                      args=(theirs, [*(w.conn for w in self._workers), mine]))
                process.start()
                theirs.close()
                self._workers.append(_Worker(process, mine))
        except BaseException:
            self.shutdown(wait=False)
            raise
        finally:
            if freeze:
                gc.unfreeze()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Queue fn(*args, **kwargs); sent to a worker as soon as one has room."""
        if self._broken:
            raise BrokenProcessPool(self._broken)
        if self._closed:
            raise RuntimeError("cannot schedule new futures after shutdown")
        future = _Future(self)
        self._queue.append((future, pickle.dumps((fn, args, kwargs), pickle.HIGHEST_PROTOCOL)))
        self.pump(block=False)
        return future

    def pump(self, block: bool) -> bool:
        """Send what workers have room for, then read the results that are ready (waiting for
        one if block). False when nothing is in flight (nothing to wait for)."""
        if self._closed:
            return False
        self._feed()
        busy = {w.conn: w for w in self._workers if w.sent}
        if not busy:
            return False
        for conn in wait(list(busy), timeout=None if block else 0):
            worker = busy[conn]  # type: ignore[index]
            try:
                ok, value = pickle.loads(worker.conn.recv_bytes())
            except (EOFError, OSError, pickle.UnpicklingError) as exc:
                self._break(f"a worker process died ({type(exc).__name__})")
                return True
            future = worker.sent.popleft()
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
        self._feed()
        return True

    def _feed(self) -> None:
        """Send queued tasks: first one to each idle worker, then one ahead to each busy one."""
        for depth in range(1, DEPTH + 1):
            for worker in self._workers:
                if not self._queue or self._broken:
                    return
                if len(worker.sent) < depth and (
                        not worker.sent or len(self._queue[0][1]) <= AHEAD_BYTES):
                    self._send(worker)

    def _send(self, worker: _Worker) -> None:
        future, data = self._queue.popleft()
        if not future.set_running_or_notify_cancel():
            return  # cancelled while queued
        worker.sent.append(future)
        try:
            worker.conn.send_bytes(data)
        except OSError as exc:
            self._break(f"a worker process died ({type(exc).__name__})")

    def _break(self, why: str) -> None:
        """A worker died: every unfinished task fails, as in a broken ProcessPoolExecutor."""
        self._broken = why
        error = BrokenProcessPool(why)
        for worker in self._workers:
            while worker.sent:
                worker.sent.popleft().set_exception(error)
        while self._queue:
            future, _ = self._queue.popleft()
            if future.set_running_or_notify_cancel():
                future.set_exception(error)
        for worker in self._workers:
            with contextlib.suppress(Exception):
                worker.process.terminate()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the workers (they end after their current task); queued tasks are dropped
        (cancelled if cancel_futures, else run first when wait)."""
        if self._closed:
            return
        if wait and not cancel_futures:
            while not self._broken and self.pump(block=True):
                pass
        self._closed = True
        for future, _ in self._queue:
            future.cancel()
        self._queue.clear()
        for worker in self._workers:
            worker.conn.close()
            while worker.sent:  # abandoned: their results are never read
                worker.sent.popleft().set_exception(BrokenProcessPool("the pool was shut down"))
        for worker in self._workers:
            if wait:
                worker.process.join(JOIN_SECONDS)
            if worker.process.is_alive() and (self._broken or wait):
                worker.process.terminate()
