"""Every sample and DKIM conformance message, in every style: a golden file each, parsed by authres.

The goldens follow every mechanism: when a check changes a verdict, regenerate them with
HEADERCHECK_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import headercheck
from headercheck.authresults import STYLES, parse, received_spf
from headercheck.dns import CassetteResolver, Resolver, open_resolver
from support.paths import CONFORMANCE, SAMPLES, TESTS

GOLDEN = TESTS / "golden" / "corpus"
UPDATE = os.environ.get("HEADERCHECK_UPDATE_GOLDEN") == "1"
SAMPLES_NOW = "2026-11-01T00:00:00Z"
RFC_NOW = 1_700_000_000

# (id, message, DNS file in the {"TXT": {name: value}} shape, now)
CONFORMANCE_CASES = (
    ("rfc6376-A.2", "rfc6376/A.2-signed.corrected.eml", "rfc6376/dns.json"),
    ("rfc8463-A.3", "rfc8463/A.3-signed.eml", "rfc8463/dns.json"),
    ("go-msgauth-verified", "go-msgauth/verifiedMailString.eml", "go-msgauth/dns_from_query_test.go.json"),
    ("go-msgauth-raw-rsa", "go-msgauth/verifiedRawRSAMailString.eml",
     "go-msgauth/dns_from_query_test.go.json"),
    ("go-msgauth-ed25519", "go-msgauth/verifiedEd25519MailString.eml", "rfc8463/dns.json"),
    ("go-msgauth-unsigned", "go-msgauth/unsignedMailString.eml", "go-msgauth/dns_from_query_test.go.json"),
)


def _txt(path: Path) -> CassetteResolver:
    records = json.loads(path.read_text())["TXT"]
    return CassetteResolver({name: {"TXT": [[value]]} for name, value in records.items()})


def _cases() -> list[pytest.ParameterSet]:
    out = []
    if (SAMPLES / "dns.zone").exists():
        out += [pytest.param(f"sample-{p.stem}", p, SAMPLES_NOW, id=f"sample-{p.stem}")
                for p in sorted(SAMPLES.glob("*.eml"))]
    if CONFORMANCE.exists():
        out += [pytest.param(cid, CONFORMANCE / msg, RFC_NOW, id=cid) for cid, msg, _ in CONFORMANCE_CASES]
    return out


def _resolver(case_id: str) -> Resolver:
    if case_id.startswith("sample-"):
        return open_resolver(SAMPLES / "dns.zone")
    dns = next(d for cid, _, d in CONFORMANCE_CASES if cid == case_id)
    return _txt(CONFORMANCE / dns)


@pytest.mark.parametrize(("case_id", "path", "now"), _cases())
def test_corpus_golden(case_id: str, path: Path, now: object) -> None:
    report = headercheck.check(path, dns=_resolver(case_id), now=now)  # type: ignore[arg-type]
    for style in STYLES:
        value = report.authentication_results(style)
        parsed = parse(value)
        assert parsed is not None, f"{style}: authres cannot read {value!r}"
        spf = received_spf(report, style)
        text = f"Authentication-Results: {value}" + (f"\nReceived-SPF: {spf}" if spf else "") + "\n"
        golden = GOLDEN / style / f"{case_id}.txt"
        if UPDATE:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
        assert golden.exists(), f"missing {golden}: run with HEADERCHECK_UPDATE_GOLDEN=1"
        assert golden.read_text(encoding="utf-8") == text, f"{style}/{case_id} differs from its golden file"
