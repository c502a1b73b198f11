#!/usr/bin/env python3
"""Regenerate samples/*.eml and samples/dns.zone, byte for byte, from samples/keys/.

Each sample is a message as a mailbox provider hands it out ("Download original"): the
receiver's block (Delivered-To, its Received chain, Received-SPF, Authentication-Results in
Gmail's or Yahoo's own layout, see ../shared/RECEIVERS.md) above the headers the sender wrote.
Signatures are computed with dkimpy's canonicalisation and RSA code (Ed25519 with PyNaCl), laid
out as OpenDKIM 2.11 writes them: relaxed/simple, the headers OpenDKIM signs by default that
the message has (in message order), From over-signed, selector ``master``, 2048-bit keys. The
ESP signature is laid out as bulk senders write theirs (relaxed/relaxed, lower-case h=).

Every signature has t= 2026-10-27 and no x=: check the samples with
``--now 2026-11-01T00:00:00Z`` (any time after 2026-10-27T00:30:00Z gives the same verdicts).

Usage: python samples/make_samples.py   (then: git diff --stat samples/ shows nothing)
"""

from __future__ import annotations

import base64
import hashlib
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import dkim
import nacl.signing
from dkim.crypto import RSASSA_PKCS1_v1_5_sign, parse_pem_private_key

HERE = Path(__file__).resolve().parent
KEYS = HERE / "keys"
JST = timezone(timedelta(hours=9), "JST")
PDT = timezone(timedelta(hours=-7), "PDT")
#: OpenDKIM 2.11's default signed header list (libopendkim dkim_should_signhdrs): no
#: Message-ID, MIME-Version or Content-Type (FIELDNOTES).
OPENDKIM_SIGNS = ("from", "reply-to", "subject", "date", "to", "cc", "resent-date", "resent-from",
                  "resent-sender", "resent-to", "resent-cc", "in-reply-to", "references", "list-id",
                  "list-help", "list-unsubscribe", "list-subscribe", "list-post", "list-owner",
                  "list-archive")


@dataclass(frozen=True)
class Signer:
    """Who signs and how: domain, selector, key file, algorithm, layout."""

    domain: str
    selector: str
    key: str
    algorithm: str = "rsa-sha256"
    canon: str = "relaxed/simple"
    style: str = "opendkim"
    extra_headers: tuple[str, ...] = ()
    length: bool = False
    expires: int | None = None
    identity: str | None = None


def crlf(text: str) -> bytes:
    """LF text -> CRLF bytes (what signers see on the wire)."""
    return text.replace("\n", "\r\n").encode("utf-8")


def rfc2822(when: datetime, zone_name: bool = False) -> str:
    """A date as RFC 5322 §3.3 writes it; MTAs (Gmail, Postfix) add the zone's name."""
    out = when.strftime("%a, %d %b %Y %H:%M:%S %z")
    return out + (f" ({when.tzname()})" if zone_name else "")


def _fold_b(sig: str, first: int = 64, width: int = 67) -> str:
    parts = [sig[:first]] + textwrap.wrap(sig[first:], width)
    return "\r\n\t ".join(p for p in parts if p)


def _layout(signer: Signer, names: list[str], t: int, bh: str, length: int) -> str:
    """The header value with an empty b=, as OpenDKIM (or an ESP) lays it out."""
    if signer.style == "opendkim":
        x = f" x={t + signer.expires};" if signer.expires is not None else ""
        n = f" l={length};" if signer.length else ""
        n += f" i={signer.identity};" if signer.identity else ""
        return (f" v=1; a={signer.algorithm}; c={signer.canon}; d={signer.domain};\r\n"
                f"\ts={signer.selector}; t={t};{x}{n}\r\n\tbh={bh};\r\n"
                f"\th={':'.join(names)};\r\n\tb=")
    h = ":".join(n.lower() for n in names)
    return (f" v=1; a={signer.algorithm}; c={signer.canon}; d={signer.domain};\r\n"
            f"\th={h};\r\n\ts={signer.selector}; t={t}; bh={bh};\r\n\tb=")


