"""Small messages and their DNS for the audit tests."""

from __future__ import annotations

from typing import Any

from headercheck.dns import Answer, CassetteResolver

NOW = "2024-06-01T00:00:00Z"
SIG = ("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={d}; s=sel;\r\n"
       " h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n b=AAAA\r\n")


def message(domain: str = "example.com", n: int = 0, signed: bool = True) -> bytes:
    """A small received message from domain with an envelope and (optionally) a DKIM signature."""
    head = (f"Return-Path: <bounce@{domain}>\r\n"
            f"Received: from mail.{domain} (mail.{domain} [192.0.2.{n % 250 + 1}])\r\n"
            f" by mx.google.com with ESMTPS id x{n}; Sat, 1 Jun 2024 00:00:00 +0000\r\n")
    sig = SIG.format(d=domain) if signed else ""
    return (head + sig + f"From: Someone <someone@{domain}>\r\nTo: you@example.net\r\n"
            f"Subject: message {n}\r\nMessage-ID: <{n}@{domain}>\r\n\r\nbody {n}\r\n").encode()


CASSETTE: dict[str, Any] = {
    "example.com": {"TXT": [["v=spf1 ip4:192.0.2.0/24 -all"]]},
    "_dmarc.example.com": {"TXT": [["v=DMARC1; p=reject"]]},
    "sel._domainkey.example.com": {"TXT": [["v=DKIM1; k=rsa; p=MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAK"]]},
}


class Counting:
    """A resolver that counts every question it is asked (lives in the parent process)."""

    def __init__(self) -> None:
        self.inner = CassetteResolver(CASSETTE)
        self.calls: list[tuple[str, str]] = []

    def query(self, name: str, rdtype: str) -> Answer:
        self.calls.append((name, rdtype))
        return self.inner.query(name, rdtype)
