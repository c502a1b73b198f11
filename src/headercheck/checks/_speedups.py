"""Faster, equivalent paths through dkimpy's hot spots (FIELDNOTES: where dkimpy's time goes).

- relaxed body canonicalisation (RFC 6376 §3.4.4) by ``bytes.replace`` and literal-prefix
  patterns instead of two character-class regexes, skipping windows without WSP, once per
  message and algorithm (DKIM and ARC share it; l= is applied afterwards, as dkimpy does);
- RSA verification by OpenSSL (``cryptography``) instead of pure-Python ``pow``: the recovered
  PKCS#1 v1.5 block is compared with dkimpy's own encoding;
- the message split once (or taken from ``Message`` where provably the same), only its header
  section line by line (bare LF: dkimpy's path);
- each key record's ASN.1 parsed once per process.

dkimpy reaches these through module globals, so hooks are installed once, at import: the
``dkim.canonicalization.ALGORITHMS`` entries, ``dkim.RSASSA_PKCS1_v1_5_verify`` and
``dkim.evaluate_pk``. The first two do exactly what dkimpy does unless their argument is the
body this thread's ``FastVerify`` split last (``body_forms``) or a marked object (``_Headers``,
``_RsaKey``) only ``FastVerify`` verifiers create; the third remembers a pure function's
results. ``dkim.parse_tag_value`` and ``dkim.RE_BTAG.sub`` get byte-identical versions without
per-byte regular expressions (``_speedups_text``) while the speed-ups are on. dkimpy used
elsewhere is unaffected and nothing is switched while other threads verify.
``use_speedups(False)`` makes new verifiers take dkimpy's own paths end to end (the equivalence
tests and ``bench/run`` compare both). ``_speedups_verify`` adds a fast path for signatures
that verify.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

import dkim
import dkim.canonicalization as canon
import dkim.crypto
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from headercheck.checks import _speedups_text
from headercheck.checks._speedups_text import relaxed_body, relaxed_header, split_message

_enabled = os.environ.get("HEADERCHECK_SPEEDUPS", "1") != "0"
_LOCK = threading.Lock()
_ORIGINAL_RSA_VERIFY = dkim.crypto.RSASSA_PKCS1_v1_5_verify
_KEYS: dict[tuple[int, int], rsa.RSAPublicKey | None] = {}
_MAX_KEYS = 4096
_UNSET = object()
_last = threading.local()  # (message, headers, body, crlf_only, forms): this thread's last split


def use_speedups(enabled: bool) -> None:
    """Switch the speed-ups on or off for verifiers created from now on."""
    global _enabled
    _enabled = enabled


def speedups_enabled() -> bool:
    """Whether new verifiers take the fast paths."""
    return _enabled


def body_forms(body: bytes) -> dict[Any, bytes] | None:
    """The canonical forms (and body hashes) kept for body, when it is the body ``FastVerify``
    split last in this thread (the same object); None otherwise: dkimpy's own paths then."""
    last = getattr(_last, "parsed", None)
    return last[4] if last is not None and last[2] is body else None


def _canonical(body: bytes, name: str, make: Callable[[bytes], bytes]) -> bytes | None:
    forms = body_forms(body)
    if forms is None:
        return None
    done = forms.get(name)
    if done is None:
        done = forms[name] = make(body)
    return done


class _Headers(list[list[bytes]]):
    """A verifier's header list that remembers its relaxed form (it is never modified)."""

    relaxed: list[tuple[bytes, bytes]] | None = None


class _FastRelaxed(canon.Relaxed):  # type: ignore[misc]
    """dkimpy's Relaxed; a marked body or header list is canonicalised fast and once."""

    @staticmethod
    def canonicalize_headers(headers: list[list[bytes]]) -> list[tuple[bytes, bytes]]:
        if type(headers) is not _Headers:
            return list(canon.Relaxed.canonicalize_headers(headers))
        if headers.relaxed is None:
            headers.relaxed = [relaxed_header(name, value) for name, value in headers]
        return list(headers.relaxed)

    @staticmethod
    def canonicalize_body(body: bytes) -> bytes:
        done = _canonical(body, "relaxed", relaxed_body)
        return done if done is not None else bytes(canon.Relaxed.canonicalize_body(body))


