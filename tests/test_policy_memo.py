"""Memos across messages for SPF, iprev and DMARC (checks/_memo.py, _spf_memo.py): the same
results as without them, keyed by everything a result depends on, never holding a DNS failure,
bounded. "Without" is ``use_memos(False)`` with a fresh resolver: main's path."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

import pytest
import spf
import yaml

from headercheck.checks import _memo, _spf_memo
from headercheck.checks.dmarc import check_dmarc
from headercheck.checks.iprev import check_iprev
from headercheck.checks.spf import check_spf
from headercheck.dns import Answer, CachingResolver, CassetteResolver, Resolver, SizeLimitedResolver
from headercheck.message import parse_message
from headercheck.results import Envelope, Result
from support.paths import CONFORMANCE

ZONE: dict[str, Any] = {
    "example.com": {"TXT": [["v=spf1 ip4:192.0.2.0/24 mx a:web.example.com -all"]],
                    "MX": [{"priority": 10, "exchange": "mx.example.com"}]},
    "mx.example.com": {"A": ["198.51.100.25"]},
    "web.example.com": {"A": ["198.51.100.80"], "AAAA": ["2001:db8::80"]},
    "local.example": {"TXT": [["v=spf1 exists:%{l}.ok.local.example -all"]]},
    "alice.ok.local.example": {"A": ["127.0.0.2"]},
    "helo.example": {"TXT": [["v=spf1 exists:%{h}.ok.helo.example -all"]]},
    "a.helo.example.ok.helo.example": {"A": ["127.0.0.2"]},
    "clock.example": {"TXT": [["v=spf1 -all exp=why.clock.example"]]},
    "why.clock.example": {"TXT": [["refused at %{t}"]]},
    "ptr.example": {"TXT": [["v=spf1 ptr -all"]]},
    "2.0.0.192.in-addr.arpa": {"PTR": ["host.ptr.example"]},
    "host.ptr.example": {"A": ["192.0.2.2"]},
    "slow.example": {"TXT": "TIMEOUT"},
    "many.example": {"TXT": [["v=spf1 " + " ".join(f"ip4:203.0.113.{i}" for i in range(40))
                              + " -all"]]},
    "_dmarc.example.com": {"TXT": [["v=DMARC1; p=reject"]]},
    "_dmarc.slowdmarc.example": {"TXT": "TIMEOUT"},
}


@pytest.fixture(autouse=True)
def _memos_on() -> Iterator[None]:
    _memo.use_memos(True)
    yield
    _memo.use_memos(True)


def fresh_spf(env: Envelope, zone: dict[str, Any] = ZONE) -> Any:
    """check_spf on main's path: no memo, a new resolver."""
    _memo.use_memos(False)
    try:
        return check_spf(env, CassetteResolver(zone))
    finally:
        _memo.use_memos(True)


def env(ip: str, mail_from: str | None, helo: str = "mail.example.com") -> Envelope:
    return Envelope(ip=ip, mail_from=mail_from, helo=helo, receiver="mx.receiver.example")


def spf_memo(resolver: Resolver) -> _memo.Memo[Any]:
    memo = _memo.memo_for(resolver, "spf")
    assert memo is not None
    return memo


ADDRESSES = ["192.0.2.1", "192.0.2.200", "198.51.100.25", "198.51.100.80", "198.51.100.81",
             "203.0.113.9", "2001:db8::80", "2001:db8::81", "::ffff:192.0.2.7", "192.0.2.2"]
SENDERS = ["a@example.com", "b@example.com", "alice@local.example", "bob@local.example",
           "x@ptr.example", "", "x@many.example", "x@nothing.example"]


def test_same_results_as_without_memos_in_any_order() -> None:
    shared = CassetteResolver(ZONE)
    cases = [env(ip, s, h) for ip in ADDRESSES for s in SENDERS
             for h in ("mail.example.com", "a.helo.example", "ptr.example")]
    for case in cases + cases[::-1]:
        assert check_spf(case, shared) == fresh_spf(case), case


