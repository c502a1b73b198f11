"""Organizational Domain helpers: names, PSL (RFC 7489 §3.2) and the tree walk (RFC 9989 §4.10)."""

from __future__ import annotations

import pytest

from headercheck.checks._orgdomain import (
    loose_name,
    psl_org_domain,
    select_org_domain,
    to_ascii,
    walk_targets,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Example.COM.", "example.com"), ("例え.jp", "xn--r8jz45g.jp"), ("XN--R8JZ45G.jp", "xn--r8jz45g.jp"),
     ("bücher.example", "xn--bcher-kva.example")],
)
def test_to_ascii_treats_unicode_and_a_labels_alike(name: str, expected: str) -> None:
    assert to_ascii(name) == expected


@pytest.mark.parametrize("name", ["", "a..b", "-bad.example", "a b.example", "x" * 64 + ".com"])
def test_to_ascii_rejects_bad_names(name: str) -> None:
    with pytest.raises(ValueError):
        to_ascii(name)


def test_loose_name_keeps_what_it_cannot_encode() -> None:
    assert loose_name("mac...com") == "mac...com"


@pytest.mark.parametrize(
    ("domain", "org"),
    [("a.b.example.co.uk", "example.co.uk"), ("example.com", "example.com"), ("com", "com"),
     ("mail.xn--r8jz45g.jp", "xn--r8jz45g.jp"), ("city.kobe.jp", "city.kobe.jp")],
)
def test_psl_org_domain_rfc7489_3_2(domain: str, org: str) -> None:
    assert psl_org_domain(domain) == org


def test_walk_targets_rfc9989_4_10_worked_example() -> None:
    """RFC 9989 §4.10 (RECEIVERS.md §6.1): 13 labels give 8 queries, skipping to 7 labels."""
    assert walk_targets("a.b.c.d.e.f.g.h.i.j.mail.example.com") == [
        "a.b.c.d.e.f.g.h.i.j.mail.example.com",
        "g.h.i.j.mail.example.com",
        "h.i.j.mail.example.com",
        "i.j.mail.example.com",
        "j.mail.example.com",
        "mail.example.com",
        "example.com",
        "com",
    ]


@pytest.mark.parametrize("labels", range(1, 20))
def test_walk_never_exceeds_eight_queries(labels: int) -> None:
    name = ".".join(f"l{i}" for i in range(labels))
    targets = walk_targets(name)
    assert len(targets) == min(labels, 8)
    assert targets[-1] == f"l{labels - 1}"


def test_select_org_domain_rfc9989_4_10_2() -> None:
    d = "a.b.example.com"
    assert select_org_domain(d, []) == d
    assert select_org_domain(d, [("b.example.com", "u"), ("example.com", "u")]) == "example.com"
    assert select_org_domain(d, [("b.example.com", "n")]) == "b.example.com"
    assert select_org_domain(d, [("com", "y")]) == "example.com"
    assert select_org_domain("example.gov", [("gov", "y")]) == "example.gov"
    # psd=y at the Author Domain itself: rule 2 does not apply, the fewest-labels rule does.
    assert select_org_domain("gov", [("gov", "y")]) == "gov"
