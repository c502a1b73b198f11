"""The same delivered files judged by OpenDKIM's own verifier (`opendkim -t`) through the same NSD.

Measured with OpenDKIM 2.11.0~beta2 (Debian 12): it writes dkim=fail for all three mistakes
(reason="key not found in DNS" for a missing key, "signature verification failed" for both a
wrong key and a changed body), where headercheck, like Gmail, tells them apart: permerror
"no key for signature", fail, and neutral "body hash did not verify". Both refuse the same
signatures and pass the same one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import headercheck
from headercheck.dns import LiveResolver
from support.e2e_dns import RECEIVER_HOST, Dns
from support.mailstack import opendkim_verify
from support.nsd import NsdServer

pytestmark = pytest.mark.e2e

BAD = "signature verification failed"
# case: (message fixture, DNS fixture, OpenDKIM's (dkim=, reason), headercheck's (dkim=, reason_code))
CASES = {
    "clean": ("signed", "clean", ("pass", ""), ("pass", "pass")),
    "wrong_selector": ("signed", "wrong_selector", ("fail", "key not found in DNS"),
                       ("permerror", "no_key")),
    "key_mismatch": ("signed", "other_key", ("fail", BAD), ("fail", "bad_signature")),
    "body_footer": ("with_footer", "clean", ("fail", BAD), ("neutral", "body_hash_mismatch")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_opendkim_and_headercheck_agree(
    case: str, request: pytest.FixtureRequest, nsd_for: Callable[[Dns], NsdServer], e2e_dir: Path
) -> None:
    message_fixture, dns_fixture, theirs, ours = CASES[case]
    message: Path = request.getfixturevalue(message_fixture)
    nsd = nsd_for(request.getfixturevalue(dns_fixture))
    assert opendkim_verify(message, nsd.port, e2e_dir / "verify") == [theirs]
    report = headercheck.check(message, dns=LiveResolver(["127.0.0.1"], port=nsd.port),
                               receiver=RECEIVER_HOST)
    assert [(d.result.value, d.reason_code) for d in report.dkim] == [ours]
