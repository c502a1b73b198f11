"""Security properties: what a sender writes cannot change what headercheck concludes.

Each property is one test (issue 9): forged trace/AR headers below the trust boundary, the
l= body-append attack, the duplicated From spoof, DNS queries bounded by the RFCs' limits.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from headercheck import CheckOptions, Report, Result
from headercheck.dns import Answer, CassetteResolver, Resolver
from support.fuzzmail import CLIENT_IP, base_messages, fuzz_dns, run_check, sign

EVIL_IP = "203.0.113.9"  # not allowed by fuzz.example's SPF
GENUINE = (
    "Return-Path: <a@fuzz.example>\r\n"
    f"Received: from evil.example (evil.example [{EVIL_IP}])\r\n"
    "        by mx.google.com with ESMTPS id a1si1;\r\n"
    "        Tue, 01 Sep 2026 00:00:05 -0700 (PDT)\r\n"
    "Received-SPF: fail (google.com: domain of a@fuzz.example does not designate "
    f"{EVIL_IP} as permitted sender) client-ip={EVIL_IP};\r\n"
    "Authentication-Results: mx.google.com;\r\n"
    "       dkim=neutral (body hash did not verify) header.i=@fuzz.example header.s=sel;\r\n"
    f"       spf=fail (google.com: domain of a@fuzz.example does not designate {EVIL_IP} as "
    "permitted sender) smtp.mailfrom=a@fuzz.example;\r\n"
    "       dmarc=fail (p=REJECT sp=REJECT dis=REJECT) header.from=fuzz.example\r\n"
).encode()
FORGED = (
    b"Authentication-Results: mx.google.com; dkim=pass header.i=@fuzz.example;\r\n"
    b"       spf=pass smtp.mailfrom=a@fuzz.example; dmarc=pass header.from=fuzz.example\r\n"
    b"Received-SPF: pass (google.com: domain of a@fuzz.example designates 192.0.2.25 as "
    b"permitted sender) client-ip=192.0.2.25; envelope-from=a@fuzz.example; helo=mx.fuzz.example;\r\n"
    b"Received: from mx.fuzz.example (mx.fuzz.example [192.0.2.25])\r\n"
    b"        by mx.google.com with ESMTPS id z9si9;\r\n"
    b"        Tue, 01 Sep 2026 00:00:00 -0700 (PDT)\r\n"
)
BODY_CHANGED = b"Hello there.\r\nSecond line, changed in transit.\r\n"
PLAIN = (b"From: Alice <a@fuzz.example>\r\nTo: b@dest.example\r\nSubject: hello\r\n"
         b"Date: Tue, 01 Sep 2026 07:00:00 +0000\r\nMessage-ID: <1@fuzz.example>\r\n"
         b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello there.\r\nSecond line.\r\n")


def _dns() -> CassetteResolver:
    data = fuzz_dns()
    data["fuzz.example"]["TXT"] = [["v=spf1 ip4:192.0.2.0/24 -all"]]
    return CassetteResolver(data)


def _verdicts(report: Report) -> dict[str, Any]:
    """Everything a result is made of, minus the receiver's own words."""
    return {"dkim": report.dkim, "spf": report.spf, "spf_helo": report.spf_helo,
            "iprev": report.iprev, "dmarc": report.dmarc, "arc": report.arc,
            "ip": report.envelope.ip, "helo": report.envelope.helo,
            "mail_from": report.envelope.mail_from,
            "said": [v for v in report.receiver_said if not getattr(v, "forged", False)]}


def _tampered() -> bytes:
    signed = sign(PLAIN)
    return signed[: signed.index(b"\r\n\r\n") + 4] + BODY_CHANGED
@pytest.mark.parametrize("receiver", [None, "mx.google.com"])
def test_forged_headers_below_the_trust_boundary_change_nothing(receiver: str | None) -> None:
    """RFC 8601 §5, RFC 7208 §9.1: only the receiver's own headers (above its hop) count."""
    message = _tampered()
    honest = run_check(GENUINE + message, _dns(), receiver=receiver)
    forged = run_check(GENUINE + FORGED + message, _dns(), receiver=receiver)
    assert _verdicts(forged) == _verdicts(honest)
    assert honest.envelope.ip == EVIL_IP
    assert honest.spf is not None and honest.spf.result is Result.FAIL
    assert honest.dmarc is not None and honest.dmarc.result is Result.FAIL
    assert all(d.result is not Result.PASS for d in honest.dkim)
    assert forged.authentication_results("gmail") == honest.authentication_results("gmail")
    assert not any(getattr(v, "forged", False) for v in honest.receiver_said)
def test_forged_headers_deep_in_the_message_change_nothing() -> None:
    """The same forgeries placed among the author's headers, under the DKIM-Signature."""
    message = _tampered()
    cut = message.index(b"From: ")
    honest = run_check(GENUINE + message, _dns())
    forged = run_check(GENUINE + message[:cut] + FORGED + message[cut:], _dns())
    assert _verdicts(forged) == _verdicts(honest)
def test_l_tag_body_append_is_counted() -> None:
    """RFC 6376 §8.2: DKIM may pass, but the appended bytes are counted."""
    report = run_check(base_messages()[1], _dns(), ip=CLIENT_IP)
    sig = report.dkim[0]
    assert sig.body_length is not None and sig.unsigned_bytes == len(b"appended by attacker\r\n")
    assert sig.result is Result.PASS  # what a receiver concludes too
def test_l_tag_body_append_is_a_finding() -> None:
    """The unsigned bytes are reported to the admin as a finding with the count."""
    report = run_check(base_messages()[1], _dns(), ip=CLIENT_IP)
    codes = {f.code: f for f in report.findings()}
    assert "dkim_length" in codes
    assert str(report.dkim[0].unsigned_bytes) in codes["dkim_length"].message
