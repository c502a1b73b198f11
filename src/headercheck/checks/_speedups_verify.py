"""A fast path for a DKIM signature that verifies: dkimpy's ``DKIM.verify`` steps, less overhead.

``fast_verify(verifier, idx, dnsfunc)`` walks the steps of dkimpy 1.1.8's ``verify`` (with our
``verify_headerprep``: t= and x= are judged by the caller) with dkimpy's own building blocks
(``parse_tag_value``, ``validate_signature_fields``, ``evaluate_pk``, the canonicalisation
classes, ``select_headers``, the ``RE_BTAG`` strip, ``EMSA_PKCS1_v1_5_encode``) and answers True
only where dkimpy's ``verify`` returns True. Anything else (an exception, a body hash mismatch, a
bad signature, a key dkimpy rejects) gives None and the caller runs dkimpy's full ``verify``, so
every failure keeps dkimpy's exact verdict. What it saves (RFC 6376 §6.1.3):

- each (body canonicalisation, l=, hash function) body hash is computed once per message and
  shared by the signatures (rsa-sha256 and ed25519-sha256 alike) of that message;
- the signed header fields are picked from a per-message name index and hashed in one call;
- h= and c= are parsed once per distinct value; the per-key state (dkimpy's parsed key, its
  OpenSSL twin, the DigestInfo prefix of RFC 8017 §9.2) is built once per key.

The key and signed-field steps, which the ARC fast path shares, are in ``_speedups_blocks``.

It is taken only for messages ``FastVerify`` or ``split_of`` split (marked body) while the
speed-ups are on: no dkimpy object is needed for a signature that verifies.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import dkim
from dkim.util import InvalidTagValueList

from headercheck.checks import _speedups, _speedups_text
from headercheck.checks._speedups import _Headers
from headercheck.checks._speedups_blocks import Tags, b64, headers_verify, key_of, policy_of

#: dkimpy's (name, value) of a DKIM-Signature and its parse of the value
Prepared = tuple[tuple[bytes, bytes], Tags]
_H_SPLIT = re.compile(rb"\s*:\s*")


def body_hash(body: bytes, policy: Any, sig: dict[bytes, bytes], hash_name: bytes) -> bytes:
    """The digest dkimpy's ``verify_sig_process`` compares with bh=, once per message, body
    canonicalisation, l= and hash function (not per a=: its two SHA-256 algorithms share it).

    :raises ValueError: l= is not a number (dkimpy raises the same from ``int``).
    """
    limit = int(sig[b"l"]) if b"l" in sig else None
    hasher = dkim.HASH_ALGORITHMS[hash_name]  # rsa-sha256 and ed25519-sha256 share a digest
    key = (policy.body_algorithm.name, limit, hasher)
    forms = _speedups.body_forms(body)
    assert forms is not None  # fast_verify checked it
    digest = forms.get(key)
    if digest is None:
        canonical = policy.canonicalize_body(body)
        if limit is not None:
            canonical = canonical[:limit]
        digest = hasher(canonical).digest()
        forms[key] = digest
    return digest


def validate_fields(sig: Tags, untimed: bool = False) -> None:
    """``dkim.validate_signature_fields(sig)``; its faster equal while the speed-ups are on.

    :param untimed: leave t= and x= out (they are judged against the caller's now).
    :raises dkim.ValidationError: as dkimpy's does (and whatever else its code raises).
    """
    if untimed and _speedups.speedups_enabled():
        _speedups_text.validate_signature_fields(sig)  # it reads neither t= nor x=
        return
    if untimed and (b"t" in sig or b"x" in sig):
        sig = dict(sig)
        sig.pop(b"t", None)
        sig.pop(b"x", None)
    if _speedups.speedups_enabled() and b"t" not in sig and b"x" not in sig:
        _speedups_text.validate_signature_fields(sig)
    else:
        dkim.validate_signature_fields(sig)


def _sig_header(verifier: Any, idx: int) -> tuple[bytes, bytes] | None:
    """DKIM-Signature idx as dkimpy's ``verify_headerprep`` picks it (the list kept per message)."""
    headers = verifier.headers
    found: list[tuple[bytes, bytes]] | None = headers.__dict__.get("signatures")
    if found is None:
        found = headers.__dict__["signatures"] = [
            (x, y) for x, y in headers if x.lower() == b"dkim-signature"]
    return found[idx] if idx < len(found) else None


def eligible(verifier: Any) -> bool:
    return (_speedups.speedups_enabled() and _speedups.body_forms(verifier.body) is not None
            and type(verifier.headers) is _Headers and not verifier.tlsrpt)


def prepare(verifier: Any, idx: int, raw: bytes) -> Prepared | None:
    """dkimpy's own parse of DKIM-Signature idx for ``fast_verify``, when dkimpy's split holds
    the value ``raw`` our tags came from (``_dkimsig.parse_tags(raw)``); else None.

    Unfolding (deleting CRLF before WSP) moves no ``;`` or ``=`` and commutes with ``strip``, so
    our tags are dkimpy's with each value unfolded whenever no tag name holds a line break
    (checked). The values differ only by CRLFs before WSP, which no check of
    ``validate_signature_fields`` tells apart, so our check of our tags stands for it.
    """
    found = _sig_header(verifier, idx) if eligible(verifier) else None
    if found is None or len(found[1]) != len(raw) + 2 or not found[1].startswith(raw):
        return None
    try:
        sig = _speedups.parse_tag_value(found[1])
    except InvalidTagValueList:
        return None
    return (found, sig) if b"\n" not in b"".join(sig) else None


def fast_verify(verifier: Any, idx: int, dnsfunc: Any, prepared: Prepared | None = None) -> bool | None:
    """True where ``verifier.verify(idx=idx, dnsfunc=dnsfunc)`` is True; None: ask dkimpy.

    :param prepared: from ``prepare``, given only once our checks passed on our tags.
    """
    if not eligible(verifier):
        return None
    try:
        if prepared is None:
            found = _sig_header(verifier, idx)
            if found is None:
                return None
            prepared = found, _speedups.parse_tag_value(found[1])
            validate_fields(prepared[1], untimed=True)
        return verify_prepared(verifier, prepared[0], prepared[1], dnsfunc)
    except Exception:  # noqa: BLE001 - in doubt: dkimpy's own path gives the verdict
        return None


@functools.lru_cache(maxsize=1024)
def include_of(h_value: bytes) -> tuple[bytes, ...]:
    """``verify_headerprep``'s include_headers of an h= value."""
    return tuple([x.lower() for x in _H_SPLIT.split(h_value)])


def verify_prepared(verifier: Any, sig_header: tuple[bytes, bytes], sig: Tags, dnsfunc: Any) -> bool | None:
    include = list(include_of(sig[b"h"]))
    key = key_of(verifier, sig, dnsfunc)
    if key is None:
        return None
    policy = policy_of(sig.get(b"c", b"simple/simple"))
    if body_hash(verifier.body, policy, sig, sig[b"a"]) != b64(sig[b"bh"]):
        return None
    return True if headers_verify(verifier, policy, include, sig_header, sig, key) else None