class _FastSimple(canon.Simple):  # type: ignore[misc]
    """dkimpy's Simple; a marked body is canonicalised once."""

    @staticmethod
    def canonicalize_body(body: bytes) -> bytes:
        done = _canonical(body, "simple", canon.Simple.canonicalize_body)
        return done if done is not None else bytes(canon.Simple.canonicalize_body(body))


class _RsaKey(dict[str, int]):
    """dkimpy's RSA key mapping, carrying the OpenSSL key built from the same numbers."""

    openssl: rsa.RSAPublicKey | None = None


def _openssl_key(modulus: int, exponent: int) -> rsa.RSAPublicKey | None:
    """The OpenSSL key for (n, e), cached across messages; None if OpenSSL refuses it."""
    cached = _KEYS.get((modulus, exponent), _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    try:
        found: rsa.RSAPublicKey | None = rsa.RSAPublicNumbers(exponent, modulus).public_key()
    except Exception:  # noqa: BLE001 - a key OpenSSL refuses goes through dkimpy's own code
        found = None
    with _LOCK:
        if len(_KEYS) >= _MAX_KEYS:
            _KEYS.clear()
        _KEYS[(modulus, exponent)] = found
    return found


def _mark_key(pk: dict[str, int]) -> _RsaKey:
    marked = _RsaKey(pk)
    marked.openssl = _openssl_key(pk["modulus"], pk["publicExponent"])
    return marked


def _openssl_verify(hasher: Any, signature: bytes, key: _RsaKey) -> bool | None:
    """RSASSA-PKCS1-v1_5 verify (RFC 8017 §8.2.2) by OpenSSL; None where dkimpy must decide.

    dkimpy reduces any signature modulo n and pads short ones, OpenSSL refuses both: such input
    (and any key OpenSSL refuses) is left to dkimpy so the answer stays dkimpy's.
    """
    modulus = key["modulus"]
    modlen = (modulus.bit_length() + 7) // 8
    if key.openssl is None or len(signature) != modlen or int.from_bytes(signature, "big") >= modulus:
        return None
    expected = dkim.crypto.EMSA_PKCS1_v1_5_encode(hasher, modlen)  # raises as dkimpy does
    return _openssl_verify_block(expected, signature, key)


def _openssl_verify_block(expected: bytes, signature: bytes, key: _RsaKey) -> bool | None:
    """Does the signature recover dkimpy's encoded block ``expected``? None: dkimpy decides."""
    modlen = len(expected)
    if key.openssl is None or len(signature) != modlen or int.from_bytes(signature, "big") >= key["modulus"]:
        return None
    try:
        info = key.openssl.recover_data_from_signature(signature, padding.PKCS1v15(), None)
    except InvalidSignature:
        return False
    except Exception:  # noqa: BLE001 - anything unexpected: let dkimpy decide
        return None
    block = b"\x00\x01" + b"\xff" * (modlen - len(info) - 3) + b"\x00" + info
    return bool(block == expected)


def _rsa_verify(hasher: Any, signature: bytes, public_key: Any) -> bool:
    """dkimpy's RSASSA_PKCS1_v1_5_verify, through OpenSSL for keys FastVerify marked."""
    if type(public_key) is _RsaKey:
        answer = _openssl_verify(hasher, signature, public_key)
        if answer is not None:
            return answer
    return bool(_ORIGINAL_RSA_VERIFY(hasher, signature, public_key))


_ORIGINAL_EVALUATE_PK = dkim.evaluate_pk
_PK: dict[bytes, tuple[Any, ...]] = {}


def _evaluate_pk(name: bytes, s: bytes | str | None) -> tuple[Any, ...]:
    """dkimpy's evaluate_pk, remembered per key record (it parses ASN.1 in pure Python).

    The result depends on the record alone (name only appears in error text); records that
    raise are not remembered, so every caller gets dkimpy's own exception.
    """
    if not _enabled or not isinstance(s, bytes):
        return tuple(_ORIGINAL_EVALUATE_PK(name, s))
    found = _PK.get(s)
    if found is None:
        found = tuple(_ORIGINAL_EVALUATE_PK(name, s))
        with _LOCK:
            if len(_PK) >= _MAX_KEYS:
                _PK.clear()
            _PK[s] = found
    return found


_ORIGINAL_PARSE_TAGS = dkim.util.parse_tag_value


def parse_tag_value(tag_list: bytes) -> dict[bytes, bytes]:
    """dkimpy's ``parse_tag_value``; ``_speedups_text``'s equal, faster one while enabled."""
    if _enabled and type(tag_list) is bytes:
        return _speedups_text.parse_tag_value(tag_list)
    return dict(_ORIGINAL_PARSE_TAGS(tag_list))


def split_of(
    message: bytes, fields: list[tuple[bytes, bytes]], body: bytes
) -> tuple[list[list[bytes]], bytes] | None:
    """The header list and body this thread's next ``crlf_only`` ``FastVerify`` of message (CRLF
    only) will take, when ``split_from_fields`` proves the caller's fields dkimpy's and body the
    rest of message (marked: the fast paths apply); None when it will split by itself."""
    last = getattr(_last, "parsed", None)
    if not _enabled:
        return None
    if last is not None and last[0] is message:
        return (last[1], last[2]) if last[3] else None
    found = _speedups_text.split_from_fields(message, fields)
    if found is not None:
        headers, start = found
        if len(body) != len(message) - start or not message.endswith(body):
            body = message[start:]
        _last.parsed = (message, _Headers(headers), body, True, {})
        return _last.parsed[1], body
    return None


class FastVerify:
    """Mix in before ``dkim.DKIM`` or ``dkim.ARC``: the fast paths above, same results."""

    headers: list[list[bytes]]
    body: bytes
    ktag: bytes | None
    pk: Any
    #: Set by a subclass whose messages never hold a bare LF (``Message.raw`` is CRLF-normalised).
    crlf_only = False

    def set_message(self, message: bytes | None) -> None:
        """dkimpy's set_message; the message split once, its body's forms kept (``body_forms``).

        The DKIM and ARC verifiers of one message (the same bytes object, in this thread)
        share the split and the canonical forms; neither modifies them.
        """
        last = getattr(_last, "parsed", None)
        if last is not None and last[0] is message and last[3] == self.crlf_only and _enabled:
            super().set_message(None)  # type: ignore[misc]
            self.headers, self.body = last[1], last[2]
            return
        parsed = split_message(message, self.crlf_only) if (_enabled and message) else None
        if parsed is None:
            super().set_message(message)  # type: ignore[misc]
            return
        super().set_message(None)  # type: ignore[misc]
        self.headers, self.body = _Headers(parsed[0]), parsed[1]
        _last.parsed = (message, self.headers, self.body, self.crlf_only, {})

    def verify_sig_process(self, sig: Any, include_headers: Any, sig_header: Any, dnsfunc: Any) -> Any:
        """dkimpy's verify_sig_process, with an RSA key marked for OpenSSL."""
        if self.ktag == b"rsa" and type(self.pk) is dict and body_forms(self.body) is not None:
            self.pk = _mark_key(self.pk)
        return super().verify_sig_process(sig, include_headers, sig_header, dnsfunc)  # type: ignore[misc]


def _install() -> None:
    """Install the dispatching hooks once (idempotent; see the module docstring)."""
    with _LOCK:
        if getattr(dkim, "_headercheck_speedups", False):
            return
        canon.ALGORITHMS[b"relaxed"] = _FastRelaxed
        canon.ALGORITHMS[b"simple"] = _FastSimple
        dkim.RSASSA_PKCS1_v1_5_verify = _rsa_verify
        dkim.evaluate_pk = _evaluate_pk
        dkim.parse_tag_value = parse_tag_value  # evaluate_pk and ARC's tag parsing
        dkim.RE_BTAG = _speedups_text.BTagPattern(dkim.RE_BTAG, speedups_enabled)
        dkim._headercheck_speedups = True


_install()
