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
    "auid", "from_unsigned", "key_service", "message_format", "verify_error", "unchecked", "other",
)

# Codes the DKIM check emits (docs/dkim.md) and common spellings of the same failure point.
_CODES: dict[str, str] = {
    "ok": "pass", "pass": "pass", "valid": "pass",
    "body_hash_mismatch": "body_hash", "body_hash": "body_hash", "bh_mismatch": "body_hash",
    "signature_mismatch": "signature", "bad_signature": "signature", "signature": "signature",
    "signature_invalid": "signature", "header_mismatch": "signature",
    "no_key": "no_key", "key_not_found": "no_key", "nxdomain": "no_key", "key_missing": "no_key",
    "key_revoked": "key_revoked", "revoked": "key_revoked", "empty_key": "key_revoked",
    "dns_error": "dns", "dns_temperror": "dns", "temperror": "dns", "dns_timeout": "dns",
    "key_dns_error": "dns", "servfail": "dns",
    "bad_format": "bad_format", "malformed_signature": "bad_format", "signature_syntax": "bad_format",
    "missing_tag": "bad_format", "bad_version": "bad_format", "syntax": "bad_format",
    "bad_key": "bad_key", "malformed_key": "bad_key", "key_syntax": "bad_key", "key_invalid": "bad_key",
    "key_too_short": "key_too_short", "weak_key": "key_too_short", "short_key": "key_too_short",
    "key_too_small": "key_too_short",
    "rsa_sha1": "sha1", "sha1": "sha1", "weak_hash": "sha1",
    "expired": "expired", "signature_expired": "expired",
    "future": "future", "timestamp_future": "future", "future_timestamp": "future",
    "unknown_algorithm": "algorithm", "bad_algorithm": "algorithm", "unsupported_algorithm": "algorithm",
    "key_type_mismatch": "key_type", "key_hash_mismatch": "key_hash", "hash_not_allowed": "key_hash",
    "auid_mismatch": "auid", "domain_mismatch": "auid", "i_not_in_d": "auid",
    "from_not_signed": "from_unsigned", "from_unsigned": "from_unsigned",
    "pass_partial_body": "pass", "key_unavailable": "dns",
    "bad_key_format": "bad_key", "key_service_mismatch": "key_service", "message_format": "message_format",
    "verify_error": "verify_error",
    "not_checked": "unchecked", "too_many_signatures": "unchecked", "unchecked": "unchecked",
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
