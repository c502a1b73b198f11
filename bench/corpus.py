"""A seeded, reproducible benchmark corpus: signed messages plus their DNS snapshot.

Writes ``<out>/messages/NNNNN.eml``, ``<out>/meta.jsonl`` (client IP, HELO, MAIL FROM per message),
``<out>/dns.zone`` (RFC 1035, for headercheck) and ``<out>/dns.json`` (the same answers in
mailauth's ``--dns-cache`` shape). Same (n, seed) gives the same bytes.
"""

from __future__ import annotations

import base64
import json
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dkim
from keys import Key, ed25519_key, rsa_key
from snapshot import Snapshot

FORMAT = 4  # bump when the generator changes, so cached corpora are rebuilt
SIGN_TIME = 1793491200  # 2026-11-01T00:00:00Z: t= of every signature
WORDS = (
    "invoice shipment account update meeting schedule report quarterly review order delivery "
    "payment confirm reminder newsletter offer support ticket project status weekly summary team "
    "password security notice event webinar agenda minutes draft final approval contract"
).split()
SIGNED = [b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type"]


@dataclass
class World:
    """Domains, keys and the DNS snapshot shared by every message."""

    seed: int
    senders: list[str]
    esps: list[str]
    forwarder: str = "lists.forward.example"
    rsa: list[Key] = field(default_factory=list)
    ed: list[Key] = field(default_factory=list)
    dns: Snapshot = field(default_factory=Snapshot)


@contextmanager
def _fixed_clock(when: int) -> Iterator[None]:
    """dkimpy stamps t= from time.time(); pin it so signatures are reproducible."""
    real = dkim.time

    class _Clock:
        @staticmethod
        def time() -> float:
            return float(when)

    dkim.time = _Clock  # type: ignore[assignment]
    try:
        yield
    finally:
        dkim.time = real


def make_world(seed: int) -> World:
    """Keys and DNS records for 24 sender domains, 3 ESPs and one ARC-sealing forwarder.

    Client addresses come from 11.0.0.0/8: global to Python's ``ipaddress`` (documentation and
    benchmark ranges count as private, and checkers skip work for private clients); only the
    offline snapshot ever answers for them.
    """
    w = World(seed, [f"sender{i}.example" for i in range(24)], [f"esp{j}.example" for j in range(3)])
    w.rsa = [rsa_key(f"{seed}:rsa:{i}") for i in range(6)]
    w.ed = [ed25519_key(f"{seed}:ed:{i}") for i in range(3)]
    for j, esp in enumerate(w.esps):
        w.dns.txt(f"_spf.{esp}", f"v=spf1 ip4:11.19.{j}.0/24 ~all")
        w.dns.txt(esp, f"v=spf1 include:_spf.{esp} -all")
        w.dns.txt(f"bounce.{esp}", f"v=spf1 include:_spf.{esp} -all")
        w.dns.txt(f"_dmarc.{esp}", "v=DMARC1; p=none; rua=mailto:dmarc@" + esp)
        w.dns.txt(f"esp._domainkey.{esp}", *w.rsa[j % len(w.rsa)].txt())
        w.dns.a(f"out.{esp}", f"11.19.{j}.1")
        w.dns.txt(f"out.{esp}", f"v=spf1 ip4:11.19.{j}.0/24 -all")
    for k, s in enumerate(w.senders):
        esp = w.esps[k % len(w.esps)]
        w.dns.txt(s, f"v=spf1 mx a:mail.{s} ip4:11.18.{k}.0/24 include:_spf.{esp} -all")
        w.dns.mx(s, f"mx.{s}", 10)
        w.dns.a(f"mx.{s}", f"11.18.{k}.250")
        w.dns.a(f"mail.{s}", f"11.18.{k}.1")
        w.dns.txt(f"mail.{s}", f"v=spf1 ip4:11.18.{k}.0/24 -all")
        policy = ("reject", "quarantine", "none")[k % 3]
        align = "; adkim=s" if k % 7 == 3 else ""
        w.dns.txt(f"_dmarc.{s}", f"v=DMARC1; p={policy}; sp={policy}{align}; rua=mailto:d@{s}")
        w.dns.txt(f"sel{k % 6}._domainkey.{s}", *w.rsa[k % len(w.rsa)].txt())
        w.dns.txt(f"ed{k % 3}._domainkey.{s}", *w.ed[k % len(w.ed)].txt())
    w.dns.txt(w.forwarder, "v=spf1 ip4:11.19.200.0/24 -all")
    w.dns.txt(f"arc._domainkey.{w.forwarder}", *w.rsa[5].txt())
    w.dns.a(f"mail.{w.forwarder}", "11.19.200.7")
    w.dns.txt(f"mail.{w.forwarder}", "v=spf1 ip4:11.19.200.0/24 -all")
    return w


def _text(rng: random.Random, size: int) -> bytes:
    """Prose lines, some with trailing or repeated whitespace (relaxed canonicalisation work)."""
    lines, total = [], 0
    while total < size:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))
        if rng.random() < 0.15:
            words = words.replace(" ", "  ", 1) + rng.choice([" ", "\t", "  "])
        line = words.encode()
        lines.append(line)
        total += len(line) + 2
    return b"\r\n".join(lines) + b"\r\n"


