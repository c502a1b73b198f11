"""The CLI is a thin shell: tested in-process, offline, with documented exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from headercheck.cli import main

MSG = b"From: a@example.jp\r\nTo: b@example.net\r\nSubject: t\r\n\r\nbody\r\n"


@pytest.fixture
def eml(tmp_path: Path) -> Path:
    path = tmp_path / "m.eml"
    path.write_bytes(MSG)
    return path


@pytest.fixture
def empty_dns(tmp_path: Path) -> Path:
    path = tmp_path / "dns.json"
    path.write_text("{}")
    return path


def test_check_json_lines(eml: Path, empty_dns: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(eml), str(eml), "--dns", str(empty_dns), "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    row = json.loads(lines[0])
    assert row["file"] == str(eml) and isinstance(row["dkim"], list)


def test_unreadable_file_is_reported_with_exit_3(
    eml: Path, empty_dns: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(eml), "/nonexistent.eml", "--dns", str(empty_dns), "--json"]) == 3
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(rows) == 2 and "cannot read" in rows[1]["errors"][0]


def test_bad_dns_file_exits_2(eml: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    assert main(["check", str(eml), "--dns", str(bad)]) == 2
    assert "line 1" in capsys.readouterr().err


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check"])
    assert exc.value.code == 2


def test_record_writes_a_cassette(eml: Path, empty_dns: Path, tmp_path: Path) -> None:
    out = tmp_path / "rec.json"
    assert main(["check", str(eml), "--dns", str(empty_dns), "--record", str(out), "--json"]) == 0
    assert isinstance(json.loads(out.read_text()), dict)


def test_now_accepts_iso_and_epoch(eml: Path, empty_dns: Path) -> None:
    assert main(["check", str(eml), "--dns", str(empty_dns), "--now", "2026-01-01T00:00:00Z"]) == 0
    assert main(["check", str(eml), "--dns", str(empty_dns), "--now", "1667843664"]) == 0
