"""Receiver-style SPF comments and Received-SPF text (RFC 7208 §9.1; ../shared/RECEIVERS.md).

Gmail (§1.3, §1.5, §4.2): ``google.com: domain of X designates IP as permitted sender`` with X the
lower-cased address; Yahoo (§2.1): no prefix, X the domain, ``transitioning`` glued to it;
Microsoft (§3.2): ``protection.outlook.com:`` prefix, X the domain, ``discourages use of``.
Anyone else gets Gmail's wording after the receiver's own name, as pyspf writes it.
"""

from __future__ import annotations

from functools import lru_cache

import spf

from headercheck._trust import GMAIL, OUTLOOK, YAHOO, profile_of

_GENERIC = {
    "pass": "domain of {x} designates {ip} as permitted sender",
    "fail": "domain of {x} does not designate {ip} as permitted sender",
    "softfail": "domain of transitioning {x} does not designate {ip} as permitted sender",
    "neutral": "{ip} is neither permitted nor denied by domain of {x}",
    "none": "{x} does not designate permitted sender hosts",
    "temperror": "error in processing during lookup of {x}: DNS error",
    "permerror": "permanent error in processing during lookup of {x}: {problem}",
}
_YAHOO = dict(_GENERIC, softfail="domain of transitioning{x} does not designate {ip} as permitted "
              "sender", none="domain of {x} does not designate permitted sender hosts")
_OUTLOOK = dict(_GENERIC, softfail="domain of transitioning {x} discourages use of {ip} as "
                "permitted sender")


@lru_cache(maxsize=256)
def _style(receiver: str) -> str:
    """The receiver's wording family (a pure function of the name, remembered)."""
    profile = profile_of(receiver)
    return profile.name if profile in (GMAIL, YAHOO, OUTLOOK) and profile else "rfc"


def comment(result: str, identity: str, domain: str, ip: str, receiver: str, problem: str) -> str:
    """The comment a receiver writes inside Received-SPF and Authentication-Results."""
    style = _style(receiver)
    if style == "yahoo":
        return _YAHOO[result].format(x=domain, ip=ip, problem=problem)
    if style == "outlook":
        text = _OUTLOOK[result].format(x=domain, ip=ip, problem=problem)
        return f"protection.outlook.com: {text}"
    text = _GENERIC[result].format(x=identity.lower(), ip=ip, problem=problem)
    prefix = "google.com" if style == "gmail" else receiver
    return f"{prefix}: {text}" if prefix else text


@lru_cache(maxsize=4096)
def _quote(value: str) -> str:
    """pyspf's quote_value (RFC 7208 §9.1 key-value-pair), remembered."""
    return str(spf.quote_value(value))


def received_spf(result: str, text: str, *, ip: str, identity: str, scope: str, helo: str,
                 receiver: str, mechanism: str, problem: str) -> str:
    """The Received-SPF header value (RFC 7208 §9.1) in the receiver's layout."""
    style = _style(receiver)
    if style == "gmail":
        return f"{result} ({text}) client-ip={ip};"
    if style == "yahoo":
        return f"{result} ({text})"
    if style == "outlook":
        word = {"softfail": "SoftFail", "temperror": "TempError", "permerror": "PermError"}.get(
            result, result.capitalize())
        return f"{word} ({text}) receiver=protection.outlook.com; client-ip={ip}; helo={helo};"
    pairs = [("client-ip", ip), ("envelope-from", identity if scope == "mailfrom" else ""),
             ("helo", helo), ("receiver", receiver),
             ("problem", problem if result == "permerror" else ""), ("mechanism", mechanism)]
    keys = " ".join(f"{k}={_quote(v)};" for k, v in pairs if v)
    return f"{result} ({text}) {keys} identity={scope}"
