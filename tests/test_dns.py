"""The DNS seam: each back end answers the same questions the same way (RFC 1035, RFC 2308)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from headercheck.dns import (
    MX,
    Answer,
    CachingResolver,
    CassetteResolver,
    DnsDataError,
    LiveResolver,
    RecordingResolver,
    Resolver,
    Status,
    UnknownQuestion,
    ZoneResolver,
    open_resolver,
    reverse_name,
)
from support.nsd import NsdServer
from support.paths import TESTS

ZONE = TESTS / "data" / "dns-seam.zone"
QUESTIONS = [
    ("seam.example", "TXT"),
    ("seam.example", "SPF"),
    ("seam.example", "MX"),
    ("mail.seam.example", "A"),
    ("mail.seam.example", "AAAA"),
    ("alias.seam.example", "A"),
    ("multi.seam.example", "TXT"),
    ("big._domainkey.seam.example", "TXT"),
    ("missing.seam.example", "TXT"),
    ("mail.seam.example", "TXT"),
    ("b.c.seam.example", "TXT"),
    (reverse_name("192.0.2.10"), "PTR"),
]


def _summary(resolver: Resolver) -> list[tuple[str, str, str, list[object]]]:
    out = []
    for name, rdtype in QUESTIONS:
        ans = resolver.query(name, rdtype)
        recs: list[object] = sorted(map(repr, ans.records))
        out.append((name, rdtype, ans.status.value, recs))
    return out


@pytest.fixture(scope="module")
def nsd() -> Iterator[NsdServer]:
    server = NsdServer([ZONE]).start()
    yield server
    server.stop()


def test_zone_answers() -> None:
    z = ZoneResolver(ZONE)
    assert z.query("seam.example", "TXT").texts() == ["v=spf1 ip4:192.0.2.0/24 -all"]
    assert z.query("seam.example", "MX").mx() == [MX(10, "mail.seam.example"),
                                                  MX(20, "backup.seam.example")]
    assert z.query("multi.seam.example", "TXT").txt() == [b"first second"]
    alias = z.query("alias.seam.example", "A")
    assert alias.names() == ["192.0.2.10"] and alias.canonical_name == "mail.seam.example"
    assert z.query("missing.seam.example", "TXT").status is Status.NXDOMAIN
    assert z.query("mail.seam.example", "TXT").status is Status.NODATA
    # an empty non-terminal exists (RFC 8020): NODATA, not NXDOMAIN
    assert z.query("b.c.seam.example", "TXT").status is Status.NODATA
    assert z.query(reverse_name("192.0.2.10"), "PTR").names() == ["mail.seam.example"]


def test_zone_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zone"
    bad.write_text("$ORIGIN x.example.\n@ IN TXT \"ok\"\n@ IN BOGUS stuff\n")
    with pytest.raises(DnsDataError, match=r"bad.zone:3"):
        ZoneResolver(bad)


def test_cassette_shape_and_failure_markers() -> None:
    c = CassetteResolver({
        "example.org": {"TXT": [["v=spf1 ", "-all"]], "MX": [{"exchange": "mx.example.org.",
                                                               "priority": 5}]},
        "slow.example.org": {"TXT": "TIMEOUT"},
        "broken.example.org": {"A": "SERVFAIL"},
        "empty.example.org": {"TXT": "NODATA"},
        "www.example.org": {"CNAME": ["example.org"]},
        "loop.example.org": {"CNAME": ["loop2.example.org"]},
        "loop2.example.org": {"CNAME": ["loop.example.org"]},
    })
    assert c.query("example.org", "TXT").txt() == [b"v=spf1 -all"]
    assert c.query("www.example.org", "TXT").txt() == [b"v=spf1 -all"]
    assert c.query("example.org", "MX").mx() == [MX(5, "mx.example.org")]
    assert c.query("slow.example.org", "TXT").status is Status.TIMEOUT
    assert c.query("broken.example.org", "A").status is Status.SERVFAIL
    assert c.query("empty.example.org", "TXT").status is Status.NODATA
    assert c.query("absent.example.org", "TXT").status is Status.NXDOMAIN
    assert c.query("loop.example.org", "A").status is Status.SERVFAIL


def test_cassette_bad_json_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "c.json"
    bad.write_text('{\n "a.example": {"TXT": [["x"]]},\n oops\n}\n')
    with pytest.raises(DnsDataError, match="line 3"):
        CassetteResolver(bad)
    bad.write_text('{"a.example": {"TXT": "MAYBE"}}')
    with pytest.raises(DnsDataError, match="unknown failure marker"):
        CassetteResolver(bad)


def test_recording_round_trips_through_cassette(tmp_path: Path) -> None:
    rec = RecordingResolver(ZoneResolver(ZONE), tmp_path / "rec.json")
    before = _summary(rec)
    rec.save()
    replay = open_resolver(tmp_path / "rec.json")
    assert _summary(replay) == before
    assert json.loads((tmp_path / "rec.json").read_text())["missing.seam.example"] == {
        "TXT": "NXDOMAIN"}


def test_caching_counts_distinct_questions() -> None:
    cache = CachingResolver(ZoneResolver(ZONE))
    for _ in range(3):
        cache.query("seam.example", "TXT")
        cache.query("SEAM.example.", "txt")
    assert cache.questions == 1 and cache.hits == 5


def test_open_resolver_by_path() -> None:
    assert open_resolver(ZONE).query("seam.example", "MX").ok
    assert open_resolver([ZONE]).query("mail.seam.example", "A").ok


@pytest.mark.live
def test_live_matches_zone_through_nsd(nsd: NsdServer) -> None:
    live = LiveResolver(["127.0.0.1"], port=nsd.port, timeout=3)
    assert _summary(live) == _summary(ZoneResolver(ZONE))
    assert live.questions == len(QUESTIONS)


@pytest.mark.live
def test_live_tcp_fallback_for_big_txt(nsd: NsdServer) -> None:
    live = LiveResolver(["127.0.0.1"], port=nsd.port, timeout=3, edns=False)
    key = live.query("big._domainkey.seam.example", "TXT")
    assert key.ok and len(key.txt()[0]) > 700  # too large for 512-byte UDP: arrived over TCP


@pytest.mark.live
def test_live_timeout_is_an_answer() -> None:
    from support.nsd import free_port

    dead = LiveResolver(["127.0.0.1"], port=free_port(), timeout=0.5)
    ans = dead.query("seam.example", "TXT")
    assert ans.status in (Status.TIMEOUT, Status.SERVFAIL)


def test_strict_zone_names_the_question_outside_every_zone() -> None:
    z = ZoneResolver(ZONE, strict=True)
    assert z.query("missing.seam.example", "TXT").status is Status.NXDOMAIN  # inside the zone
    with pytest.raises(UnknownQuestion, match="elsewhere.example TXT"):
        z.query("elsewhere.example", "TXT")


def test_strict_cassette_names_the_unrecorded_question() -> None:
    c = CassetteResolver({"a.example": {"TXT": [["x"]], "A": "NXDOMAIN"},
                          "www.a.example": {"CNAME": ["a.example"]}}, strict=True)
    assert c.query("a.example", "TXT").ok and c.query("www.a.example", "TXT").ok
    assert c.query("a.example", "MX").status is Status.NXDOMAIN  # the name is recorded as absent
    with pytest.raises(UnknownQuestion, match="b.example TXT"):
        c.query("b.example", "TXT")


def test_stable_answers_is_declared_by_the_back_ends_and_passed_through_by_wrappers() -> None:
    from headercheck.dns import MultiResolver, SizeLimitedResolver, stable_answers

    zone = ZoneResolver(text="a.example. 300 IN A 127.0.0.1\n")

    class Own:
        def query(self, name: str, rdtype: str) -> Answer:
            return zone.query(name, rdtype)

    for resolver in (zone, SizeLimitedResolver(zone), RecordingResolver(zone),
                     MultiResolver([zone]), CachingResolver(Own())):
        assert stable_answers(resolver), resolver
    for resolver in (Own(), SizeLimitedResolver(Own()), MultiResolver([zone, Own()])):
        assert not stable_answers(resolver), resolver
