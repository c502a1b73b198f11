"""The receiver's own ARC set is not part of the chain it judged (RFC 8617 §5.1).

Gmail seals every message it accepts (RECEIVERS.md §1.1, 1A-1G): an ARC set i=N above its
Received line whose ARC-Authentication-Results says ``mx.google.com``. Its
Authentication-Results judged the chain as it arrived (i < N) and, with no earlier set, carries
no ``arc=`` at all. Messages here are sealed with a fresh key in that layout.
"""

from __future__ import annotations

import base64
from typing import Any

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import headercheck
from headercheck._ar_trust import receiver_arc_sets
from headercheck.dns import CassetteResolver
from headercheck.envelope import find_envelope
from headercheck.message import parse_message, without_fields
from headercheck.results import Result

T0 = 2_000_000_000
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=1024)
PRIVATE = _KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())
_RECORD = "v=DKIM1; k=rsa; p=" + base64.b64encode(_KEY.public_key().public_bytes(
    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode()
ZONE: dict[str, Any] = {
    "arc._domainkey.forwarder.example": {"TXT": [[_RECORD]]},
    "arc-20240605._domainkey.google.com": {"TXT": [[_RECORD]]},
    "arcselector10001._domainkey.microsoft.com": {"TXT": [[_RECORD]]},
}
BASE = (b"From: a@sender.example\r\nTo: b@gmail.com\r\nSubject: hello\r\n"
        b"Date: Mon, 16 May 2033 00:00:00 +0000\r\nMessage-ID: <1@sender.example>\r\n\r\nHello.\r\n")


ARC_PASS = b"arc=pass (i=1 spf=pass spfdomain=sender.example);\r\n       "


def _forwarded(message: bytes) -> bytes:
    """A list at forwarder.example receives the message and seals i=1 below everything else."""
    hop = (b"Authentication-Results: lists.forwarder.example; spf=pass smtp.mailfrom=sender.example\r\n"
           b"Received: from mail.sender.example (mail.sender.example [192.0.2.1])\r\n"
           b"\tby lists.forwarder.example with ESMTPS id 1; Mon, 16 May 2033 00:00:01 +0000\r\n")
    message = hop + message
    sealed = dkim.arc_sign(message, b"arc", b"forwarder.example", PRIVATE, b"lists.forwarder.example",
                           timestamp=T0)
    return b"".join(sealed) + message


def _delivered(message: bytes, arc: bytes = b"") -> bytes:
    """Gmail's block (RECEIVERS.md §1.1): its ARC set on top, then Return-Path, its Received
    line, Received-SPF and Authentication-Results."""
    block = (b"Return-Path: <bounce@forwarder.example>\r\n"
             b"Received: from mail.forwarder.example (mail.forwarder.example. [192.0.2.25])\r\n"
             b"        by mx.google.com with ESMTPS id x1; Mon, 16 May 2033 00:00:02 -0700 (PDT)\r\n"
             b"Received-SPF: pass (google.com: domain of bounce@forwarder.example designates 192.0.2.25"
             b" as permitted sender) client-ip=192.0.2.25;\r\n"
             b"Authentication-Results: mx.google.com;\r\n       " + arc +
             b"spf=pass (google.com: domain of bounce@forwarder.example designates 192.0.2.25 as"
             b" permitted sender) smtp.mailfrom=bounce@forwarder.example\r\n")
    message = block + message
    sealed = dkim.arc_sign(message, b"arc-20240605", b"google.com", PRIVATE, b"mx.google.com",
                           timestamp=T0 + 2)
    return b"Delivered-To: b@gmail.com\r\n" + b"".join(sealed) + message


def _check(raw: bytes) -> Any:
    return headercheck.check(raw, dns=CassetteResolver(ZONE), now=T0 + 60)


def test_the_receivers_own_set_is_found_by_place_and_authserv_id() -> None:
    message = parse_message(_delivered(_forwarded(BASE), ARC_PASS))
    env = find_envelope(message)
    assert env.receiver == "mx.google.com"
    assert receiver_arc_sets(message, env.receiver, env.header_index) == (2,)
    assert receiver_arc_sets(message, env.receiver, None) == ()  # no boundary: not sure, judge all


def test_the_chain_is_judged_as_it_arrived() -> None:
    report = _check(_delivered(_forwarded(BASE), ARC_PASS))
    arc = report.arc
    assert arc.result is Result.PASS and [i.instance for i in arc.instances] == [1]
    assert [(i.instance, i.domain) for i in arc.receiver_sets] == [(2, "google.com")]
    header = report.authentication_results(style="gmail")
    assert "arc=pass (i=1 spf=pass spfdomain=sender.example)" in header
    said = {v.method: v for v in report.receiver_said}
    assert said["arc"].receiver_result == "pass"


def test_only_the_receivers_set_means_no_chain_arrived() -> None:
    report = _check(_delivered(BASE))
    assert report.arc.result is Result.NONE and report.arc.instances == ()
    assert [i.instance for i in report.arc.receiver_sets] == [1]
    assert "arc=" not in report.authentication_results(style="gmail")  # as Gmail wrote it


def test_a_set_below_the_receivers_line_is_judged_even_with_its_authserv_id() -> None:
    """Gmail forwarding to Gmail: the first mailbox's mx.google.com set arrived with the message."""
    first = _delivered(BASE).replace(b"Delivered-To: b@gmail.com\r\n", b"")
    report = _check(_delivered(first, b"arc=pass (i=1);\r\n       "))
    assert [i.instance for i in report.arc.instances] == [1]
    assert [i.instance for i in report.arc.receiver_sets] == [2]


def test_exchange_online_seals_as_mx_microsoft_com() -> None:
    """Microsoft's block (RECEIVERS.md §3.2, 3B): its set on top, AAR ``mx.microsoft.com``, then
    its Received line below the other fields it adds."""
    block = (b"Authentication-Results: mx.microsoft.com 1; spf=pass smtp.mailfrom=forwarder.example;"
             b" arc=pass (0 oda=1 ltdi=1)\r\n"
             b"Received-SPF: Pass (protection.outlook.com: domain of forwarder.example designates\r\n"
             b" 192.0.2.25 as permitted sender) receiver=protection.outlook.com;\r\n"
             b" client-ip=192.0.2.25; helo=mail.forwarder.example; pr=C\r\n"
             b"Received: from mail.forwarder.example (192.0.2.25) by\r\n"
             b" AM4PEPF00025F95.mail.protection.outlook.com (10.167.16.4) with Microsoft SMTP\r\n"
             b" Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.7918.0 via\r\n"
             b" Frontend Transport; Mon, 16 May 2033 00:00:02 +0000\r\n") + _forwarded(BASE)
    sealed = dkim.arc_sign(block, b"arcselector10001", b"microsoft.com", PRIVATE, b"mx.microsoft.com",
                           timestamp=T0 + 2)
    report = _check(b"".join(sealed) + block)
    assert report.envelope.receiver == "protection.outlook.com"
    assert [i.instance for i in report.arc.instances] == [1] and report.arc.result is Result.PASS
    assert [(i.instance, i.domain) for i in report.arc.receiver_sets] == [(2, "microsoft.com")]


def test_fields_are_cut_out_byte_for_byte() -> None:
    message = parse_message(b"A: 1\r\nB: 2\r\n x\r\nC: 3\r\n\r\nbody\r\n")
    arrived = without_fields(message, {1})
    assert arrived is not None and arrived.raw == b"A: 1\r\nC: 3\r\n\r\nbody\r\n"
    assert [h.name for h in arrived.headers] == ["A", "C"]
    assert without_fields(parse_message(b"A: 1\r\nnot a field\r\n\r\nbody"), {0}) is None
