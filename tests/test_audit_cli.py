"""headercheck audit: formats and their schemas, exit codes, progress on a terminal, Ctrl-C."""

from __future__ import annotations

import csv
import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from headercheck._audit_worker import MECHANISMS, empty_row
from headercheck.cli import main
from headercheck.render.csv import COLUMNS
from support.audit_data import CASSETTE, NOW, message
from support.paths import ROOT


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    box = tmp_path / "in"
    box.mkdir()
    for i in range(5):
        (box / f"{i}.eml").write_bytes(message(domain=f"d{i % 2}.example", n=i))
    (box / "empty.eml").write_bytes(b"")
    return box


@pytest.fixture
def dns(tmp_path: Path) -> Path:
    path = tmp_path / "dns.json"
    path.write_text(json.dumps(CASSETTE))
    return path


def audit_cli(*args: str) -> int:
    return main(["audit", *args, "--now", NOW, "--no-progress"])


def test_jsonl_rows_follow_the_schema(corpus: Path, dns: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.jsonl"
    assert audit_cli(str(corpus), "--dns", str(dns), "-o", str(out), "--jobs", "2") == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 6
    keys = set(empty_row(0, "x"))
    for row in rows:
        assert set(row) == keys and row["v"] == 1
        for mech in MECHANISMS:
            assert row[mech] is None or isinstance(row[mech], str)
        for field in ("dkim_domains", "reasons", "findings", "errors", "warnings"):
            assert isinstance(row[field], list)


def test_csv_has_the_documented_columns(corpus: Path, dns: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.csv"
    assert audit_cli(str(corpus), "--dns", str(dns), "-o", str(out), "--jobs", "1") == 0
    with open(out, newline="", encoding="utf-8") as fh:
        table = list(csv.reader(fh))
    assert tuple(table[0]) == COLUMNS and len(table) == 7
    first = dict(zip(COLUMNS, table[1], strict=True))
    assert first["file"].endswith("0.eml") and first["from_domain"] == "d0.example"
    assert (ROOT / "docs" / "audit.md").read_text().count("`authentication_results`") >= 1


def test_summary_goes_to_stdout_when_rows_go_to_a_file(
    corpus: Path, dns: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = corpus / "report.html"  # inside the audited folder: must not audit itself
    assert audit_cli(str(corpus), "--dns", str(dns), "-o", str(out), "--jobs", "1") == 0
    text = capsys.readouterr().out
    assert "Results per mechanism" in text and "6 messages" in text
    assert "d0.example" in text and "distinct DNS questions" in text


def test_fail_on_exit_codes(corpus: Path, dns: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = [str(corpus), "--dns", str(dns), "--jobs", "1"]
    assert audit_cli(*base, "--fail-on", "dkim=none") == 1
    assert audit_cli(*base, "--fail-on", "dmarc=policy") == 0
    assert audit_cli(str(corpus / "nope"), "--dns", str(dns), "--fail-on", "error") == 1
    with pytest.raises(SystemExit) as exc:
        audit_cli(*base, "--fail-on", "dmarc=bogus")
    assert exc.value.code == 2
    assert audit_cli(*base, "--jobs", "0") == 2
    capsys.readouterr()


def test_record_writes_one_cassette(corpus: Path, dns: Path, tmp_path: Path) -> None:
    rec = tmp_path / "rec.json"
    assert audit_cli(str(corpus), "--dns", str(dns), "--record", str(rec), "--format", "jsonl",
                     "-o", str(tmp_path / "x.jsonl")) == 0
    assert isinstance(json.loads(rec.read_text()), dict)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "headercheck", "audit", *args]


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), TERM="xterm-256color", COLUMNS="120")
    env.pop("NO_COLOR", None)
    return env


def test_progress_bar_on_a_terminal_and_silence_when_piped(corpus: Path, dns: Path) -> None:
    args = _cli(str(corpus), "--dns", str(dns), "--format", "jsonl", "--jobs", "1")
    piped = subprocess.run(args, capture_output=True, env=_env(), timeout=120)
    assert piped.returncode == 0 and piped.stderr == b""
    assert len(piped.stdout.splitlines()) == 6
    master, slave = pty.openpty()
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=slave, env=_env()) as proc:
        os.close(slave)
        seen = b""
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        out = proc.stdout.read() if proc.stdout else b""
    os.close(master)
    assert proc.returncode == 0
    assert b"auditing" in seen and b"6/6" in seen  # the bar, with its total
    assert b"Results per mechanism" in seen  # the summary goes to the terminal, not into the rows
    assert len(out.splitlines()) == 6


def _wait_for_lines(path: Path, n: int, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if path.exists() and len(path.read_bytes().splitlines()) >= n:  # n=0: it exists
            return
        assert proc.poll() is None
        time.sleep(0.05)
    raise AssertionError("no rows appeared")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_leaves_a_valid_partial_report(tmp_path: Path, dns: Path, jobs: str) -> None:
    rows, page = tmp_path / "rows.jsonl", tmp_path / "rows.html"
    for out in (rows, page):
        args = _cli("-", "--dns", str(dns), "-o", str(out), "--jobs", jobs, "--no-progress")
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=_env())
        assert proc.stdin is not None
        for i in range(20):  # an mbox stream that stays open: the audit waits for more
            proc.stdin.write(b"From x Sat Jun  1 00:00:00 2024\n" + message(n=i) + b"\n")
        proc.stdin.flush()
        if out is rows:
            _wait_for_lines(rows, 1, proc)
        else:  # the page is written at the end: wait until the audit has opened it
            _wait_for_lines(page, 0, proc)
            time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
    lines = rows.read_text().splitlines()
    assert 1 <= len(lines) < 20 and all(json.loads(x)["file"].startswith("<stdin>#") for x in lines)
    html = page.read_text()
    assert "The audit was interrupted" in html and html.rstrip().endswith("</html>")
    data = html.split('<script type="application/json" id="rows">', 1)[1].split("</script>", 1)[0]
    assert isinstance(json.loads(data), list)