def test_a_domain_is_evaluated_once_per_path() -> None:
    shared = CassetteResolver(ZONE)
    first, _ = check_spf(env("192.0.2.1", "a@example.com"), shared)
    again, _ = check_spf(env("192.0.2.99", "b@example.com"), shared)  # same ip4 path
    assert again == fresh_spf(env("192.0.2.99", "b@example.com"))[0]
    assert (again.client_ip, again.identity) == ("192.0.2.99", "b@example.com")
    traces = spf_memo(shared)[("domain", True, "example.com", 4)]
    assert len(traces) == 1 and first.result is again.result is Result.PASS


def test_local_part_macro_is_evaluated_per_sender() -> None:
    """%{l}: the sender's local part decides; never reused for another sender."""
    shared = CassetteResolver(ZONE)
    alice, _ = check_spf(env("192.0.2.1", "alice@local.example"), shared)
    bob, _ = check_spf(env("192.0.2.1", "bob@local.example"), shared)
    assert (alice.result, bob.result) == (Result.PASS, Result.FAIL)
    assert ("domain", True, "local.example", 4) not in spf_memo(shared)


def test_helo_macro_and_helo_identity_are_keyed_by_helo() -> None:
    shared = CassetteResolver(ZONE)
    hit, _ = check_spf(env("192.0.2.1", "x@helo.example", helo="a.helo.example"), shared)
    miss, _ = check_spf(env("192.0.2.1", "x@helo.example", helo="b.helo.example"), shared)
    assert (hit.result, miss.result) == (Result.PASS, Result.FAIL)
    _, helo1 = check_spf(env("198.51.100.80", "x@example.com", helo="web.example.com"), shared)
    _, helo2 = check_spf(env("198.51.100.80", "x@example.com", helo="mx.example.com"), shared)
    assert helo1 == fresh_spf(env("198.51.100.80", "x@example.com", helo="web.example.com"))[1]
    assert helo2 == fresh_spf(env("198.51.100.80", "x@example.com", helo="mx.example.com"))[1]
    assert helo1.domain != helo2.domain


def test_clock_macro_is_never_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    """%{t} reads pyspf's wall clock: a later check must see the later time."""
    shared = CassetteResolver(ZONE)
    case = env("192.0.2.1", "x@clock.example")
    monkeypatch.setattr(spf.time, "time", lambda: 1000.0)
    first, _ = check_spf(case, shared)
    monkeypatch.setattr(spf.time, "time", lambda: 2000.0)
    second, _ = check_spf(case, shared)
    assert (first.explanation, second.explanation) == ("refused at 1000", "refused at 2000")


def test_ptr_paths_are_not_replayed_for_other_addresses() -> None:
    shared = CassetteResolver(ZONE)
    for ip in ("192.0.2.2", "192.0.2.3", "192.0.2.2"):
        assert check_spf(env(ip, "x@ptr.example"), shared) == fresh_spf(env(ip, "x@ptr.example"))


def test_temporary_failures_are_not_remembered() -> None:
    shared = CassetteResolver(ZONE)
    res, _ = check_spf(env("192.0.2.1", "x@slow.example"), shared)
    assert res.result is Result.TEMPERROR
    assert not [k for k in spf_memo(shared) if "slow.example" in str(k)]


def test_traces_per_domain_are_bounded() -> None:
    shared = CassetteResolver(ZONE)
    for i in range(40):
        case = env(f"203.0.113.{i}", "x@many.example")
        assert check_spf(case, shared) == fresh_spf(case)
    traces = spf_memo(shared)[("domain", True, "many.example", 4)]
    assert len(traces) == _spf_memo.MAX_TRACES


def test_memo_bound() -> None:
    memo: _memo.Memo[int] = _memo.Memo(3)
    for i in range(10):
        memo.put(i, i)
    assert dict(memo) == {7: 7, 8: 8, 9: 9}


