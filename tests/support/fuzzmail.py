"""Hostile and near-valid messages for fuzzing check(), and the offline DNS they are judged with.

The base messages are really signed (DKIM, ARC) with a key published in ``FUZZ_DNS``, so
mutations reach deep into the mechanisms instead of stopping at "no key".
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import threading
import time
import zlib
from collections.abc import Callable
from functools import cache
from typing import Any

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import headercheck
from headercheck.dns import MX, Answer, Status, failure

NOW = float(int(time.time()) + 3600)  # dkimpy signs with the wall clock: judge just after
CLIENT_IP = "192.0.2.25"
HANG_SECONDS = 120.0  # per example: a hang, never a performance bound

settings.register_profile(
    "ci", max_examples=int(os.environ.get("HEADERCHECK_FUZZ_EXAMPLES", "120")), deadline=None,
    derandomize=True, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)
settings.register_profile(
    "deep", max_examples=int(os.environ.get("HEADERCHECK_FUZZ_EXAMPLES", "3000")), deadline=None,
    database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)
FUZZ = settings.get_profile(os.environ.get("HEADERCHECK_FUZZ_PROFILE", "ci"))


@cache
def _key() -> tuple[bytes, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    der = key.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem, base64.b64encode(der).decode()


def fuzz_dns() -> dict[str, Any]:
    """Cassette data: the signing key, SPF, DMARC and reverse DNS for the fuzz domains."""
    _, pub = _key()
    return {
        "sel._domainkey.fuzz.example": {"TXT": [["v=DKIM1; k=rsa; p=", pub]]},
        "arc._domainkey.relay.example": {"TXT": [["v=DKIM1; k=rsa; p=" + pub]]},
        "fuzz.example": {"TXT": [["v=spf1 ip4:192.0.2.0/24 include:_spf.fuzz.example -all"]],
                         "MX": [{"exchange": "mx.fuzz.example", "priority": 10}]},
        "_spf.fuzz.example": {"TXT": [["v=spf1 a mx ptr exists:%{i}.e.fuzz.example ~all"]]},
        "mx.fuzz.example": {"A": ["192.0.2.25"]},
        "_dmarc.fuzz.example": {"TXT": [["v=DMARC1; p=reject; adkim=s; aspf=r; pct=100"]]},
        "_dmarc.relay.example": {"TXT": [["v=DMARC1; p=none"]]},
        "25.2.0.192.in-addr.arpa": {"PTR": ["mx.fuzz.example"]},
        "mx.relay.example": {"A": ["192.0.2.25"]},
    }


HEAD = (
    b"Received: from mx.fuzz.example (mx.fuzz.example [192.0.2.25])\r\n"
    b"\tby mx.google.com with ESMTPS id x1si123; Tue, 01 Sep 2026 00:00:00 -0700 (PDT)\r\n"
    b"Received-SPF: pass (google.com: domain of a@fuzz.example designates 192.0.2.25 as "
    b"permitted sender) client-ip=192.0.2.25;\r\n"
    b"Authentication-Results: mx.google.com;\r\n"
    b"       dkim=pass header.i=@fuzz.example header.s=sel header.b=abcdefgh;\r\n"
    b"       spf=pass (google.com: domain of a@fuzz.example designates 192.0.2.25 as permitted "
    b"sender) smtp.mailfrom=a@fuzz.example;\r\n"
    b"       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=fuzz.example\r\n"
    b"Return-Path: <a@fuzz.example>\r\n"
)
CORE = (
    b"From: Alice <a@fuzz.example>\r\nTo: b@dest.example\r\nSubject: hello\r\n"
    b"Date: Tue, 01 Sep 2026 07:00:00 +0000\r\nMessage-ID: <1@fuzz.example>\r\n"
    b"MIME-Version: 1.0\r\n"
)


def sign(msg: bytes, *, length: bool = False, canon: tuple[bytes, bytes] = (b"relaxed", b"relaxed"),
         domain: str = "fuzz.example") -> bytes:
    """msg with a DKIM-Signature by d=domain s=sel (the fuzz key) prepended."""
    pem, _ = _key()
    sig = dkim.sign(msg, b"sel", domain.encode(), pem, canonicalize=canon, length=length,
                    include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    return bytes(sig) + msg


def public_key() -> str:
    """The fuzz key's p= value."""
    return _key()[1]


