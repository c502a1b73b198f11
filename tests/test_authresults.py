"""Authentication-Results styles: one golden file per style and failure kind, and the round trip.

Regenerate the golden files with HEADERCHECK_UPDATE_GOLDEN=1 (then review the diff).
"""

from __future__ import annotations

import os
from pathlib import Path

import authres
import pytest

from headercheck.authresults import STYLES, parse, received_spf, render
from support.paths import TESTS
from support.reports import CASES

GOLDEN = TESTS / "golden" / "authresults"
UPDATE = os.environ.get("HEADERCHECK_UPDATE_GOLDEN") == "1"


def _golden(path: Path, text: str) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    assert path.exists(), f"missing golden file {path}: run with HEADERCHECK_UPDATE_GOLDEN=1"
    assert text + "\n" == path.read_text(encoding="utf-8"), f"{path.name} differs from its golden file"


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(style: str, case: str) -> None:
    report = CASES[case]
    text = render(report, style)
    spf = received_spf(report, style)
    _golden(GOLDEN / style / f"{case}.txt",
            f"Authentication-Results: {text}" + (f"\nReceived-SPF: {spf}" if spf else ""))


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_round_trip(style: str, case: str) -> None:
    """What we write, authres reads back: the same methods, results and properties."""
    from headercheck import _ar_gmail, _ar_rfc, _ar_yahoo

    module = {"rfc": _ar_rfc, "gmail": _ar_gmail, "yahoo": _ar_yahoo}[style]
    written = module.clauses(CASES[case])
    parsed = parse(render(CASES[case], style))
    assert parsed is not None
    assert [(c.method, c.result) for c in parsed.clauses] == [(w.method, w.result) for w in written]
    for clause, w in zip(parsed.clauses, written, strict=True):
        for p in w.properties:
            assert clause.props[f"{p.type}.{p.name}"] == str(p.value).strip('"')
        assert clause.comment.replace("\\", "") == (w.result_comment or "").replace("\\", "")


def test_rfc_style_is_plain_authres() -> None:
    """rfc needs no repair: authres itself parses it."""
    for report in CASES.values():
        authres.all_features().parse_value(render(report, "rfc"))


def test_yahoo_trailing_semicolon_needs_the_repair() -> None:
    """authres 1.2.0 rejects Yahoo's ';' after the last resinfo; our parse() repairs it."""
    value = render(CASES["pass"], "yahoo")
    assert value.endswith(";")
    with pytest.raises(authres.SyntaxError):
        authres.all_features().parse_value(value)
    assert parse(value) is not None


def test_gmail_texts_are_gmails() -> None:
    """The exact comment texts RECEIVERS.md §1.5 quotes."""
    gm = {k: render(v, "gmail") for k, v in CASES.items()}
    assert "dkim=neutral (body hash did not verify) header.i=@example.jp" in gm["dkim_body_hash"]
    assert "dkim=permerror (no key for signature)" in gm["dkim_no_key"]
    assert 'header.b="Kf/yv26g"' in gm["pass"] and "header.b=zw+Zgzt8" in gm["dkim_two_signatures"]
    assert ("spf=pass (google.com: domain of info@example.jp designates 203.0.113.25 as permitted "
            "sender) smtp.mailfrom=info@example.jp") in gm["pass"]
    assert "domain of transitioning info@example.jp does not designate" in gm["spf_softfail"]
    assert "dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.jp" in gm["pass"]
    assert "dmarc=fail (p=REJECT sp=REJECT dis=QUARANTINE)" in gm["dmarc_fail_reject_sp"]
    assert 'smtp.mailfrom="prvs=96217baa75=info@example.jp"' in gm["spf_prvs"]
    assert gm["pass"].startswith("mx.google.com;\n       dkim=pass")
    assert "arc=pass (i=1 spf=pass spfdomain=example.jp dkim=pass dkdomain=example.jp dmarc=pass" \
        in gm["arc_pass"]
    order = [line.split("=")[0].strip() for line in gm["arc_pass"].splitlines()[1:]]
    assert order == ["dkim", "arc", "spf", "dmarc"]


def test_yahoo_texts_are_yahoos() -> None:
    """RECEIVERS.md §2.1: glued DMARC comment, no header.b, domain-only mailfrom."""
    y = render(CASES["pass"], "yahoo")
    assert "dmarc=pass(p=NONE) header.from=example.jp;" in y
    assert "header.b" not in y and "spf=pass smtp.mailfrom=example.jp;" in y
    assert "dkim=unknown;" in render(CASES["dkim_unsigned"], "yahoo")
    assert "dmarc=unknown header.from=example.jp;" in render(CASES["dmarc_none"], "yahoo")
    assert "dmarc=fail(p=REJECT,sp=REJECT)" in render(CASES["dmarc_fail_reject_sp"], "yahoo")
    assert received_spf(CASES["spf_softfail"], "yahoo").startswith(
        "softfail (domain of transitioningexample.jp does not designate")


def test_unknown_style() -> None:
    with pytest.raises(ValueError):
        render(CASES["pass"], "hotmail")


def test_report_method_uses_render() -> None:
    assert CASES["pass"].authentication_results("gmail") == render(CASES["pass"], "gmail")


def test_gmail_arc_comment_uses_the_newest_set_in_any_order() -> None:
    from dataclasses import replace

    from headercheck.results import ArcInstance

    report = CASES["arc_pass"]
    older = ArcInstance(1, domain="list.example.org", authentication_results="list.example.org; spf=fail")
    newest = replace(report.arc.instances[0], instance=2)  # type: ignore[union-attr]
    for order in ((newest, older), (older, newest)):
        arc = replace(report.arc, instances=order)  # type: ignore[type-var]
        assert "arc=pass (i=2 spf=pass spfdomain=example.jp" in render(replace(report, arc=arc), "gmail")