def _sign_digest(signer: Signer, hasher: hashlib._Hash) -> bytes:
    data = (KEYS / signer.key).read_bytes()
    if signer.algorithm == "ed25519-sha256":  # RFC 8463 §3: Ed25519 over the SHA-256 digest
        return nacl.signing.SigningKey(base64.b64decode(data)).sign(hasher.digest()).signature
    return bytes(RSASSA_PKCS1_v1_5_sign(hasher, parse_pem_private_key(data)))


def sign(message: bytes, signer: Signer, when: datetime) -> tuple[bytes, str]:
    """Prepend a DKIM-Signature (RFC 6376 §5); also return Gmail's header.b for it.

    header.b is the first 8 characters of b=, quoted when they hold a '/' (RECEIVERS.md §1.4).
    """
    headers, body = dkim.rfc822_parse(message)
    policy = dkim.CanonicalizationPolicy.from_c_value(signer.canon.encode())
    hashfn = hashlib.sha1 if signer.algorithm == "rsa-sha1" else hashlib.sha256
    canonical = policy.canonicalize_body(body)
    bh = base64.b64encode(hashfn(canonical).digest()).decode()
    wanted = set(OPENDKIM_SIGNS) | set(signer.extra_headers)
    names = [n.decode() for n, _ in headers if n.decode().lower() in wanted] + ["From"]
    value = _layout(signer, names, int(when.timestamp()), bh, len(canonical))
    hasher = hashfn()
    dkim.hash_headers(hasher, policy, policy.canonicalize_headers(headers),
                      [n.lower().encode() for n in names],
                      (b"DKIM-Signature", value.encode() + b"\r\n"), {})
    b = base64.b64encode(_sign_digest(signer, hasher)).decode()
    prefix = f'"{b[:8]}"' if "/" in b[:8] else b[:8]
    return f"DKIM-Signature:{value}{_fold_b(b)}\r\n".encode() + message, prefix


@dataclass(frozen=True)
class Hop:
    """The connection the receiver saw."""

    helo: str
    ptr: str
    ip: str
    mail_from: str
    rcpt: str
    at: datetime
    smtp_id: str


def gmail_block(hop: Hop, results: list[str], internal: tuple[str, str]) -> bytes:
    """The headers Gmail prepends, top to bottom (RECEIVERS.md §1.1, §1.3, §1.4)."""
    when = rfc2822(hop.at.astimezone(PDT), zone_name=True)
    stamp = hop.at.astimezone(PDT).strftime("%Y.%m.%d.%H.%M.%S")
    spf = (f"pass (google.com: domain of {hop.mail_from.lower()} designates {hop.ip} "
           "as permitted sender)")
    lines = [
        f"Delivered-To: {hop.rcpt}",
        f"Received: by 2002:a05:7300:{internal[0]} with SMTP id {internal[1]};",
        f"        {when}",
        f"Return-Path: <{hop.mail_from}>",
        f"Received: from {hop.helo} ({hop.ptr}. [{hop.ip}])",
        f"        by mx.google.com with ESMTPS id {hop.smtp_id}.{stamp}",
        f"        for <{hop.rcpt}>",
        "        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);",
        f"        {when}",
        f"Received-SPF: {spf} client-ip={hop.ip};",
        "Authentication-Results: mx.google.com;",
    ]
    body = [f"       {r}" for r in results]
    lines += [line + ";" for line in body[:-1]] + body[-1:]
    return crlf("\n".join(lines) + "\n")


def yahoo_block(hop: Hop, results: list[str]) -> bytes:
    """The headers Yahoo prepends (RECEIVERS.md §2.1): one-space resinfos, each ending ';'."""
    at = hop.at.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    domain = hop.mail_from.rsplit("@", 1)[1]
    server = "atlas212.free.mail.gq1.yahoo.com"
    lines = [
        "Received: from 10.217.151.76",
        f" by {server} with HTTPS; {at}",
        f"Return-Path: <{hop.mail_from}>",
        f"X-Originating-Ip: [{hop.ip}]",
        f"Received-SPF: pass (domain of {domain} designates {hop.ip} as permitted sender)",
        f"Authentication-Results: {server};",
        *[f" {r};" for r in results],
        f"X-Apparently-To: {hop.rcpt}; {at}",
        f"Received: from {hop.ip} (EHLO {hop.helo})",
        " by 10.217.151.76 with SMTPs",
        " (version=TLS1_3 cipher=TLS_AES_128_GCM_SHA256);",
        f" {at}",
    ]
    return crlf("\n".join(lines) + "\n")



