"""The plain one-line zone reader gives exactly the records dnspython's Reader gives, or declines.

Checked on every zone file in the repository and the benchmark's snapshot writer, and on
generated lines mixing the plain form with everything it leaves to dnspython.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headercheck.dns._store import RecordStore
from headercheck.dns._zonelines import plain_records
from headercheck.dns.answer import DnsDataError
from headercheck.dns.zone import load_zone_text

ROOT = Path(__file__).resolve().parents[1]
ZONES = sorted(p for p in (ROOT / "tests").rglob("*.zone")) + sorted((ROOT / "samples").rglob("*.zone"))


def _slow(text: str) -> dict[str, object] | str:
    store = RecordStore()
    try:
        load_zone_text(store, text, plain=False)
    except DnsDataError as exc:
        return f"error: {exc}"
    return store._data


def _fast(text: str) -> dict[str, object] | None:
    rows = plain_records(text)
    if rows is None:
        return None
    store = RecordStore()
    for name, kind, record in rows:
        store.add(name, kind, [record])
    return store._data


def _same(text: str) -> bool:
    fast = _fast(text)
    return fast is None or fast == _slow(text)


@pytest.mark.parametrize("path", ZONES, ids=lambda p: str(p.relative_to(ROOT)))
def test_repository_zones_read_the_same(path: Path) -> None:
    assert _same(path.read_text(encoding="utf-8"))


def test_the_benchmark_snapshot_takes_the_plain_form(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from snapshot import Snapshot  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    snap = Snapshot()
    snap.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all")
    snap.txt("sel._domainkey.example.com", "v=DKIM1; k=rsa; p=" + "A" * 230, "B" * 100)
    snap.mx("example.com", "mx.example.com", 10)
    snap.ptr("192.0.2.1", "mx.example.com")
    snap.write_zone(tmp_path / "dns.zone")
    text = (tmp_path / "dns.zone").read_text()
    assert _fast(text) is not None and _same(text)


def test_the_plain_form_is_taken_and_origin_is_declined() -> None:
    text = ('$TTL 300\nexample.com. IN TXT "v=spf1 mx -all" ; comment\n'
            'example.com. 300 IN MX 10 mx.example.com.\nmx.example.com. A 192.0.2.1\n'
            '1.2.0.192.in-addr.arpa. IN PTR mx.example.com.\n'
            'sel._domainkey.example.com. IN TXT "v=DKIM1; k=rsa; " "p=MIIB"\n'
            'example.com. IN AAAA 2001:db8::1\nexample.com. IN SOA ns. host. 1 2 3 4 5\n')
    assert _fast(text) is not None and _same(text)
    assert plain_records("$ORIGIN example.com.\n@ IN A 192.0.2.1\n") is None
    assert plain_records("$TTL 4294967296\na.example. A 192.0.2.1\n") is None  # dnspython: BadTTL


PLAIN_NAMES = ["a.example.", "A.Example.", "_dmarc.x.example.", "1.2.0.192.in-addr.arpa."] * 4
NAMES = st.sampled_from([*PLAIN_NAMES, "@", "rel.example",
                         "a\\.b.example.", "*.w.example.", "x" * 63 + ".example.", "x" * 64 + ".example.",
                         ".", "1.2.0.192.in-addr.arpa.", "-x.example.", "é.example."])
TTLS = st.sampled_from(["", "", "300 ", "300 ", "0300 ", "1h ", "4294967295 ", "4294967296 ", "99999999999 "])
CLASSES = st.sampled_from(["", "IN ", "IN ", "in ", "CH "])
DATA = {
    "A": ["192.0.2.1", "192.0.2.01", "256.1.1.1", "1.2.3", "192.0.2.1 extra", "::1"],
    "AAAA": ["2001:db8::1", "2001:DB8:0:0::1", "192.0.2.1"],
    "TXT": ['"v=spf1 -all"', '"a" "b"', '"a""b"', '""', 'bare', '"semi;colon"', '"esc\\"q"',
            '"' + "x" * 255 + '"', '"' + "x" * 256 + '"', '"tab\there"', '"unterminated', '"é"',
            '"a" ; c', '( "a" "b" )'],
    "SPF": ['"v=spf1 -all"'],
    "MX": ["10 mx.example.", "10 mx", "65535 mx.example.", "65536 mx.example.", "ten mx.example.",
           "0 .", "10 MX.Example."],
    "PTR": ["host.example.", "Host.Example.", "host", "."],
    "CNAME": ["target.example.", "target"],
    "NS": ["ns.example."],
    "SOA": ["ns. host. 1 2 3 4 5", "ns host 1 2 3 4 5", "ns. host. 1 2 3"],
    "CAA": ['0 issue "ca.example"'],
    "txt": ['"lower type"'],
    "TYPE1": ["192.0.2.9"],
    "BOGUS": ["stuff"],
}
COMMENTS = st.sampled_from(["", " ; note", ";x", "  ", "\t"])


@st.composite
def lines(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(sorted(DATA)))
    data = draw(st.sampled_from(DATA[kind]))
    lead = draw(st.sampled_from(["", "", "", " "]))
    return f"{lead}{draw(NAMES)} {draw(TTLS)}{draw(CLASSES)}{kind} {data}{draw(COMMENTS)}"


EXTRA = st.sampled_from(["", "; comment", "$TTL 60", "$TTL 1h", "$TTL 4294967296", "$ORIGIN example.", "   "])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(lines(), lines(), lines(), EXTRA), min_size=1, max_size=3))
def test_generated_lines_read_the_same(chunks: list[str]) -> None:
    assert _same("\n".join(chunks) + "\n")


PLAIN_DATA = {"A": ["192.0.2.1", "0.0.0.0", "255.255.255.255"],
              "TXT": ['"v=spf1 -all"', '"a" "b"', '""', '"semi;colon" ; c', '"' + "x" * 255 + '"'],
              "MX": ["10 mx.example.", "0 MX.Example."], "PTR": ["Host.Example."],
              "CNAME": ["target.example."], "NS": ["ns.example."], "AAAA": ["2001:DB8:0:0::1"],
              "SOA": ["ns. host. 1 2 3 4 5"], "TYPE1": ["192.0.2.9"], "SPF": ['"v=spf1 -all"']}


@st.composite
def plain_lines(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(sorted(PLAIN_DATA)))
    ttl, klass = draw(st.sampled_from(["", "0 ", "0300 ", "4294967295 "])), draw(st.sampled_from(["", "IN "]))
    name = draw(st.sampled_from(PLAIN_NAMES))
    return f"{name}\t{ttl}{klass}{kind}  {draw(st.sampled_from(PLAIN_DATA[kind]))}{draw(COMMENTS)}"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(plain_lines(), st.sampled_from(["", "; c", "$TTL 60"])), min_size=1, max_size=5))
def test_generated_plain_lines_take_the_plain_form(chunks: list[str]) -> None:
    text = "\n".join(chunks) + "\n"
    assert _fast(text) is not None and _same(text)
