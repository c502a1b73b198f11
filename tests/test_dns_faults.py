"""DNS faults from a misbehaving server on 127.0.0.1: each gives a typed Answer, never an exception.

Temporary failures (SERVFAIL, TIMEOUT) are what RFC 7208 §2.6.6, RFC 6376 §6.1.2 and RFC 7489
§6.6.3 turn into temperror; NXDOMAIN/NODATA are permanent. Elapsed time is measured only to
fail a hang (a bound many times the configured timeout), never as a performance assertion.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from headercheck.dns import (
    Answer,
    CassetteResolver,
    LiveResolver,
    SizeLimitedResolver,
    Status,
    ZoneResolver,
)
from support.baddns import OVERSIZE_BYTES, BadDnsServer

TIMEOUT = 0.5
HANG = 30.0  # a hang, not a slow answer: the resolver must return long before this

RECORDS = {
    ("ok.test", "TXT"): ['"v=spf1 -all"'],
    ("ok.test", "A"): ["192.0.2.1"],
    ("ok.test", "MX"): ["10 mx.ok.test."],
}

# fault -> the status every transport setting must give (RFC 1035 §4.1.1 rcodes; RFC 2308)
EXPECTED = {
    "timeout": Status.TIMEOUT,
    "servfail": Status.SERVFAIL,
    "refused": Status.SERVFAIL,  # no server would answer: a transient failure
    "nxdomain": Status.NXDOMAIN,
    "nodata": Status.NODATA,
    "truncated": Status.SERVFAIL,  # TC over UDP, no TCP service
    "tcpgarbage": Status.SERVFAIL,  # TC over UDP, garbage over TCP
    "cnameloop": Status.SERVFAIL,
    "wrongtype": Status.NODATA,  # a TXT question answered with A holds no TXT
    "malformed": Status.TIMEOUT,  # unparseable replies are ignored (RFC 5452 §9.1)
    "wrongid": Status.TIMEOUT,  # a reply with the wrong id is not ours (RFC 5452 §4.3)
}


@pytest.fixture(scope="module")
def bad() -> Iterator[BadDnsServer]:
    server = BadDnsServer(RECORDS).start()
    yield server
    server.stop()


def _ask(resolver: LiveResolver, name: str, rdtype: str = "TXT") -> Answer:
    """Query in a thread; a resolver that does not return within HANG seconds fails the test."""
    out: list[Answer | BaseException] = []

    def run() -> None:
        try:
            out.append(resolver.query(name, rdtype))
        except BaseException as exc:  # noqa: BLE001 - reported below as the failure
            out.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(HANG)
    assert out, f"{name} {rdtype}: resolver hung for {HANG} s (timeout {TIMEOUT} s)"
    result = out[0]
    assert isinstance(result, Answer), f"{name} {rdtype}: raised {result!r}"
    return result


@pytest.mark.live
@pytest.mark.parametrize("edns", [True, False], ids=["edns", "no-edns"])
@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_fault_gives_typed_answer(bad: BadDnsServer, fault: str, edns: bool) -> None:
    live = LiveResolver(["127.0.0.1"], port=bad.port, timeout=TIMEOUT, edns=edns)
    answer = _ask(live, f"{fault}.test")
    assert answer.status is EXPECTED[fault], answer
    assert not answer.records
    if answer.status.is_temporary:
        assert answer.error  # the reason reaches the report


@pytest.mark.live
@pytest.mark.parametrize("rdtype", ["A", "AAAA", "MX", "PTR", "TXT", "CNAME"])
@pytest.mark.parametrize("fault", ["wrongtype", "cnameloop", "malformed", "nodata"])
def test_fault_for_every_record_type(bad: BadDnsServer, fault: str, rdtype: str) -> None:
    live = LiveResolver(["127.0.0.1"], port=bad.port, timeout=TIMEOUT)
    answer = _ask(live, f"{fault}.test", rdtype)
    assert isinstance(answer.status, Status)
    if fault == "wrongtype" and rdtype == "A":
        assert answer.names() == ["192.0.2.66"]  # the A record is the right answer to A


@pytest.mark.live
def test_well_behaved_names_still_answer(bad: BadDnsServer) -> None:
    live = LiveResolver(["127.0.0.1"], port=bad.port, timeout=TIMEOUT)
    assert _ask(live, "ok.test").texts() == ["v=spf1 -all"]
    assert _ask(live, "ok.test", "MX").mx()[0].exchange == "mx.ok.test"
    assert _ask(live, "ok.test", "AAAA").status is Status.NODATA
    assert _ask(live, "absent.test").status is Status.NXDOMAIN


@pytest.mark.live
def test_fault_label_applies_to_subdomains(bad: BadDnsServer) -> None:
    live = LiveResolver(["127.0.0.1"], port=bad.port, timeout=TIMEOUT)
    assert _ask(live, "sel._domainkey.servfail.test").status is Status.SERVFAIL
    assert _ask(live, "_dmarc.nxdomain.test").status is Status.NXDOMAIN


@pytest.mark.live
def test_oversize_txt_arrives_over_tcp_and_is_capped(bad: BadDnsServer) -> None:
    live = LiveResolver(["127.0.0.1"], port=bad.port, timeout=3)
    raw = _ask(live, "oversize.test")
    assert raw.ok and len(raw.txt()[0]) > OVERSIZE_BYTES  # TC over UDP, whole over TCP
    capped = SizeLimitedResolver(live, 16_384).query("oversize.test", "TXT")
    assert capped.status is Status.OVERSIZE and not capped.status.is_temporary
    assert "over the limit of 16384" in capped.error


def test_size_cap_applies_to_offline_back_ends() -> None:
    big = ["x" * 250] * 80  # 20 KB in one record
    cassette = CassetteResolver({"big.example": {"TXT": [big]}, "small.example": {"TXT": [["v"]]}})
    limited = SizeLimitedResolver(cassette, 16_384)
    assert limited.query("big.example", "TXT").status is Status.OVERSIZE
    assert limited.query("small.example", "TXT").ok
    assert limited.query("absent.example", "TXT").status is Status.NXDOMAIN


INVALID_NAMES = ["a" * 64 + ".example", "a." * 130 + "example", "a..example"]


@pytest.mark.live
@pytest.mark.parametrize("name", INVALID_NAMES, ids=["label>63", "name>255", "empty-label"])
def test_invalid_names_do_not_exist_live_or_offline(bad: BadDnsServer, name: str) -> None:
    """A name no server can hold is NXDOMAIN, not a transient SERVFAIL (was SERVFAIL live)."""
    live = LiveResolver(["127.0.0.1"], port=bad.port, timeout=TIMEOUT)
    answer = _ask(live, name)
    assert answer.status is Status.NXDOMAIN and "not a valid DNS name" in answer.error
    assert ZoneResolver(text="").query(name, "TXT").status is Status.NXDOMAIN
    assert not any(q[1].startswith("aaaa") for q in bad.queries)  # never sent

