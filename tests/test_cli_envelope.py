"""headercheck check with --ip, --mail-from, --helo, --receiver: JSON names and the text view."""

from __future__ import annotations

import json

import pytest

from headercheck.cli import main
from support.paths import SCENARIOS

PASS = SCENARIOS / "spf-pass"
NO_IP = SCENARIOS / "spf-no-client-ip"


def test_json_envelope_spf_iprev(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(PASS / "message.eml"), "--dns", str(PASS / "dns.zone"),
                 "--json"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert {k: row["envelope"][k] for k in ("ip", "helo", "mail_from", "receiver")} == {
        "ip": "192.0.2.10", "helo": "mail.pass.example", "mail_from": "bounce@pass.example",
        "receiver": "mx.google.com"}
    assert {k: row["spf"][k] for k in ("result", "domain")} == {"result": "pass",
                                                               "domain": "pass.example"}
    assert row["spf"]["reason"]
    assert row["iprev"]["result"] == "pass"
    assert row["spf_helo"]["scope"] == "helo"


def test_flags_override_the_headers(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["check", str(PASS / "message.eml"), "--dns", str(PASS / "dns.zone"), "--json",
            "--ip", "203.0.113.9", "--mail-from", "x@pass.example", "--helo", "h.pass.example",
            "--receiver", "mx.example.net"]
    assert main(args) == 0
    row = json.loads(capsys.readouterr().out)
    env = row["envelope"]
    assert (env["ip"], env["mail_from"], env["helo"], env["receiver"]) == (
        "203.0.113.9", "x@pass.example", "h.pass.example", "mx.example.net")
    assert env["sources"]["ip"] == "caller (--ip)"
    assert row["spf"]["result"] == "fail"
    assert row["spf"]["received_spf"].startswith("fail (mx.example.net: ")


def test_text_shows_the_client_ip_and_why(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(PASS / "message.eml"), "--dns", str(PASS / "dns.zone")]) == 0
    out = capsys.readouterr().out
    assert "client IP 192.0.2.10  [from Received header #1 (from mail.pass.example by " \
           "mx.google.com)]" in out
    assert "spf    pass" in out and "iprev  pass" in out


def test_text_without_client_ip_asks_for_ip(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(NO_IP / "message.eml"), "--dns", str(NO_IP / "dns.zone")]) == 0
    out = capsys.readouterr().out
    assert "client IP unknown: pass --ip" in out
    assert "pass --ip to check SPF" in out
