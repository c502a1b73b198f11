"""Postfix + OpenDKIM + NSD as an admin sets them up, and the mistakes admins make.

Each message really goes swaks -> sender Postfix (OpenDKIM milter) -> receiver Postfix -> Maildir;
headercheck then reads the delivered file with the live resolver pointed at NSD. A mistake in
DNS is a different zone served for the same delivered file (signing does no DNS lookups).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

import headercheck
from headercheck.dns import LiveResolver
from headercheck.results import Report, Result
from support.e2e_dns import RECEIVER_HOST, SENDER_HOST, SENDER_IP, UNALIGNED_SPF_DOMAIN, Dns
from support.nsd import NsdServer

pytestmark = pytest.mark.e2e
Serve = Callable[[Dns], NsdServer]

def test_delivered_as_postfix_writes_it(signed: Path) -> None:
    raw = signed.read_bytes()
    assert raw.startswith(b"Return-Path: <taro@example.jp>")
    assert b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; d=example.jp;" in raw
    assert b"s=master;" in raw
    assert f"from {SENDER_HOST} (unknown [{SENDER_IP}])".encode() in raw
    assert f"by {RECEIVER_HOST} (Postfix)".encode() in raw


# Finding codes headercheck's explain layer gives (src/headercheck/locale/en.json "findings").
CODE_SPF_FAIL = "spf_fail"
CODE_SPF_TYPE99 = "spf_type99"
CODE_DKIM_NO_KEY = "dkim_no_key"
CODE_DKIM_BAD_SIGNATURE = "dkim_signature"
CODE_DKIM_BODY_CHANGED = "dkim_body_hash"
CODE_IPREV_NO_PTR = "iprev_no_ptr"
CODE_DMARC_NOT_ALIGNED = "dmarc_fail_unaligned"


def _check(path: Path, nsd: NsdServer) -> Report:
    """headercheck as a user runs it: the delivered file, live DNS (here NSD), the receiver's name."""
    return headercheck.check(path, dns=LiveResolver(["127.0.0.1"], port=nsd.port), receiver=RECEIVER_HOST)


def _codes(report: Report) -> set[str]:
    return {f.code for f in report.findings()}


def test_nsd_serves_the_key_as_opendkim_genkey_wrote_it(
    clean: Dns, nsd_for: Serve
) -> None:
    live = LiveResolver(["127.0.0.1"], port=nsd_for(clean).port)
    answer = live.query("master._domainkey.example.jp", "TXT")
    written = re.findall(r'"([^"]*)"', clean.dkim_txt)
    assert len(written) == 3
    assert [tuple(s.decode() for s in rec) for rec in answer.records] == [tuple(written)]
    assert live.query("example.jp", "SPF").ok


def test_clean_setup_passes_everything(
    signed: Path, clean: Dns, nsd_for: Serve
) -> None:
    report = _check(signed, nsd_for(clean))
    assert report.errors == ()
    env = report.envelope
    assert (env.ip, env.helo, env.mail_from) == (SENDER_IP, SENDER_HOST, "taro@example.jp")
    assert len(report.dkim) == 1
    sig = report.dkim[0]
    assert (sig.result, sig.domain, sig.selector) == (Result.PASS, "example.jp", "master")
    assert (sig.algorithm, sig.canonicalization, sig.key_bits) == ("rsa-sha256", "relaxed/simple", 2048)
    assert report.spf is not None and report.spf.result is Result.PASS
    assert report.spf.domain == "example.jp"
    assert report.iprev is not None and report.iprev.result is Result.PASS
    assert report.dmarc is not None and report.dmarc.result is Result.PASS
    assert report.dmarc.policy == "reject" and report.dmarc.spf_aligned
    assert "example.jp" in report.dmarc.dkim_aligned
    header = report.authentication_results()
    for token in ("dkim=pass", "spf=pass", "dmarc=pass", "iprev=pass"):
        assert token in header, header


