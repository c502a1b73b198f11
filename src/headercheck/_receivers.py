"""Receiver profiles: which authserv-ids and hosts belong to Gmail, Yahoo or Microsoft.

Formats: /work/shared/RECEIVERS.md §1.4 (Gmail), §2.1 (Yahoo/AOL), §3 (Microsoft).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Profile:
    """One receiver family: its style name and how to recognise its hosts."""

    style: str
    authserv_id: str
    host_pattern: re.Pattern[str]


GMAIL = Profile("gmail", "mx.google.com", re.compile(r"(^|\.)google\.com$|(^|\.)gmail\.com$"))
YAHOO = Profile(
    "yahoo",
    "atlas-production.v2-mail-prod1-gq1.omega.yahoo.com",
    re.compile(r"(^|\.)yahoo\.com$|(^|\.)aol\.com$|(^|\.)yahoodns\.net$"),
)
OUTLOOK = Profile(
    "outlook",
    "protection.outlook.com",
    re.compile(r"(^|\.)outlook\.com$|(^|\.)microsoft\.com$|(^|\.)hotmail\.com$"),
)
PROFILES = (GMAIL, YAHOO, OUTLOOK)


def profile_for(host: str | None) -> Profile | None:
    """The known receiver a host name or authserv-id belongs to, or None."""
    name = (host or "").strip().rstrip(".").lower()
    if not name:
        return None
    for profile in PROFILES:
        if profile.host_pattern.search(name):
            return profile
    return None


def is_internal_host(host: str) -> bool:
    """True for a receiver-internal hop name: a private or bare IP literal, or an opaque id.

    Gmail's last hop reads ``by 2002:a05:7300:…`` and Yahoo's ``by 10.253.37.223``
    (RECEIVERS.md §1.1, §2.1): neither names a host outside the receiver.
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
    mine = profile_for(receiver)
    if mine is not None:
        return profile_for(host) is mine
    return _parent(host) == _parent(receiver)


@lru_cache(maxsize=1)
def _psl() -> Any:
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


@lru_cache(maxsize=1024)
def _parent(name: str) -> str:
    """The registrable domain (Public Suffix List), or the name itself."""
    return str(_psl().privatesuffix(name) or name)
