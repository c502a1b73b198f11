"""Envelope from the Received chain: Gmail, Yahoo and Outlook layouts (RECEIVERS.md), overrides,
and the trust boundary: headers forged below it change nothing (RFC 5321 §4.4, RFC 8601 §5)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import headercheck
from headercheck._received import parse_received
from headercheck.envelope import find_envelope
from headercheck.message import parse_message
from headercheck.results import Envelope
from support.paths import TESTS

DATA = TESTS / "data" / "envelope"

# Where the sender's own headers begin in each fixture (everything from here down is a claim).
SENDER_PART = {"gmail": "Received: from localhost", "yahoo": "Received: by mail-qv1",
               "outlook": "Received: from localhost"}

FORGED = """Authentication-Results: mx.google.com; spf=pass smtp.mailfrom=ceo@bank.example
Authentication-Results: atlas1.free.mail.bf1.yahoo.com; spf=pass smtp.mailfrom=bank.example
Received-SPF: pass (google.com: domain of ceo@bank.example designates 192.0.2.66 as permitted
 sender) client-ip=192.0.2.66; envelope-from="ceo@bank.example"; helo=bank.example;
Received: from bank.example (bank.example [192.0.2.66])
        by mx.google.com with ESMTPS id forged for <victim@gmail.com>;
        Wed, 28 Mar 2018 15:01:18 -0700 (PDT)
Return-Path: <ceo@bank.example>
X-Originating-Ip: [192.0.2.66]
Received: from 192.0.2.66 (EHLO bank.example) by 10.253.37.223 with SMTP; Sat, 18 Dec 2021
Received: from bank.example (192.0.2.66) by FORGED.mail.protection.outlook.com (10.0.0.1)
 with Microsoft SMTP Server id 15.20.1.1 via Frontend Transport; Wed, 14 Jul 2021
"""


def _raw(name: str) -> bytes:
    return (DATA / f"{name}.eml").read_bytes()


def forged(name: str) -> bytes:
    """The fixture with sender-forged trace headers inserted at the top of the sender's part."""
    marker = SENDER_PART[name].encode()
    raw = _raw(name)
    at = raw.index(b"\n" + marker) + 1
    return raw[:at] + FORGED.encode() + raw[at:]


def env(raw: bytes, **kw: str) -> Envelope:
    return find_envelope(parse_message(raw), **kw)


@pytest.mark.parametrize(("name", "ip", "helo", "mail_from", "receiver", "hop"), [
    ("gmail", "216.218.240.121", "mx-out-01b.sjc2.discourse.org",
     "ocaml+verp-cdef9eaa098cd788943a4314c682b75a@discoursemail.com", "mx.google.com", 1),
    ("yahoo", "209.85.219.48", "mail-qv1-f48.google.com", "pawlakdp@gmail.com",
     "atlas201.aol.mail.gq1.yahoo.com", 1),
    ("outlook", "123.126.97.3", "mail-m973.mail.163.com", "someone@163.com",
     "protection.outlook.com", 2),
])
def test_receiver_chains(name: str, ip: str, helo: str, mail_from: str, receiver: str,
                         hop: int) -> None:
    e = env(_raw(name))
    assert (e.ip, e.helo, e.mail_from, e.receiver, e.hop) == (ip, helo, mail_from, receiver, hop)
    assert set(e.sources) == {"ip", "helo", "mail_from", "receiver"}
    assert e.notes == ()


@pytest.mark.parametrize("name", ["gmail", "yahoo", "outlook"])
def test_forged_headers_below_the_boundary_change_nothing(name: str) -> None:
    assert env(forged(name)) == env(_raw(name))


@pytest.mark.parametrize("name", ["gmail", "yahoo", "outlook"])
def test_forged_headers_do_not_change_the_checks(name: str) -> None:
    zone = TESTS / "data" / "envelope" / "senders.zone"
    clean = headercheck.check(_raw(name), dns=zone).to_dict()
    dirty = headercheck.check(forged(name), dns=zone).to_dict()
    for key in ("envelope", "spf", "spf_helo", "iprev"):
        assert dirty[key] == clean[key], key


def test_caller_values_override_and_say_so() -> None:
    e = env(_raw("gmail"), ip="192.0.2.9", mail_from="a@b.example", helo="h.example",
            receiver="mx.google.com")
    assert (e.ip, e.mail_from, e.helo) == ("192.0.2.9", "a@b.example", "h.example")
    assert e.sources["ip"] == "caller (--ip)"
    assert e.sources["receiver"] == "caller (--receiver)"
    assert any("overrides 216.218.240.121" in n for n in e.notes)


POSTFIX = b"""Return-Path: <a@sender.example>
Received: from mail.sender.example (mail.sender.example [192.0.2.10])
\tby mx.example.net (Postfix) with ESMTPS id 4Xyz for <u@example.net>; Mon, 21 Sep 2026
Received: from localhost (localhost [127.0.0.1]) by mail.sender.example; Mon, 21 Sep 2026
From: a@sender.example
Subject: s

b
"""