def test_duplicated_from_not_covered_by_h_is_not_a_dmarc_pass() -> None:
    """The classic spoof: a second From above the signed one. DKIM h=from covers only the
    bottom-most From (RFC 6376 §5.4.2), so the signature still verifies; Gmail rejects the
    message, and DMARC must not pass (RFC 7489 §6.6.1): permerror here."""
    signed = sign(PLAIN)
    cut = signed.index(b"From: ")
    spoof = signed[:cut] + b"From: CEO <ceo@victim.example>\r\n" + signed[cut:]
    report = run_check(spoof, _dns(), ip=CLIENT_IP, mail_from="a@fuzz.example")
    assert report.dmarc is not None
    assert report.dmarc.result in (Result.FAIL, Result.PERMERROR), report.dmarc
    assert report.from_domain == ""  # ambiguous: no single author domain is claimed
    assert any("From headers" in w for w in report.warnings)


class CountingResolver:
    """Counts every question a check asks (no cache in between: each call counts)."""

    def __init__(self, inner: Resolver) -> None:
        self.inner = inner
        self.asked: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def query(self, name: str, rdtype: str) -> Answer:
        with self._lock:
            self.asked.append((name.lower().rstrip("."), rdtype.upper()))
        return self.inner.query(name, rdtype)

    def matching(self, suffix: str) -> list[tuple[str, str]]:
        return [q for q in self.asked if q[0].endswith(suffix)]


def _amplifying_dns() -> dict[str, Any]:
    """A sender's zone built to make a verifier ask as much as possible."""
    data = fuzz_dns()
    chain = {f"i{n}.amp.example": {"TXT": [[f"v=spf1 include:i{n + 1}.amp.example ?all"]]}
             for n in range(40)}
    mxs = [{"exchange": f"mx{n}.amp.example", "priority": n} for n in range(30)]
    data.update(chain)
    data["amp.example"] = {
        "TXT": [["v=spf1 mx mx:amp.example ptr a:x1.amp.example a:x2.amp.example "
                 "exists:%{i}.e1.amp.example exists:%{i}.e2.amp.example include:i0.amp.example "
                 "a:x3.amp.example a:x4.amp.example a:x5.amp.example -all"]],
        "MX": mxs,
    }
    data["_dmarc.amp.example"] = {"TXT": [["v=DMARC1; p=reject"]]}
    return data
def test_spf_queries_are_bounded_by_rfc7208_limits() -> None:
    """RFC 7208 §4.6.4: at most 10 DNS-querying terms, MX answers of at most 10 names, 2 void
    lookups; the check ends in permerror instead of following the sender's zone forever."""
    dns = CountingResolver(CassetteResolver(_amplifying_dns()))
    report = run_check(PLAIN.replace(b"fuzz.example", b"amp.example"), dns, ip=EVIL_IP,
                       mail_from="a@amp.example", helo="mx.amp.example")
    assert report.spf is not None and report.spf.result is Result.PERMERROR
    chain = [q for q in dns.asked if q[0].startswith("i") and q[0].endswith(".amp.example")]
    assert len(chain) <= 10
    assert len(dns.matching("amp.example")) <= 2 * (1 + 10 * 11) + 8 + 11
@pytest.mark.parametrize("count", [3, 10, 40])
def test_dkim_key_queries_are_bounded_by_max_signatures(count: int) -> None:
    """N signatures ask for at most min(N, max_signatures) keys."""
    signed = sign(PLAIN)
    start = signed.index(b"DKIM-Signature:")
    end = signed.index(b"\r\nFrom:") + 2
    sigs = b"".join(signed[start:end].replace(b"s=sel", f"s=k{n}".encode()) for n in range(count))
    dns = CountingResolver(_dns())
    report = run_check(sigs + signed[end:], dns, ip=CLIENT_IP)
    assert len(report.dkim) == count
    assert len(dns.matching("._domainkey.fuzz.example")) <= min(count, 10)
    unchecked = [d for d in report.dkim if d.reason_code == "not_checked"]
    assert len(unchecked) == max(0, count - 10)
def test_dmarc_tree_walk_asks_at_most_eight_names() -> None:
    """RFC 9989 §4.10: the DNS tree walk makes at most 8 queries, however deep the From domain."""
    deep = ".".join(f"l{n}" for n in range(30)) + ".fuzz.example"
    msg = PLAIN.replace(b"a@fuzz.example", f"a@{deep}".encode())
    dns = CountingResolver(_dns())
    run_check(msg, dns, ip=CLIENT_IP, options=CheckOptions(dmarc_discovery="treewalk"))
    assert 1 <= len([q for q in dns.asked if q[0].startswith("_dmarc.")]) <= 8
def test_every_query_is_one_the_rfcs_require() -> None:
    """On a plain signed message every question is for a key, SPF, DMARC or iprev name."""
    dns = CountingResolver(_dns())
    run_check(sign(PLAIN), dns, ip=CLIENT_IP, mail_from="a@fuzz.example", helo="mx.fuzz.example")
    allowed = ("sel._domainkey.fuzz.example", "fuzz.example", "_spf.fuzz.example",
               "mx.fuzz.example", "_dmarc.fuzz.example", "25.2.0.192.in-addr.arpa",
               "192.0.2.25.e.fuzz.example")
    assert dns.asked and all(name in allowed for name, _ in dns.asked), dns.asked
def test_signed_corpus_passes() -> None:
    """Sanity for the corpus the properties are built on: the untouched message passes."""
    report = run_check(sign(PLAIN), _dns(), ip=CLIENT_IP, mail_from="a@fuzz.example")
    assert report.dkim and report.dkim[0].result is Result.PASS
    assert report.dmarc is not None and report.dmarc.result is Result.PASS
