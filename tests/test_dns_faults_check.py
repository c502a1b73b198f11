"""DNS faults through check(): each mechanism gives the RFC's temperror or permerror.

DKIM RFC 6376 §6.1.2 (key query fails temporarily: temperror; no key: permerror) and §3.6.2.2;
SPF RFC 7208 §2.6.6, §4.3, §4.4, §4.5 (no record: none; several: permerror); DMARC RFC 7489
§6.6.3 (no record: none; DNS failure: temperror). The misbehaving server is
tests/support/baddns.py; a hang (not a slow answer) fails through the per-check thread guard.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from headercheck import Report, Result
from headercheck.dns import LiveResolver
from support.baddns import BadDnsServer
from support.fuzzmail import CLIENT_IP, public_key, run_check, sign

T, P, N = Result.TEMPERROR, Result.PERMERROR, Result.NONE
# fault: (DKIM, SPF for MAIL FROM, DMARC)
EXPECTED = {
    "timeout": (T, T, T),
    "servfail": (T, T, T),
    "refused": (T, T, T),
    "truncated": (T, T, T),
    "tcpgarbage": (T, T, T),
    "malformed": (T, T, T),
    "wrongid": (T, T, T),
    "cnameloop": (T, T, T),
    "nxdomain": (P, N, N),
    "nodata": (P, N, N),
    "wrongtype": (P, N, N),
    "multispf": (P, P, N),  # two TXT at the key name (§3.6.2.2); two SPF records (§4.5)
    "oversize": (P, P, P),  # over max_dns_answer_bytes: refused, permanent
}


def _message(domain: str) -> bytes:
    body = (f"From: a@{domain}\r\nTo: b@dest.example\r\nSubject: hi\r\n"
            f"Date: Tue, 01 Sep 2026 07:00:00 +0000\r\nMessage-ID: <1@{domain}>\r\n\r\nhi\r\n")
    return sign(body.encode(), domain=domain)


@pytest.fixture(scope="module")
def bad() -> Iterator[BadDnsServer]:
    server = BadDnsServer({("ok.test", "TXT"): ['"v=spf1 ip4:192.0.2.0/24 -all"'],
                           ("sel._domainkey.ok.test", "TXT"): [f'"v=DKIM1; p={public_key()}"'],
                           ("_dmarc.ok.test", "TXT"): ['"v=DMARC1; p=reject"']}).start()
    yield server
    server.stop()


def _check(bad: BadDnsServer, fault: str) -> Report:
    domain = f"{fault}.test"
    live = LiveResolver(["127.0.0.1"], port=bad.port, timeout=0.5)
    return run_check(_message(domain), live, ip=CLIENT_IP, mail_from=f"a@{domain}",
                     helo="mx.ok.test")


@pytest.mark.live
@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_fault_dkim(bad: BadDnsServer, fault: str) -> None:
    """RFC 6376 §6.1.2: key query temporarily failed -> temperror; no usable key -> permerror."""
    report = _check(bad, fault)
    assert [d.result for d in report.dkim] == [EXPECTED[fault][0]], report.dkim
    if fault == "oversize":  # the reason names the limit (dns/limits.py)
        assert "max_dns_answer_bytes" in report.dkim[0].detail


@pytest.mark.live
@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_fault_spf(bad: BadDnsServer, fault: str) -> None:
    """RFC 7208 §4.4 (DNS error -> temperror), §4.3/§4.5 (no record -> none; two -> permerror)."""
    spf = _check(bad, fault).spf
    assert spf is not None and spf.result is EXPECTED[fault][1], spf
    if fault == "oversize":
        assert "max_dns_answer_bytes" in spf.reason


@pytest.mark.live
@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_fault_dmarc(bad: BadDnsServer, fault: str) -> None:
    """RFC 7489 §6.6.3: DNS failure -> temperror; no record -> none."""
    dmarc = _check(bad, fault).dmarc
    assert dmarc is not None and dmarc.result is EXPECTED[fault][2], dmarc
    if fault == "oversize":
        assert "max_dns_answer_bytes" in dmarc.reason


@pytest.mark.live
def test_well_behaved_domain_passes(bad: BadDnsServer) -> None:
    live = LiveResolver(["127.0.0.1"], port=bad.port, timeout=0.5)
    report = run_check(_message("ok.test"), live, ip=CLIENT_IP, mail_from="a@ok.test",
                       helo="mx.ok.test")
    assert [d.result for d in report.dkim] == [Result.PASS]
    assert report.spf is not None and report.spf.result is Result.PASS
    assert report.dmarc is not None and report.dmarc.result is Result.PASS