def test_memos_are_per_resolver_and_size_cap() -> None:
    inner = CachingResolver(CassetteResolver(ZONE))
    one, two = SizeLimitedResolver(inner, 100), SizeLimitedResolver(inner, 100)
    assert _memo.memo_for(one, "spf") is _memo.memo_for(two, "spf")
    assert _memo.memo_for(SizeLimitedResolver(inner, 200), "spf") is not _memo.memo_for(one, "spf")
    assert _memo.memo_for(CassetteResolver(ZONE), "spf") is not _memo.memo_for(one, "spf")


def test_an_unknown_resolver_gets_no_memo() -> None:
    class Mine:
        def query(self, name: str, rdtype: str) -> Answer:
            return CassetteResolver(ZONE).query(name, rdtype)

    assert _memo.memo_for(Mine(), "spf") is None
    assert _memo.memo_for(SizeLimitedResolver(Mine()), "spf") is None
    assert check_spf(env("192.0.2.1", "a@example.com"), Mine()) == fresh_spf(env("192.0.2.1",
                                                                                 "a@example.com"))


def test_replay_agrees_with_pyspf_cidrmatch() -> None:
    """The integer test behind replays is pyspf's own cidrmatch answer, for v4 and v6."""
    for ip in ["192.0.2.1", "192.0.3.1", "2001:db8::1", "2001:db9::1"]:
        query = spf.query(i=ip, s="a@example.com", h="h.example")
        for nets, n in ([["192.0.2.9"], 24], [["2001:db8::"], 32], [["192.0.2.9", "2001:db8::"], 16]):
            traced = tuple(_spf_memo.network(x, n) for x in nets)
            addr = (ipaddress.ip_address(ip).version, int(ipaddress.ip_address(ip)))
            assert _spf_memo._matches(traced, addr) == query.cidrmatch(nets, n)


def _suite(filename: str) -> list[Any]:
    if not (CONFORMANCE / "spf").is_dir():
        pytest.skip("conformance data not found")
    with open(CONFORMANCE / "spf" / filename, "rb") as fh:
        return list(yaml.safe_load_all(fh))


@pytest.mark.parametrize("filename", ["rfc7208-tests.yml", "rfc4408-tests.yml"])
def test_spf_suites_with_one_resolver_per_scenario(filename: str) -> None:
    """Every case of a scenario through one resolver (memos shared), each also from its
    neighbours' addresses: always what a fresh check without memos gives."""
    from conformance.test_spf_suite import cassette

    for scenario in _suite(filename):
        zone = cassette(scenario["zonedata"])
        shared = CassetteResolver(zone)
        cases = list(scenario["tests"].values())
        hosts = {str(c["host"]) for c in cases}
        for case in cases + cases[::-1]:
            for host in sorted(hosts):
                e = Envelope(ip=host, helo=str(case["helo"]), mail_from=str(case["mailfrom"]))
                assert check_spf(e, shared) == fresh_spf(e, zone), (scenario["description"], e)


def test_iprev_memo() -> None:
    zone = {"1.2.0.192.in-addr.arpa": {"PTR": ["a.example"]}, "a.example": {"A": ["192.0.2.1"]},
            "2.2.0.192.in-addr.arpa": {"PTR": "TIMEOUT"}}
    shared = CassetteResolver(zone)
    first = check_iprev("192.0.2.1", shared)
    assert first is not None and first.result is Result.PASS
    assert check_iprev("192.0.2.1", shared) is first
    assert check_iprev("192.0.2.2", shared) is not None
    memo = _memo.memo_for(shared, "iprev")
    assert memo is not None and set(memo) == {"192.0.2.1"}  # the temperror is not kept
    _memo.use_memos(False)
    assert check_iprev("192.0.2.1", CassetteResolver(zone)) == first


DMARC_MESSAGE = b"From: A <a@%s>\r\nTo: b@example.net\r\nSubject: x\r\n\r\nhi\r\n"