def b64_body(text: str) -> str:
    """UTF-8 text as a base64 body wrapped at 76 columns (RFC 2045 §6.8)."""
    return "\n".join(textwrap.wrap(base64.b64encode(text.encode()).decode(), 76)) + "\n"


def postfix_received(client: str, ip: str, user: str, host: str, qid: str, rcpt: str,
                     at: datetime) -> str:
    """The Received line the sender's own Postfix writes for an authenticated submission."""
    return (f"Received: from [{client}] (unknown [{ip}])\n"
            f"\t(Authenticated sender: {user})\n\tby {host} (Postfix) with ESMTPSA id {qid}\n"
            f"\tfor <{rcpt}>; {rfc2822(at, zone_name=True)}\n")


EXAMPLE_JP = Signer("example.jp", "master", "example.jp.master.private")
EXAMPLE_NET = Signer("example.net", "master", "example.net.master.private")
EXAMPLE_COM = Signer("example.com", "master", "example.com.master.private")
ESP = Signer("esp.example", "esp2026", "esp.example.esp2026-old.private", canon="relaxed/relaxed",
             style="esp", extra_headers=("message-id", "mime-version", "content-type",
                                         "x-feedback-id"))
EXAMPLE_ORG_RSA = Signer("example.org", "master", "example.org.master.private")
EXAMPLE_ORG_ED = Signer("example.org", "ed", "example.org.ed.seed", algorithm="ed25519-sha256")



def mime_word(text: str) -> str:
    """An RFC 2047 encoded-word, as Thunderbird writes non-ASCII header text."""
    return f"=?UTF-8?B?{base64.b64encode(text.encode()).decode()}?="


SUBJECT_REPORT = mime_word("10月の月次報告")
YAMADA = mime_word("山田 太郎")
JP_TEXT = ("田中様\n\nお世話になっております。山田です。\n10月の月次報告をお送りします。\n"
           "ご確認のほど、よろしくお願いいたします。\n\n-- \n山田 太郎 / 株式会社エグザンプル\n")


def _jp_message(sender: str, name: str, rcpt: str, at: datetime, msgid: str, subject: str,
                body: str, qid: str) -> bytes:
    return crlf(
        postfix_received("192.168.10.24", "198.51.100.200", sender, "mail.example.jp", qid, rcpt,
                         at)
        + f"Message-ID: <{msgid}@example.jp>\nDate: {rfc2822(at)}\nMIME-Version: 1.0\n"
        "User-Agent: Mozilla Thunderbird\nContent-Language: ja\n"
        f"To: {rcpt}\nFrom: {name} <{sender}>\nSubject: {subject}\n"
        "Content-Type: text/plain; charset=UTF-8; format=flowed\n"
        "Content-Transfer-Encoding: base64\n\n" + body
    )


def gmail_pass() -> bytes:
    """example.jp via its own Postfix + OpenDKIM: everything passes."""
    at = datetime(2026, 10, 27, 9, 15, 2, tzinfo=JST)
    rcpt = "k.tanaka.example@gmail.com"
    msg = _jp_message("taro.yamada@example.jp", YAMADA, rcpt, at,
                      "8f1c2a4e-3b7d-4c19-9e02-6a5d1f0b7c31", SUBJECT_REPORT, b64_body(JP_TEXT),
                      "4Y2kQm0x7Fz3")
    signed, hb = sign(msg, EXAMPLE_JP, at)
    hop = Hop("mail.example.jp", "mail.example.jp", "192.0.2.25", "taro.yamada@example.jp", rcpt,
              at + timedelta(seconds=2), "d9443c01a7336-2a1b3c4d5e6si1234567.81")
    return gmail_block(hop, [
        f"dkim=pass header.i=@example.jp header.s=master header.b={hb}",
        "spf=pass (google.com: domain of taro.yamada@example.jp designates 192.0.2.25 as "
        "permitted sender) smtp.mailfrom=taro.yamada@example.jp",
        "dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.jp",
    ], ("6d83:b0:15f:8ee3:9ecb", "t10csp2291034dyo")) + signed


