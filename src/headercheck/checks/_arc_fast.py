"""A fast path for an ARC chain that validates: dkimpy's ``ARC.verify`` steps, less overhead.

``fast_arc(verifier, dnsfunc)`` walks the steps of dkimpy 1.1.8's ``ARC.verify`` and
``verify_instance`` (RFC 8617 §5.2) with dkimpy's own building blocks (``parse_tag_value``,
``validate_signature_fields`` with its pinned clock, the canonicalisation policies) and the
DKIM fast path's (``_speedups_verify``, ``_speedups_blocks``: keys parsed once, the body hash
shared with DKIM, the signed header fields hashed in one call, OpenSSL for RSA). It answers only
where dkimpy's answer is ``(CV_Pass, data, "success")``, with the same ``data``; anything else
(an exception, a set missing or doubled, an AMS or AS that does not verify, a cv= out of order)
gives None and the caller runs dkimpy's full ``verify``, so every failure keeps dkimpy's exact verdict.

It also skips dkimpy's eager log formatting (``"%r" % sig`` per set, even with logging off).
"""

from __future__ import annotations

from typing import Any

import dkim

from headercheck.checks import _speedups, _speedups_blocks, _speedups_verify
from headercheck.checks._speedups_text import relaxed_header

Data = list[dict[str, Any]]
ArcHeaders = list[tuple[int, tuple[bytes, bytes]]]
_AMS_FIELDS = [b"i", b"a", b"b", b"bh", b"d", b"h", b"s"]
_AS_FIELDS = [b"i", b"a", b"b", b"cv", b"d", b"s"]


def sorted_arc_headers(headers: list[list[bytes]]) -> tuple[int, ArcHeaders]:
    """dkimpy's ``ARC.sorted_arc_headers`` for a header list (RFC 8617 §4.2.1 instances).

    dkimpy relaxes every field and keeps those whose relaxed name is an ARC name; relaxing is
    per field, so selecting first by the same test and relaxing with ``relaxed_header`` (equal
    to dkimpy's ``Relaxed.canonicalize_headers``) is the same.
    """
    found: ArcHeaders = []
    for name, value in headers:
        lname = name.lower().rstrip()
        if lname in dkim.ARC.ARC_HEADERS:
            x, y = relaxed_header(name, value)
            m = dkim.ARC.INSTANCE_RE.search(y)
            if m is not None:
                found.append((int(m.group(1)), (x, y)))  # digits only: int() cannot fail
    if not found:
        return 0, []
    found.sort(key=lambda a: [a[0], a[1][0].lower(), a[1][1].lower()])
    found.reverse()
    return found[0][0], found


def fast_arc(verifier: Any, dnsfunc: Any) -> tuple[bytes, Data, str] | None:
    """``verifier.verify(dnsfunc)`` where it is ``(CV_Pass, data, "success")``; None: ask dkimpy.

    Call it with dkimpy's clock pinned, as dkimpy's own ``verify`` would be.
    """
    if not _speedups_verify.eligible(verifier):
        return None
    try:
        top, arc_headers = sorted_arc_headers(verifier.headers)
        if top == 0:
            return None
        data = []
        for instance in range(top, 0, -1):
            output = _instance(verifier, arc_headers, instance, dnsfunc)
            if output is None:
                return None
            data.append(output)
    except Exception:  # noqa: BLE001 - in doubt: dkimpy's own path gives the verdict
        return None
    for output in data:  # dkimpy's chain rules (RFC 8617 §5.2 steps 2-3): cv= by position
        if output["cv"] != (dkim.CV_None if output["instance"] == 1 else dkim.CV_Pass):
            return None
    return dkim.CV_Pass, data, "success"


def _set_of(arc_headers: ArcHeaders, instance: int) -> tuple[list[tuple[bytes, bytes]], list[bytes]] | None:
    """The ARC fields up to instance (dkimpy's order) and the AAR, AMS and AS values of instance;
    None where a field is doubled or missing (dkimpy raises)."""
    fields: list[tuple[bytes, bytes]] = []
    values: dict[bytes, bytes] = {}
    for i, field in arc_headers:
        if i > instance:
            continue
        fields.append(field)
        if i == instance:
            name = field[0].lower()
            if name in values:
                return None
            values[name] = field[1]
    if len(values) != 3:
        return None
    return fields, [values[n] for n in dkim.ARC.ARC_HEADERS[::-1]]


def _instance(verifier: Any, arc_headers: ArcHeaders, instance: int, dnsfunc: Any) -> dict[str, Any] | None:
    """dkimpy's ``verify_instance`` output where both AMS and AS verify; else None."""
    found = _set_of(arc_headers, instance)
    if found is None:
        return None
    fields, (aar_value, ams_value, as_value) = found
    sig = _speedups.parse_tag_value(ams_value)
    dkim.validate_signature_fields(sig, _AMS_FIELDS, True)
    output: dict[str, Any] = {"instance": instance, "aar-value": aar_value,
                              "ams-domain": sig[b"d"], "ams-selector": sig[b"s"]}
    if b"arc-seal" in _speedups_verify.include_of(sig[b"h"]):
        return None
    marker = b" i=" + sig[b"i"] + b";"
    raw_ams = next((x, y) for x, y in verifier.headers
                   if x.lower() == b"arc-message-signature" and marker in y.lower())
    sig.setdefault(b"c", b"relaxed/relaxed")
    if _speedups_verify.verify_prepared(verifier, raw_ams, sig, dnsfunc) is not True:
        return None
    output["ams-valid"] = True
    seal = _speedups.parse_tag_value(as_value)
    dkim.validate_signature_fields(seal, _AS_FIELDS, True)
    if b"h" in seal or b"bh" in seal:  # dkimpy raises on h=, checks a bh= against the body
        return None
    output.update({"as-domain": seal[b"d"], "as-selector": seal[b"s"], "cv": seal[b"cv"]})
    include = [x[0].lower() for x in fields][::-1][:-1]
    seal.setdefault(b"c", b"relaxed/relaxed")
    if not _seal_ok(verifier, seal, include, (b"ARC-Seal", b" " + as_value), dnsfunc):
        return None
    output["as-valid"] = True
    return output


def _seal_ok(verifier: Any, sig: dict[bytes, bytes], include: list[bytes], header: tuple[bytes, bytes],
             dnsfunc: Any) -> bool:
    """dkimpy's ``verify_sig`` of an ARC-Seal (no body hash) where it answers True; else False."""
    key = _speedups_blocks.key_of(verifier, sig, dnsfunc)
    if key is None:
        return False
    policy = _speedups_blocks.policy_of(sig[b"c"])
    return _speedups_blocks.headers_verify(verifier, policy, include, header, sig, key)
