"""check_dmarc() through an offline Resolver: discovery, alignment, policy, disposition."""

from __future__ import annotations

from typing import Any

import pytest

from headercheck.checks.dmarc import check_dmarc
from headercheck.dns import Answer, CassetteResolver
from headercheck.message import Message, parse_message
from headercheck.results import DkimResult, Result, SpfResult

ZONE: dict[str, Any] = {
    "_dmarc.example.com": {"TXT": [["v=DMARC1; p=reject; sp=quarantine; np=none"]]},
    "mail.example.com": {"A": ["192.0.2.1"]},
    "_dmarc.strict.example": {"TXT": [["v=DMARC1; p=reject; adkim=s; aspf=s"]]},
    "_dmarc.testing.example": {"TXT": [["v=DMARC1; p=reject; t=y"]]},
    "_dmarc.sample.example": {"TXT": [["v=DMARC1; p=quarantine; pct=20"]]},
    "_dmarc.two.example": {"TXT": [["v=DMARC1; p=reject"], ["v=DMARC1; p=none"]]},
    "_dmarc.broken.example": {"TXT": "SERVFAIL"},
    "_dmarc.other.example": {"TXT": [["v=spf1 -all"], ["v=DMARC1; p=quarantine"]]},
    "_dmarc.gov": {"TXT": [["v=DMARC1; p=reject; sp=none; np=reject; psd=y"]]},
    "agency.gov": {"A": ["192.0.2.2"]},
    "_dmarc.xn--r8jz45g.jp": {"TXT": [["v=DMARC1; p=reject"]]},
}


