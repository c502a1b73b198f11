"""Fuzzing check(): any bytes give a Report in bounded time, with no internal error.

Profiles (tests/support/fuzzmail.py): ``ci`` (default: fixed example count, derandomised) and
``deep`` (HEADERCHECK_FUZZ_PROFILE=deep, HEADERCHECK_FUZZ_EXAMPLES=N). A hang is reported by
the per-example thread guard; there is no other timing assertion.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import headercheck
from headercheck.dns import CassetteResolver
from headercheck.results import Result
from support.fuzzmail import (
    CLIENT_IP,
    FUZZ,
    HostileResolver,
    base_messages,
    fuzz_dns,
    near_valid_messages,
    run_check,
)


def _dns() -> CassetteResolver:
    return CassetteResolver(fuzz_dns())


def test_base_messages_are_sane() -> None:
    """The unmutated corpus gives reports without errors (and DKIM passes once DKIM is in)."""
    for msg in base_messages():
        report = run_check(msg, _dns(), ip=CLIENT_IP)
        assert all(d.result is not Result.PERMERROR for d in report.dkim), report.dkim


@settings(FUZZ)
@given(st.binary(max_size=4096))
def test_any_bytes(data: bytes) -> None:
    run_check(data, _dns())


@settings(FUZZ)
@given(st.lists(st.sampled_from([
    b"From: a@fuzz.example", b"DKIM-Signature: v=1; d=fuzz.example; s=sel; b=; bh=; h=from",
    b"Received: from x by y", b"\r\n", b"\n", b"\r", b" ", b"\t", b":", b";", b"=", b"\x00",
    b"\xff", b"--b", b"Content-Type: multipart/mixed; boundary=b", b"ARC-Seal: i=1", b"",
]), max_size=40))
def test_header_soup(parts: list[bytes]) -> None:
    run_check(b"".join(parts), _dns(), ip=CLIENT_IP)


@settings(FUZZ)
@given(near_valid_messages())
def test_near_valid_messages(msg: bytes) -> None:
    run_check(msg, _dns(), ip=CLIENT_IP, mail_from="a@fuzz.example", helo="mx.fuzz.example")


@settings(FUZZ)
@given(st.sampled_from(base_messages()), st.data())
def test_hostile_dns_answers(msg: bytes, data: Any) -> None:
    """Every DNS answer drawn at random (failures, junk TXT, bad MX/A) on a valid message."""
    run_check(msg, HostileResolver(data.draw), ip=CLIENT_IP, mail_from="a@fuzz.example",
              helo="mx.fuzz.example")


@settings(FUZZ)
@given(near_valid_messages(), st.data())
def test_hostile_message_and_dns(msg: bytes, data: Any) -> None:
    run_check(msg, HostileResolver(data.draw), ip=CLIENT_IP)


def test_report_type() -> None:
    assert isinstance(run_check(b"", _dns()), headercheck.Report)
