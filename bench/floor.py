"""Where the floor is: the C-level work of one check per message, measured on the corpus.

Usage: ``python bench/floor.py [CORPUS]`` (default: the 2,000-message corpus ``bench/run`` built).
Prints µs per message (best of 3 passes) for the steps no Python verifier built on dkimpy can
skip: reading the file, the CRLF scan, each message's canonical bodies and their SHA-256 (one
per body canonicalisation its signatures use), one OpenSSL or libsodium verify per DKIM and ARC
signature; then what rendering a finished report costs (``to_dict``, the Authentication-Results
header written by authres) and the whole check with warm memos, for scale.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(_HERE.parent / "src")]
NOW = 1793491200 + 30 * 86400
_BODY_C = re.compile(rb"c=\s*[a-z]+/([a-z]+)")


def best(n: int, run: Callable[[], Any]) -> float:
    """Best of 3 passes, µs per message."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return round(min(times) / n * 1e6, 1)


def _bodies(messages: list[Any]) -> None:
    import dkim.canonicalization as canon

    from headercheck.checks._speedups_text import relaxed_body

    for m in messages:
        forms = set()
        for h in m.get_all("DKIM-Signature") + m.get_all("ARC-Message-Signature"):
            found = _BODY_C.search(h.raw)
            forms.add(found.group(1) if found else b"simple")
        for form in forms:
            body = relaxed_body(m.body) if form == b"relaxed" else canon.Simple.canonicalize_body(m.body)
            hashlib.sha256(body).digest()


def _verifier() -> Callable[[bytes], None]:
    import nacl.signing
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

    key = rsa.generate_private_key(65537, 2048)
    digest, prehashed = hashlib.sha256(b"floor").digest(), utils.Prehashed(hashes.SHA256())
    sig, pub = key.sign(digest, padding.PKCS1v15(), prehashed), key.public_key()
    signing = nacl.signing.SigningKey(bytes(32))
    signed, verify_key = signing.sign(digest), signing.verify_key

    def one(raw: bytes) -> None:
        if b"ed25519" in raw:
            verify_key.verify(signed)
        else:
            pub.verify(sig, digest, padding.PKCS1v15(), prehashed)

    return one


def main() -> None:
    """Measure and print each step."""
    import headercheck
    from headercheck.dns import open_resolver
    from headercheck.message import normalize_line_endings, parse_message

    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else _HERE / "out" / "corpus-n2000-s1-f4"
    if not (corpus / "meta.jsonl").exists():
        raise SystemExit(f"no corpus at {corpus}: run bench/run first (it builds and caches it)")
    rows = [json.loads(line) for line in (corpus / "meta.jsonl").read_text().splitlines()]
    files = [corpus / "messages" / r["file"] for r in rows]
    raws = [f.read_bytes() for f in files]
    messages = [parse_message(r) for r in raws]
    headercheck.preload()
    resolver = open_resolver(str(corpus / "dns.zone"))

    def checks() -> list[Any]:
        return [headercheck.check(raw, dns=resolver, ip=r["ip"], mail_from=r["mail_from"],
                                  helo=r["helo"], receiver="mx.receiver.example", now=NOW)
                for raw, r in zip(raws, rows, strict=True)]

    reports = checks()
    verify = _verifier()
    names = ("DKIM-Signature", "ARC-Message-Signature", "ARC-Seal")
    n = len(rows)
    floor = {
        "read the file": best(n, lambda: [f.read_bytes() for f in files]),
        "CRLF scan": best(n, lambda: [normalize_line_endings(r) for r in raws]),
        "canonical bodies + SHA-256": best(n, lambda: _bodies(messages)),
        "one verify per signature": best(n, lambda: [verify(h.raw) for m in messages for name in names
                                                     for h in m.get_all(name)]),
    }
    scale = {
        "to_dict of a finished report": best(n, lambda: [r.to_dict() for r in reports]),
        "  of which the authres header": best(n, lambda: [r.authentication_results() for r in reports]),
        "whole check + to_dict, memos warm": best(n, lambda: [r.to_dict() for r in checks()]),
    }
    for name, value in floor.items():
        print(f"{name:40s} {value:8.1f} µs")
    print(f"{'C-level floor':40s} {sum(floor.values()):8.1f} µs")
    for name, value in scale.items():
        print(f"{name:40s} {value:8.1f} µs")


if __name__ == "__main__":
    main()
