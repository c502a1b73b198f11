"""OpenDMARC's libopendmarc test vectors (conformance/opendmarc): 46 cases, pure functions only.

Each group maps our structured answer onto OpenDMARC's C return codes:
alignment (opendmarc_policy_check_alignment), dmarc_parse (opendmarc_policy_parse_dmarc),
tld (opendmarc_get_tld) and finddomain (opendmarc_util_finddomain).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from headercheck.checks._alignment import aligned
from headercheck.checks._dmarc_record import RecordError, parse_record
from headercheck.checks._orgdomain import psl_org_domain, registrable_domain
from headercheck.checks.dmarc import author_domains
from support.paths import CONFORMANCE

if not CONFORMANCE.is_dir():
    pytest.skip(f"conformance data not found at {CONFORMANCE} (set HEADERCHECK_CONFORMANCE)",
                allow_module_level=True)

VECTORS: dict[str, Any] = json.loads(
    (CONFORMANCE / "opendmarc" / "libopendmarc-test-vectors.json").read_text(encoding="utf-8")
)


def _id(case: dict[str, Any]) -> str:
    return str(case["n"])


def test_vector_count() -> None:
    assert sum(len(VECTORS[k]) for k in ("alignment", "dmarc_parse", "tld", "finddomain")) == 46


@pytest.mark.parametrize("case", VECTORS["alignment"], ids=_id)
def test_alignment(case: dict[str, Any]) -> None:
    mode = "s" if case["mode"].endswith("STRICT") else "r"
    got = aligned(case["from_domain"], case["auth_domain"], mode, psl_org_domain)
    assert got is (case["expected"] == 0)


def _parse_code(text: str) -> str:
    try:
        record = parse_record(text)
    except RecordError as exc:
        return {"empty": "DMARC_PARSE_ERROR_EMPTY", "bad_version": "DMARC_PARSE_ERROR_BAD_VERSION"}[
            exc.code]
    if record.malformed or record.bad_values:
        return "DMARC_PARSE_ERROR_BAD_VALUE"
    if record.p is None and not record.has_valid_rua:
        return "DMARC_PARSE_ERROR_NO_REQUIRED_P"
    return "DMARC_PARSE_OKAY"


@pytest.mark.parametrize("case", VECTORS["dmarc_parse"], ids=_id)
def test_dmarc_parse(case: dict[str, Any]) -> None:
    assert _parse_code(case["record"]) == case["expected"]


def _decode_c_escapes(text: str) -> str:
    """Vector tld #4 holds C escapes "\\0xd8" transcribed as NUL + "xd8": rebuild the UTF-8 bytes."""
    if "\x00" not in text:
        return text
    data = re.sub(r"\x00x([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), text)
    return data.encode("latin-1").decode("utf-8")


@pytest.mark.parametrize("case", VECTORS["tld"], ids=_id)
def test_org_domain(case: dict[str, Any]) -> None:
    domain = _decode_c_escapes(case["domain"])
    got = registrable_domain(domain)
    if case["n"] == 4:
        # In C, "\0xd8" ends the string: OpenDMARC's test compares only the two bytes "c." of its
        # expected value. Decoded, the name is a.b.c.<Persian "Iran">.ar; neither the PSL the test
        # shipped (2012, no rule below "ar" for it) nor today's lists it, so the registrable domain
        # is "<Iran>.ar". We assert that correct value; the vector's text is an escape artefact.
        assert got == _decode_c_escapes(case["expected_org_domain"]).removeprefix("c.")
        return
    assert got == case["expected_org_domain"]


def _find_id(case: dict[str, Any]) -> str:
    return f"{case['n']}-{case['from_header_value'][:10]}"


@pytest.mark.parametrize("case", VECTORS["finddomain"], ids=_find_id)
def test_find_domain(case: dict[str, Any]) -> None:
    value = case["from_header_value"]
    if value.lower().startswith("from:"):
        value = value[5:]
    assert author_domains(value)[0] == case["expected_domain"]