def _arc(msg: bytes) -> bytes:
    pem, _ = _key()
    ar = b"Authentication-Results: mx.relay.example; dkim=pass header.d=fuzz.example\r\n"
    sets = dkim.arc_sign(ar + msg, b"arc", b"relay.example", pem, b"mx.relay.example",
                         timestamp=int(NOW) - 3600)
    return b"".join(sets) + ar + msg


def nested_mime(depth: int, body: bytes = b"leaf\r\n") -> bytes:
    """A multipart message nested depth levels deep."""
    part = b"Content-Type: text/plain\r\n\r\n" + body
    for level in range(depth):
        b = f"b{level}".encode()
        part = (b"Content-Type: multipart/mixed; boundary=\"" + b + b"\"\r\n\r\n--" + b + b"\r\n"
                + part + b"\r\n--" + b + b"--\r\n")
    return part


@cache
def base_messages() -> tuple[bytes, ...]:
    """Valid received messages: signed, signed with l=, ARC-sealed, multipart, unsigned."""
    plain = CORE + b"Content-Type: text/plain\r\n\r\nHello there.\r\nSecond line.  \r\n"
    mime = CORE + nested_mime(3)
    return (
        HEAD + sign(plain),
        HEAD + sign(plain, length=True, canon=(b"simple", b"simple")) + b"appended by attacker\r\n",
        HEAD + _arc(sign(plain)),
        HEAD + sign(mime),
        HEAD + plain,
    )


# -- mutations: each takes (message bytes, data drawn by hypothesis) ---------------------------
def _lines(msg: bytes) -> list[bytes]:
    return msg.split(b"\r\n")


def _at(draw: Callable[[Any], Any], n: int) -> int:
    return int(draw(st.integers(0, max(n - 1, 0))))


def m_break_folding(msg: bytes, draw: Callable[[Any], Any]) -> bytes:
    lines = _lines(msg)
    i = _at(draw, len(lines))
    line = lines[i]
    cut = _at(draw, len(line) + 1)
    sep = draw(st.sampled_from([b"\r\n", b"\r\n ", b"\n", b"\r", b"\r\n\r\n", b"\r\n\t\r\n "]))
    lines[i] = line[:cut] + sep + line[cut:]
    return b"\r\n".join(lines)


def m_duplicate_header(msg: bytes, draw: Callable[[Any], Any]) -> bytes:
    head, sep, body = msg.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    i = _at(draw, len(lines))
    times = draw(st.integers(1, 5))
    j = _at(draw, len(lines) + 1)
    return b"\r\n".join(lines[:j] + [lines[i]] * times + lines[j:]) + sep + body


