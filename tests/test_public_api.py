"""The public surface is curated: __all__ is sorted, complete and importable."""

from __future__ import annotations

import headercheck


def test_all_is_sorted_and_resolves() -> None:
    assert headercheck.__all__ == sorted(headercheck.__all__)
    for name in headercheck.__all__:
        assert hasattr(headercheck, name), name


def test_exported_members_are_locked() -> None:
    assert set(headercheck.__all__) == {
        "Answer", "ArcInstance", "ArcResult", "AuditRun", "CassetteResolver", "CheckOptions", "DkimResult",
        "DmarcResult", "DnsDataError", "Envelope", "Finding", "IprevResult", "LiveResolver",
        "Message", "ReceiverVerdict", "RecordingResolver", "Report", "Resolver", "Result",
        "Severity", "SpfResult", "Status", "ZoneResolver", "audit", "check", "open_resolver",
        "parse_message", "preload",
    }


def test_preload_builds_the_public_suffix_list_once() -> None:
    from headercheck.checks import _orgdomain

    headercheck.preload()
    built = _orgdomain.public_suffix_list()
    headercheck.preload()
    assert _orgdomain.public_suffix_list() is built
    assert _orgdomain.registrable_domain("mail.example.co.uk") == "example.co.uk"
