"""The parallel audit gives the same rows as one process: batches, paths, offline DNS copies."""

from __future__ import annotations

import importlib
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from headercheck import _audit_pool
from headercheck._audit_worker import Batch, run_batch
from headercheck._sources import Ref, iter_items, read_ref
from headercheck.audit import audit
from headercheck.dns import CassetteResolver
from support.audit_data import CASSETTE, NOW, Counting, message

SEP = b"From bounce@example.com Sat Jun  1 00:00:00 2024\n"
MBOXES = {
    "lf": SEP + message(n=1).replace(b"\r\n", b"\n") + b"\n" + SEP + message(n=2).replace(b"\r\n", b"\n"),
    "crlf": SEP + message(n=1) + b"\r\n" + SEP + message(n=2) + b"\r\n",
    "quoted": SEP + message(n=1).replace(b"body 1", b">From a\n>>From b\nbody 1") + b"\n" + SEP,
    "no final newline": SEP + b"Subject: x\n\nlast line",
    "lone CR": SEP + b"Subject: x\r\rFrom: a\n\nbody\r\n\n" + SEP + b"Subject: y\n\n\n",
    "empty messages": SEP + SEP + b"\n" + SEP,
    "over the limit": SEP + b"Subject: big\n\n" + b"x" * 3000 + b"\n\n" + SEP + message(n=3),
}


@pytest.mark.parametrize("kind", sorted(MBOXES))
def test_refs_read_the_same_bytes_as_the_reader(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "box"
    path.write_bytes(MBOXES[kind])
    eager = list(iter_items([str(path)], max_bytes=2048))
    lazy = list(iter_items([str(path)], max_bytes=2048, lazy=True))
    assert [i.source for i in lazy] == [i.source for i in eager]
    for want, got in zip(eager, lazy, strict=True):
        read = read_ref(got.ref, got.source, 2048) if got.ref else got
        assert (read.data, read.error, read.size) == (want.data, want.error, want.size)


def test_a_whole_file_ref_reports_what_reading_it_would(tmp_path: Path) -> None:
    (tmp_path / "dangling.eml").symlink_to(tmp_path / "nowhere")
    (tmp_path / "big.eml").write_bytes(b"x" * 5000)
    for name in ("dangling.eml", "big.eml"):
        [eager] = iter_items([str(tmp_path / name)], max_bytes=4096)
        [lazy] = iter_items([str(tmp_path / name)], max_bytes=4096, lazy=True)
        read = read_ref(lazy.ref, lazy.source, 4096) if lazy.ref else lazy
        assert (read.source, read.error, read.size) == (eager.source, eager.error, eager.size)


def _inputs(tmp_path: Path) -> list[Path]:
    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    for i in range(40):
        data = message(domain=f"d{i % 3}.example", n=i) if i % 9 else b"\x00\xff binary"
        (box / "cur" / f"{i:03d}:2,S").write_bytes(data)
    (box / "new" / "dangling").symlink_to(box / "gone")
    mbox = tmp_path / "archive.mbox"
    mbox.write_bytes(MBOXES["quoted"] + MBOXES["lf"])
    (tmp_path / "one.eml").write_bytes(message(n=77))
    return [box, mbox, tmp_path / "one.eml", tmp_path / "missing.eml"]


def _run(sources: list[Path], **kw: Any) -> tuple[list[dict[str, Any]], int]:
    with audit(sources, dns=kw.pop("dns", None) or CassetteResolver(CASSETTE), now=NOW,
               **kw) as run:
        rows = list(run)
    return rows, run.dns_questions


def test_parallel_rows_equal_one_process_rows(tmp_path: Path) -> None:
    sources = _inputs(tmp_path)
    inline, asked = _run(sources, jobs=1)
    assert len(inline) == 46 and [r["index"] for r in inline] == list(range(46))
    assert sum(bool(r["errors"]) for r in inline) == 2  # the dangling link, the missing file
    with ThreadPoolExecutor(2) as threads:  # bytes and the DNS socket
        assert _run(sources, executor=threads, jobs=2) == (inline, asked)
    assert _run(sources, jobs=2) == (inline, asked)  # paths, offsets, an offline DNS copy


def test_the_offline_copy_still_counts_each_question_once(tmp_path: Path) -> None:
    for i in range(40):
        (tmp_path / f"{i:02d}.eml").write_bytes(message(n=i))
    counting = Counting()
    rows, asked_shared = _run([tmp_path], jobs=2, dns=counting)  # not a snapshot: the socket
    rows_copy, asked_copy = _run([tmp_path], jobs=2)  # a cassette: copied to each worker
    assert rows == rows_copy and asked_shared == asked_copy == len(set(counting.calls))


class _Recording(ThreadPoolExecutor):
    """An executor that remembers what it was sent (as a remote one would receive it)."""

    payloads: list[object] = []

    def submit(self, fn: Any, /, *args: Any, **kw: Any) -> Future[Any]:
        if args and isinstance(args[0], Batch):
            self.payloads.extend(p for _, _, p in args[0].entries)
        return super().submit(fn, *args, **kw)


def test_a_given_executor_gets_bytes_never_paths(tmp_path: Path) -> None:
    with _Recording(2) as pool:
        rows, _ = _run(_inputs(tmp_path), executor=pool)
    assert len(rows) == 46 and pool.payloads
    assert all(isinstance(p, bytes) for p in pool.payloads)
    assert not any(isinstance(p, Ref) for p in pool.payloads)


class _Poisoned(ThreadPoolExecutor):
    """A 'process pool' that breaks whenever a batch holds the poisoned message."""

    def submit(self, fn: Any, /, *args: Any, **kw: Any) -> Future[Any]:
        if fn is run_batch and any(s.endswith("poison.eml") for _, s, _ in args[0].entries):
            fut: Future[Any] = Future()
            fut.set_exception(BrokenProcessPool("a worker died"))
            return fut
        return super().submit(fn, *args, **kw)


class _BreaksOnSubmit(ThreadPoolExecutor):
    """A 'process pool' whose submit raises once a worker has died (as a broken pool may)."""

    def submit(self, fn: Any, /, *args: Any, **kw: Any) -> Future[Any]:
        if fn is run_batch and any(s.endswith("poison.eml") for _, s, _ in args[0].entries):
            raise BrokenProcessPool("a worker died")
        return super().submit(fn, *args, **kw)


@pytest.mark.parametrize("pool", [_Poisoned, _BreaksOnSubmit], ids=["in-batch", "at-submit"])
def test_a_message_that_kills_its_worker_costs_only_its_own_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pool: type[ThreadPoolExecutor]
) -> None:
    """A pool broken by a dead worker, while a batch runs or at the next submit, is replaced."""

    def new_pool(jobs: int) -> Executor:
        return pool(jobs)

    monkeypatch.setattr(_audit_pool, "new_pool", new_pool)
    monkeypatch.setattr(importlib.import_module("headercheck.audit"), "can_fork", lambda: False)
    for i in range(40):
        (tmp_path / f"{i:02d}.eml").write_bytes(message(n=i))
    (tmp_path / "20-poison.eml").write_bytes(message(n=99))
    rows, _ = _run([tmp_path], jobs=2)
    assert len(rows) == 41 and [r["index"] for r in rows] == list(range(41))
    bad = [r for r in rows if r["errors"]]
    assert [r["file"] for r in bad] == [str(tmp_path / "20-poison.eml")]
    assert "worker process died" in bad[0]["errors"][0]
