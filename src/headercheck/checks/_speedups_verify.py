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

It is taken only for messages ``FastVerify`` or ``split_of`` split (marked body) while the
speed-ups are on: no dkimpy object is needed for a signature that verifies.
"""

from __future__ import annotations

import base64
import functools
import re
import threading
from typing import Any

import dkim
import dkim.canonicalization as canon
from dkim.util import InvalidTagValueList

from headercheck.checks import _speedups, _speedups_text
from headercheck.checks._speedups import (
    _FastRelaxed,
    _FastSimple,
    _Headers,
    _openssl_verify_block,
    _RsaKey,
)
from headercheck.checks._speedups_text import relaxed_header, strip_b_tag

Tags = dict[bytes, bytes]
#: dkimpy's (name, value) of a DKIM-Signature and its parse of the value
Prepared = tuple[tuple[bytes, bytes], Tags]
_H_SPLIT = re.compile(rb"\s*:\s*")
_LOCK = threading.Lock()
_MAX_KEYS = 4096
#: key record -> (dkimpy's evaluate_pk tuple, the marked RSA key or dkimpy's key object)
_KEYS: dict[bytes, tuple[Any, ...]] = {}
#: (hash name, modulus length) -> the EMSA-PKCS1-v1_5 block without the digest
_PREFIX: dict[tuple[str, int], bytes] = {}


def _b64(value: bytes) -> bytes:
    """``base64.b64decode(re.sub(br"\\s+", b"", value))`` (``bytes.split`` splits on ``\\s``)."""
    return base64.b64decode(b"".join(value.split()))


def _key(name: bytes, record: bytes) -> tuple[Any, ...]:
    """dkimpy's ``evaluate_pk`` result for a record, its RSA key marked for OpenSSL; cached.

    :raises Exception: whatever ``evaluate_pk`` raises (then nothing is remembered).
    """
    found = _KEYS.get(record)
    if found is None:
        pk, keysize, ktag, seqtlsrpt = dkim.evaluate_pk(name, record)
        if ktag == b"rsa" and type(pk) is dict:
            pk = _speedups._mark_key(pk)
        found = (pk, keysize, ktag, seqtlsrpt)
        with _LOCK:
            if len(_KEYS) >= _MAX_KEYS:
                _KEYS.clear()
            _KEYS[record] = found
    return found


def _prefix(hasher: Any, modlen: int) -> bytes | None:
    """dkimpy's EMSA-PKCS1-v1_5 encoding of a digest, minus the digest (it is a fixed suffix)."""
    key = (hasher.name, modlen)
    prefix = _PREFIX.get(key)
    if prefix is None:
        try:
            block = dkim.crypto.EMSA_PKCS1_v1_5_encode(hasher, modlen)
        except Exception:  # noqa: BLE001 - a digest too large for the key: dkimpy decides
            return None
        prefix = block[: -len(hasher.digest())]
        with _LOCK:
            if len(_PREFIX) >= 64:
                _PREFIX.clear()
            _PREFIX[key] = prefix
    return prefix


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


def _fields(headers: _Headers, relaxed: bool) -> tuple[dict[bytes, list[int]], list[bytes | None]]:
    """Where each lower-case field name occurs (ascending), as ``select_headers`` compares names
    of the canonical list, and a slot per field for ``_entry``; made once per message.

    The names of a ``_Headers`` list (``split_message``, ``split_from_fields``) hold no WSP, so
    the relaxed name (lower case, trailing WSP removed) and the simple one compare alike.
    """
    key = "relaxed_fields" if relaxed else "simple_fields"
    found: tuple[dict[bytes, list[int]], list[bytes | None]] | None = headers.__dict__.get(key)
    if found is None:
        positions: dict[bytes, list[int]] | None = headers.__dict__.get("positions")
        if positions is None:
            positions = headers.__dict__["positions"] = {}
            for index, (name, _) in enumerate(headers):
                positions.setdefault(name.lower(), []).append(index)
        entries: list[bytes | None] = [None] * len(headers)
        found = headers.__dict__[key] = (positions, entries)
    return found


def _entry(field: list[bytes], relaxed: bool) -> bytes:
    """A header field as ``hash_headers`` hashes it (``name:value``)."""
    name, value = relaxed_header(field[0], field[1]) if relaxed else field
    return name + b":" + value


def _selected(headers: _Headers, relaxed: bool, include: list[bytes]) -> list[bytes]:
    """``dkim.select_headers``: each name in h= takes the next instance upwards, bottom first.

    dkimpy walks up from the instance it took last; the n-th mention of a name (from 0) thus
    takes its n-th instance from the bottom, or nothing once they are used up.
    """
    positions, entries = _fields(headers, relaxed)
    chosen: list[bytes] = []
    used: dict[bytes, int] = {}
    for name in include:
        found = positions.get(name)
        if found:
            count = used.get(name, 0)
            used[name] = count + 1
            if count < len(found):
                index = found[-1 - count]
                entry = entries[index]
                if entry is None:
                    entry = entries[index] = _entry(headers[index], relaxed)
                chosen.append(entry)
    return chosen


