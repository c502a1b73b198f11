"""Typed results: RFC 8601 result tokens and one frozen dataclass per mechanism."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Result(StrEnum):
    """RFC 8601 §2.7 result tokens shared by every method."""

    PASS = "pass"
    FAIL = "fail"
    SOFTFAIL = "softfail"
    NEUTRAL = "neutral"
    NONE = "none"
    TEMPERROR = "temperror"
    PERMERROR = "permerror"
    POLICY = "policy"


class Severity(StrEnum):
    """How much a finding matters to deliverability."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class DkimResult:
    """The verdict on one DKIM-Signature (RFC 6376, RFC 8301, RFC 8463)."""

    result: Result
    reason_code: str
    reason: str
    domain: str = ""
    selector: str = ""
    auid: str = ""
    algorithm: str = ""
    canonicalization: str = ""
    header_b: str = ""
    key_bits: int | None = None
    key_type: str = ""
    body_length: int | None = None
    unsigned_bytes: int = 0
    timestamp: int | None = None
    expiration: int | None = None
    signed_headers: tuple[str, ...] = ()
    dns_name: str = ""
    index: int = 0
    detail: str = ""
    #: the key record carries t=y: the domain is testing DKIM (RFC 6376 §3.6.1)
    key_testing: bool = False


@dataclass(frozen=True)
class Envelope:
    """Who handed the message to the receiver (RFC 5321 identities) and where each came from.

    ``hop`` indexes the receiving Received header among the Received headers (0 = topmost);
    ``header_index`` is its position among all headers: what lies below it (apart from the
    receiver's own Received-SPF/Authentication-Results block) is the sender's claim.
    ``sources`` maps each field name to where its value came from.
    """

    ip: str | None = None
    helo: str | None = None
    mail_from: str | None = None
    receiver: str | None = None
    receiving_host: str | None = None
    hop: int | None = None
    sources: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    header_index: int | None = None
    recipient: str | None = None


@dataclass(frozen=True)
class SpfResult:
    """SPF verdict for one identity (RFC 7208); scope is "mailfrom" or "helo"."""

    result: Result
    scope: str
    reason: str
    domain: str = ""
    identity: str = ""
    client_ip: str = ""
    helo: str = ""
    mechanism: str = ""
    lookups: int = 0
    void_lookups: int = 0
    explanation: str = ""
    comment: str = ""
    record: str = ""
    received_spf: str = ""
    notes: tuple[str, ...] = ()
    dns_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class IprevResult:
    """Forward-confirmed reverse DNS of the client IP (RFC 8601 §3)."""

    result: Result
    reason: str
    ip: str = ""
    ptr_names: tuple[str, ...] = ()
    confirmed_name: str = ""
    dns_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class DmarcResult:
    """DMARC verdict (RFC 7489, RFC 9989): policy found, alignment, disposition."""

    result: Result
    reason: str
    from_domain: str = ""
    org_domain: str = ""
    record_domain: str = ""
    record: str = ""
    policy: str = ""
    subdomain_policy: str = ""
    np_policy: str = ""
    applied_policy: str = ""
    disposition: str = "none"
    pct: int | None = None
    testing: bool = False
    adkim: str = "r"
    aspf: str = "r"
    dkim_aligned: tuple[str, ...] = ()
    spf_aligned: bool = False
    dns_names: tuple[str, ...] = ()
    discovery: str = ""
    applied_tag: str = ""
    spf_domain: str = ""
    psd: str = ""
    from_domains: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def gmail_comment(self) -> str:
        """Gmail's comment for this verdict, e.g. ``p=REJECT sp=REJECT dis=NONE`` (RECEIVERS.md §1.4)."""
        from headercheck.checks._dmarc_policy import gmail_comment

        return gmail_comment(self.policy, self.subdomain_policy, self.disposition)


@dataclass(frozen=True)
class ArcInstance:
    """One ARC set (RFC 8617 §4.1): its seal, message signature and recorded results."""

    instance: int
    domain: str = ""
    selector: str = ""
    cv: str = ""
    ams_result: Result = Result.NONE
    as_result: Result = Result.NONE
    authentication_results: str = ""
    reason: str = ""
    ams_domain: str = ""
    ams_selector: str = ""


@dataclass(frozen=True)
class ArcResult:
    """ARC chain validation (RFC 8617 §5.2): cv, instances, oldest passing instance.

    ``receiver_sets``: the sets the receiver added itself at delivery, after its own
    evaluation (its ARC-Authentication-Results records that verdict); they are listed, not part
    of the chain judged here, which is the chain as the message arrived.
    """

    result: Result
    reason: str
    instances: tuple[ArcInstance, ...] = ()
    oldest_pass: int | None = None
    receiver_sets: tuple[ArcInstance, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One explanation: a stable code, its severity, what happened and how to fix it."""

    code: str
    severity: Severity
    message: str
    fix: str
    method: str = ""


@dataclass(frozen=True)
class ReceiverVerdict:
    """What the receiver said at delivery for one method, beside what we find now."""

    method: str
    receiver_result: str
    our_result: str
    agrees: bool
    cause: str = ""
    identifier: str = ""
    authserv_id: str = ""
    source: str = ""
    receiver_comment: str = ""
    forged: bool = False
    cause_code: str = ""
    cause_args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    """Everything headercheck concluded about one message."""

    source: str = ""
    warnings: tuple[str, ...] = ()
    from_domain: str = ""
    envelope: Envelope = field(default_factory=Envelope)
    dkim: tuple[DkimResult, ...] = ()
    spf: SpfResult | None = None
    spf_helo: SpfResult | None = None
    iprev: IprevResult | None = None
    dmarc: DmarcResult | None = None
    arc: ArcResult | None = None
    receiver_said: tuple[ReceiverVerdict, ...] = ()
    errors: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def authentication_results(self, style: str = "rfc") -> str:
        """The Authentication-Results header value in a receiver's style (RFC 8601)."""
        from headercheck.authresults import render

        return render(self, style)

    def findings(self, lang: str = "en") -> tuple[Finding, ...]:
        """Plain-language findings with fixes, in English or Japanese."""
        from headercheck.explain import findings

        return findings(self, lang)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict with stable keys (see docs/json.md)."""
        from headercheck.render.jsonout import report_to_dict

        return report_to_dict(self)
