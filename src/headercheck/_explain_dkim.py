"""Findings for DKIM signatures (RFC 6376 §6.1, RFC 8301 §3, RFC 8463)."""

from __future__ import annotations

from typing import Any

from headercheck._explain_codes import DKIM_KIND_CODES, Raw
from headercheck._kinds import dkim_kind
from headercheck.results import DkimResult, Report, Result


def _args(sig: DkimResult) -> dict[str, Any]:
    dns_name = sig.dns_name or (f"{sig.selector}._domainkey.{sig.domain}" if sig.selector else "")
    return {
        "d": sig.domain or "?", "s": sig.selector or "?", "dns_name": dns_name or "?",
        "result": sig.result.value, "reason": sig.reason or sig.reason_code or "?",
        "bits": sig.key_bits if sig.key_bits is not None else "?", "n": sig.index + 1,
        "a": sig.algorithm or "?", "unsigned": sig.unsigned_bytes, "length": sig.body_length,
        "i": sig.auid or "?",
    }


def signature_findings(sig: DkimResult) -> list[Raw]:
    """What is wrong with one signature, and what to watch even when it passes."""
    codes: list[str] = []
    kind = dkim_kind(sig)
    if sig.result is not Result.PASS or kind != "pass":
        codes.append(DKIM_KIND_CODES.get(kind, "dkim_other"))
    if sig.result is Result.PASS and sig.key_type in ("", "rsa") and sig.key_bits is not None:
        if sig.key_bits < 1024:
            codes.append("dkim_key_too_short")
        elif sig.key_bits < 2048:
            codes.append("dkim_key_1024")
    if sig.result is Result.PASS and sig.algorithm.lower() == "rsa-sha1":
        codes.append("dkim_rsa_sha1")
    if sig.body_length is not None:
        codes.append("dkim_length")
    if sig.key_testing:
        codes.append("dkim_key_testing")
    if not codes:
        return []  # a clean pass: no arguments to build
    args = _args(sig)
    return [Raw(code, "dkim", args) for code in codes]


def dkim_findings(report: Report) -> list[Raw]:
    """Findings for every signature, or the lack of one."""
    if not report.dkim:
        return [Raw("dkim_none", "dkim", {"from_domain": report.from_domain or "?"})]
    out: list[Raw] = []
    for sig in report.dkim:
        for raw in signature_findings(sig):
            if raw not in out:
                out.append(raw)
    return out
