"""Reports built by hand, one per failure kind, for the renderers and findings tests.

They follow the result contract in headercheck.results; the DKIM reason codes are the ones
headercheck._kinds recognises.
"""

from __future__ import annotations

from dataclasses import replace

from headercheck.results import (
    ArcInstance,
    ArcResult,
    DkimResult,
    DmarcResult,
    Envelope,
    IprevResult,
    Report,
    Result,
    SpfResult,
)

IP = "203.0.113.25"
ENV = Envelope(ip=IP, helo="mail.example.jp", mail_from="info@example.jp", receiver="mx.google.com")
SIG = DkimResult(
    Result.PASS, "ok", "signature verified", domain="example.jp", selector="master",
    algorithm="rsa-sha256", canonicalization="relaxed/simple", header_b="Kf/yv26g", key_bits=2048,
    key_type="rsa", dns_name="master._domainkey.example.jp",
)
SPF = SpfResult(Result.PASS, "mailfrom", "sender is authorized", domain="example.jp",
                identity="info@example.jp", client_ip=IP, helo="mail.example.jp",
                mechanism="ip4:203.0.113.0/24", lookups=1, record="v=spf1 ip4:203.0.113.0/24 -all")
SPF_HELO = SpfResult(Result.PASS, "helo", "sender is authorized", domain="mail.example.jp",
                     identity="postmaster@mail.example.jp", client_ip=IP, helo="mail.example.jp")
IPREV = IprevResult(Result.PASS, "PTR confirmed", ip=IP, ptr_names=("mail.example.jp",),
                    confirmed_name="mail.example.jp")
DMARC = DmarcResult(Result.PASS, "DKIM aligned", from_domain="example.jp", org_domain="example.jp",
                    record_domain="example.jp", record="v=DMARC1; p=none; rua=mailto:d@example.jp",
                    policy="none", subdomain_policy="", applied_policy="none", disposition="none",
                    dkim_aligned=("example.jp",), spf_aligned=True)
BASE = Report(source="test.eml", from_domain="example.jp", envelope=ENV, dkim=(SIG,), spf=SPF,
              spf_helo=SPF_HELO, iprev=IPREV, dmarc=DMARC)


def _sig(**kw: object) -> Report:
    return replace(BASE, dkim=(replace(SIG, **kw),))  # type: ignore[arg-type]


def _spf(result: Result, reason: str, **kw: object) -> Report:
    return replace(BASE, spf=replace(SPF, result=result, reason=reason, **kw))  # type: ignore[arg-type]


def _dmarc_fail(policy: str, sp: str, disposition: str) -> Report:
    record = f"v=DMARC1; p={policy}" + (f"; sp={sp}" if sp else "")
    dm = replace(DMARC, result=Result.FAIL, reason="no aligned identifier", record=record, policy=policy,
                 subdomain_policy=sp, applied_policy=policy, disposition=disposition, dkim_aligned=(),
                 spf_aligned=False)
    esp = replace(SIG, domain="esp.example.net", selector="s1", header_b="AbCdEfGh",
                  dns_name="s1._domainkey.esp.example.net")
    spf = replace(SPF, domain="bounce.esp.example.net", identity="bounce@bounce.esp.example.net")
    return replace(BASE, dkim=(esp,), spf=spf, dmarc=dm)


AAR = ("i=1; mx.google.com; dkim=pass header.i=@example.jp header.s=master header.b=Kf/yv26g; "
       "spf=pass (google.com: domain of info@example.jp designates 203.0.113.25 as permitted sender) "
       "smtp.mailfrom=info@example.jp; dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.jp")
ARC_PASS = ArcResult(Result.PASS, "chain valid", instances=(
    ArcInstance(1, domain="google.com", selector="arc-20240605", cv="none", ams_result=Result.PASS,
                as_result=Result.PASS, authentication_results=AAR),), oldest_pass=0)