DISCLAIMER = ("\nThis e-mail and any attachments are confidential and intended solely for the\n"
              "addressee. If you received it in error, please delete it and notify the sender.\n")


def gmail_body_modified() -> bytes:
    """An outbound gateway appends a disclaimer after OpenDKIM signed: body hash breaks."""
    at = datetime(2026, 10, 27, 10, 2, 41, tzinfo=JST)
    rcpt = "k.tanaka.example@gmail.com"
    text = ("Tanaka-san,\n\nPlease find the meeting notes below.\n\n- Q4 budget approved\n"
            "- Next review: 2026-11-10\n\nBest regards,\nHanako Suzuki\n")
    msg = _jp_message("hanako.suzuki@example.jp", "Hanako Suzuki", rcpt, at,
                      "c2e8d0b4-51f6-4a7e-8d3c-0f9a2b6e4d17", "Meeting notes 10/27", text,
                      "4Y2mLh3qVbz9").replace(b"Content-Transfer-Encoding: base64",
                                               b"Content-Transfer-Encoding: 7bit")
    signed, hb = sign(msg, EXAMPLE_JP, at)
    signed += crlf(DISCLAIMER)
    hop = Hop("mail.example.jp", "mail.example.jp", "192.0.2.25", "hanako.suzuki@example.jp",
              rcpt, at + timedelta(seconds=3), "d9443c01a7336-2a1b3c4d5e6si1234568.92")
    return gmail_block(hop, [
        f"dkim=neutral (body hash did not verify) header.i=@example.jp header.s=master "
        f"header.b={hb}",
        "spf=pass (google.com: domain of hanako.suzuki@example.jp designates 192.0.2.25 as "
        "permitted sender) smtp.mailfrom=hanako.suzuki@example.jp",
        "dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.jp",
    ], ("6d83:b0:15f:8ee3:9ecb", "t10csp2298817dyo")) + signed


def gmail_key_missing() -> bytes:
    """example.net signs with selector master but published its key as default."""
    at = datetime(2026, 10, 27, 11, 20, 9, tzinfo=JST)
    rcpt = "k.tanaka.example@gmail.com"
    msg = crlf(
        "Received: from app01.internal.example.net (app01.internal.example.net [10.0.8.21])\n"
        "\tby mx1.example.net (Postfix) with ESMTP id 4Y2pWc1RkKz7\n"
        f"\tfor <{rcpt}>; {rfc2822(at, zone_name=True)}\n"
        f"Date: {rfc2822(at)}\nFrom: Example Net Support <support@example.net>\n"
        f"To: {rcpt}\nSubject: Your support ticket #48213 has been updated\n"
        "Message-ID: <ticket-48213-3@support.example.net>\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n\n"
        "Hello,\n\nYour ticket #48213 \"VPN disconnects every hour\" has a new reply:\n\n"
        "  Please update the client to 5.2.1 and let us know if it still happens.\n\n"
        "Reply to this e-mail to add a comment.\n\n-- \nExample Net Support\n"
    )
    signed, hb = sign(msg, EXAMPLE_NET, at)
    hop = Hop("mx1.example.net", "mx1.example.net", "198.51.100.10", "support@example.net", rcpt,
              at + timedelta(seconds=1), "af79cd13be357-7c5a1b2d3e4si2345678.13")
    return gmail_block(hop, [
        f"dkim=permerror (no key for signature) header.i=@example.net header.s=master "
        f"header.b={hb}",
        "spf=pass (google.com: domain of support@example.net designates 198.51.100.10 as "
        "permitted sender) smtp.mailfrom=support@example.net",
        "dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=example.net",
    ], ("6d83:b0:15f:8ee3:9ecb", "t10csp2306120dyo")) + signed