def test_clean_setup_findings(signed: Path, clean: Dns, nsd_for: Serve) -> None:
    """Nothing is wrong but the type-99 SPF record the old guides told admins to publish."""
    report = _check(signed, nsd_for(clean))
    assert CODE_SPF_TYPE99 in _codes(report)
    assert [f.code for f in report.findings() if f.severity == "error"] == []


def test_spf_record_does_not_cover_the_sending_ip(
    signed: Path, clean: Dns, nsd_for: Serve
) -> None:
    """The admin moved the mail server and left the old address in SPF."""
    report = _check(signed, nsd_for(clean.with_(spf="v=spf1 ip4:192.0.2.25 -all")))
    assert report.spf is not None and report.spf.result is Result.FAIL
    assert report.dkim[0].result is Result.PASS
    assert report.dmarc is not None and report.dmarc.result is Result.PASS  # DKIM carries it
    assert CODE_SPF_FAIL in _codes(report)


def test_dkim_record_under_the_wrong_selector(signed: Path, wrong_selector: Dns, nsd_for: Serve) -> None:
    """KeyFile signs with s=master; the key was published as opendkim-genkey's default selector."""
    report = _check(signed, nsd_for(wrong_selector))
    sig = report.dkim[0]
    assert (sig.result, sig.reason_code) == (Result.PERMERROR, "no_key")
    assert sig.dns_name == "master._domainkey.example.jp"
    assert report.dmarc is not None and report.dmarc.result is Result.PASS  # SPF carries it
    assert CODE_DKIM_NO_KEY in _codes(report)


def test_dkim_key_in_dns_does_not_match_keyfile(signed: Path, other_key: Dns, nsd_for: Serve) -> None:
    """opendkim-genkey was run again; DNS still has the other key (or the reverse)."""
    report = _check(signed, nsd_for(other_key))
    sig = report.dkim[0]
    assert (sig.result, sig.reason_code) == (Result.FAIL, "bad_signature")
    assert CODE_DKIM_BAD_SIGNATURE in _codes(report)


def test_body_changed_after_signing(with_footer: Path, clean: Dns, nsd_for: Serve) -> None:
    """A mailing list appended its footer to the signed body (c=relaxed/simple, no l=)."""
    report = _check(with_footer, nsd_for(clean))
    sig = report.dkim[0]
    assert (sig.result, sig.reason_code) == (Result.NEUTRAL, "body_hash_mismatch")  # Gmail's word
    assert CODE_DKIM_BODY_CHANGED in _codes(report)


def test_no_ptr_for_the_sending_ip(signed: Path, clean: Dns, nsd_for: Serve) -> None:
    """The reverse zone exists but has no PTR for 127.0.0.10.

    RFC 8601 §2.7.3: no PTR data published is permerror (docs/envelope-spf.md).
    """
    report = _check(signed, nsd_for(clean.with_(ptr=False)))
    assert report.iprev is not None and report.iprev.result is Result.PERMERROR
    assert report.iprev.ip == SENDER_IP
    assert report.spf is not None and report.spf.result is Result.PASS
    assert CODE_IPREV_NO_PTR in _codes(report)


def test_dmarc_reject_with_an_unaligned_envelope_sender(
    unaligned: Path, clean: Dns, nsd_for: Serve
) -> None:
    """An application sends From example.jp, bounces to its own domain, past the signing milter."""
    report = _check(unaligned, nsd_for(clean))
    assert b"DKIM-Signature" not in unaligned.read_bytes()
    assert report.envelope.mail_from == f"bounce@{UNALIGNED_SPF_DOMAIN}"
    assert report.dkim == ()
    assert report.spf is not None and report.spf.result is Result.PASS
    assert report.spf.domain == UNALIGNED_SPF_DOMAIN
    dmarc = report.dmarc
    assert dmarc is not None and dmarc.result is Result.FAIL
    assert (dmarc.policy, dmarc.disposition, dmarc.spf_aligned) == ("reject", "reject", False)
    assert CODE_DMARC_NOT_ALIGNED in _codes(report)