def m_huge_header(msg: bytes, draw: Callable[[Any], Any]) -> bytes:
    name = draw(st.sampled_from([b"X-Big", b"Subject", b"From", b"DKIM-Signature", b"Received",
                                 b"Authentication-Results", b"ARC-Seal"]))
    size = draw(st.sampled_from([1000, 10_000, 100_000, 300_000]))
    unit = draw(st.sampled_from([b"a", b" ", b"=", b";", b"\r\n ", b"a@b.example, ", b"\xff"]))
    return name + b": " + unit * (size // len(unit)) + b"\r\n" + msg


def m_insert_bytes(msg: bytes, draw: Callable[[Any], Any]) -> bytes:
    i = _at(draw, len(msg) + 1)
    junk = draw(st.sampled_from([b"\x00", b"\x00\x00\x00", b"\xff\xfe", b"\xe3\x81\x82", b"\x80",
                                 b"\x1b$B", b":", b";", b"=", b"\t", b"\xc0\xaf"]))
    return msg[:i] + junk + msg[i:]


TAGS = [b"v", b"a", b"b", b"bh", b"c", b"d", b"h", b"i", b"l", b"q", b"s", b"t", b"x", b"z", b"cv"]
VALUES = [
    b"", b"=", b"!!!notbase64!!!", b"AAAA=====", b"====", b"\x00", b"99999999999999999999999999",
    b"-1", b"0", b"1e9", b"rsa-sha1", b"ed25519-sha256", b"rsa-md5", b"simple/relaxed", b"bogus/x",
    b"relaxed", b"fuzz.example", b"FUZZ.EXAMPLE.", b"example", b"@", b"a@other.example", b":::",
    b"from:from:from", b"", b"dns/txt", b"none", b"pass", b"fail", b"51", b"0", b"\xff\xfe",
    b"a" * 300, b"x." * 140 + b"example",
]


def m_tag_value(msg: bytes, draw: Callable[[Any], Any]) -> bytes:
    """Replace one tag value in a DKIM-Signature/ARC header (bad base64, giant l=, ...)."""
    head, sep, body = msg.partition(b"\r\n\r\n")
    tag = draw(st.sampled_from(TAGS))
    value = draw(st.sampled_from(VALUES))
    starts = [i for i in range(len(head)) if head.startswith(tag + b"=", i)
              and (i == 0 or head[i - 1:i] in (b" ", b";", b"\t", b"\n"))]
    if not starts:
        return msg
    i = draw(st.sampled_from(starts))
    end = head.find(b";", i)
    end = len(head) if end < 0 else end
    return head[:i] + tag + b"=" + value + head[end:] + sep + body


def m_line_endings(msg: bytes, draw: Callable[[Any], Any]) -> bytes:
    kind = draw(st.sampled_from([b"\n", b"\r", b"\n\r"]))
    return msg.replace(b"\r\n", kind)


def m_truncate(msg: bytes, draw: Callable[[Any], Any]) -> bytes:
    return msg[: _at(draw, len(msg) + 1)]


def m_delete_line(msg: bytes, draw: Callable[[Any], Any]) -> bytes:
    lines = _lines(msg)
    del lines[_at(draw, len(lines))]
    return b"\r\n".join(lines)


def m_add_header(msg: bytes, draw: Callable[[Any], Any]) -> bytes:
    header = draw(st.sampled_from([
        b"From: Mallory <m@evil.example>", b"From: a@fuzz.example, b@other.example", b"From:",
        b"From: <>", b"From: =?utf-8?B?!!!?= <a@fuzz.example>", b"Sender: x@relay.example",
        b"Authentication-Results: mx.google.com; dkim=pass header.d=fuzz.example; dmarc=pass",
        b"Authentication-Results: ;;;", b"Received: from [1.2.3.4] by mx.google.com",
        b"Received: from evil (evil [999.1.1.1]) by mx.google.com; bad date",
        b"Received: from x ([IPv6:::::1]) by mx.google.com",
        b"Received-SPF: pass client-ip=; envelope-from=<>; helo=",
        b"ARC-Seal: i=1; a=rsa-sha256; cv=none; d=relay.example; s=arc; b=AAAA",
        b"ARC-Seal: i=51; cv=pass", b"ARC-Message-Signature: i=0; b=; bh=",
        b"ARC-Authentication-Results: i=999999999999999999999; x",
        b"DKIM-Signature: v=1; a=rsa-sha256; d=fuzz.example; s=sel; h=from; bh=; b=",
        b"DKIM-Signature: v=1; a=ed25519-sha256; d=fuzz.example; s=sel; h=from; bh=AA==; b=AA==",
        b"DKIM-Signature: l=1; l=2; d=a; d=b", b"DKIM-Signature: ;;;;===",
        b"Content-Type: multipart/mixed; boundary=", b"Return-Path: <@a,@b:c@d>",
    ]))
    i = _at(draw, msg.find(b"\r\n\r\n") + 1) if b"\r\n\r\n" in msg else 0
    i = msg.rfind(b"\r\n", 0, i) + 2 if i else 0
    return msg[:i] + header + b"\r\n" + msg[i:]


MUTATIONS = [m_break_folding, m_duplicate_header, m_huge_header, m_insert_bytes, m_tag_value,
             m_tag_value, m_tag_value, m_line_endings, m_truncate, m_delete_line, m_add_header,
             m_add_header]


@st.composite
def near_valid_messages(draw: Callable[[Any], Any]) -> bytes:
    """A valid base message with one to six mutations applied."""
    msg: bytes = draw(st.sampled_from(base_messages()))
    for mutate in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=6)):
        msg = mutate(msg, draw)
    return msg


# -- hostile DNS answers -------------------------------------------------------------------
TXT_SEEDS = [
    "v=DKIM1; p=", "v=DKIM1; k=rsa; p=AAAA", "v=DKIM1; k=ed25519; p=!!", "v=DKIM1; h=md5; p=x",
    "v=DKIM1; t=s; p=", "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ", "v=spf1 -all", "v=spf1",
    "v=spf1 include:loop.fuzz.example", "v=spf1 redirect=fuzz.example", "v=spf1 ip4:999.1.1.1",
    "v=spf1 a:%{l}%{o}%{d}%{i}%{h}%{p}%{v}%{c}%{r}%{t}.x -all", "v=spf1 exists:%{ir}.%{l1r+-}",
    "v=spf1 mx/129 ptr: ip6:::/0 ?all", "v=spf1 exp=%{", "v=DMARC1; p=reject; pct=1000",
    "v=DMARC1; p=bogus; sp=; rua=mailto:x", "v=DMARC1; p=quarantine; psd=y; t=y; np=reject",
    "v=DMARC1", "v=DMARC1;;;;;", "\x00", "\udcff",
]
_TEXT = st.one_of(st.sampled_from(TXT_SEEDS), st.text(max_size=60),
                  st.tuples(st.sampled_from(TXT_SEEDS), st.text(max_size=20)).map("".join))