def test_dmarc_memo() -> None:
    shared = CassetteResolver(ZONE)
    for domain in ("example.com", "slowdmarc.example", "example.com", "none.example"):
        msg = parse_message(DMARC_MESSAGE % domain.encode())
        got = check_dmarc(msg, (), None, shared)
        _memo.use_memos(False)
        assert got == check_dmarc(msg, (), None, CassetteResolver(ZONE))
        _memo.use_memos(True)
    memo = _memo.memo_for(shared, "dmarc")
    assert memo is not None and not [k for k in memo if "slowdmarc.example" in k]


def _author_domains_by_getaddresses(value: str) -> list[str]:
    import email.utils

    from headercheck.message import address_domain

    pairs = email.utils.getaddresses([value])
    return [address_domain(addr) if "@" in addr else "" for _, addr in pairs if addr.strip()]


PLAIN = ['"Word Team" <info@sender4.example>', "Team <a@B.Example>", "a@b.example",
         " <x_y+z=1@d-e.example> ", '""<a@b>', "Team<a@b.c>", "Word  Team \t<a.b@c.d>\t"]
ODD = ['"a,b" <c@d>', "a@b, c@d", '"x" <a@b> (c)', "a@b.c.", "<@route:a@b>", '"a\\"b" <c@d>',
       "x <a@b> y", "a@[192.0.2.1]", "a..b@c", "(c) a@b", "A <a@b>, B <c@d>", "", "<>"]


@pytest.mark.parametrize("value", PLAIN + ODD)
def test_author_domains_fast_path_is_getaddresses(value: str) -> None:
    from headercheck.checks.dmarc import _PLAIN_FROM, author_domains

    assert author_domains(value) == _author_domains_by_getaddresses(value)
    assert (_PLAIN_FROM.fullmatch(value) is not None) == (value in PLAIN)


def test_author_domains_fast_path_property() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from headercheck.checks.dmarc import author_domains

    text = st.text(alphabet='ab.-_+=@<>" \t,;:()\\[]xY9', max_size=30)
    atom = st.from_regex(r"[A-Za-z0-9_+=-]{1,6}(\.[A-Za-z0-9_+=-]{1,6}){0,2}", fullmatch=True)
    name = st.one_of(st.from_regex(r'"[^"\\<>@(),;:\r\n]{0,8}"', fullmatch=True),
                     st.from_regex(r"[A-Za-z0-9 \t]{0,8}", fullmatch=True))
    plain = st.builds(lambda n, lp, d, w: f"{w}{n}<{lp}@{d}>{w}", name, atom, atom,
                      st.sampled_from(["", " ", "\t"]))

    @settings(max_examples=400, deadline=None)
    @given(st.one_of(text, plain))
    def check(value: str) -> None:
        assert author_domains(value) == _author_domains_by_getaddresses(value)

    check()


def test_arc_relaxes_only_arc_fields_with_dkimpys_result() -> None:
    """ArcVerifier.sorted_arc_headers equals dkimpy's on every ARC suite and scenario message."""
    import dkim

    from headercheck.checks.arc import ArcVerifier
    from support.paths import SCENARIOS

    messages = [parse_message(p.read_bytes()).raw for p in sorted(SCENARIOS.glob("*/message.eml"))]
    arc = CONFORMANCE / "arc"
    for path in sorted(arc.glob("*.yml")) if arc.is_dir() else []:
        with open(path, "rb") as fh:
            for scenario in yaml.safe_load_all(fh):
                for case in (scenario or {}).get("tests", {}).values():
                    if isinstance(case, dict) and isinstance(case.get("message"), str):
                        raw = case["message"].replace("\r\n", "\n").replace("\n", "\r\n").encode()
                        messages.append(parse_message(raw).raw)
    assert len(messages) > 100
    for raw in messages:
        try:
            want = dkim.ARC(raw).sorted_arc_headers()
        except Exception as exc:  # noqa: BLE001 - the same exception type is expected
            with pytest.raises(type(exc)):
                ArcVerifier(raw).sorted_arc_headers()
            continue
        assert ArcVerifier(raw).sorted_arc_headers() == want
