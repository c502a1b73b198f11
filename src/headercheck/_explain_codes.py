"""Every finding code with its severity; the texts are in locale/<lang>.json (docs/findings.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from headercheck.results import Severity

E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO  # N: notice (info)

CODES: dict[str, Severity] = {
    # DKIM (RFC 6376 §6.1, RFC 8301, RFC 8463); one code per kind in _kinds.DKIM_KINDS
    "dkim_none": W, "dkim_body_hash": E, "dkim_signature": E, "dkim_no_key": E,
    "dkim_key_revoked": E, "dkim_dns": W, "dkim_bad_format": E, "dkim_bad_key": E,
    "dkim_key_too_short": E, "dkim_key_1024": N, "dkim_rsa_sha1": E, "dkim_expired": W,
    "dkim_future": W, "dkim_algorithm": E, "dkim_key_type": E, "dkim_key_hash": E, "dkim_auid": E,
    "dkim_from_unsigned": E, "dkim_key_service": E, "dkim_message_format": E, "dkim_verify_error": E,
    "dkim_unchecked": N, "dkim_other": W, "dkim_length": W, "dkim_key_strict": E,
    "dkim_key_testing": N,
    # SPF (RFC 7208) and the envelope
    "spf_fail": E, "spf_softfail": W, "spf_neutral": W, "spf_none": W, "spf_permerror": E,
    "spf_lookup_limit": E, "spf_temperror": W, "spf_no_ip": W, "spf_type99": N, "spf_helo": N,
    "spf_note": N, "envelope_note": N,
    # iprev (RFC 8601 §3)
    "iprev_no_ptr": E, "iprev_mismatch": E, "iprev_temperror": W, "iprev_other": W,
    # DMARC (RFC 7489, RFC 9989)
    "dmarc_missing": W, "dmarc_fail_unaligned": E, "dmarc_fail": E, "dmarc_spf_only": N,
    "dmarc_policy_none": N, "dmarc_permerror": E, "dmarc_temperror": W, "dmarc_testing": N,
    "dmarc_note": N,
    # ARC (RFC 8617)
    "arc_fail": W, "arc_rescue": N,
    # Receivers' requirements, the message file, the receiver's own verdict
    "auth_none": E, "message_line_endings": N, "message_from": E, "message_warning": W,
    "check_error": E, "ar_forged": W, "receiver_key_removed": W, "receiver_changed": W,
}

# The finding for each DKIM kind (headercheck._kinds.DKIM_KINDS); "pass" has none.
DKIM_KIND_CODES: dict[str, str] = {
    "body_hash": "dkim_body_hash", "signature": "dkim_signature", "no_key": "dkim_no_key",
    "key_revoked": "dkim_key_revoked", "dns": "dkim_dns", "bad_format": "dkim_bad_format",
    "bad_key": "dkim_bad_key", "key_too_short": "dkim_key_too_short", "sha1": "dkim_rsa_sha1",
    "expired": "dkim_expired", "future": "dkim_future", "algorithm": "dkim_algorithm",
    "key_type": "dkim_key_type", "key_hash": "dkim_key_hash", "auid": "dkim_auid",
    "key_strict": "dkim_key_strict",
    "from_unsigned": "dkim_from_unsigned", "key_service": "dkim_key_service",
    "message_format": "dkim_message_format", "verify_error": "dkim_verify_error",
    "unchecked": "dkim_unchecked", "other": "dkim_other",
}


@dataclass(frozen=True)
class Raw:
    """A finding before its text is looked up: code, method and the template's arguments."""

    code: str
    method: str
    args: dict[str, Any] = field(default_factory=dict)
