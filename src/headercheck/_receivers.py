"""Which hosts and authserv-ids belong to the receiver (RECEIVERS.md §1.2, §2.1, §3.2).

The receiver families themselves (Gmail, Yahoo, Outlook) are the envelope's, in _trust.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from headercheck._trust import profile_of
from headercheck.checks._orgdomain import public_suffix_list


@lru_cache(maxsize=4096)
def is_internal_host(host: str) -> bool:
    """True for a receiver-internal hop name: a private or bare IP literal, or an opaque id.

    Gmail's last hop reads ``by 2002:a05:7300:…`` and Yahoo's ``by 10.253.37.223``
    (RECEIVERS.md §1.1, §2.1): neither names a host outside the receiver. Remembered (pure).
    """
    name = host.strip("[]").lower()
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return "." not in name
    return ip.is_private or ip.is_loopback or ip.version == 6


def same_site(host: str, receiver: str) -> bool:
    """Whether host belongs to the same receiver as the given receiver host or authserv-id."""
    host, receiver = host.lower().rstrip("."), receiver.lower().rstrip(".")
    if not host or not receiver:
        return False
    if host == receiver:
        return True
    mine = profile_of(receiver)
    if mine is not None:
        return profile_of(host) is mine
    return _parent(host) == _parent(receiver)


@lru_cache(maxsize=1024)
def _parent(name: str) -> str:
    """The registrable domain (Public Suffix List), or the name itself."""
    return str(public_suffix_list().privatesuffix(name) or name)
