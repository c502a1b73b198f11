"""headercheck: what Gmail or Yahoo concluded about a received message, and why."""

from __future__ import annotations

from headercheck._warm import preload
from headercheck.api import check
from headercheck.audit import AuditRun, audit
from headercheck.dns import (
    Answer,
    CassetteResolver,
    DnsDataError,
    LiveResolver,
    RecordingResolver,
    Resolver,
    Status,
    ZoneResolver,
    open_resolver,
)
from headercheck.message import Message, parse_message
from headercheck.options import CheckOptions
from headercheck.results import (
    ArcInstance,
    ArcResult,
    DkimResult,
    DmarcResult,
    Envelope,
    Finding,
    IprevResult,
    ReceiverVerdict,
    Report,
    Result,
    Severity,
    SpfResult,
)

__version__ = "0.1.0"

__all__ = [
    "Answer",
    "ArcInstance",
    "ArcResult",
    "AuditRun",
    "CassetteResolver",
    "CheckOptions",
    "DkimResult",
    "DmarcResult",
    "DnsDataError",
    "Envelope",
    "Finding",
    "IprevResult",
    "LiveResolver",
    "Message",
    "ReceiverVerdict",
    "RecordingResolver",
    "Report",
    "Resolver",
    "Result",
    "Severity",
    "SpfResult",
    "Status",
    "ZoneResolver",
    "audit",
    "check",
    "open_resolver",
    "parse_message",
    "preload",
]