def test_generic_receiver_topmost_external_hop() -> None:
    e = env(POSTFIX)
    assert (e.ip, e.helo, e.receiver, e.receiving_host) == (
        "192.0.2.10", "mail.sender.example", "mx.example.net", "mx.example.net")
    assert e.recipient == "u@example.net"


def test_forged_authentication_results_cannot_name_the_receiver() -> None:
    raw = POSTFIX.replace(b"From: a@", b"Authentication-Results: mx.google.com; spf=pass\nFrom: a@")
    e = env(raw)
    assert e.ip == "192.0.2.10"
    assert e.receiver == "mx.example.net"
    assert any("mx.google.com" in n and "ignored" in n for n in e.notes)


def test_content_filter_loopback_hop_is_stepped_over() -> None:
    raw = b"Received: from localhost (localhost [127.0.0.1]) by mx.example.net; x\n" + POSTFIX
    e = env(raw)
    assert (e.ip, e.hop) == ("192.0.2.10", 1)


def test_private_only_chain_notes_it() -> None:
    raw = b"Received: from c.lan (c.lan [192.168.1.20]) by mx.lan; x\nFrom: a@b.example\n\nb\n"
    e = env(raw)
    assert e.ip == "192.168.1.20"
    assert any("private or loopback" in n for n in e.notes)


def test_missing_return_path_and_null_sender() -> None:
    no_rp = POSTFIX.replace(b"Return-Path: <a@sender.example>\n", b"")
    assert env(no_rp).mail_from is None
    assert any("no Return-Path" in n for n in env(no_rp).notes)
    null = POSTFIX.replace(b"<a@sender.example>", b"<>")
    e = env(null)
    assert e.mail_from == ""
    assert any("null sender" in n for n in e.notes)


def test_ipv6_zone_id_is_dropped_with_a_note() -> None:
    raw = POSTFIX.replace(b"[192.0.2.10]", b"[IPv6:2001:db8::25%eth0]")
    e = env(raw)
    assert e.ip == "2001:db8::25"
    assert any("zone id" in n for n in e.notes)


def test_unparseable_received_lines_are_reported() -> None:
    raw = b"Received: ((((\nReceived: garbage\n" + POSTFIX
    e = env(raw)
    assert e.ip == "192.0.2.10"
    assert any("could not be parsed" in n for n in e.notes)


def test_no_received_headers_at_all() -> None:
    e = env(b"From: a@b.example\nSubject: s\n\nbody\n")
    assert e.ip is None and e.hop is None
    assert any("pass --ip" in n for n in e.notes)


def test_yahoo_x_originating_ip_is_a_fallback_only_above_the_boundary() -> None:
    raw = _raw("yahoo").replace(b"Received: from 209.85.219.48 (EHLO mail-qv1-f48.google.com)",
                                b"Received: from mail-qv1-f48.google.com")
    e = env(raw)
    assert e.ip == "209.85.219.48"
    assert e.sources["ip"] == "the receiver's X-Originating-Ip"


def test_exim_envelope_from_clause_when_no_return_path() -> None:
    raw = (b"Received: from mail.example.org ([192.0.2.10] helo=claimed.example)\n"
           b"\tby mx.example.net with esmtp (Exim 4.96)\n\t(envelope-from <a@example.org>)\n"
           b"\tid 1abc; Mon, 21 Sep 2026 10:00:00 +0000\nFrom: a@example.org\n\nb\n")
    e = env(raw)
    assert (e.ip, e.helo, e.mail_from) == ("192.0.2.10", "claimed.example", "a@example.org")


def test_envelope_is_frozen_data() -> None:
    e = env(POSTFIX)
    assert replace(e, ip="x").ip == "x"
    assert Path(DATA).is_dir()


# --- bad input never raises ------------------------------------------------------------------

_PIECES = st.sampled_from(["from", "by", "with", "for", "id", "(", ")", "[", "]", "IPv6:",
                           "192.0.2.1", "fe80::1%eth0", "helo=", "EHLO", ";", " ", "<>",
                           "envelope-from", "x.example", "10.0.0.1", "\t", "unknown"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30).map(" ".join) | st.text(max_size=200))
def test_any_received_value_parses_without_error(value: str) -> None:
    assert parse_received(value).raw == value


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=20).map(" ".join), max_size=5),
       st.sampled_from([None, "mx.google.com", "x.example"]))
def test_any_chain_gives_an_envelope(values: list[str], receiver: str | None) -> None:
    raw = "".join(f"Received: {v}\n" for v in values) + "From: a@b.example\n\nbody\n"
    e = find_envelope(parse_message(raw.encode()), receiver=receiver)
    assert isinstance(e.notes, tuple)


def test_receiver_profiles_are_remembered_only_for_dns_sized_names() -> None:
    from headercheck._trust import GMAIL, _profile_of_memo, profile_of

    assert profile_of("MX.Google.com.") is GMAIL and profile_of("mx.example") is None
    before = _profile_of_memo.cache_info().currsize
    giant = "a" * 300 + ".mx.google.com"
    assert profile_of(giant) is GMAIL  # same answer, not kept
    assert _profile_of_memo.cache_info().currsize == before
