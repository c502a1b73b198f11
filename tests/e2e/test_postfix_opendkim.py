"""Postfix + OpenDKIM + NSD as an admin sets them up, and the mistakes admins make.

Each message really goes swaks -> sender Postfix (OpenDKIM milter) -> receiver Postfix -> Maildir;
headercheck then reads the delivered file with the live resolver pointed at NSD. A mistake in
DNS is a different zone served for the same delivered file (signing does no DNS lookups).
"""

from __future__ import annotations

import email.utils
from pathlib import Path

import pytest

from support.e2e_dns import RECEIVER_HOST, SENDER_HOST, SENDER_IP, UNALIGNED_SPF_DOMAIN
from support.mailstack import Stack

pytestmark = pytest.mark.e2e

BODY = (
    "Hello from example.jp.\n"
    "\n"
    "This message went through Postfix and the OpenDKIM milter.\n"
    "-- \n"
    "Taro\n"
)
FOOTER = "\n_______________________________________________\nlist mailing list\nhttps://lists.example.net/\n"


def _message(marker: str, subject: str) -> bytes:
    headers = [
        "From: Taro Yamada <taro@example.jp>",
        "To: <user@example.net>",
        f"Subject: {subject}",
        f"Date: {email.utils.formatdate()}",
        f"Message-ID: <{marker}@example.jp>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: 7bit",
    ]
    return ("\n".join(headers) + "\n\n" + BODY).encode()


@pytest.fixture(scope="session")
def signed(stack: Stack) -> Path:
    """A message from taro@example.jp, signed by the milter, delivered to the Maildir."""
    return stack.send(_message("e2e-signed", "signed by OpenDKIM"), "taro@example.jp",
                      b"e2e-signed@example.jp")


@pytest.fixture(scope="session")
def unaligned(stack: Stack) -> Path:
    """From example.jp, envelope sender of a mailing service, via the listener without the milter."""
    return stack.send(_message("e2e-unaligned", "newsletter"), f"bounce@{UNALIGNED_SPF_DOMAIN}",
                      b"e2e-unaligned@example.jp", signed=False)


def test_delivered_as_postfix_writes_it(signed: Path) -> None:
    raw = signed.read_bytes()
    assert raw.startswith(b"Return-Path: <taro@example.jp>")
    assert b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; d=example.jp;" in raw
    assert b"s=master;" in raw
    assert f"from {SENDER_HOST} (unknown [{SENDER_IP}])".encode() in raw
    assert f"by {RECEIVER_HOST} (Postfix)".encode() in raw