def gmail_esp() -> bytes:
    """A newsletter sent through an ESP: the author's signature passes, the ESP's fails.

    The ESP still signs with its previous key while DNS already publishes the new one.
    """
    at = datetime(2026, 10, 27, 12, 0, 0, tzinfo=JST)
    rcpt = "k.tanaka.example@gmail.com"
    bounce = "bounce-8c41f2a7@mail.esp.example"
    msg = crlf(
        f"Date: {rfc2822(at)}\nFrom: Example Shop <news@example.com>\n"
        "Reply-To: support@example.com\n"
        f"To: {rcpt}\nSubject: Autumn sale: 20% off until November 3\n"
        "Message-ID: <20261027030000.8c41f2a7.41@mail.esp.example>\n"
        "List-Unsubscribe: <https://esp.example/u/8c41f2a7>, <mailto:unsub-8c41f2a7@esp.example>\n"
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n"
        "X-Feedback-ID: 41:8c41f2a7:newsletter:esp.example\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 7bit\n\n"
        "Autumn sale at Example Shop\n===========================\n\n"
        "Everything is 20% off until November 3. Use code AUTUMN26 at checkout.\n\n"
        "Shop now: https://shop.example.com/sale\n\n"
        "You receive this because you subscribed at shop.example.com.\n"
        "Unsubscribe: https://esp.example/u/8c41f2a7\n"
    )
    esp_signed, esp_b = sign(msg, ESP, at)
    signed, hb = sign(esp_signed, EXAMPLE_COM, at)
    hop = Hop("o45.mta.esp.example", "o45.mta.esp.example", "203.0.113.45", bounce, rcpt,
              at + timedelta(seconds=4), "6a1803df08f44-6f2c3d4e5f6si3456789.24")
    return gmail_block(hop, [
        f"dkim=pass header.i=@example.com header.s=master header.b={hb}",
        f"dkim=fail header.i=@esp.example header.s=esp2026 header.b={esp_b}",
        f"spf=pass (google.com: domain of {bounce} designates 203.0.113.45 as permitted "
        f"sender) smtp.mailfrom={bounce}",
        "dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=example.com",
    ], ("6d83:b0:15f:8ee3:9ecb", "t10csp2310044dyo")) + signed


def gmail_ed25519() -> bytes:
    """example.org signs twice, Ed25519 and RSA (RFC 8463 §5), and sends over IPv6."""
    at = datetime(2026, 10, 27, 13, 30, 15, tzinfo=JST)
    rcpt = "k.tanaka.example@gmail.com"
    msg = crlf(
        "Received: from [192.168.1.7] (unknown [198.51.100.201])\n"
        "\t(Authenticated sender: ops@example.org)\n"
        "\tby mx.example.org (Postfix) with ESMTPSA id 4Y2sFv6NnLz1\n"
        f"\tfor <{rcpt}>; {rfc2822(at, zone_name=True)}\n"
        f"Message-ID: <0b9e6f2d-7a41-4c85-b3e0-5d2c8a1f9e64@example.org>\nDate: {rfc2822(at)}\n"
        "MIME-Version: 1.0\nUser-Agent: Mozilla Thunderbird\n"
        f"From: Example Org Operations <ops@example.org>\nTo: {rcpt}\n"
        "Subject: Maintenance window on 2026-11-05 (02:00-04:00 UTC)\n"
        "Content-Type: text/plain; charset=UTF-8; format=flowed\n"
        "Content-Transfer-Encoding: 7bit\n\n"
        "Hello,\n\nThe mail cluster will be upgraded on 2026-11-05 between 02:00 and\n"
        "04:00 UTC. Delivery may be delayed by a few minutes; nothing will be lost.\n\n"
        "-- \nExample Org Operations\n"
    )
    rsa_signed, rsa_b = sign(msg, EXAMPLE_ORG_RSA, at)
    signed, ed_b = sign(rsa_signed, EXAMPLE_ORG_ED, at)
    hop = Hop("mx.example.org", "mx.example.org", "2001:db8::25", "ops@example.org", rcpt,
              at + timedelta(seconds=2), "5b1f17b1804b1-4a2b3c4d5e6si4567890.35")
    return gmail_block(hop, [
        f"dkim=pass header.i=@example.org header.s=ed header.b={ed_b}",
        f"dkim=pass header.i=@example.org header.s=master header.b={rsa_b}",
        "spf=pass (google.com: domain of ops@example.org designates 2001:db8::25 as permitted "
        "sender) smtp.mailfrom=ops@example.org",
        "dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.org",
    ], ("6d83:b0:15f:8ee3:9ecb", "t10csp2317208dyo")) + signed


