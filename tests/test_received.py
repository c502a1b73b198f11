"""Received header parsing: mailauth's MTA vectors (20/20) and the odd cases RFC 5321 allows."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headercheck._received import parse_ip, parse_received
from support.paths import CONFORMANCE

VECTORS = CONFORMANCE / "received" / "mta-formats.json"


def _vectors() -> list[Any]:
    if not VECTORS.exists():
        return []
    data = json.loads(VECTORS.read_text())
    return [pytest.param(v, id=v["mta"]) for v in data]


def _value(header: str) -> str:
    return re.sub(r"\r?\n(?=[ \t])", "", header.split(":", 1)[1]).strip()


@pytest.mark.parametrize("vector", _vectors())
def test_mta_formats(vector: dict[str, Any]) -> None:
    hop = parse_received(_value(vector["header"]))
    assert (hop.ip or False) == vector["ip"]
    assert hop.from_token == vector["from"]


def test_vector_count() -> None:
    if not VECTORS.exists():
        pytest.skip(f"conformance data not found at {VECTORS} (set HEADERCHECK_CONFORMANCE)")
    assert len(_vectors()) == 20


@pytest.mark.parametrize(("text", "ip", "zone"), [
    ("[IPv6:2001:db8::25]", "2001:db8::25", None),
    ("[fe80::1%eth0]", "fe80::1", "eth0"),
    ("::ffff:192.0.2.1", "192.0.2.1", None),
    ("192.0.2.300", None, None),
    ("mail.example.org", None, None),
])
def test_parse_ip(text: str, ip: str | None, zone: str | None) -> None:
    parsed = parse_ip(text)
    assert (parsed[0] if parsed else None) == ip
    if parsed:
        assert parsed[1] == zone


def test_zone_id_is_stripped_and_kept_apart() -> None:
    hop = parse_received("from h.example (h.example [IPv6:fe80::1%eth0]) by mx.example; x")
    assert hop.ip == "fe80::1"
    assert hop.zone_id == "eth0"


def test_yahoo_from_ip_with_ehlo() -> None:
    hop = parse_received("from 209.85.219.48 (EHLO mail-qv1-f48.google.com) by 10.253.37.223 "
                         "with SMTPs (version=TLS1_3 cipher=TLS_AES_128_GCM_SHA256); Sat, 18 Dec")
    assert (hop.ip, hop.helo, hop.by_host) == ("209.85.219.48", "mail-qv1-f48.google.com",
                                               "10.253.37.223")


def test_outlook_unbracketed_ip_is_loose() -> None:
    hop = parse_received("from mail-m973.mail.163.com (123.126.97.3) by "
                         "HK2APC01FT029.mail.protection.outlook.com (10.152.248.195) with Microsoft "
                         "SMTP Server id 15.20.4331.21 via Frontend Transport; Wed, 14 Jul 2021")
    assert hop.ip is None
    assert hop.client_ip == "123.126.97.3"
    assert hop.by_host == "hk2apc01ft029.mail.protection.outlook.com"


@pytest.mark.parametrize("junk", ["", ";", "((((", "from", "garbage without keywords",
                                  "from (unclosed [1.2.3.4 by", "\x00\x01 by ;"])
def test_unparseable_lines_never_raise(junk: str) -> None:
    hop = parse_received(junk)
    assert hop.raw == junk


def _walk_clauses(text: str) -> dict[str, list[tuple[str, str, bool]]]:
    """The character walk _clauses falls back to, forced (the one-pass split is bypassed)."""
    import headercheck._received as received

    fast = received._flat_clauses
    received._flat_clauses = lambda _text: None  # type: ignore[assignment]
    try:
        return received._clauses(text)
    finally:
        received._flat_clauses = fast


_RECEIVED_PARTS = st.sampled_from([" ", "\t", "\n", "(", ")", "\\", "a", "[", "]", ":", ";", "=", "\u2003",
                                   "\x85", "é", "from", "FROM ", " by ", "by", " id x", " with", " for ",
                                   "(c)", "(a [192.0.2.1])", "<r@x>"])


@settings(max_examples=800, derandomize=True, database=None)
@given(st.lists(_RECEIVED_PARTS, max_size=16).map("".join))
def test_one_pass_clause_split_equals_the_walk(text: str) -> None:
    from headercheck._received import _flat_clauses, _parse_received, by_host

    body = text.rpartition(";")[0] if ";" in text else text  # as _clauses drops the date
    flat = _flat_clauses(body)
    assert flat is None or flat == _walk_clauses(text)
    assert by_host(text) == _parse_received(text).by_host


def test_remembered_parse_is_keyed_by_the_whole_value() -> None:
    from headercheck._received import _parse_received

    a = "from a.example (a.example [192.0.2.1]) by mx.example; Tue, 1 Sep 2026"
    b = a.replace("192.0.2.1", "192.0.2.2")
    assert parse_received(a) is parse_received(a)  # remembered
    assert parse_received(a) == _parse_received(a)
    assert parse_received(b).ip == "192.0.2.2" and parse_received(b) == _parse_received(b)
    long = a + " " * 5000  # over the memo's size cap: parsed each time, same result
    assert parse_received(long) == _parse_received(long)


@settings(max_examples=800, derandomize=True, database=None)
@given(st.lists(st.lists(_RECEIVED_PARTS, max_size=10).map("".join), max_size=4))
def test_lazy_hops_equal_parsing_every_header(values: list[str]) -> None:
    """Hops parsed on demand are the eagerly parsed ones; the unparsed count is the same."""
    from headercheck._received import LazyHops, _parse_received

    eager = [_parse_received(v) for v in values]
    assert LazyHops(values).unparsed() == sum(1 for h in eager if not h.parsed)
    lazy = LazyHops(values)
    assert list(lazy) == eager and lazy[1:] == eager[1:] and len(lazy) == len(eager)
