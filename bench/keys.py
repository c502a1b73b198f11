"""Deterministic signing keys for the benchmark corpus (same seed, same keys, same corpus).

RSA keys come from a seeded prime search (Miller-Rabin), Ed25519 keys from seeded 32-byte seeds,
so the corpus and its DNS snapshot are byte-for-byte reproducible. Benchmark use only.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p**0.5) + 1))]


def _probable_prime(n: int, rng: random.Random, rounds: int = 24) -> bool:
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return n in _SMALL_PRIMES
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits: int, rng: random.Random, e: int) -> int:
    while True:
        n = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if _probable_prime(n, rng) and (n - 1) % e:
            return n


@dataclass(frozen=True)
class Key:
    """One signing key: its kind, the private key as dkimpy wants it, and the DNS p= value."""

    kind: str  # "rsa" or "ed25519"
    private: bytes  # PEM (RSA) or base64 seed (Ed25519)
    public_b64: str

    @property
    def algorithm(self) -> bytes:
        """The a= value this key signs with."""
        return b"rsa-sha256" if self.kind == "rsa" else b"ed25519-sha256"

    def txt(self) -> list[str]:
        """The DKIM key record as TXT strings of at most 255 bytes (RFC 6376 §3.6.2.2)."""
        record = f"v=DKIM1; k={self.kind}; p={self.public_b64}"
        return [record[i : i + 250] for i in range(0, len(record), 250)]


def rsa_key(seed: str, bits: int = 2048) -> Key:
    """A deterministic RSA key of the given size."""
    rng = random.Random(seed)
    e = 65537
    p = _prime(bits // 2, rng, e)
    q = _prime(bits // 2, rng, e)
    while q == p:
        q = _prime(bits // 2, rng, e)
    d = pow(e, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q),
        rsa.RSAPublicNumbers(e, p * q),
    )
    key = numbers.private_key()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return Key("rsa", pem, base64.b64encode(der).decode())


def ed25519_key(seed: str) -> Key:
    """A deterministic Ed25519 key (RFC 8463: p= is the raw 32-byte public key)."""
    raw = random.Random(seed).randbytes(32)
    public = ed25519.Ed25519PrivateKey.from_private_bytes(raw).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return Key("ed25519", base64.b64encode(raw), base64.b64encode(public).decode())
