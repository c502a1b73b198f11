"""Stalwart mail-auth ARC fixtures (conformance/stalwart/arc): DNS lines, a blank line, a message."""

from __future__ import annotations

from typing import Any

import pytest

from headercheck.checks.arc import check_arc
from headercheck.dns import CassetteResolver
from headercheck.message import Message, parse_message
from headercheck.results import Result
from support.paths import CONFORMANCE

if not CONFORMANCE.is_dir():
    pytest.skip(f"conformance data not found at {CONFORMANCE} (set HEADERCHECK_CONFORMANCE)",
                allow_module_level=True)


def _load(name: str) -> tuple[Message, CassetteResolver]:
    text = (CONFORMANCE / "stalwart" / "arc" / name).read_text(encoding="utf-8")
    dns_part, _, message = text.partition("\n\n")
    zone: dict[str, Any] = {}
    for line in dns_part.splitlines():
        owner, _, value = line.partition(" ")
        zone.setdefault(owner, {"TXT": []})["TXT"].append([value])
    return parse_message(message.encode()), CassetteResolver(zone)


def test_001_gmail_sealed_ietf_list_mail_passes() -> None:
    message, resolver = _load("001.txt")
    result = check_arc(message, resolver, now=1667893878 + 60)
    assert result is not None and result.result is Result.PASS and result.oldest_pass == 0
    (inst,) = result.instances
    assert (inst.instance, inst.domain, inst.selector, inst.cv) == (1, "google.com", "arc-20160816", "none")
    assert (inst.ams_result, inst.as_result) == (Result.PASS, Result.PASS)
    assert inst.authentication_results.startswith("mx.google.com; dkim=pass header.i=@ietf.org")


def test_001_before_its_seal_time_fails_on_t() -> None:
    """dkimpy's t= check honours our pinned clock, not the wall clock."""
    message, resolver = _load("001.txt")
    result = check_arc(message, resolver, now=1667843664)
    assert result is not None and result.result is Result.FAIL
    assert "t= value is in the future" in result.reason


def test_002_ed25519_arc_set_is_not_accepted() -> None:
    """RFC 8617 defines only rsa-sha256 for ARC; dkimpy rejects the ed25519-sha256 set (i=1)."""
    message, resolver = _load("002.txt")
    result = check_arc(message, resolver, now=1674137914 + 60)
    assert result is not None and result.result is Result.FAIL
    assert "ed25519-sha256" in result.reason and [i.instance for i in result.instances] == [2, 1]
