"""The readable report and the check command's text, JSON and --lang ja output."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from headercheck.cli import main
from headercheck.render.text import print_report, report_to_text
from headercheck.results import ReceiverVerdict
from support.paths import TESTS
from support.reports import CASES

SAID = (
    ReceiverVerdict("dkim", "pass", "permerror", False, "key no longer published",
                    identifier="i=@example.jp s=master b=Kf/yv26g", authserv_id="mx.google.com",
                    cause_code="dkim_key_removed"),
    ReceiverVerdict("spf", "pass", "pass", True, authserv_id="mx.google.com"),
)


def test_text_sections() -> None:
    report = replace(CASES["dkim_no_key"], receiver_said=SAID)
    text = report_to_text(report, "gmail")
    assert "Authentication-Results: mx.google.com;\n         dkim=permerror (no key for signature)" in text
    assert "Received-SPF: pass (google.com: domain of info@example.jp" in text
    assert ("! dkim (i=@example.jp s=master b=Kf/yv26g): receiver said pass, now permerror: "
            "key no longer published") in text
    assert "= spf: receiver said pass, now pass" in text
    assert "[error] dkim_no_key: No DKIM key is published at master._domainkey.example.jp" in text
    assert "\x1b[" not in text


def test_text_in_japanese() -> None:
    report = replace(CASES["dkim_no_key"], receiver_said=SAID)
    text = report_to_text(report, "yahoo", "ja")
    assert "受信サーバーの判定 pass、現在 permerror: 鍵が公開されなくなっています" in text
    assert "指摘事項" in text and "対処:" in text


def test_terminal_gets_colour() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    print_report(CASES["spf_fail"], "rfc", file=out)
    assert "\x1b[" in out.getvalue()
    plain = io.StringIO()
    print_report(CASES["spf_fail"], "rfc", file=plain)
    assert "\x1b[" not in plain.getvalue()


MESSAGE = TESTS / "data" / "ar"


@pytest.fixture()
def eml(tmp_path: Path) -> Path:
    path = tmp_path / "gmail.eml"
    path.write_bytes((MESSAGE / "gmail_top.txt").read_bytes() + (MESSAGE / "origin.txt").read_bytes())
    return path


def test_cli_text_and_styles(eml: Path, capsys: pytest.CaptureFixture[str]) -> None:
    zone = TESTS / "data" / "dns-seam.zone"
    for style in ("rfc", "gmail", "yahoo"):
        assert main(["check", str(eml), "--dns", str(zone), "--style", style, "--now", "1741176221"]) == 0
        out = capsys.readouterr().out
        assert f"Authentication-Results ({style} style)" in out
    assert main(["check", str(eml), "--dns", str(zone), "--lang", "ja", "--now", "1741176221"]) == 0
    out = capsys.readouterr().out
    assert "Authentication-Results（gmail 形式）" in out  # the receiver's style by default


def test_cli_json_keys(eml: Path, capsys: pytest.CaptureFixture[str]) -> None:
    zone = TESTS / "data" / "dns-seam.zone"
    assert main(["check", str(eml), "--dns", str(zone), "--json", "--now", "1741176221"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["authentication_results"].startswith("mx.google.com;")
    assert {v["method"] for v in data["receiver_said"]} >= {"dkim", "spf", "dmarc"}
    for v in data["receiver_said"]:
        assert {"method", "receiver_result", "our_result", "agrees", "cause"} <= set(v)
    for f in data["findings"]:
        assert set(f) >= {"code", "severity", "message", "fix"}