class Counting:
    """Counts every question, to check the tree walk's query budget."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.inner = CassetteResolver(data)
        self.asked: list[str] = []

    def query(self, name: str, rdtype: str) -> Answer:
        self.asked.append(f"{name} {rdtype}")
        return self.inner.query(name, rdtype)


def msg(from_value: str, *extra: str) -> Message:
    head = "".join(f"{h}\r\n" for h in (f"From: {from_value}", *extra))
    return parse_message(f"{head}To: x@example.net\r\nSubject: t\r\n\r\nbody\r\n".encode())


def dkim_pass(*domains: str) -> tuple[DkimResult, ...]:
    return tuple(DkimResult(Result.PASS, "", "", domain=d) for d in domains)


def run(from_value: str, dkim: tuple[DkimResult, ...] = (), spf: SpfResult | None = None,
        mode: str = "psl", zone: dict[str, Any] | None = None) -> Any:
    result = check_dmarc(msg(from_value), dkim, spf, CassetteResolver(zone or ZONE), discovery=mode)
    assert result is not None
    return result


@pytest.mark.parametrize("mode", ["psl", "treewalk"])
def test_relaxed_dkim_alignment_passes(mode: str) -> None:
    r = run("a@example.com", dkim_pass("other.net", "mail.example.com"), mode=mode)
    assert r.result is Result.PASS and r.dkim_aligned == ("mail.example.com",)
    assert (r.policy, r.subdomain_policy, r.disposition) == ("reject", "quarantine", "none")
    assert r.gmail_comment == "p=REJECT sp=QUARANTINE dis=NONE"


def test_failing_dkim_is_not_an_identifier() -> None:
    dkim = (DkimResult(Result.FAIL, "", "", domain="example.com"),)
    r = run("a@example.com", dkim)
    assert r.result is Result.FAIL and r.disposition == "reject" and r.applied_tag == "p"


def test_spf_alignment() -> None:
    spf = SpfResult(Result.PASS, "mailfrom", "", domain="bounce.example.com")
    r = run("a@example.com", spf=spf)
    assert r.result is Result.PASS and r.spf_aligned and r.spf_domain == "bounce.example.com"


def test_spf_softfail_does_not_align() -> None:
    spf = SpfResult(Result.SOFTFAIL, "mailfrom", "", domain="example.com")
    assert run("a@example.com", spf=spf).result is Result.FAIL


def test_null_sender_uses_helo_rfc7489_3_1_2() -> None:
    spf = SpfResult(Result.PASS, "mailfrom", "", domain="", identity="", helo="mail.example.com")
    assert run("a@example.com", spf=spf).spf_aligned


def test_strict_alignment_rejects_subdomains() -> None:
    r = run("a@strict.example", dkim_pass("mail.strict.example"),
            SpfResult(Result.PASS, "mailfrom", "", domain="bounce.strict.example"))
    assert r.result is Result.FAIL and (r.adkim, r.aspf) == ("s", "s")
    assert run("a@strict.example", dkim_pass("strict.example")).result is Result.PASS


def test_sp_for_existing_subdomain_and_np_for_missing_one() -> None:
    sub = run("a@mail.example.com")
    assert (sub.applied_tag, sub.applied_policy, sub.disposition) == ("sp", "quarantine", "quarantine")
    assert sub.record_domain == "example.com" and sub.org_domain == "example.com"
    nx = run("a@ghost.example.com")
    assert (nx.applied_tag, nx.applied_policy, nx.disposition) == ("np", "none", "none")


def test_t_y_softens_reject_to_quarantine() -> None:
    r = run("a@testing.example")
    assert r.testing and r.applied_policy == "reject" and r.disposition == "quarantine"


def test_pct_is_reported_with_a_note() -> None:
    r = run("a@sample.example")
    assert r.pct == 20 and r.disposition == "quarantine" and any("pct=20" in n for n in r.notes)


def test_two_records_psl_means_no_dmarc_rfc7489_6_6_3_step5() -> None:
    r = run("a@two.example")
    assert r.result is Result.NONE and "2 DMARC records" in r.reason


def test_two_records_tree_walk_are_discarded() -> None:
    r = run("a@two.example", mode="treewalk")
    assert r.result is Result.NONE and any("discarded" in n for n in r.notes)


def test_non_dmarc_txt_records_are_ignored() -> None:
    assert run("a@other.example").applied_policy == "quarantine"


@pytest.mark.parametrize("mode", ["psl", "treewalk"])
def test_dns_failure_is_temperror(mode: str) -> None:
    r = run("a@broken.example", mode=mode)
    assert r.result is Result.TEMPERROR and "SERVFAIL" in r.reason and r.disposition == "none"


def test_no_record_is_none() -> None:
    r = run("a@nowhere.example")
    assert r.result is Result.NONE and "_dmarc.nowhere.example" in r.reason


def test_tree_walk_psd_y_org_one_below_rfc9989_4_10_2() -> None:
    r = run("a@agency.gov", mode="treewalk")
    assert r.org_domain == "agency.gov" and r.record_domain == "gov" and r.psd == "y"
    assert (r.applied_tag, r.applied_policy) == ("sp", "none")
    nx = run("a@ghost.gov", mode="treewalk")
    assert (nx.applied_tag, nx.applied_policy, nx.disposition) == ("np", "reject", "reject")


def test_psl_mode_does_not_use_psd_records() -> None:
    assert run("a@agency.gov").result is Result.NONE


def test_tree_walk_psd_n_stops_the_walk() -> None:
    zone = {"_dmarc.dept.corp.example": {"TXT": [["v=DMARC1; p=quarantine; psd=n"]]},
            "_dmarc.corp.example": {"TXT": [["v=DMARC1; p=reject"]]}}
    resolver = Counting(zone)
    r = check_dmarc(msg("a@x.dept.corp.example"), dkim_pass("y.dept.corp.example"), None, resolver,
                    discovery="treewalk")
    assert r is not None and r.org_domain == "dept.corp.example" and r.result is Result.PASS
    assert "_dmarc.corp.example TXT" not in resolver.asked[:2]


def test_tree_walk_query_cap_worked_example() -> None:
    """RFC 9989 §4.10: a 13-label Author Domain costs 8 queries, not 13."""
    resolver = Counting({"_dmarc.example.com": {"TXT": [["v=DMARC1; p=reject"]]}})
    r = check_dmarc(msg("a@a.b.c.d.e.f.g.h.i.j.mail.example.com"), (), None, resolver, discovery="treewalk")
    assert r is not None and r.record_domain == "example.com" and r.applied_tag == "p"
    dmarc = [q for q in resolver.asked if q.startswith("_dmarc.")]
    assert len(dmarc) == 8 and dmarc[1] == "_dmarc.g.h.i.j.mail.example.com TXT"


def test_tree_walk_identifier_dns_failure_is_temperror() -> None:
    zone = dict(ZONE, **{"_dmarc.mail.example.com": {"TXT": "TIMEOUT"}})
    r = run("a@example.com", dkim_pass("mail.example.com"), mode="treewalk", zone=zone)
    assert r.result is Result.TEMPERROR


@pytest.mark.parametrize("author", ["a@例え.jp", "a@XN--R8JZ45G.jp"])
def test_idn_unicode_and_a_labels_alike(author: str) -> None:
    r = run(author, dkim_pass("xn--r8jz45g.jp"))
    assert r.result is Result.PASS and r.from_domain == "xn--r8jz45g.jp"
    assert run(author, dkim_pass("例え.jp")).result is Result.PASS


def test_several_from_domains_worst_wins_rfc7489_6_6_1() -> None:
    r = run("a@example.com, b@strict.example", dkim_pass("example.com"))
    assert r.result is Result.FAIL and r.from_domain == "strict.example"
    assert r.from_domains == ("example.com", "strict.example") and r.disposition == "reject"


def test_same_domain_twice_is_one_author() -> None:
    r = run("a@example.com, b@EXAMPLE.com", dkim_pass("example.com"))
    assert r.result is Result.PASS and r.from_domains == ("example.com",)


@pytest.mark.parametrize(
    ("message", "why"),
    [(parse_message(b"To: x@example.net\r\n\r\nbody\r\n"), "no From header"),
     (msg("a@example.com", "From: b@example.com"), "2 From headers"),
     (msg('"Test User"'), "Unable to extract From domain"),
     (msg("a@exa mple..com"), "not a valid domain name")],
)
def test_malformed_from_is_permerror(message: Message, why: str) -> None:
    r = check_dmarc(message, dkim_pass("example.com"), None, CassetteResolver(ZONE))
    assert r is not None and r.result is Result.PERMERROR and why in r.reason
    assert r.disposition == "reject"


def test_unknown_discovery_is_misuse() -> None:
    with pytest.raises(ValueError):
        check_dmarc(msg("a@example.com"), (), None, CassetteResolver(ZONE), discovery="magic")
