"""headercheck.audit(): every input kind, one row per input whatever it holds, one DNS cache."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from headercheck._audit_worker import MECHANISMS
from headercheck._dnsshare import DnsServer, RemoteResolver, SharedDnsCache
from headercheck.audit import audit
from headercheck.dns import CassetteResolver, Status
from support.audit_data import CASSETTE, NOW, Counting, message


def rows_of(sources: Any, **kw: Any) -> list[dict[str, Any]]:
    kw.setdefault("dns", CassetteResolver(CASSETTE))
    kw.setdefault("now", NOW)
    with audit(sources, **kw) as run:
        return list(run)


def test_eml_file(tmp_path: Path) -> None:
    path = tmp_path / "one.eml"
    path.write_bytes(message())
    [row] = rows_of(path, jobs=1)
    assert row["file"] == str(path) and row["from_domain"] == "example.com"
    assert row["index"] == 0 and row["size"] == len(message()) and row["errors"] == []
    assert set(MECHANISMS) <= set(row)


def test_directory_is_walked_recursively_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "deep").mkdir()
    (tmp_path / "a.eml").write_bytes(message(n=1))
    (tmp_path / "b" / "c.msg").write_bytes(message(n=2))
    (tmp_path / "b" / "deep" / "d").write_bytes(message(n=3))
    (tmp_path / "README.md").write_text("# not mail\n")
    (tmp_path / "b" / "key.pem").write_text("-----BEGIN PRIVATE KEY-----\n")
    with audit(tmp_path, jobs=2, dns=CassetteResolver(CASSETTE), now=NOW) as run:
        rows = list(run)
    assert [Path(r["file"]).name for r in rows] == ["a.eml", "c.msg", "d"]
    assert run.summary.skipped == 2  # not messages: counted and named in the summary
    assert [Path(p).name for p in run.summary.skipped_examples] == ["README.md", "key.pem"]


def test_mbox_is_split_and_from_quoting_undone(tmp_path: Path) -> None:
    one = message(n=1).replace(b"body 1", b">From the start\r\nbody 1")
    box = (b"From bounce@example.com Sat Jun  1 00:00:00 2024\n" + one.replace(b"\r\n", b"\n")
           + b"\nFrom bounce@example.com Sat Jun  1 00:00:01 2024\n"
           + message(n=2).replace(b"\r\n", b"\n") + b"\n")
    path = tmp_path / "archive"  # no suffix: told by content
    path.write_bytes(box)
    rows = rows_of(path, jobs=1)
    assert [r["file"] for r in rows] == [f"{path}#1", f"{path}#2"]
    assert rows[0]["size"] == len(one.replace(b"\r\n", b"\n")) - 1  # ">From" unquoted
    assert all(r["from_domain"] == "example.com" for r in rows)


def test_maildir_reads_cur_and_new_not_tmp_and_subfolders(tmp_path: Path) -> None:
    for sub in ("cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp"):
        (tmp_path / sub).mkdir(parents=True)
    (tmp_path / "cur" / "1:2,S").write_bytes(message(n=1))
    (tmp_path / "new" / "2").write_bytes(message(n=2))
    (tmp_path / "tmp" / "3").write_bytes(message(n=3))
    (tmp_path / ".Sent" / "cur" / "4:2,S").write_bytes(message(n=4))
    (tmp_path / "dovecot-uidlist").write_bytes(b"3 V1 N5\n")
    rows = rows_of(tmp_path, jobs=2)
    assert [os.path.relpath(r["file"], tmp_path) for r in rows] == [
        "cur/1:2,S", "new/2", ".Sent/cur/4:2,S"]


def test_stdin_one_message_and_mbox_stream() -> None:
    [row] = rows_of("-", jobs=1, stdin=io.BytesIO(message()))
    assert row["file"] == "<stdin>" and row["from_domain"] == "example.com"
    box = b"From x Sat Jun  1 00:00:00 2024\n" + message(n=1) + b"\nFrom x Sat Jun 1\n" + message(n=2)
    rows = rows_of("-", jobs=1, stdin=io.BytesIO(box))
    assert [r["file"] for r in rows] == ["<stdin>#1", "<stdin>#2"]


def test_every_input_yields_exactly_one_row(tmp_path: Path) -> None:
    (tmp_path / "ok.eml").write_bytes(message())
    (tmp_path / "empty.eml").write_bytes(b"")
    (tmp_path / "binary.msg").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "huge.eml").write_bytes(message() + b"x" * 5000)
    (tmp_path / "corrupt.eml").write_bytes(b"\x00\xff: not a header\r\n\r\n\r\n\x00")
    (tmp_path / "dangling.eml").symlink_to(tmp_path / "nowhere")
    (tmp_path / "emptydir").mkdir()
    missing = tmp_path / "missing.eml"
    for jobs in (1, 2):
        rows = rows_of([tmp_path, missing], jobs=jobs, max_bytes=4096)
        by_name = {Path(r["file"]).name: r for r in rows}
        assert len(rows) == 7 == len(by_name)
        assert [r["index"] for r in rows] == list(range(7))
        assert by_name["ok.eml"]["errors"] == []
        assert "empty message" in by_name["empty.eml"]["warnings"]
        assert by_name["binary.msg"]["dkim"] == "none"
        assert "4096-byte limit" in by_name["huge.eml"]["errors"][0]
        assert "cannot read" in by_name["dangling.eml"]["errors"][0]
        assert "cannot read" in by_name["missing.eml"]["errors"][0]
        json.dumps(rows)  # JSON-safe


def test_exception_inside_a_check_becomes_an_error_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from headercheck import api

    def boom(*args: Any, **kw: Any) -> Any:
        raise RuntimeError("kaput")

    monkeypatch.setattr(api, "check_message", boom)
    (tmp_path / "a.eml").write_bytes(message())
    (tmp_path / "b.eml").write_bytes(message(n=2))
    with ThreadPoolExecutor(2) as threads:
        runs = [rows_of(tmp_path, jobs=1), rows_of(tmp_path, executor=threads)]
    for rows in runs:
        assert len(rows) == 2
        assert all("internal error RuntimeError: kaput" in r["errors"][0] for r in rows)
        assert rows[0]["file"].endswith("a.eml")


def test_ten_thousand_message_maildir_with_corrupt_files(tmp_path: Path) -> None:
    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    total = 10_000
    for i in range(total):
        if i % 500 == 7:
            data = b"\x00\x01\x02 corrupt \xff" * (i % 3)  # empty or binary
        else:
            data = message(domain=f"d{i % 40}.example", n=i, signed=False)
        (box / ("cur" if i % 2 else "new") / f"{i:05d}.host:2,").write_bytes(data)
    (box / "cur" / "zz-dangling").symlink_to(box / "gone")
    (box / "new" / "00000.host:2,").unlink()
    run = audit(box, jobs=2, dns=CassetteResolver(CASSETTE), now=NOW)
    count, errors = 0, 0
    with run:
        for row in run:
            count += 1
            errors += bool(row["errors"])
    assert count == total
    assert errors == 1 and run.summary.messages == total


def test_dns_questions_are_shared_across_processes() -> None:
    counting = Counting()
    cache = SharedDnsCache(counting)
    server = DnsServer(cache)
    try:
        probe = RemoteResolver(server.spec)
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(2, mp_context=ctx) as pool:
            names = ["example.com", "_dmarc.example.com", "nx.example.com"] * 20
            answers = list(pool.map(probe.query, names, ["TXT"] * len(names)))
    finally:
        server.close()
    assert sorted(set(counting.calls)) == sorted(set((n, "TXT") for n in names))
    assert len(counting.calls) == 3 == cache.questions
    assert answers[0].texts() == ["v=spf1 ip4:192.0.2.0/24 -all"]
    assert answers[2].status is Status.NXDOMAIN


def test_audit_asks_each_dns_question_once(tmp_path: Path) -> None:
    for i in range(30):
        (tmp_path / f"{i:02d}.eml").write_bytes(message(n=i))
    counting = Counting()
    with audit(tmp_path, jobs=2, dns=counting, now=NOW) as run:
        rows = list(run)
    assert len(rows) == 30
    if not counting.calls:
        pytest.skip("no mechanism asks DNS on this branch yet (the DKIM/SPF/DMARC work does)")
    assert len(counting.calls) == len(set(counting.calls)) == run.dns_questions
    assert run.summary.to_dict()["dns_questions"] == run.dns_questions
    asked = {name for name, _ in counting.calls}
    assert "sel._domainkey.example.com" in asked  # 30 signatures, one key lookup


def test_unreachable_dns_cache_is_a_temporary_failure() -> None:
    from headercheck._dnsshare import DnsClientSpec

    answer = RemoteResolver(DnsClientSpec(("127.0.0.1", 9), b"k")).query("example.com", "TXT")
    assert answer.status is Status.SERVFAIL and "unreachable" in answer.error
