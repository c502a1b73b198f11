#!/usr/bin/env python3
"""Regenerate tests/scenarios/arc-receiver-*/ (message.eml, dns.zone, expected.json).

Gmail seals every message it accepts: an ARC set above its Received line whose
ARC-Authentication-Results says mx.google.com (RECEIVERS.md §1.1). That set records Gmail's
verdict; it is not part of the chain Gmail judged. Two messages in that layout, sealed with the
test-only key samples/keys/example.net.master.private (published here for lists.example.net
and, in this snapshot only, for google.com):

- arc-receiver-own-set: a list seals i=1, Gmail judges it (arc=pass) and seals i=2;
- arc-receiver-only-set: direct mail, Gmail seals i=1 and writes no arc= at all.

Run: python tests/scenarios/make_arc_scenarios.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import dkim

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "samples"))

import make_samples as ms  # noqa: E402

KEY = "example.net.master.private"
SEALED = 1_793_000_000  # 2026-10-26, before NOW
NOW = 1_793_491_200  # 2026-11-01
BASE = ms.crlf(
    "Received: from [198.51.100.7] (unknown [198.51.100.7])\n"
    "\tby mail.example.org (Postfix) with ESMTPSA id 4Y2kQm0x7Fz3;\n"
    "\tMon, 26 Oct 2026 09:15:00 +0900 (JST)\n"
    "Message-ID: <arc-receiver@example.org>\nDate: Mon, 26 Oct 2026 09:15:00 +0900\n"
    "MIME-Version: 1.0\nTo: members@lists.example.net\nFrom: Hanako <hanako@example.org>\n"
    "Subject: Meeting notes\nContent-Type: text/plain; charset=us-ascii\n\n"
    "Hello all,\n\nthe notes are below.\n"
)


def _seal(message: bytes, selector: str, domain: str, authserv_id: str, at: int) -> bytes:
    private = (ms.KEYS / KEY).read_bytes()
    sets = dkim.arc_sign(message, selector.encode(), domain.encode(), private, authserv_id.encode(),
                         timestamp=at)
    return b"".join(sets) + message


def through_list(message: bytes) -> bytes:
    """lists.example.net receives from mail.example.org and seals i=1 before resending."""
    received = ms.crlf(
        "Authentication-Results: lists.example.net; spf=pass smtp.mailfrom=hanako@example.org\n"
        "Received: from mail.example.org (mail.example.org [192.0.2.80])\n"
        "\tby lists.example.net (Postfix) with ESMTPS id 4Y2kQm0x8AB1;\n"
        "\tMon, 26 Oct 2026 00:15:01 +0000 (UTC)\n")
    return _seal(received + message, "arc", "lists.example.net", "lists.example.net", SEALED)


def at_gmail(message: bytes, ip: str, helo: str, mail_from: str, results: list[str]) -> bytes:
    """Gmail's block, then its own ARC set on top and its internal hop (RECEIVERS.md §1.1)."""
    block = ms.crlf(
        f"Return-Path: <{mail_from}>\n"
        f"Received: from {helo} ({helo}. [{ip}])\n"
        "        by mx.google.com with ESMTPS id d2e1a72fcca58-734a001e5b5si92752.5.2026.10.25.17.15.02\n"
        "        for <k.tanaka.example@gmail.com>\n"
        "        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);\n"
        "        Sun, 25 Oct 2026 17:15:02 -0700 (PDT)\n"
        f"Received-SPF: pass (google.com: domain of {mail_from} designates {ip} as permitted sender)"
        f" client-ip={ip};\n"
        "Authentication-Results: mx.google.com;\n" + ";\n".join(f"       {r}" for r in results) + "\n")
    sealed = _seal(block + message, "arc-20240605", "google.com", "mx.google.com", SEALED + 2)
    top = ms.crlf("Delivered-To: k.tanaka.example@gmail.com\n"
                  "Received: by 2002:a05:7300:6d83:b0:15f:8ee3:9ecb with SMTP id t3csp806509dyo;\n"
                  "        Sun, 25 Oct 2026 17:15:03 -0700 (PDT)\n")
    return top + sealed


def zone() -> str:
    p = "p=" + ms.rsa_public(KEY)
    record = f'"v=DKIM1; k=rsa; " "{p[:240]}" "{p[240:]}"'
    return ("; ARC keys for the arc-receiver scenarios (test-only key, see make_arc_scenarios.py)\n"
            f"arc._domainkey.lists.example.net. IN TXT {record}\n"
            f"arc-20240605._domainkey.google.com. IN TXT {record}\n"
            'lists.example.net. IN TXT "v=spf1 ip4:192.0.2.25 -all"\n'
            'example.org. IN TXT "v=spf1 ip4:192.0.2.80 -all"\n')


def write(name: str, message: bytes, description: str, expect: dict[str, object]) -> None:
    folder = HERE / name
    folder.mkdir(exist_ok=True)
    (folder / "message.eml").write_bytes(message)
    (folder / "dns.zone").write_text(zone())
    spec = {"description": description, "args": {"now": NOW}, "expect": expect}
    (folder / "expected.json").write_text(json.dumps(spec, indent=2) + "\n")


def main() -> int:
    listed = through_list(BASE)
    write("arc-receiver-own-set", at_gmail(listed, "192.0.2.25", "mail.lists.example.net",
                                           "bounce@lists.example.net", [
        "arc=pass (i=1 spf=pass spfdomain=example.org)",
        "spf=pass (google.com: domain of bounce@lists.example.net designates 192.0.2.25 as"
        " permitted sender) smtp.mailfrom=bounce@lists.example.net"]),
          "A list sealed i=1; Gmail judged that chain (arc=pass) and sealed i=2 on delivery. "
          "The chain judged is the one that arrived: i=1; i=2 is listed as the receiver's own.", {
        "spf": {"result": "pass"},
        "arc": {"result": "pass", "instances": [{"instance": 1, "domain": "lists.example.net",
                                                 "ams_result": "pass", "as_result": "pass"}],
                "receiver_sets": [{"instance": 2, "domain": "google.com", "cv": "pass"}]},
    })
    write("arc-receiver-only-set", at_gmail(BASE, "192.0.2.80", "mail.example.org", "hanako@example.org", [
        "spf=pass (google.com: domain of hanako@example.org designates 192.0.2.80 as permitted sender)"
        " smtp.mailfrom=hanako@example.org"]),
          "Direct mail: Gmail sealed i=1 on delivery and wrote no arc= (no chain arrived).", {
        "spf": {"result": "pass"},
        "arc": {"result": "none", "instances": [],
                "receiver_sets": [{"instance": 1, "domain": "google.com", "cv": "none"}]},
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
