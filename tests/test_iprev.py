"""iprev (RFC 8601 §3): pass, mismatch, no PTR, timeouts, IPv6, malformed names, the name cap."""

from __future__ import annotations

from typing import Any

import pytest

from headercheck.checks.iprev import MAX_PTR_NAMES, check_iprev
from headercheck.dns import CassetteResolver
from headercheck.results import Result

ZONE: dict[str, Any] = {
    "10.2.0.192.in-addr.arpa": {"PTR": ["mail.example.org"]},
    "mail.example.org": {"A": ["192.0.2.10"], "AAAA": ["2001:db8::25"]},
    "11.2.0.192.in-addr.arpa": {"PTR": ["other.example.org"]},
    "other.example.org": {"A": ["192.0.2.99"]},
    "12.2.0.192.in-addr.arpa": {"PTR": "TIMEOUT"},
    "13.2.0.192.in-addr.arpa": {"PTR": ["slow.example.org"]},
    "slow.example.org": {"A": "SERVFAIL"},
    "14.2.0.192.in-addr.arpa": {"PTR": ["slow.example.org", "mail2.example.org"]},
    "mail2.example.org": {"A": ["192.0.2.14"]},
    "15.2.0.192.in-addr.arpa": {"PTR": ["nodot"]},
    "16.2.0.192.in-addr.arpa": {"PTR": [f"n{i}.example.org" for i in range(12)]},
    "n11.example.org": {"A": ["192.0.2.16"]},
    "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa":
        {"PTR": ["mail.example.org"]},
}


@pytest.mark.parametrize(("ip", "result", "confirmed"), [
    ("192.0.2.10", Result.PASS, "mail.example.org"),
    ("2001:db8::25", Result.PASS, "mail.example.org"),
    ("192.0.2.11", Result.FAIL, ""),          # mismatch: PTR name resolves elsewhere
    ("192.0.2.20", Result.PERMERROR, ""),     # no PTR (NXDOMAIN): RFC 8601 §2.7.3
    ("192.0.2.12", Result.TEMPERROR, ""),     # PTR lookup times out
    ("192.0.2.13", Result.TEMPERROR, ""),     # forward lookup SERVFAIL, nothing confirmed
    ("192.0.2.14", Result.PASS, "mail2.example.org"),  # one failing name does not matter
    ("192.0.2.15", Result.PERMERROR, ""),     # every PTR name malformed
    ("192.0.2.16", Result.FAIL, ""),          # the confirming name is the 12th: not checked
    ("not-an-ip", Result.PERMERROR, ""),
])
def test_iprev(ip: str, result: Result, confirmed: str) -> None:
    res = check_iprev(ip, CassetteResolver(ZONE))
    assert res is not None
    assert res.result is result, res.reason
    assert res.confirmed_name == confirmed
    assert res.reason


def test_no_ip_no_result() -> None:
    assert check_iprev(None, CassetteResolver({})) is None


def test_names_and_questions_are_reported() -> None:
    res = check_iprev("192.0.2.16", CassetteResolver(ZONE))
    assert res is not None
    assert len(res.ptr_names) == 12
    assert len(res.dns_names) == 1 + MAX_PTR_NAMES
    assert "only the first 10" in res.reason
    assert res.ip == "192.0.2.16"