def _header_hasher(verifier: Any, policy: Any, include: list[bytes], sig_header: Any,
                   hash_name: bytes) -> Any:
    """dkimpy's ``hash_headers`` (RFC 6376 §3.7) in one ``update``: the same bytes, hashed.

    :raises LookupError: a canonicalisation this module does not know (dkimpy decides).
    """
    relaxed = policy.header_algorithm is _FastRelaxed
    if not relaxed and policy.header_algorithm is not _FastSimple:
        raise LookupError(policy.header_algorithm)
    name, value = sig_header[0], strip_b_tag(sig_header[1])  # RE_BTAG.sub(b"\\1", ...)
    if relaxed:
        name, value = relaxed_header(name, value)
    parts = _selected(verifier.headers, relaxed, include)
    parts.append(name + b":" + value.rstrip())
    return dkim.HASH_ALGORITHMS[hash_name](b"".join(parts))


def _signature_ok(pk: Any, ktag: bytes, hasher: Any, signature: bytes) -> bool:
    """The b= check of ``verify_sig_process``: True only where dkimpy's answer is True."""
    if ktag == b"rsa":
        if type(pk) is not _RsaKey:
            return False
        modlen = (pk["modulus"].bit_length() + 7) // 8
        prefix = _prefix(hasher, modlen)
        if prefix is None:
            return False
        return _openssl_verify_block(prefix + hasher.digest(), signature, pk) is True
    if ktag == b"ed25519":
        try:
            pk.verify(hasher.digest(), signature)
        except Exception:  # noqa: BLE001 - BadSignatureError or worse: dkimpy decides
            return False
        return True
    return False


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


def _eligible(verifier: Any) -> bool:
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
    found = _sig_header(verifier, idx) if _eligible(verifier) else None
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
    if not _eligible(verifier):
        return None
    try:
        if prepared is None:
            found = _sig_header(verifier, idx)
            if found is None:
                return None
            prepared = found, _speedups.parse_tag_value(found[1])
            validate_fields(prepared[1], untimed=True)
        return _fast_verify(verifier, prepared[0], prepared[1], dnsfunc)
    except Exception:  # noqa: BLE001 - in doubt: dkimpy's own path gives the verdict
        return None


@functools.lru_cache(maxsize=1024)
def _include(h_value: bytes) -> tuple[bytes, ...]:
    """``verify_headerprep``'s include_headers of an h= value."""
    return tuple([x.lower() for x in _H_SPLIT.split(h_value)])


@functools.lru_cache(maxsize=64)
def policy_of(c_value: bytes) -> Any:
    """``CanonicalizationPolicy.from_c_value`` (its policies are never modified); raises as it."""
    return canon.CanonicalizationPolicy.from_c_value(c_value)


def _fast_verify(verifier: Any, sig_header: tuple[bytes, bytes], sig: Tags, dnsfunc: Any) -> bool | None:
    include = list(_include(sig[b"h"]))
    key = key_of(verifier, sig, dnsfunc)
    if key is None:
        return None
    policy = policy_of(sig.get(b"c", b"simple/simple"))
    if body_hash(verifier.body, policy, sig, sig[b"a"]) != _b64(sig[b"bh"]):
        return None
    return True if headers_verify(verifier, policy, include, sig_header, sig, key) else None


def key_of(verifier: Any, sig: Tags, dnsfunc: Any) -> tuple[Any, bytes] | None:
    """dkimpy's ``verify_sig`` key step: the key (its ``pk``, ``ktag``) d= and s= name, or None
    where dkimpy would not verify with it (no record, tlsrpt, under ``minkey``)."""
    name = sig[b"s"] + b"._domainkey." + sig[b"d"] + b"."
    record = dnsfunc(name, timeout=verifier.timeout)
    if not isinstance(record, bytes):
        return None
    pk, keysize, ktag, seqtlsrpt = _key(name, record)
    if seqtlsrpt or keysize < verifier.minkey:
        return None
    return pk, ktag


def headers_verify(verifier: Any, policy: Any, include: list[bytes], sig_header: tuple[bytes, bytes],
                   sig: Tags, key: tuple[Any, bytes]) -> bool:
    """``verify_sig_process``'s b= check over the signed fields: True only where dkimpy's is."""
    if b"from" in include:
        include.append(b"from")  # dkimpy's bug#644046 rule: an extra From breaks the signature
    hasher = _header_hasher(verifier, policy, include, sig_header, sig[b"a"])
    return _signature_ok(key[0], key[1], hasher, _b64(sig[b"b"]))
