"""Workers forked from the caller, and the batch schedule: the same rows as one process.

A forked pool is only started from a single-threaded process, which the test process may not be
(earlier tests leave threads), so those tests run their audit in a fresh interpreter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import deque
from pathlib import Path

import pytest

from headercheck._audit_pool import BATCH_MESSAGES, can_fork, lookahead, read_ahead, take_batch
from headercheck._sources import Item, iter_items
from support.audit_data import message

ROOT = Path(__file__).resolve().parents[1]

# Audits the folder in argv[1] with 1 job and with 2 (forked) jobs; prints what they gave.
# With "poison", a forked worker dies on one message: the pool is replaced (by a forkserver, which
# cannot inherit the DNS data) and the rows must still equal those of one process.
SCRIPT = r"""
import json, os, sys
from headercheck import _audit_worker
from headercheck.audit import audit
from headercheck.dns import CassetteResolver
from support.audit_data import CASSETTE, NOW

def run(jobs):
    with audit([sys.argv[1]], jobs=jobs, dns=CassetteResolver(CASSETTE), now=NOW) as it:
        forked = it._forked is not None
        rows = list(it)
    return {"rows": rows, "asked": it.dns_questions, "forked": forked}

one = run(1)
if "poison" in sys.argv:
    real = _audit_worker.check_bytes
    def check_bytes(index, source, data, *args):
        if source.endswith("poison.eml") and os.getpid() != PARENT:
            os._exit(3)
        return real(index, source, data, *args)
    PARENT = os.getpid()
    _audit_worker.check_bytes = check_bytes
print(json.dumps({"one": one, "two": run(2)}))
"""


def _fork_audit(folder: Path, *flags: str) -> dict[str, dict[str, object]]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")]))
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(folder), *flags], env=env,
                          capture_output=True, text=True, timeout=300, check=True)
    out: dict[str, dict[str, object]] = json.loads(done.stdout)
    return out


needs_fork = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")


@needs_fork
def test_forked_workers_give_the_rows_of_one_process(tmp_path: Path) -> None:
    for i in range(70):
        data = message(domain=f"d{i % 4}.example", n=i) if i % 11 else b"\x00 not a message"
        (tmp_path / f"{i:03d}.eml").write_bytes(data)
    (tmp_path / "zz-dangling.eml").symlink_to(tmp_path / "gone")
    got = _fork_audit(tmp_path)
    assert got["two"]["forked"] is True and got["one"]["forked"] is False
    assert got["two"]["rows"] == got["one"]["rows"]
    assert got["two"]["asked"] == got["one"]["asked"]  # the inherited copy counts each once
    assert [r["index"] for r in got["two"]["rows"]] == list(range(71))  # type: ignore[attr-defined]


@needs_fork
def test_a_replaced_forked_pool_asks_the_shared_cache(tmp_path: Path) -> None:
    for i in range(40):
        (tmp_path / f"{i:02d}.eml").write_bytes(message(n=i))
    (tmp_path / "20-poison.eml").write_bytes(message(n=99))
    got = _fork_audit(tmp_path, "poison")
    assert got["two"]["forked"] is True
    assert got["two"]["rows"] == got["one"]["rows"]  # no DNS failure after the replacement


def test_a_thread_means_no_fork() -> None:
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert can_fork() is False
    finally:
        stop.set()
        thread.join()


def _schedule(n: int, jobs: int, stream_at: int = -1) -> list[list[int]]:
    items = ((i, Item(str(i), ref=None, stream=i == stream_at)) for i in range(n))
    ahead: deque[tuple[int, Item]] = deque()
    batches, done = [], False
    while ahead or not done:
        done = read_ahead(items, ahead, lookahead(jobs)) or done
        if ahead:
            batches.append([i for i, _ in take_batch(ahead, done, jobs)])
    return batches


@pytest.mark.parametrize("n", [0, 1, 5, 63, 64, 65, 300, 2000])
def test_batches_keep_order_and_shrink_at_the_end(n: int) -> None:
    batches = _schedule(n, jobs=2)
    assert [i for b in batches for i in b] == list(range(n))
    sizes = [len(b) for b in batches]
    assert all(0 < s <= BATCH_MESSAGES for s in sizes)
    if n > lookahead(2):  # the end is seen only once it is near
        assert sizes[0] == BATCH_MESSAGES
    if n >= 8:
        assert sizes[-1] == 1 and sizes[-8:] == sorted(sizes[-8:], reverse=True)


def test_a_stream_input_is_sent_at_once() -> None:
    batches = _schedule(100, jobs=2, stream_at=3)
    assert batches[0] == [0, 1, 2, 3]


def test_read_ahead_holds_few_message_bytes() -> None:
    big = b"x" * (3 * 1024 * 1024)
    items = ((i, Item(str(i), data=big, size=len(big))) for i in range(50))
    ahead: deque[tuple[int, Item]] = deque()
    assert read_ahead(items, ahead, lookahead(2)) is False
    assert len(ahead) == 2  # over BATCH_BYTES after the second message


def test_the_report_file_is_skipped_even_through_a_link(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(message(n=1))
    report = tmp_path / "report.eml"
    report.write_text("{}\n")
    (tmp_path / "b-link.eml").symlink_to(report)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "report.eml").write_bytes(message(n=2))  # same name, another file
    sources = [i.source for i in iter_items([str(tmp_path)], exclude=[str(report)], lazy=True)]
    assert sources == [str(tmp_path / "a.eml"), str(tmp_path / "sub" / "report.eml")]


POOL_SCRIPT = r"""
import os, sys
from concurrent.futures.process import BrokenProcessPool
from headercheck._forkpool import AHEAD_BYTES, ForkPool

def echo(x):
    return x

def fail(x):
    raise ValueError(x)

def die(x):
    os._exit(1)

pool = ForkPool(2)
futures = [pool.submit(echo, i) for i in range(50)]
assert [f.result() for f in futures] == list(range(50)), "results in order"
try:
    pool.submit(fail, "bad").result()
    raise AssertionError("no exception")
except ValueError as exc:
    assert str(exc) == "bad"
big = b"x" * (4 * AHEAD_BYTES)  # larger than the pipe's buffer, both ways, several in flight
assert [f.result() for f in [pool.submit(echo, big) for _ in range(6)]] == [big] * 6
queued = [pool.submit(echo, i) for i in range(10)]
pool.shutdown(wait=True)
assert [f.result() for f in queued] == list(range(10)), "shutdown runs what is queued"
try:
    pool.submit(echo, 1)
    raise AssertionError("submit after shutdown")
except RuntimeError:
    pass

pool = ForkPool(2)
doomed = [pool.submit(die, 0)]
for i in range(5):  # the death may be seen at once: submit then raises, as a process pool's does
    try:
        doomed.append(pool.submit(echo, i))
    except BrokenProcessPool:
        break
for f in doomed:
    try:
        f.result()
    except BrokenProcessPool:
        pass
assert isinstance(doomed[0].exception(), BrokenProcessPool)
try:
    pool.submit(echo, 1)
    raise AssertionError("a broken pool takes no more tasks")
except BrokenProcessPool:
    pass
pool.shutdown(wait=True)
assert not any(w.process.is_alive() for w in pool._workers)
print("ok")
"""


@needs_fork
def test_the_fork_pool_runs_tasks_in_order_and_breaks_like_a_process_pool() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([sys.executable, "-c", POOL_SCRIPT], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
