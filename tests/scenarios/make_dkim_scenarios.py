#!/usr/bin/env python3
"""Regenerate tests/scenarios/dkim-*/ (message.eml, dns.zone or dns.json, expected.json).

One scenario per DKIM outcome (docs/dkim.md). Messages are signed with the OpenDKIM layout of
samples/make_samples.py, with the test-only keys in samples/keys/ and tests/data/keys/, at a
fixed time; every scenario is checked as of NOW. Run: python tests/scenarios/make_dkim_scenarios.py
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "samples"))

import make_samples as ms  # noqa: E402

NOW = "2026-11-01T00:00:00Z"
AT = datetime(2026, 10, 27, 9, 15, 2, tzinfo=ms.JST)
BASE = ms.Signer("example.jp", "master", "example.jp.master.private")
ED = ms.Signer("example.jp", "ed", "example.org.ed.seed", algorithm="ed25519-sha256")
SHORT_KEY = ROOT / "tests" / "data" / "keys" / "short512.private"
FOOTER = b"-- \r\nSent from the gateway\r\n"


def message(subject: str = "Monthly report", extra_body: str = "") -> bytes:
    """A plain message from example.jp, as the signer sees it."""
    return ms.crlf(
        f"Received: from [192.168.10.24] (unknown [198.51.100.200])\n"
        f"\tby mail.example.jp (Postfix) with ESMTPSA id 4Y2kQm0x7Fz3;\n\t{ms.rfc2822(AT, True)}\n"
        f"Message-ID: <scenario@example.jp>\nDate: {ms.rfc2822(AT)}\nMIME-Version: 1.0\n"
        f"To: k.tanaka.example@gmail.com\nFrom: Taro Yamada <taro.yamada@example.jp>\n"
        f"Subject: {subject}\nContent-Type: text/plain; charset=us-ascii\n\n"
        f"Hello,\n\nthe October figures are attached.\n\nTaro\n{extra_body}"
    )


def key_record(name: str = "master", key: str = BASE.key, tags: str = "v=DKIM1; k=rsa; ") -> str:
    """A zone line publishing key's public half at name._domainkey.example.jp."""
    if key.endswith(".seed"):
        return ms.ed25519_txt(name, key).replace(f"{name}._domainkey", f"{name}._domainkey.example.jp.")
    p = "p=" + ms.rsa_public(key)  # an absolute path overrides KEYS
    return f'{name}._domainkey.example.jp. IN TXT ( "{tags}" "{p[:255]}" "{p[255:]}" )\n'


@dataclass
class Scenario:
    """One folder: how to sign, what to change afterwards, the DNS, the expected verdicts."""

    name: str
    expect: list[dict[str, object]]
    signers: list[ms.Signer] = field(default_factory=lambda: [BASE])
    zone: str = ""
    cassette: dict[str, object] | None = None
    after: Callable[[bytes], bytes] = lambda m: m
    doc: str = ""


def _sign(scn: Scenario) -> bytes:
    msg = message()
    for signer in scn.signers:
        msg, _ = ms.sign(msg, signer, AT)
    return scn.after(msg)


def exp(result: str, code: str, selector: str = "master", **more: object) -> dict[str, object]:
    """An expected DkimResult subset."""
    return {"result": result, "reason_code": code, "domain": "example.jp", "selector": selector,
            **more}


def _sub(pattern: bytes, repl: bytes) -> Callable[[bytes], bytes]:
    return lambda m: re.sub(pattern, repl, m, count=1)


