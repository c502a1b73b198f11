"""DMARC record parsing (RFC 7489 §6.3, RFC 9989) and the rules applied to its problems."""

from __future__ import annotations

import pytest

from headercheck.checks._dmarc_policy import disposition, effective_record, gmail_comment, select_policy
from headercheck.checks._dmarc_record import Policy, RecordError, is_dmarc_record, parse_record
from headercheck.results import Result


def test_full_record() -> None:
    r = parse_record("v=DMARC1; p=Reject; sp=quarantine; np=none; adkim=s; aspf=s; pct=50; t=y; psd=n; "
                     "rua=mailto:a@example.com,mailto:b@example.com; ruf=mailto:f@example.com; fo=1:d")
    assert (r.p, r.sp, r.np) == (Policy.REJECT, Policy.QUARANTINE, Policy.NONE)
    assert (r.adkim, r.aspf, r.pct, r.testing, r.psd) == ("s", "s", 50, True, "n")
    assert r.rua == ("mailto:a@example.com", "mailto:b@example.com")
    assert not r.malformed and not r.bad_values


def test_defaults() -> None:
    r = parse_record("v=DMARC1; p=none")
    assert (r.sp, r.np, r.adkim, r.aspf, r.pct, r.testing, r.psd) == (None, None, "r", "r", 100, False, "u")


@pytest.mark.parametrize("text", ["v=DMARC1", "v = DMARC1 ; p=none", "v=DMARC1;p=none"])
def test_version_first(text: str) -> None:
    assert is_dmarc_record(text)


@pytest.mark.parametrize("text", ["p=none; v=DMARC1", "v=DMARC2; p=none", "v=dmarc1; p=none", "v=DMARC10",
                                  "v=spf1 -all"])
def test_not_a_dmarc_record_rfc7489_6_6_3(text: str) -> None:
    assert not is_dmarc_record(text)
    with pytest.raises(RecordError):
        parse_record(text)


def test_unknown_tags_ignored_rfc9989() -> None:
    r = parse_record("v=DMARC1; p=reject; foo=bar; x_y=1")
    assert r.p is Policy.REJECT and not r.bad_values and not r.malformed


def test_bare_word_is_malformed_and_permerror() -> None:
    eff = effective_record(parse_record("v=DMARC1; p=none; reject"))
    assert eff.verdict is Result.PERMERROR and "'reject' is not tag=value" in eff.reason


def test_duplicate_tag_is_malformed() -> None:
    assert effective_record(parse_record("v=DMARC1; p=none; p=reject")).verdict is Result.PERMERROR


def test_bad_p_without_rua_is_permerror() -> None:
    eff = effective_record(parse_record("v=DMARC1; p=bogus"))
    assert eff.verdict is Result.PERMERROR


def test_bad_p_with_rua_acts_as_p_none_rfc7489_6_6_3_step6() -> None:
    eff = effective_record(parse_record("v=DMARC1; p=bogus; sp=reject; rua=mailto:d@example.com"))
    assert eff.verdict is None and eff.record.p is Policy.NONE and eff.record.sp is None


def test_missing_p_with_rua_is_p_none_rfc9989() -> None:
    eff = effective_record(parse_record("v=DMARC1; rua=mailto:d@example.com"))
    assert eff.verdict is None and eff.record.p is Policy.NONE


def test_missing_p_without_rua_is_not_applied() -> None:
    eff = effective_record(parse_record("v=DMARC1; sp=quarantine; np=reject"))
    assert eff.verdict is Result.NONE


def test_bad_other_values_use_defaults_rfc7489_6_3() -> None:
    eff = effective_record(parse_record("v=DMARC1; p=reject; adkim=x; pct=500; t=maybe"))
    assert eff.verdict is None
    assert (eff.record.adkim, eff.record.pct, eff.record.testing) == ("r", 100, False)
    assert len(eff.notes) == 3


def test_abbreviated_policy_accepted_with_note() -> None:
    r = parse_record("v=DMARC1; p=q")
    assert r.p is Policy.QUARANTINE and "OpenDMARC" in r.notes[0]


def test_select_policy() -> None:
    r = parse_record("v=DMARC1; p=reject; sp=quarantine; np=none")
    assert select_policy(r, "example.com", "example.com", True).tag == "p"
    assert select_policy(r, "a.example.com", "example.com", True).policy is Policy.QUARANTINE
    assert select_policy(r, "a.example.com", "example.com", False).tag == "np"
    bare = parse_record("v=DMARC1; p=reject")
    assert select_policy(bare, "a.example.com", "example.com", False) .tag == "p"
    no_np = parse_record("v=DMARC1; p=reject; sp=none")
    assert select_policy(no_np, "a.example.com", "example.com", False).policy is Policy.NONE


@pytest.mark.parametrize(
    ("text", "expected"),
    [("v=DMARC1; p=reject", Policy.REJECT), ("v=DMARC1; p=reject; t=y", Policy.QUARANTINE),
     ("v=DMARC1; p=quarantine; t=y", Policy.NONE), ("v=DMARC1; p=reject; pct=0", Policy.QUARANTINE),
     ("v=DMARC1; p=reject; pct=30", Policy.REJECT), ("v=DMARC1; p=none", Policy.NONE)],
)
def test_disposition_of_failing_mail(text: str, expected: Policy) -> None:
    r = parse_record(text)
    assert disposition(Result.FAIL, r.p or Policy.NONE, r)[0] is expected
    assert disposition(Result.PASS, r.p or Policy.NONE, r)[0] is Policy.NONE


def test_strength_and_gmail_comment() -> None:
    assert Policy.NONE.strength < Policy.QUARANTINE.strength < Policy.REJECT.strength
    assert gmail_comment("reject", "", "quarantine") == "p=REJECT sp=REJECT dis=QUARANTINE"
