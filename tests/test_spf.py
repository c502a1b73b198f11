"""SPF through pyspf and our resolver: identities, reporting, the thread-safe DNS hook, and the
pyspf defects worked around in checks/_pyspf.py (each shown against pyspf alone)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import spf

from headercheck.checks import _pyspf
from headercheck.checks.spf import check_spf
from headercheck.dns import Answer, CassetteResolver, Resolver
from headercheck.results import Envelope, Result

ZONE: dict[str, Any] = {
    "example.com": {"TXT": [["v=spf1 ip4:192.0.2.0/24 mx include:_spf.example.net -all"]],
                    "MX": [{"priority": 10, "exchange": "mx.example.com"}]},
    "mx.example.com": {"A": ["198.51.100.25"]},
    "_spf.example.net": {"TXT": [["v=spf1 ip6:2001:db8::/32 ~all"]]},
    "soft.example": {"TXT": [["v=spf1 ~all"]]},
    "neutral.example": {"TXT": [["v=spf1 ip4:10.0.0.1"]]},
    "exp.example": {"TXT": [["v=spf1 -all exp=why.exp.example"]]},
    "why.exp.example": {"TXT": [["%{i} may not send for %{d}"]]},
    "both.example": {"TXT": [["v=spf1 -all"]], "SPF": [["v=spf1 +all"]]},
    "loop.example": {"TXT": [["v=spf1 include:loop.example -all"]]},
    "redirect.example": {"TXT": [["v=spf1 redirect=r2.redirect.example"]]},
    "r2.redirect.example": {"TXT": [["v=spf1 redirect=redirect.example"]]},
    "void.example": {"TXT": [["v=spf1 a:n1.void.example a:n2.void.example a:n3.void.example "
                              "-all"]]},
    "many.example": {"TXT": [["v=spf1 " + " ".join(f"a:h{i}.many.example" for i in range(11))
                              + " -all"]]},
    **{f"h{i}.many.example": {"A": ["198.51.100.1"]} for i in range(11)},
    "syntax.example": {"TXT": [["v=spf1 ip4:192.0.2.300 -all"]]},
    "slow.example": {"TXT": "TIMEOUT"},
    "long.example": {"TXT": [["v=spf1 " + "ip4:192.0.2.1 " * 40 + "-all"]]},
    "helo.example": {"TXT": [["v=spf1 a -all"]], "A": ["192.0.2.5"]},
    "nul.example": {"TXT": [[]]},
}


def resolver(zone: dict[str, Any] | None = None) -> CassetteResolver:
    return CassetteResolver(zone or ZONE)


def mailfrom(ip: str | None, sender: str | None, helo: str | None = "helo.example",
             receiver: str = "") -> Any:
    env = Envelope(ip=ip, mail_from=sender, helo=helo, receiver=receiver or None)
    return check_spf(env, resolver())


@pytest.mark.parametrize(("ip", "sender", "result", "mechanism"), [
    ("192.0.2.7", "a@example.com", Result.PASS, "ip4:192.0.2.0/24"),
    ("198.51.100.25", "a@example.com", Result.PASS, "mx"),
    ("2001:db8::1", "a@example.com", Result.PASS, "include:_spf.example.net"),
    ("203.0.113.1", "a@example.com", Result.FAIL, "-all"),
    ("203.0.113.1", "a@soft.example", Result.SOFTFAIL, "~all"),
    ("203.0.113.1", "a@neutral.example", Result.NEUTRAL, ""),
    ("203.0.113.1", "a@nothing.example", Result.NONE, ""),
    ("203.0.113.1", "a@loop.example", Result.PERMERROR, ""),
    ("203.0.113.1", "a@redirect.example", Result.PERMERROR, ""),
    ("203.0.113.1", "a@void.example", Result.PERMERROR, ""),
    ("203.0.113.1", "a@many.example", Result.PERMERROR, ""),
    ("203.0.113.1", "a@syntax.example", Result.PERMERROR, ""),
    ("203.0.113.1", "a@slow.example", Result.TEMPERROR, ""),
])
def test_results(ip: str, sender: str, result: Result, mechanism: str) -> None:
    res, _ = mailfrom(ip, sender)
    assert res.result is result, res.reason
    assert res.mechanism == mechanism
    assert res.scope == "mailfrom"
    assert res.domain == sender.split("@")[1]
    assert res.client_ip == ip
    assert res.reason


def test_limits_are_reported() -> None:
    many, _ = mailfrom("203.0.113.1", "a@many.example")
    assert "Too many DNS lookups" in many.reason
    assert many.lookups == 11
    void, _ = mailfrom("203.0.113.1", "a@void.example")
    assert "Void lookup limit of 2" in void.reason
    assert void.void_lookups == 3
    loop, _ = mailfrom("203.0.113.1", "a@loop.example")
    assert "include" in loop.reason or "lookups" in loop.reason


def test_exp_text_only_on_fail() -> None:
    res, _ = mailfrom("203.0.113.1", "a@exp.example")
    assert res.explanation == "203.0.113.1 may not send for exp.example"
    other, _ = mailfrom("203.0.113.1", "a@example.com")
    assert other.explanation == ""


def test_record_lookups_and_names() -> None:
    res, _ = mailfrom("2001:db8::1", "a@example.com")
    assert res.record.startswith("v=spf1 ip4:192.0.2.0/24")
    assert res.lookups == 2
    assert res.dns_names[0] == "example.com"
    assert "_spf.example.net" in res.dns_names


def test_no_client_ip_asks_for_ip() -> None:
    res, helo = mailfrom(None, "a@example.com")
    assert res.result is Result.NONE and "--ip" in res.reason
    assert helo is None
    bad, _ = mailfrom("not-an-ip", "a@example.com")
    assert bad.result is Result.NONE and "not an IP address" in bad.reason


def test_unknown_mail_from_asks_for_mail_from() -> None:
    res, helo = mailfrom("192.0.2.5", None)
    assert res.result is Result.NONE and "--mail-from" in res.reason
    assert helo is not None and helo.result is Result.PASS


def test_null_sender_checks_postmaster_at_helo() -> None:
    res, helo = mailfrom("192.0.2.5", "")
    assert res.identity == "postmaster@helo.example"
    assert res.domain == "helo.example"
    assert res.result is Result.PASS
    assert helo is not None and helo.scope == "helo" and helo.identity == "helo.example"
    none, _ = mailfrom("192.0.2.5", "", helo=None)
    assert none.result is Result.NONE and "--helo" in none.reason


@pytest.mark.parametrize("sender", ["a@exa mple.com", "a@x([1.2.3.4])", "a@nodot", "a@a..b.example"])
def test_malformed_mail_from_domain_is_none(sender: str) -> None:
    res, _ = mailfrom("192.0.2.5", sender)
    assert res.result is Result.NONE and "not a valid domain" in res.reason


def test_ipv6_zone_id_is_ignored() -> None:
    res, _ = mailfrom("2001:db8::1%eth0", "a@example.com")
    assert res.result is Result.PASS and res.client_ip == "2001:db8::1"


def test_helo_not_fqdn_is_not_checked() -> None:
    _, helo = mailfrom("192.0.2.5", "a@example.com", helo="x([203.0.113.5])")
    assert helo is not None and helo.result is Result.NONE and "not a fully qualified" in helo.reason


def test_helo_address_literal_is_not_checked() -> None:
    _, helo = mailfrom("192.0.2.5", "a@example.com", helo="[192.0.2.5]")
    assert helo is not None and helo.result is Result.NONE and "address literal" in helo.reason


def test_type99_record_is_a_note_and_never_evaluated() -> None:
    res, _ = mailfrom("203.0.113.1", "a@both.example")
    assert res.result is Result.FAIL
    assert any("type-99" in n and "differs" in n for n in res.notes)


def test_long_record_note() -> None:
    res, _ = mailfrom("192.0.2.1", "a@long.example")
    assert res.result is Result.PASS
    assert any("RFC 7208 §3.4" in n for n in res.notes)


@pytest.mark.parametrize(("receiver", "comment", "header"), [
    ("mx.google.com",
     "google.com: domain of a@soft.example does not designate".replace("domain of", "domain of "
                                                                       "transitioning"),
     "softfail (google.com: domain of transitioning a@soft.example does not designate "
     "203.0.113.1 as permitted sender) client-ip=203.0.113.1;"),
    ("atlas1.free.mail.bf1.yahoo.com", "domain of transitioningsoft.example does not designate",
     "softfail (domain of transitioningsoft.example does not designate 203.0.113.1 as permitted "
     "sender)"),
    ("protection.outlook.com",
     "protection.outlook.com: domain of transitioning soft.example discourages use of",
     "SoftFail (protection.outlook.com: domain of transitioning soft.example discourages use of "
     "203.0.113.1 as permitted sender) receiver=protection.outlook.com; client-ip=203.0.113.1; "
     "helo=helo.example;"),
    ("mx.example.net", "mx.example.net: domain of transitioning a@soft.example does not",
     "softfail (mx.example.net: domain of transitioning a@soft.example does not designate "
     "203.0.113.1 as permitted sender) client-ip=203.0.113.1; envelope-from=\"a@soft.example\"; "
     "helo=helo.example; receiver=mx.example.net; mechanism=~all; identity=mailfrom"),
])
def test_receiver_style_comment_and_received_spf(receiver: str, comment: str, header: str) -> None:
    res, _ = mailfrom("203.0.113.1", "A@Soft.example".lower(), receiver=receiver)
    assert res.comment.startswith(comment)
    assert res.received_spf == header


def test_gmail_none_and_temperror_wording() -> None:
    none, _ = mailfrom("203.0.113.1", "a@nothing.example", receiver="mx.google.com")
    assert none.comment == "google.com: a@nothing.example does not designate permitted sender hosts"
    temp, _ = mailfrom("203.0.113.1", "a@slow.example", receiver="mx.google.com")
    assert temp.comment == "google.com: error in processing during lookup of a@slow.example: DNS error"


# --- the DNS hook --------------------------------------------------------------------------


class Gate:
    """A resolver that answers one fixed record and waits at a barrier on its first question."""

    def __init__(self, record: str, barrier: threading.Barrier) -> None:
        self.inner = CassetteResolver({"t.example": {"TXT": [[record]]}})
        self.barrier = barrier
        self.first = True

    def query(self, name: str, rdtype: str) -> Answer:
        if self.first:
            self.first = False
            self.barrier.wait(timeout=10)
        return self.inner.query(name, rdtype)


def test_concurrent_checks_each_use_their_own_resolver() -> None:
    barrier = threading.Barrier(2)
    results: dict[str, Result] = {}

    def run(label: str, record: str) -> None:
        env = Envelope(ip="192.0.2.1", mail_from="a@t.example", helo=None)
        res, _ = check_spf(env, Gate(record, barrier))
        results[label] = res.result if res else Result.NONE

    threads = [threading.Thread(target=run, args=("pass", "v=spf1 +all")),
               threading.Thread(target=run, args=("fail", "v=spf1 -all"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert results == {"pass": Result.PASS, "fail": Result.FAIL}


def test_hook_is_installed_once_and_refuses_without_a_resolver() -> None:
    assert spf.DNSLookup is _pyspf._hook
    res = spf.query(i="192.0.2.1", s="a@example.com", h="h.example").check()
    assert res[0] == "temperror"
    assert "no resolver bound" in res[2]


def test_pyspf_hook_reinstalled_after_someone_else_replaced_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spf, "DNSLookup", lambda *a, **k: [])
    res, _ = mailfrom("192.0.2.7", "a@example.com")
    assert res.result is Result.PASS


# --- pyspf defects, each shown against pyspf alone, then through our adapter -------------------


@pytest.fixture
def raw_pyspf(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """pyspf with a plain test double as its DNS (no adapter): answers from the dict given."""
    table: dict[tuple[str, str], Any] = {}

    def lookup(name: str, qtype: str, strict: object = True, timeout: object = None) -> Any:
        value = table.get((name.lower(), qtype), [])
        if isinstance(value, Exception):
            raise value
        return [((name, qtype), v) for v in value]

    monkeypatch.setattr(spf, "DNSLookup", lookup)
    yield table  # type: ignore[misc]


def test_defect_1_null_txt_record(raw_pyspf: dict[Any, Any]) -> None:
    raw_pyspf[("nul.example", "TXT")] = [()]
    with pytest.raises(IndexError):
        spf.query(i="192.0.2.1", s="a@nul.example", h="h").check()
    res, _ = mailfrom("192.0.2.1", "a@nul.example")
    assert res.result is Result.NONE


def test_defect_2_bad_ip_raises_from_the_constructor() -> None:
    with pytest.raises(spf.PermError):
        spf.query(i="192.0.2.300", s="a@example.com", h="h")
    res, _ = mailfrom("192.0.2.300", "a@example.com")
    assert res.result is Result.NONE and "not an IP address" in res.reason


def test_defect_3_unclassified_errors_become_permerror(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(self: Any, spf_record: Any = None) -> Any:
        raise AssertionError("Too many levels of recursion")

    monkeypatch.setattr(spf.query, "check", boom)
    res, _ = mailfrom("192.0.2.1", "a@example.com")
    assert res.result is Result.PERMERROR
    assert "recursion" in res.reason


def test_defect_4_dns_error_on_a_ptr_name_skips_it(raw_pyspf: dict[Any, Any]) -> None:
    zone = {"p.example": {"TXT": [["v=spf1 ptr -all"]]},
            "1.2.0.192.in-addr.arpa": {"PTR": ["bad.p.example", "good.p.example"]},
            "bad.p.example": {"A": "SERVFAIL"}, "good.p.example": {"A": ["192.0.2.1"]}}
    raw_pyspf[("p.example", "TXT")] = [(b"v=spf1 ptr -all",)]
    raw_pyspf[("1.2.0.192.in-addr.arpa", "PTR")] = ["bad.p.example", "good.p.example"]
    raw_pyspf[("bad.p.example", "A")] = spf.TempError("SERVFAIL")
    raw_pyspf[("good.p.example", "A")] = ["192.0.2.1"]
    assert spf.query(i="192.0.2.1", s="a@p.example", h="h").check()[0] == "temperror"
    env = Envelope(ip="192.0.2.1", mail_from="a@p.example", helo="h")
    res, _ = check_spf(env, CassetteResolver(zone))
    assert res is not None and res.result is Result.PASS  # RFC 7208 §5.5


def test_defect_5_t_macro_reads_the_wall_clock(raw_pyspf: dict[Any, Any]) -> None:
    raw_pyspf[("t.example", "TXT")] = [(b"v=spf1 -all exp=why.t.example",)]
    raw_pyspf[("why.t.example", "TXT")] = [(b"refused at %{t}",)]
    wall = spf.query(i="192.0.2.1", s="a@t.example", h="h").check()[2]
    assert wall != "refused at 1793491200"
    zone = {"t.example": {"TXT": [["v=spf1 -all exp=why.t.example"]]},
            "why.t.example": {"TXT": [["refused at %{t}"]]}}
    env = Envelope(ip="192.0.2.1", mail_from="a@t.example", helo="h")
    res, _ = check_spf(env, CassetteResolver(zone), now=1793491200.7)
    assert res is not None and res.explanation == "refused at 1793491200"  # RFC 7208 §7.3


def test_checks_never_touch_pyspf_networking(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("pyspf's own DNS used")

    monkeypatch.setattr(spf, "DNSLookup_dnspython", refuse)
    res, _ = mailfrom("192.0.2.7", "a@example.com")
    assert res.result is Result.PASS


def test_resolver_protocol() -> None:
    assert isinstance(resolver(), Resolver)
