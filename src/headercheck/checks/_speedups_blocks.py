"""The signature steps the DKIM and ARC fast paths share: dkimpy's own, with less overhead.

- ``key_of``: dkimpy's ``verify_sig`` key step, the parsed key (and its OpenSSL twin) built
  once per key record (RFC 6376 §3.6.2);
- ``headers_verify``: ``hash_headers`` (RFC 6376 §3.7) over fields picked from a per-message
  name index, and the b= check with the EMSA-PKCS1-v1_5 prefix (RFC 8017 §9.2) built once per
  (hash, modulus length);
- ``policy_of``: c= parsed once per distinct value.

Each answers True only where dkimpy's step would; anything else sends the caller to dkimpy.
"""

from __future__ import annotations

import base64
import functools
import threading
from typing import Any

import dkim
import dkim.canonicalization as canon

from headercheck.checks import _speedups
from headercheck.checks._speedups import (
    _FastRelaxed,
    _FastSimple,
    _Headers,
    _openssl_verify_block,
    _RsaKey,
)
from headercheck.checks._speedups_text import relaxed_header, strip_b_tag

Tags = dict[bytes, bytes]
_LOCK = threading.Lock()
_MAX_KEYS = 4096
#: key record -> (dkimpy's evaluate_pk tuple, the marked RSA key or dkimpy's key object)
_KEYS: dict[bytes, tuple[Any, ...]] = {}
#: (hash name, modulus length) -> the EMSA-PKCS1-v1_5 block without the digest
_PREFIX: dict[tuple[str, int], bytes] = {}


def b64(value: bytes) -> bytes:
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


@functools.lru_cache(maxsize=64)
def policy_of(c_value: bytes) -> Any:
    """``CanonicalizationPolicy.from_c_value`` (its policies are never modified); raises as it."""
    return canon.CanonicalizationPolicy.from_c_value(c_value)


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
    return _signature_ok(key[0], key[1], hasher, b64(sig[b"b"]))