def _body(rng: random.Random, size: int) -> tuple[bytes, bytes]:
    """(Content-Type value, body) of about size bytes; big ones carry a base64 attachment."""
    if size < 6000:
        return b"text/plain; charset=utf-8", _text(rng, size)
    boundary = f"b{rng.getrandbits(48):012x}".encode()
    text = _text(rng, min(size // 4, 4000))
    blob = base64.encodebytes(rng.randbytes(max(size - len(text) - 400, 100) * 3 // 4))
    blob = blob.replace(b"\n", b"\r\n")
    parts = [
        b"--" + boundary + b"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text,
        b"--" + boundary + b"\r\nContent-Type: application/pdf; name=\"report.pdf\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n"
        b"Content-Disposition: attachment; filename=\"report.pdf\"\r\n\r\n" + blob,
        b"--" + boundary + b"--\r\n",
    ]
    return b"multipart/mixed; boundary=\"" + boundary + b"\"", b"".join(parts)


@dataclass(frozen=True)
class Envelope:
    """What the receiving MTA saw: client IP, HELO name, MAIL FROM."""

    ip: str
    helo: str
    mail_from: str


def _sign(msg: bytes, key: Key, selector: str, domain: str, canon: tuple[bytes, bytes]) -> bytes:
    with _fixed_clock(SIGN_TIME):
        return bytes(dkim.sign(
            msg, selector.encode(), domain.encode(), key.private, canonicalize=canon,
            signature_algorithm=key.algorithm, include_headers=SIGNED,
        ))


def _headers(rng: random.Random, i: int, from_addr: str, ctype: bytes) -> bytes:
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(SIGN_TIME + 60 * i))
    subject = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 7))).capitalize()
    lines = [
        f"From: \"{subject.split()[0]} Team\" <{from_addr}>",
        f"To: user{rng.randint(1, 999)}@receiver.example",
        f"Subject: {subject}",
        f"Date: {date}",
        f"Message-ID: <{rng.getrandbits(64):016x}.{i}@{from_addr.split('@')[1]}>",
        "MIME-Version: 1.0",
    ]
    return ("\r\n".join(lines) + "\r\n").encode() + b"Content-Type: " + ctype + b"\r\n"


def _received(rng: random.Random, i: int, by: str, frm: str, ip: str, helo: str) -> bytes:
    when = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(SIGN_TIME + 60 * i + 5))
    return (f"Received: from {helo} ({frm} [{ip}])\r\n\tby {by} with ESMTPS id "
            f"{rng.getrandbits(40):010x}\r\n\tfor <user@receiver.example>; {when}\r\n").encode()


