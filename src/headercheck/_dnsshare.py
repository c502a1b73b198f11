"""One DNS cache for a whole audit, shared by every worker process (local or on a cluster).

The parent process owns the only real resolver (live, zone, cassette or recording) behind a
single-flight cache, and serves it to the workers over an authenticated
``multiprocessing.connection`` socket. So each distinct question is asked once per run, whatever
the number of workers or machines, and ``--record`` captures every answer in one cassette. Workers
keep a small local memo of what they already asked, so a repeated question costs no round trip.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from multiprocessing.connection import Client, Connection, Listener

from headercheck.dns import Answer, Resolver, Status, failure, normalize_name

LOCAL_MEMO = 4096


class SharedDnsCache:
    """A single-flight cache: concurrent askers of one question wait for one upstream query."""

    def __init__(self, inner: Resolver) -> None:
        self.inner = inner
        self._answers: dict[tuple[str, str], Answer] = {}
        self._pending: dict[tuple[str, str], threading.Event] = {}
        self._lock = threading.Lock()
        self.questions = 0
        self.lookups = 0

    def query(self, name: str, rdtype: str) -> Answer:
        """Answer from the cache, or ask the inner resolver exactly once."""
        key = (normalize_name(name), rdtype.upper())
        with self._lock:
            self.lookups += 1
        while True:
            with self._lock:
                if key in self._answers:
                    return self._answers[key]
                event = self._pending.get(key)
                owner = event is None
                if event is None:
                    event = self._pending[key] = threading.Event()
            if owner:
                return self._ask(key, event)
            event.wait()

    def _ask(self, key: tuple[str, str], event: threading.Event) -> Answer:
        try:
            answer = self.inner.query(*key)
        except Exception as exc:  # noqa: BLE001 - the Resolver contract forbids raising; be safe
            answer = failure(*key, Status.SERVFAIL, f"resolver error: {type(exc).__name__}: {exc}")
        with self._lock:
            self._answers[key] = answer
            self.questions += 1
            del self._pending[key]
        event.set()
        return answer


@dataclass(frozen=True)
class DnsClientSpec:
    """What a worker needs to reach the shared cache: its address and the run's secret key."""

    address: tuple[str, int]
    authkey: bytes


class DnsServer:
    """Serve a SharedDnsCache on host:port (port 0 picks a free one) until close()."""

    def __init__(self, cache: SharedDnsCache, host: str = "127.0.0.1", port: int = 0) -> None:
        self.cache = cache
        authkey = os.urandom(32)
        self._listener = Listener((host, port), authkey=authkey)
        bound = self._listener.address
        self.spec = DnsClientSpec((str(bound[0]), int(bound[1])), authkey)
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="headercheck-dns", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                conn = self._listener.accept()
            except OSError:
                if self._closed.is_set():
                    return
                continue  # a client that failed authentication, or a reset
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: Connection) -> None:
        with conn:
            while True:
                try:
                    name, rdtype = conn.recv()
                    conn.send(self.cache.query(str(name), str(rdtype)))
                except (EOFError, OSError, ValueError, TypeError):
                    return

    def close(self) -> None:
        """Stop accepting; connected workers see EOF on their next question."""
        if self._closed.is_set():
            return
        self._closed.set()
        try:  # wake the blocked accept()
            Client(self.spec.address, authkey=self.spec.authkey).close()
        except OSError:
            pass
        self._listener.close()
        self._thread.join(timeout=5)


_local = threading.local()
_memo: OrderedDict[tuple[DnsClientSpec, str, str], Answer] = OrderedDict()
_memo_lock = threading.Lock()


class RemoteResolver:
    """The worker side: a Resolver that asks the parent's shared cache (thread-safe)."""

    def __init__(self, spec: DnsClientSpec) -> None:
        self.spec = spec

    def query(self, name: str, rdtype: str) -> Answer:
        """Answer from the local memo or one round trip to the shared cache."""
        key = (self.spec, normalize_name(name), rdtype.upper())
        with _memo_lock:
            if key in _memo:
                _memo.move_to_end(key)
                return _memo[key]
        answer = self._ask(key[1], key[2])
        if answer.error.startswith("shared DNS cache unreachable"):
            return answer
        with _memo_lock:
            _memo[key] = answer
            while len(_memo) > LOCAL_MEMO:
                _memo.popitem(last=False)
        return answer

    def _ask(self, name: str, rdtype: str) -> Answer:
        error = "shared DNS cache unreachable: bad reply"
        for attempt in (1, 2):
            try:
                conn = self._connection(fresh=attempt == 2)
                conn.send((name, rdtype))
                answer = conn.recv()
                if isinstance(answer, Answer):
                    return answer
            except (EOFError, OSError) as exc:
                error = f"shared DNS cache unreachable: {exc or type(exc).__name__}"
        return failure(name, rdtype, Status.SERVFAIL, error)

    def _connection(self, fresh: bool) -> Connection:
        conns: dict[DnsClientSpec, Connection] = getattr(_local, "conns", None) or {}
        _local.conns = conns
        conn = conns.get(self.spec)
        if conn is None or fresh:
            if conn is not None:
                conn.close()
            conn = conns[self.spec] = Client(self.spec.address, authkey=self.spec.authkey)
        return conn