def yahoo_pass() -> bytes:
    """example.jp to a Yahoo mailbox: Yahoo's own header layout."""
    at = datetime(2026, 10, 27, 14, 45, 30, tzinfo=JST)
    rcpt = "tanaka.k.example@yahoo.com"
    text = JP_TEXT.replace("10月の月次報告をお送りします。", "来週の打ち合わせの件でご連絡いたしました。")
    msg = _jp_message("taro.yamada@example.jp", YAMADA, rcpt, at,
                      "5d7a9c3e-2f18-4b6d-a0e4-91c7b3f2d856",
                      mime_word("打ち合わせのご相談"), b64_body(text),
                      "4Y2vTn8HcQz5")
    signed, _ = sign(msg, EXAMPLE_JP, at)
    hop = Hop("mail.example.jp", "mail.example.jp", "192.0.2.25", "taro.yamada@example.jp", rcpt,
              at + timedelta(seconds=2), "")
    return yahoo_block(hop, [
        "dkim=pass header.i=@example.jp header.s=master",
        "spf=pass smtp.mailfrom=example.jp",
        "dmarc=pass(p=REJECT) header.from=example.jp",
    ]) + signed


SAMPLES: dict[str, Callable[[], bytes]] = {
    "01-gmail-pass.eml": gmail_pass,
    "02-gmail-body-modified.eml": gmail_body_modified,
    "03-gmail-key-missing.eml": gmail_key_missing,
    "04-gmail-esp-fail-author-pass.eml": gmail_esp,
    "05-gmail-ed25519-rsa.eml": gmail_ed25519,
    "06-yahoo-pass.eml": yahoo_pass,
}


def rsa_public(key_file: str) -> str:
    """The base64 SubjectPublicKeyInfo of a private key file (what opendkim-genkey prints)."""
    from cryptography.hazmat.primitives import serialization

    private = serialization.load_pem_private_key((KEYS / key_file).read_bytes(), None)
    der = private.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


def genkey_txt(selector: str, domain: str, key_file: str) -> str:
    """A key record laid out as opendkim-genkey writes it (the p= value split at 255)."""
    p = "p=" + rsa_public(key_file)
    return (f'{selector}._domainkey\tIN\tTXT\t( "v=DKIM1; h=sha256; k=rsa; "\n'
            f'\t  "{p[:255]}"\n\t  "{p[255:]}" )  ; ----- DKIM key {selector} for {domain}\n')


def ed25519_txt(selector: str, key_file: str) -> str:
    """An Ed25519 key record (RFC 8463 §4.2): the raw 32-byte public key in base64."""
    seed = base64.b64decode((KEYS / key_file).read_bytes())
    public = base64.b64encode(bytes(nacl.signing.SigningKey(seed).verify_key)).decode()
    return f'{selector}._domainkey\tIN\tTXT\t"v=DKIM1; k=ed25519; p={public}"\n'


def soa(zone: str) -> str:
    """$ORIGIN, SOA and NS for one zone."""
    return (f"\n$ORIGIN {zone}.\n@\tIN\tSOA\tns1.{zone}. hostmaster.{zone}. "
            "( 2026102701 3600 900 1209600 300 )\n"
            f"@\tIN\tNS\tns1.{zone}.\nns1\tIN\tA\t192.0.2.53\n")


def reverse_soa(zone: str) -> str:
    """$ORIGIN, SOA and NS for a reverse zone."""
    return (f"\n$ORIGIN {zone}.\n@\tIN\tSOA\tns1.example.jp. hostmaster.example.jp. "
            "( 2026102701 3600 900 1209600 300 )\n@\tIN\tNS\tns1.example.jp.\n")


