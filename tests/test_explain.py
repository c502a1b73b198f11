"""Findings: every code in both languages, every reason code mapped, one case per failure kind."""

from __future__ import annotations

import string
from dataclasses import replace

import pytest

from headercheck._catalogue import LANGUAGES, catalogue
from headercheck._explain_codes import CODES, DKIM_KIND_CODES
from headercheck._kinds import DKIM_KINDS, dkim_kind, known_dkim_codes
from headercheck.checks._dkimsig import REASONS
from headercheck.explain import findings
from headercheck.results import ReceiverVerdict, Result, Severity
from support.reports import BASE, CASES, SIG


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_code_in_every_language(lang: str) -> None:
    cat = catalogue(lang)["findings"]
    assert set(cat) == set(CODES), f"{lang}: missing {set(CODES) - set(cat)}, extra {set(cat) - set(CODES)}"
    en = catalogue("en")["findings"]
    for code, entry in cat.items():
        for part in ("message", "fix"):
            assert entry[part].strip(), f"{lang}:{code}:{part} is empty"
            assert _fields(entry[part]) == _fields(en[code][part]), f"{lang}:{code}:{part} placeholders"
    assert set(catalogue(lang)["causes"]) == set(catalogue("en")["causes"])
    assert set(catalogue(lang)["labels"]) == set(catalogue("en")["labels"])


def test_japanese_is_japanese() -> None:
    for code, entry in catalogue("ja")["findings"].items():
        assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in entry["message"]
                   + entry["fix"]), code


def test_every_dkim_kind_and_reason_code_has_a_specific_finding() -> None:
    assert set(DKIM_KIND_CODES) == set(DKIM_KINDS) - {"pass"}
    assert set(known_dkim_codes()) == set(REASONS)  # exactly the codes the DKIM check emits
    for code in known_dkim_codes():
        sig = replace(SIG, result=Result.FAIL, reason_code=code, reason="x")
        kind = dkim_kind(sig)
        assert kind in DKIM_KINDS
        if kind not in ("pass", "other"):
            codes = {f.code for f in findings(replace(BASE, dkim=(sig,)))}
            assert DKIM_KIND_CODES[kind] in codes, code


def test_unknown_reason_code_gets_the_generic_finding() -> None:
    sig = replace(SIG, result=Result.PERMERROR, reason_code="brand_new_code", reason="something new")
    got = [f for f in findings(replace(BASE, dkim=(sig,))) if f.method == "dkim"]
    assert [f.code for f in got] == ["dkim_other"] and "something new" in got[0].message


