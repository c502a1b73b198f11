"""The unit of audit work: messages in, one compact JSON-safe row each out (see docs/audit.md).

Runs in a worker process (or a Dask worker) on a Batch of messages: each is its BYTES, or, for
the default local process pool, a Ref to where it lies in a local file (read here, the same way
the parent would). Whatever goes wrong, the result is a row naming the source.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field, replace
from typing import Any

from headercheck._dnsshare import DnsClientSpec, RemoteResolver, take_asked
from headercheck._sources import DEFAULT_MAX_BYTES, Ref, read_ref
from headercheck.dns import Resolver
from headercheck.options import CheckOptions

ROW_VERSION = 1
MECHANISMS = ("dkim", "spf", "spf_helo", "iprev", "dmarc", "arc")
MAX_REASONS = 3
Row = dict[str, Any]
# code -> (severity, message, fix): the text of each finding, sent once beside the row
Notes = dict[str, tuple[str, str, str]]


@dataclass(frozen=True)
class Settings:
    """What every message of one audit is checked with (picklable)."""

    now: float
    receiver: str | None = None
    style: str | None = None
    options: CheckOptions = field(default_factory=CheckOptions)


@dataclass(frozen=True)
class Task:
    """One message shipped to a worker."""

    index: int
    source: str
    data: bytes
    settings: Settings
    dns: DnsClientSpec


@dataclass(frozen=True)
class Batch:
    """Several messages shipped to a worker at once: (index, source, bytes or Ref) each."""

    entries: tuple[tuple[int, str, bytes | Ref], ...]
    settings: Settings
    dns: DnsClientSpec
    max_bytes: int = DEFAULT_MAX_BYTES


def empty_row(index: int, source: str, size: int = 0) -> Row:
    """A row with every key present and nothing concluded (the schema's zero value)."""
    row: Row = {"v": ROW_VERSION, "index": index, "file": source, "size": size, "from_domain": ""}
    for mech in MECHANISMS:
        row[mech] = None
    row.update({"dkim_domains": [], "spf_domain": "", "dmarc_policy": "", "disposition": "",
                "reasons": [], "findings": [], "errors": [], "warnings": [],
                "authentication_results": ""})
    return row


def error_row(index: int, source: str, error: str, size: int = 0) -> Row:
    """The row for an input that could not be checked at all."""
    row = empty_row(index, source, size)
    row["errors"] = [error]
    return row


def _dkim_summary(sigs: list[dict[str, Any]]) -> str:
    """pass when any signature passes (RFC 6376 §6.1: each signature stands alone)."""
    if not sigs:
        return "none"
    results = [str(s.get("result", "")) for s in sigs]
    return "pass" if "pass" in results else results[0]


def _reasons(d: dict[str, Any]) -> list[str]:
    """The reasons behind each result that is not pass, most decisive first."""
    out: list[str] = []
    dmarc = d.get("dmarc") or {}
    if dmarc and dmarc.get("result") != "pass":
        out.append(f"dmarc={dmarc.get('result')}: {dmarc.get('reason', '')}")
    for sig in d.get("dkim") or []:
        if sig.get("result") != "pass":
            out.append(f"dkim={sig.get('result')} d={sig.get('domain', '')}: {sig.get('reason', '')}")
    for mech in ("spf", "arc", "iprev", "spf_helo"):
        res = d.get(mech) or {}
        if res and res.get("result") not in ("pass", "none"):
            out.append(f"{mech}={res.get('result')}: {res.get('reason', '')}")
    return out[:MAX_REASONS]


def row_from_dict(index: int, d: dict[str, Any], size: int) -> tuple[Row, Notes]:
    """The compact row for one Report.to_dict(), and the text of its findings."""
    row = empty_row(index, str(d.get("file", "")), size)
    row["from_domain"] = d.get("from_domain") or ""
    sigs = d.get("dkim") or []
    row["dkim"] = _dkim_summary(sigs)
    row["dkim_domains"] = [f"{s.get('domain', '')}:{s.get('result', '')}" for s in sigs]
    for mech in MECHANISMS[1:]:
        res = d.get(mech)
        row[mech] = res.get("result") if isinstance(res, dict) else None
    row["spf_domain"] = (d.get("spf") or {}).get("domain", "")
    dmarc = d.get("dmarc") or {}
    row["dmarc_policy"] = dmarc.get("applied_policy") or dmarc.get("policy") or ""
    row["disposition"] = dmarc.get("disposition", "") if dmarc else ""
    row["reasons"] = _reasons(d)
    found = d.get("findings") or []
    row["findings"] = [str(f.get("code", "")) for f in found]
    row["errors"] = [str(e) for e in d.get("errors") or []]
    row["warnings"] = [str(w) for w in d.get("warnings") or []]
    row["authentication_results"] = d.get("authentication_results", "")
    notes = {str(f.get("code", "")): (str(f.get("severity", "")), str(f.get("message", "")),
                                      str(f.get("fix", ""))) for f in found}
    return row, notes


def check_bytes(
    index: int, source: str, data: bytes, settings: Settings, resolver: Resolver
) -> tuple[Row, Notes]:
    """Check one message; any exception becomes an error row naming the source."""
    from headercheck.api import check_message
    from headercheck.message import parse_message
    from headercheck.render.jsonout import report_to_dict

    try:
        message = replace(parse_message(data), source=source)
        report = check_message(
            message, resolver, ip=None, mail_from=None, helo=None, receiver=settings.receiver,
            now=settings.now, options=settings.options,
        )
        return row_from_dict(index, report_to_dict(report, settings.style, settings.options.lang),
                             len(data))
    except Exception as exc:  # noqa: BLE001 - one row per input, whatever happens
        where = traceback.extract_tb(exc.__traceback__)[-1:]
        at = f" at {where[0].filename.rsplit('/', 1)[-1]}:{where[0].lineno}" if where else ""
        return error_row(index, source, f"internal error {type(exc).__name__}: {exc}{at}",
                         len(data)), {}


def run_task(task: Task) -> tuple[Row, Notes]:
    """The function a worker runs: check the shipped bytes with the shared DNS cache."""
    return check_bytes(task.index, task.source, task.data, task.settings, RemoteResolver(task.dns))


def check_entry(
    index: int, source: str, payload: bytes | Ref, settings: Settings, resolver: Resolver,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[Row, Notes]:
    """Check one message given as bytes or as a Ref (read here; unreadable -> an error row)."""
    if isinstance(payload, Ref):
        item = read_ref(payload, source, max_bytes)
        if item.data is None:
            return error_row(index, source, item.error, item.size), {}
        payload = item.data
    return check_bytes(index, source, payload, settings, resolver)


def run_batch(batch: Batch) -> tuple[list[tuple[Row, Notes]], list[tuple[str, str]]]:
    """The function a worker runs: check each message of the batch with the shared DNS cache.

    Also returns the DNS questions answered here from an offline snapshot (for the count).
    """
    resolver = RemoteResolver(batch.dns)
    results = [check_entry(index, source, payload, batch.settings, resolver, batch.max_bytes)
               for index, source, payload in batch.entries]
    return results, take_asked()


def ignore_sigint() -> None:
    """Pool initializer: Ctrl-C is the parent's to handle (it writes the partial report)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