def zone_file() -> str:
    """samples/dns.zone: every name the samples need, as of 2026-10-27."""
    return "".join([
        "; DNS snapshot for samples/*.eml, written by samples/make_samples.py.\n"
        "; Several zones in one RFC 1035 master file; served as is by the NSD tests.\n"
        "$TTL 3600\n",
        soa("example.jp"),
        "@\tIN\tMX\t10 mail.example.jp.\n@\tIN\tTXT\t\"v=spf1 mx -all\"\n"
        "mail\tIN\tA\t192.0.2.25\n"
        "_dmarc\tIN\tTXT\t\"v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.jp\"\n",
        genkey_txt("master", "example.jp", EXAMPLE_JP.key),
        soa("example.net"),
        "@\tIN\tMX\t10 mx1.example.net.\n@\tIN\tTXT\t\"v=spf1 mx -all\"\n"
        "mx1\tIN\tA\t198.51.100.10\n"
        "_dmarc\tIN\tTXT\t\"v=DMARC1; p=quarantine; rua=mailto:dmarc@example.net\"\n"
        "; the key is published as \"default\" while the mail server signs with \"master\"\n",
        genkey_txt("default", "example.net", EXAMPLE_NET.key),
        soa("example.com"),
        "@\tIN\tMX\t10 mail.example.com.\n"
        "@\tIN\tTXT\t\"v=spf1 mx include:_spf.esp.example -all\"\n"
        "mail\tIN\tA\t192.0.2.80\n"
        "_dmarc\tIN\tTXT\t\"v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com\"\n",
        genkey_txt("master", "example.com", EXAMPLE_COM.key),
        soa("esp.example"),
        "@\tIN\tMX\t10 mx.esp.example.\nmx\tIN\tA\t203.0.113.10\n"
        "@\tIN\tTXT\t\"v=spf1 include:_spf.esp.example -all\"\n"
        "_spf\tIN\tTXT\t\"v=spf1 ip4:203.0.113.0/25 ip6:2001:db8:e5::/48 -all\"\n"
        "mail\tIN\tMX\t10 mx.esp.example.\n"
        "mail\tIN\tTXT\t\"v=spf1 include:_spf.esp.example -all\"\n"
        "o45.mta\tIN\tA\t203.0.113.45\n"
        "_dmarc\tIN\tTXT\t\"v=DMARC1; p=none; rua=mailto:dmarc@esp.example\"\n"
        "; rotated to a new key; the MTAs still sign with the old one\n",
        genkey_txt("esp2026", "esp.example", "esp.example.esp2026.private"),
        soa("example.org"),
        "@\tIN\tMX\t10 mx.example.org.\n@\tIN\tTXT\t\"v=spf1 mx -all\"\n"
        "mx\tIN\tAAAA\t2001:db8::25\n"
        "_dmarc\tIN\tTXT\t\"v=DMARC1; p=reject; rua=mailto:dmarc@example.org\"\n",
        genkey_txt("master", "example.org", EXAMPLE_ORG_RSA.key),
        ed25519_txt("ed", EXAMPLE_ORG_ED.key),
        reverse_soa("2.0.192.in-addr.arpa"),
        "25\tIN\tPTR\tmail.example.jp.\n80\tIN\tPTR\tmail.example.com.\n",
        reverse_soa("100.51.198.in-addr.arpa"),
        "10\tIN\tPTR\tmx1.example.net.\n",
        reverse_soa("113.0.203.in-addr.arpa"),
        "10\tIN\tPTR\tmx.esp.example.\n45\tIN\tPTR\to45.mta.esp.example.\n",
        reverse_soa("8.b.d.0.1.0.0.2.ip6.arpa"),
        "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0\tIN\tPTR\tmx.example.org.\n",
    ])


def main() -> int:
    """Write every sample and samples/dns.zone."""
    for name, build in SAMPLES.items():
        (HERE / name).write_bytes(build().replace(b"\r\n", b"\n"))
    (HERE / "dns.zone").write_text(zone_file())
    print(f"wrote {len(SAMPLES)} messages and dns.zone in {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
