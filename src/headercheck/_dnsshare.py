"""One DNS cache for a whole audit, shared by every worker process (local or on a cluster).

The parent process owns the only real resolver (live, zone, cassette or recording) behind a
single-flight cache, and serves it to the workers over an authenticated
``multiprocessing.connection`` socket. So each distinct question is asked once per run, whatever
the number of workers or machines, and ``--record`` captures every answer in one cassette. Workers
keep a small local memo of what they already asked, so a repeated question costs no round trip.

An offline snapshot (zone files, cassettes: immutable data, nothing to ask upstream) is instead
copied once to each local worker (or inherited by forked workers, see inherit_snapshot), which
answers from it and reports the questions it asked; the parent counts each distinct question
once, as if it had been asked over the socket.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from multiprocessing.connection import Client, Connection, Listener

from headercheck.dns import (
    Answer,
    CachingResolver,
    CassetteResolver,
    MultiResolver,
    Resolver,
    Status,
    ZoneResolver,
    failure,
    normalize_name,
)

LOCAL_MEMO = 4096


class SharedDnsCache:
    """A single-flight cache: concurrent askers of one question wait for one upstream query."""

    stable_answers = True  # the first answer to each question is kept for the run

    def __init__(self, inner: Resolver) -> None:
        self.inner = inner
        self._answers: dict[tuple[str, str], Answer] = {}
        self._pending: dict[tuple[str, str], threading.Event] = {}
        self._noted: set[int] = set()  # hashes of snapshot questions (64-bit: compact)
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

    def note(self, keys: Iterable[tuple[str, str]]) -> None:
        """Count questions a worker answered from its copy of an offline snapshot."""
        with self._lock:
            for key in keys:
                if hash(key) not in self._noted and key not in self._answers:
                    self._noted.add(hash(key))
                    self.questions += 1

    def _ask(self, key: tuple[str, str], event: threading.Event) -> Answer:
        answer = safe_query(self.inner, key)
        with self._lock:
            self._answers[key] = answer
            self.questions += 1
            del self._pending[key]
        event.set()
        return answer


def safe_query(resolver: Resolver, key: tuple[str, str]) -> Answer:
    """Ask; an exception (the Resolver contract forbids them; strict replay raises) -> SERVFAIL."""
    try:
        return resolver.query(*key)
    except Exception as exc:  # noqa: BLE001
        return failure(*key, Status.SERVFAIL, f"resolver error: {type(exc).__name__}: {exc}")


def offline_snapshot(resolver: Resolver) -> Resolver | None:
    """The immutable offline data behind a resolver (zone files, cassettes), else None."""
    while type(resolver) is CachingResolver:
        resolver = resolver.inner
    if type(resolver) in (ZoneResolver, CassetteResolver):
        return resolver
    if type(resolver) is MultiResolver:
        parts = [offline_snapshot(r) for r in resolver.resolvers]
        return MultiResolver([p for p in parts if p]) if all(parts) else None
    return None


def write_snapshot(resolver: Resolver, folder: str) -> str:
    """Pickle an offline snapshot into a private folder; the path workers load it from."""
    path = os.path.join(folder, "dns-snapshot.pickle")
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:
        pickle.dump(resolver, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return path


@dataclass(frozen=True)
class DnsClientSpec:
    """What a worker needs to reach the shared cache: its address and the run's secret key;
    ``snapshot``: the file of an offline snapshot to answer from locally instead."""

    address: tuple[str, int]
    authkey: bytes
    snapshot: str = ""


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
_asked: list[tuple[str, str]] = []  # snapshot questions not yet reported to the parent
_snapshot: dict[str, Resolver] = {}  # the current run's offline snapshot, by file
_inherited: dict[str, Resolver] = {}  # snapshots a forked worker got from its parent, by token
INHERITED = "inherited:"


def inherit_snapshot(resolver: Resolver) -> str:
    """Register an offline snapshot for workers forked from this process after this call.

    Returns the token to put in DnsClientSpec.snapshot (instead of a file path); only processes
    forked after the call know it. Release it with :func:`release_snapshot`.
    """
    token = f"{INHERITED}{os.getpid()}:{id(resolver)}:{os.urandom(4).hex()}"
    _inherited[token] = resolver
    return token


def release_snapshot(token: str) -> None:
    """Forget an inherited snapshot (in this process; forked workers keep their copy)."""
    _inherited.pop(token, None)


def take_asked() -> list[tuple[str, str]]:
    """The snapshot questions answered locally since the last call (for the parent's count)."""
    with _memo_lock:
        out = _asked[:]
        _asked.clear()
    return out


def _load_snapshot(path: str) -> Resolver:
    inherited = _inherited.get(path)
    if inherited is not None:
        return inherited
    if path.startswith(INHERITED):  # not forked from the process that registered it
        raise OSError(f"{path.split(':', 2)[0]} snapshot not inherited by this process")
    with _memo_lock:
        if path not in _snapshot:
            with open(path, "rb") as fh:
                loaded = pickle.load(fh)  # noqa: S301 - written by this run's parent, mode 0600
            _snapshot.clear()
            _snapshot[path] = loaded
        return _snapshot[path]


class RemoteResolver:
    """The worker side: a Resolver that asks the parent's shared cache (thread-safe)."""

    stable_answers = True  # the shared cache's answers, fixed for the run

    def __init__(self, spec: DnsClientSpec) -> None:
        self.spec = spec

    @property
    def memo_scope(self) -> DnsClientSpec:
        """Workers make one of these per batch: memos are kept per run (its spec) instead."""
        return self.spec

    def query(self, name: str, rdtype: str) -> Answer:
        """Answer from the local memo or one round trip to the shared cache."""
        key = (self.spec, normalize_name(name), rdtype.upper())
        with _memo_lock:
            if key in _memo:
                _memo.move_to_end(key)
                return _memo[key]
        if self.spec.snapshot:
            try:
                snapshot = _load_snapshot(self.spec.snapshot)
            except (OSError, EOFError, pickle.UnpicklingError) as exc:  # the run was closed
                return failure(key[1], key[2], Status.SERVFAIL, f"DNS snapshot unreadable: {exc}")
            answer = safe_query(snapshot, key[1:])
        else:
            answer = self._ask(key[1], key[2])
            if answer.error.startswith("shared DNS cache unreachable"):
                return answer
        with _memo_lock:
            if self.spec.snapshot:
                _asked.append(key[1:])
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
