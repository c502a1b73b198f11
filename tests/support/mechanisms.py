"""Skip markers for tests that need a mechanism merged on this branch.

The robustness tests were written while the mechanisms were built in parallel; on a tree where
a mechanism is still its stub, the tests that need it are skipped with that reason.
"""

from __future__ import annotations

import pytest

from headercheck.checks.dkim import verify_dkim
from headercheck.checks.dmarc import check_dmarc
from headercheck.checks.spf import check_spf
from headercheck.dns import CassetteResolver
from headercheck.message import parse_message
from headercheck.results import DkimResult, Envelope, Report, Result, SpfResult
from support.fuzzmail import NOW, fuzz_dns, sign

_MSG = parse_message(sign(b"From: a@fuzz.example\r\nSubject: x\r\n\r\nbody\r\n"))
_DNS = CassetteResolver(fuzz_dns())
_HAS_DKIM = bool(verify_dkim(_MSG, _DNS, now=NOW))
_HAS_SPF = check_spf(Envelope(ip="192.0.2.25", mail_from="a@fuzz.example", helo="x.example"),
                     _DNS)[0] is not None
_HAS_DMARC = check_dmarc(_MSG, (), SpfResult(Result.NONE, "mailfrom", ""), _DNS) is not None
_HAS_FINDINGS = bool(Report(dkim=(DkimResult(Result.PASS, "pass", "", body_length=1, unsigned_bytes=5),)
                            ).findings())

needs_dkim = pytest.mark.skipif(not _HAS_DKIM, reason="DKIM not merged on this tree")
needs_spf = pytest.mark.skipif(not _HAS_SPF, reason="SPF not merged on this tree")
needs_dmarc = pytest.mark.skipif(not _HAS_DMARC, reason="DMARC not merged on this tree")
needs_findings = pytest.mark.skipif(not _HAS_FINDINGS, reason="findings not merged on this tree")
needs_all = pytest.mark.skipif(not (_HAS_DKIM and _HAS_SPF and _HAS_DMARC),
                               reason="DKIM, SPF and DMARC not all merged on this tree")