OK_KEY = key_record()
SCENARIOS = [
    Scenario("dkim-pass", [exp("pass", "pass", key_bits=2048, key_type="rsa",
                               dns_name="master._domainkey.example.jp")], zone=OK_KEY),
    Scenario("dkim-ed25519", [exp("pass", "pass", "ed", key_bits=256, key_type="ed25519")],
             signers=[ED], zone=key_record("ed", ED.key)),
    Scenario("dkim-body-hash", [exp("neutral", "body_hash_mismatch", reason="body hash did not verify")],
             zone=OK_KEY, after=lambda m: m + FOOTER),
    Scenario("dkim-bad-signature", [exp("fail", "bad_signature", key_bits=2048)], zone=OK_KEY,
             after=_sub(rb"Subject: Monthly report", b"Subject: Monthly report (corrected)")),
    Scenario("dkim-no-key", [exp("permerror", "no_key", reason="no key for signature")],
             zone=key_record("other")),
    Scenario("dkim-nxdomain",
             [exp("permerror", "no_key", detail="master._domainkey.example.jp TXT: NXDOMAIN")],
             zone="example.jp. IN TXT \"v=spf1 mx -all\"\n"),
    Scenario("dkim-empty-key", [exp("permerror", "no_key")],
             zone='master._domainkey.example.jp. IN TXT ""\n'),
    Scenario("dkim-servfail", [exp("temperror", "key_unavailable")],
             cassette={"master._domainkey.example.jp": {"TXT": "SERVFAIL"}}),
    Scenario("dkim-timeout", [exp("temperror", "key_unavailable")],
             cassette={"master._domainkey.example.jp": {"TXT": "TIMEOUT"}}),
    Scenario("dkim-revoked", [exp("permerror", "key_revoked")],
             zone='master._domainkey.example.jp. IN TXT "v=DKIM1; k=rsa; p="\n'),
    Scenario("dkim-malformed-signature", [exp("neutral", "bad_format", reason="bad format")],
             zone=OK_KEY, after=_sub(rb"\r\n\tbh=[^;]*;", b"")),
    Scenario("dkim-malformed-tag-list", [exp("neutral", "bad_format")],
             zone=OK_KEY, after=_sub(rb"s=master; ", b"s=master; garbage; ")),
    Scenario("dkim-malformed-key", [exp("permerror", "bad_key_format")],
             zone='master._domainkey.example.jp. IN TXT "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQ"\n'),
    Scenario("dkim-expired", [exp("neutral", "expired", expiration=int(AT.timestamp()) + 86400)], zone=OK_KEY,
             signers=[replace(BASE, expires=86400)]),
    Scenario("dkim-future-timestamp", [exp("neutral", "future_timestamp")], zone=OK_KEY,
             after=_sub(rb"t=\d+;", b"t=1893456000;")),
    Scenario("dkim-rsa-sha1", [exp("policy", "rsa_sha1", algorithm="rsa-sha1")], zone=OK_KEY,
             signers=[replace(BASE, algorithm="rsa-sha1")]),
    Scenario("dkim-short-key", [exp("policy", "weak_key", key_bits=512)],
             signers=[replace(BASE, key=str(SHORT_KEY))], zone=key_record(key=str(SHORT_KEY))),
    Scenario("dkim-key-hash-mismatch", [exp("permerror", "key_hash_mismatch")],
             signers=[replace(BASE, algorithm="rsa-sha1")],
             zone=key_record(tags="v=DKIM1; h=sha256; k=rsa; ")),
    Scenario("dkim-key-type-mismatch", [exp("permerror", "key_type_mismatch", "ed")],
             signers=[ED], zone=key_record("ed")),
    Scenario("dkim-multiple-keys", [exp("pass", "pass")],  # the matching record comes second
             zone=key_record(key="example.com.master.private") + OK_KEY),
    Scenario("dkim-multiple-keys-none-match", [exp("fail", "bad_signature")],
             zone=key_record(key="example.com.master.private")
             + key_record(key="example.org.master.private")),
    Scenario("dkim-length-unsigned", [exp("pass", "pass_partial_body", unsigned_bytes=len(FOOTER))],
             signers=[replace(BASE, length=True)], zone=OK_KEY,
             after=lambda m: m + FOOTER),
    Scenario("dkim-unsupported-algorithm", [exp("neutral", "unsupported_algorithm")],
             zone=OK_KEY, after=_sub(rb"a=rsa-sha256", b"a=rsa-sha512")),
    Scenario("dkim-from-not-signed", [exp("permerror", "from_not_signed")], zone=OK_KEY,
             after=_sub(rb"\th=[^;]*;", b"\th=Date:To:Subject;")),
    Scenario("dkim-key-testing", [exp("pass", "pass", key_testing=True)],
             zone=key_record(tags="v=DKIM1; t=y; k=rsa; ")),
    Scenario("dkim-key-strict-identity",
             [exp("permerror", "key_strict_identity", auid="@news.example.jp")],
             signers=[replace(BASE, identity="@news.example.jp")],
             zone=key_record(tags="v=DKIM1; t=s; k=rsa; ")),
    Scenario("dkim-key-strict-identity-ok", [exp("pass", "pass", auid="taro.yamada@example.jp")],
             signers=[replace(BASE, identity="taro.yamada@example.jp")],
             zone=key_record(tags="v=DKIM1; t=y:s; k=rsa; ")),
    Scenario("dkim-auid-mismatch", [exp("neutral", "auid_mismatch", reason="bad format")],
             signers=[replace(BASE, identity="@example.com")], zone=OK_KEY),
    Scenario("dkim-too-many-signatures",
             [exp("pass", "pass")] * 10 + [exp("none", "not_checked")],
             signers=[BASE] * 11, zone=OK_KEY),
]


def write(scn: Scenario) -> None:
    """Write one scenario folder."""
    folder = HERE / scn.name
    folder.mkdir(exist_ok=True)
    (folder / "message.eml").write_bytes(_sign(scn).replace(b"\r\n", b"\n"))
    for stale in ("dns.zone", "dns.json"):
        (folder / stale).unlink(missing_ok=True)
    if scn.cassette is not None:
        (folder / "dns.json").write_text(json.dumps(scn.cassette, indent=1) + "\n")
    else:
        (folder / "dns.zone").write_text("$TTL 300\n" + scn.zone)
    spec = {"args": {"now": NOW}, "expect": {"dkim": scn.expect}}
    (folder / "expected.json").write_text(json.dumps(spec, indent=1) + "\n")


def main() -> int:
    """Write every scenario."""
    for scn in SCENARIOS:
        write(scn)
    print(f"wrote {len(SCENARIOS)} scenarios in {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