CASES: dict[str, Report] = {
    "pass": BASE,
    "dkim_body_hash": _sig(result=Result.NEUTRAL, reason_code="body_hash_mismatch",
                           reason="body hash did not verify"),
    "dkim_signature": _sig(result=Result.FAIL, reason_code="bad_signature",
                           reason="signature did not verify"),
    "dkim_no_key": _sig(result=Result.PERMERROR, reason_code="no_key", reason="no key for signature",
                        key_bits=None),
    "dkim_key_revoked": _sig(result=Result.PERMERROR, reason_code="key_revoked", reason="key revoked (p=)",
                             key_bits=None),
    "dkim_dns": _sig(result=Result.TEMPERROR, reason_code="key_unavailable", reason="DNS timeout",
                     key_bits=None),
    "dkim_bad_format": _sig(result=Result.NEUTRAL, reason_code="bad_format",
                            reason="bad format: missing bh="),
    "dkim_short_key": _sig(result=Result.POLICY, reason_code="weak_key", reason="512-bit key",
                           key_bits=512),
    "dkim_rsa_sha1": _sig(result=Result.POLICY, reason_code="rsa_sha1", reason="rsa-sha1 is not allowed",
                          algorithm="rsa-sha1"),
    "dkim_expired": _sig(result=Result.PERMERROR, reason_code="expired", reason="signature expired (x=)"),
    "dkim_length": _sig(body_length=120, unsigned_bytes=38),
    "dkim_unsigned": replace(BASE, dkim=()),
    "dkim_two_signatures": replace(BASE, dkim=(
        replace(SIG, domain="esp.example.net", selector="s1", header_b="zw+Zgzt8", index=0,
                result=Result.FAIL, reason_code="bad_signature", reason="signature did not verify",
                dns_name="s1._domainkey.esp.example.net"),
        replace(SIG, index=1))),
    "dkim_auid": _sig(auid="news@mail.example.jp"),
    "spf_fail": _spf(Result.FAIL, "not permitted", mechanism="-all"),
    "spf_softfail": _spf(Result.SOFTFAIL, "not permitted", mechanism="~all"),
    "spf_neutral": _spf(Result.NEUTRAL, "neither permitted nor denied", mechanism="?all"),
    "spf_none": _spf(Result.NONE, "no SPF record", mechanism="", record=""),
    "spf_temperror": _spf(Result.TEMPERROR, "DNS timeout"),
    "spf_permerror": _spf(Result.PERMERROR, "too many DNS lookups", lookups=11),
    "spf_type99": replace(BASE, spf=replace(SPF, notes=("a deprecated type 99 SPF record is published",))),
    "spf_prvs": replace(BASE, spf=replace(SPF, identity="prvs=96217baa75=info@example.jp")),
    "iprev_no_ptr": replace(BASE, iprev=IprevResult(Result.PERMERROR, "no PTR record", ip=IP)),
    "iprev_mismatch": replace(BASE, iprev=IprevResult(Result.FAIL, "PTR does not resolve back", ip=IP,
                                                      ptr_names=("host.isp.example",))),
    "dmarc_none": replace(BASE, dmarc=replace(DMARC, result=Result.NONE, reason="no DMARC record", record="",
                                              policy="", applied_policy="", dkim_aligned=(),
                                              spf_aligned=False)),
    "dmarc_fail_quarantine": _dmarc_fail("quarantine", "", "quarantine"),
    "dmarc_fail_reject_sp": _dmarc_fail("reject", "reject", "quarantine"),
    "dmarc_permerror": replace(BASE, dmarc=replace(DMARC, result=Result.PERMERROR, reason="bad p= value",
                                                   policy="", applied_policy="")),
    "arc_pass": replace(BASE, arc=ARC_PASS),
    "spf_no_ip": replace(BASE, envelope=replace(ENV, ip=None), iprev=None,
                         spf=replace(SPF, result=Result.NONE, client_ip="",
                                     reason="no client IP is known: pass --ip to check SPF")),
    "arc_fail": replace(BASE, arc=ArcResult(Result.FAIL, "AMS i=1: body hash mismatch",
                                            instances=ARC_PASS.instances)),
}
