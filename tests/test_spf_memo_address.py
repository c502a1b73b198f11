"""_spf_memo.address: the dotted-quad shortcut equals ipaddress on every input it takes."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from headercheck.checks._spf_memo import address

_OCTET = st.one_of(st.integers(0, 300).map(str), st.sampled_from(["00", "01", "007", "", "x", "²", " 1"]))


@settings(max_examples=500, deadline=None)
@given(st.lists(_OCTET, min_size=3, max_size=5).map(".".join))
def test_address_equals_ipaddress(text: str) -> None:
    address.cache_clear()
    try:
        parsed = ipaddress.ip_address(text)
    except ValueError:
        try:
            address(text)
        except ValueError:
            return
        raise AssertionError(f"{text!r} accepted") from None
    assert address(text) == (parsed.version, int(parsed))


def test_ipv6_unchanged() -> None:
    assert address("2001:db8::1") == (6, int(ipaddress.ip_address("2001:db8::1")))