def make_message(w: World, i: int) -> tuple[bytes, Envelope]:
    """Message i: 1-3 DKIM signatures, maybe an ARC set, a Received chain, Return-Path."""
    rng = random.Random(f"{w.seed}:msg:{i}")
    k = rng.randrange(len(w.senders))
    s, esp = w.senders[k], w.esps[k % len(w.esps)]
    from_dom = s if rng.random() < 0.8 else f"news.{s}"
    size = int(1024 * 200 ** rng.random())  # log-uniform, 1 KB to 200 KB
    ctype, body = _body(rng, size)
    msg = _headers(rng, i, f"info@{from_dom}", ctype) + b"\r\n" + body
    via_esp = rng.random() < 0.4
    c1 = (b"relaxed", b"relaxed") if rng.random() < 0.6 else (b"relaxed", b"simple")
    selector = f"sel{k % 6}" if rng.random() > 0.01 else "missing"
    sigs = [_sign(msg, w.rsa[k % 6], selector, s, c1)]
    if via_esp or rng.random() < 0.3:
        sigs.append(_sign(msg, w.rsa[k % len(w.esps)], "esp", esp, (b"relaxed", b"simple")))
    if rng.random() < 0.25:
        sigs.append(_sign(msg, w.ed[k % 3], f"ed{k % 3}", s, (b"relaxed", b"relaxed")))
    msg = b"".join(reversed(sigs)) + msg
    if via_esp:
        env = Envelope(f"11.19.{k % len(w.esps)}.{rng.randint(2, 254)}", f"out.{esp}",
                       f"b{i}@bounce.{esp}")
    else:
        env = Envelope(f"11.18.{k}.{rng.randint(2, 200)}", f"mail.{s}", f"bounce@{s}")
    w.dns.ptr(env.ip, f"o{env.ip.replace('.', '-')}.{env.helo.split('.', 1)[1]}")
    for hop in range(rng.randint(0, 2)):
        msg = _received(rng, i, f"relay{hop}.{s}", "internal", f"10.0.{hop}.{k}", f"app{hop}") + msg
    if rng.random() < 0.15:
        msg, env = _forward(w, rng, i, msg, env)
    if rng.random() < 0.02:
        msg = msg[:-40] + b"tampered after signing\r\n"
    top = _received(rng, i, "mx.receiver.example", env.helo, env.ip, env.helo)
    return b"Return-Path: <" + env.mail_from.encode() + b">\r\n" + top + msg, env


def _forward(w: World, rng: random.Random, i: int, msg: bytes, env: Envelope) -> tuple[bytes, Envelope]:
    """A mailing list received it (SPF, DKIM pass) and sealed an ARC set (RFC 8617 §5.1)."""
    top = _received(rng, i, f"mail.{w.forwarder}", env.helo, env.ip, env.helo)
    ar = (f"Authentication-Results: {w.forwarder}; dkim=pass header.d={env.helo.split('.', 1)[1]}; "
          f"spf=pass smtp.mailfrom={env.mail_from}\r\n").encode()
    msg = ar + top + msg
    with _fixed_clock(SIGN_TIME):
        arc = dkim.arc_sign(msg, b"arc", w.forwarder.encode(), w.rsa[5].private,
                            w.forwarder.encode(), timestamp=SIGN_TIME + 60 * i + 6)
    fwd = Envelope(f"11.19.200.{rng.randint(2, 250)}", f"mail.{w.forwarder}",
                   f"srs0+{i}@{w.forwarder}")
    w.dns.ptr(fwd.ip, f"o{fwd.ip.replace('.', '-')}.{w.forwarder}")
    return b"".join(arc) + msg, fwd


def generate(out: Path, n: int, seed: int) -> Path:
    """Build (or reuse) the corpus for (n, seed) under out; return its folder."""
    folder = out / f"corpus-n{n}-s{seed}-f{FORMAT}"
    if (folder / "done").exists():
        return folder
    (folder / "messages").mkdir(parents=True, exist_ok=True)
    w = make_world(seed)
    with open(folder / "meta.jsonl", "w") as meta:
        for i in range(n):
            raw, env = make_message(w, i)
            (folder / "messages" / f"{i:05d}.eml").write_bytes(raw)
            meta.write(json.dumps({"file": f"{i:05d}.eml", "ip": env.ip, "helo": env.helo,
                                   "mail_from": env.mail_from}) + "\n")
    w.dns.write_zone(folder / "dns.zone")
    w.dns.write_cassette(folder / "dns.json")
    (folder / "done").write_text("ok\n")
    return folder