_TXT = st.lists(_TEXT, min_size=1, max_size=3).map(
    lambda ts: tuple(t.encode("utf-8", "surrogateescape") for t in ts))
_NAME = st.sampled_from(["mx.fuzz.example", "fuzz.example", "a" * 70, "x." * 130 + "example",
                         "evil.example", "localhost"])
_RECORDS = {
    "TXT": _TXT, "SPF": _TXT,
    "MX": st.builds(MX, st.integers(0, 65535), _NAME),
    "A": st.sampled_from(["192.0.2.25", "127.0.0.1", "0.0.0.0", "255.255.255.255", "10.0.0.1"]),
    "AAAA": st.sampled_from(["::1", "2001:db8::25", "::ffff:192.0.2.25", "fe80::1"]),
}
_STATUS = st.sampled_from(list(Status))


class HostileResolver:
    """Answers every question with something hypothesis chose: failures, junk, near-valid records.

    Hypothesis can only draw in the test's own thread, so a pool of answers is drawn up front and
    each question picks one by a stable hash of (name, type); answers are DNS-possible values.
    """

    def __init__(self, draw: Callable[[Any], Any]) -> None:
        self._pool = draw(st.lists(st.tuples(_STATUS, st.lists(st.one_of(
            _TXT, _RECORDS["MX"], _RECORDS["A"], _RECORDS["AAAA"], _NAME), min_size=1,
            max_size=3)), min_size=1, max_size=24))
        self.asked: list[tuple[str, str]] = []

    def query(self, name: str, rdtype: str) -> Answer:
        """One answer from the pool, filtered to the records a server could send for rdtype."""
        self.asked.append((name, rdtype))
        status, records = self._pool[zlib.crc32(f"{name}/{rdtype}".encode()) % len(self._pool)]
        kind = rdtype.upper()
        fits = [r for r in records if _fits(kind, r)]
        if status is not Status.NOERROR or not fits:
            code = status if status is not Status.NOERROR else Status.NODATA
            return failure(name, rdtype, code, "drawn")
        return Answer(name.lower().rstrip("."), kind, Status.NOERROR, tuple(fits))


def _fits(kind: str, record: Any) -> bool:
    if kind in ("TXT", "SPF"):
        return isinstance(record, tuple) and not isinstance(record, MX)
    if kind == "MX":
        return isinstance(record, MX)
    if kind in ("A", "AAAA"):
        return isinstance(record, str) and _ip_version(record) == (4 if kind == "A" else 6)
    return isinstance(record, str) and not _ip_version(record)


def _ip_version(text: str) -> int:
    try:
        return ipaddress.ip_address(text).version
    except ValueError:
        return 0


# -- running check() with a hang guard -------------------------------------------------------
def run_check(data: bytes, dns: Any, **kw: Any) -> headercheck.Report:
    """check() in a thread; a hang (HANG_SECONDS) or an exception fails the example."""
    out: list[Any] = []

    def work() -> None:
        try:
            report = headercheck.check(data, dns=dns, now=NOW, **kw)
            render_all(report)
            out.append(report)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
            out.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(HANG_SECONDS)
    if not out:
        raise AssertionError(f"check() hung for {HANG_SECONDS} s on a {len(data)}-byte input")
    if isinstance(out[0], BaseException):
        raise out[0]
    report: headercheck.Report = out[0]
    assert not report.errors, report.errors  # an internal error caught by the guard is a bug
    return report


def render_all(report: headercheck.Report) -> None:
    """Every output form must be producible for any report."""
    json.dumps(report.to_dict())
    for style in ("rfc", "gmail", "yahoo"):
        report.authentication_results(style)
    report.findings("en")
    report.findings("ja")
    from headercheck.render.text import report_to_text

    report_to_text(report, "rfc", "en")