EXPECTED = {
    "pass": set(), "dkim_body_hash": {"dkim_body_hash"}, "dkim_signature": {"dkim_signature"},
    "dkim_no_key": {"dkim_no_key"}, "dkim_key_revoked": {"dkim_key_revoked"}, "dkim_dns": {"dkim_dns"},
    "dkim_bad_format": {"dkim_bad_format"}, "dkim_short_key": {"dkim_key_too_short"},
    "dkim_rsa_sha1": {"dkim_rsa_sha1"}, "dkim_expired": {"dkim_expired"}, "dkim_length": {"dkim_length"},
    "dkim_unsigned": {"dkim_none"}, "dkim_two_signatures": {"dkim_signature"}, "dkim_auid": set(),
    "spf_fail": {"spf_fail"}, "spf_softfail": {"spf_softfail"}, "spf_neutral": {"spf_neutral"},
    "spf_none": {"spf_none"}, "spf_temperror": {"spf_temperror"}, "spf_permerror": {"spf_lookup_limit"},
    "spf_type99": {"spf_type99"}, "spf_prvs": set(), "iprev_no_ptr": {"iprev_no_ptr"},
    "iprev_mismatch": {"iprev_mismatch"}, "dmarc_none": {"dmarc_missing"},
    "dmarc_fail_quarantine": {"dmarc_fail_unaligned"},
    "dmarc_fail_reject_sp": {"dmarc_fail_unaligned"}, "dmarc_permerror": {"dmarc_permerror"},
    "arc_pass": set(), "arc_fail": {"arc_fail"}, "spf_no_ip": {"spf_no_ip"},
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_case_findings(case: str, lang: str) -> None:
    got = findings(CASES[case], lang)
    codes = {f.code for f in got} - {"dmarc_policy_none"}
    assert codes == EXPECTED[case]
    for f in got:
        assert "{" not in f.message + f.fix, f"{f.code}: unfilled placeholder"
        assert f.severity is CODES[f.code]


def test_auth_none_when_nothing_passes() -> None:
    report = replace(CASES["dkim_signature"], spf=CASES["spf_fail"].spf)
    assert "auth_none" in {f.code for f in findings(report)}


def test_errors_come_first_and_ja_differs() -> None:
    got = findings(CASES["dmarc_fail_quarantine"], "en")
    assert [f.severity for f in got] == sorted((f.severity for f in got),
                                               key=[Severity.ERROR, Severity.WARNING, Severity.INFO].index)
    ja = findings(CASES["dmarc_fail_quarantine"], "ja")
    assert [f.code for f in ja] == [f.code for f in got] and ja[0].message != got[0].message


def test_receiver_verdicts_become_findings() -> None:
    said = (
        ReceiverVerdict("dkim", "pass", "permerror", False, "key no longer published",
                        authserv_id="mx.google.com", cause_code="dkim_key_removed"),
        ReceiverVerdict("authentication-results", "dkim=pass", "", False, "", forged=True,
                        authserv_id="mx.google.com", cause_code="forged_ar",
                        cause_args={"authserv_id": "mx.google.com", "position": 14}),
    )
    report = replace(BASE, receiver_said=said)
    en = {f.code: f for f in findings(report, "en")}
    assert en["receiver_key_removed"].message == (
        "The receiver (mx.google.com) said dkim=pass at delivery, now permerror: key no longer published.")
    assert "#14" in en["ar_forged"].message
    ja = {f.code: f for f in findings(report, "ja")}
    assert "鍵が公開されなくなっています" in ja["receiver_key_removed"].message


def test_unknown_language() -> None:
    with pytest.raises(ValueError):
        findings(BASE, "fr")


def test_docs_list_every_code() -> None:
    import os

    from support.findings_doc import render
    from support.paths import ROOT

    path = ROOT / "docs" / "findings.md"
    if os.environ.get("HEADERCHECK_UPDATE_GOLDEN") == "1":
        path.write_text(render(), encoding="utf-8")
    assert path.read_text(encoding="utf-8") == render(), "regenerate with HEADERCHECK_UPDATE_GOLDEN=1"


def test_reason_codes_the_dkim_check_declares_have_specific_findings() -> None:
    """Once the DKIM check publishes its reason codes, each must map to a specific kind."""
    import importlib

    try:
        declared = list(importlib.import_module("headercheck.checks._dkimsig").REASONS)
    except (ImportError, AttributeError):
        pytest.skip("the DKIM check declares no reason codes yet (headercheck.checks._dkimsig.REASONS)")
    for code in declared:
        kind = dkim_kind(replace(SIG, result=Result.FAIL, reason_code=code, reason=""))
        assert kind != "other", f"DKIM reason code {code!r} has no specific finding (_kinds._CODES)"


@pytest.mark.parametrize("result", [r for r in Result if r not in (Result.PASS, Result.POLICY)])
def test_every_non_pass_result_of_every_mechanism_is_explained(result: Result) -> None:
    from headercheck.results import ArcResult, IprevResult

    reports = {
        "spf": replace(BASE, spf=replace(BASE.spf, result=result)),  # type: ignore[type-var]
        "iprev": replace(BASE, iprev=IprevResult(result, "x", ip="192.0.2.1")),
        "dmarc": replace(BASE, dmarc=replace(BASE.dmarc, result=result)),  # type: ignore[type-var]
        "arc": replace(BASE, arc=ArcResult(result, "x")),
    }
    for method, report in reports.items():
        if (method, result) in {("iprev", Result.NONE), ("arc", Result.NONE)} or (
                method == "arc" and result is not Result.FAIL):
            continue  # nothing to explain: no client IP / no ARC chain; ARC knows only pass/fail/none
        assert any(f.method == method for f in findings(report)), (method, result)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_fill_is_string_formatter(lang: str) -> None:
    """fill() (str.format_map) gives string.Formatter's text for every template, args or none."""
    from headercheck._catalogue import _Keep, fill

    data = catalogue(lang)
    templates = [t for entry in data["findings"].values() for t in (entry["message"], entry["fix"])]
    templates += list(data["causes"].values()) + list(data["labels"].values())
    for template in templates:
        names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        for args in ({}, {n: f"<{n}>" for n in names}, {n: 7 for n in names}):
            assert fill(template, args) == string.Formatter().vformat(template, (), _Keep(args))
