"""One place that maps the mechanisms' reason codes onto the kinds renderers and findings use.

The DKIM check reports a stable ``reason_code`` per signature (RFC 6376 §6.1 failure points,
RFC 8301 policy). Renderers (Gmail's comment texts) and explain.py key on the kinds below;
codes not listed fall back to the reason text, then to the result itself.
"""

from __future__ import annotations

from headercheck.results import DkimResult, Result

DKIM_KINDS = (
    "pass", "body_hash", "signature", "no_key", "key_revoked", "dns", "bad_format", "bad_key",
    "key_too_short", "sha1", "expired", "future", "algorithm", "key_type", "key_hash",
    "auid", "key_strict", "from_unsigned", "key_service", "message_format", "verify_error",
    "unchecked", "other",
)

# The reason codes the DKIM check emits (checks/_dkimsig.REASONS, docs/dkim.md) and their kinds.
_CODES: dict[str, str] = {
    "pass": "pass", "pass_partial_body": "pass",
    "body_hash_mismatch": "body_hash", "bad_signature": "signature",
    "no_key": "no_key", "key_revoked": "key_revoked", "key_unavailable": "dns",
    "bad_format": "bad_format", "bad_key_format": "bad_key", "weak_key": "key_too_short",
    "rsa_sha1": "sha1", "expired": "expired", "future_timestamp": "future",
    "unsupported_algorithm": "algorithm", "key_type_mismatch": "key_type",
    "key_hash_mismatch": "key_hash", "from_not_signed": "from_unsigned",
    "key_service_mismatch": "key_service", "message_format": "message_format",
    "verify_error": "verify_error", "not_checked": "unchecked",
    "auid_mismatch": "auid", "key_strict_identity": "key_strict",
}

_TEXT_HINTS = (
    ("body hash", "body_hash"), ("no key", "no_key"), ("revoked", "key_revoked"),
    ("expired", "expired"), ("sha1", "sha1"), ("bits", "key_too_short"),
    ("bad format", "bad_format"), ("malformed", "bad_format"), ("dns", "dns"),
    ("signature did not verify", "signature"), ("signature verification", "signature"),
)


def dkim_kind(sig: DkimResult) -> str:
    """The kind of a DKIM verdict: one of DKIM_KINDS."""
    code = sig.reason_code.strip().lower().replace("-", "_").replace(" ", "_")
    if code in _CODES:
        return _CODES[code]
    if sig.result is Result.PASS:
        return "pass"
    text = sig.reason.lower()
    for hint, kind in _TEXT_HINTS:
        if hint in text:
            return kind
    by_result = {Result.TEMPERROR: "dns", Result.FAIL: "signature", Result.POLICY: "key_too_short"}
    return by_result.get(sig.result, "other")


def known_dkim_codes() -> tuple[str, ...]:
    """Every reason code this module recognises."""
    return tuple(sorted(_CODES))
