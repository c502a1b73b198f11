"""``headercheck audit PATH...``: many messages, a summary table, rows as JSON Lines, CSV or HTML.

Exit codes: 0 every input has its row; 1 ``--fail-on`` matched some message; 2 usage error
(or unusable DNS data); 130 interrupted by Ctrl-C (the partial report is still written); 141 the
reader of stdout went away.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from typing import IO, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from headercheck._audit_worker import MECHANISMS, Row
from headercheck._counting import count_items
from headercheck._sources import DEFAULT_MAX_BYTES, STDIN
from headercheck.audit import AuditRun
from headercheck.dns import RecordingResolver, Resolver
from headercheck.render.rows import RowWriter
from headercheck.results import Result

EXIT_OK, EXIT_MATCHED, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 130, 141
FailOn = tuple[str | None, str]


def parse_fail_on(text: str) -> list[FailOn]:
    """``RESULT`` (any mechanism), ``MECH=RESULT`` or ``error``, comma-separated."""
    specs: list[FailOn] = []
    for part in filter(None, (p.strip().lower() for p in text.split(","))):
        mech, _, result = part.rpartition("=")
        if mech and mech not in MECHANISMS:
            raise argparse.ArgumentTypeError(f"unknown mechanism {mech!r} in --fail-on")
        if result != "error" and result not in {r.value for r in Result}:
            raise argparse.ArgumentTypeError(f"unknown result {result!r} in --fail-on")
        specs.append((mech or None, result))
    if not specs:
        raise argparse.ArgumentTypeError("--fail-on needs a result")
    return specs


def matches(row: Row, specs: list[FailOn]) -> bool:
    """Whether a row meets any --fail-on condition."""
    for mech, result in specs:
        if result == "error":
            if row.get("errors"):
                return True
        elif any(row.get(m) == result for m in ([mech] if mech else MECHANISMS)):
            return True
    return False


def add_audit_parser(sub: Any) -> None:
    """Register `headercheck audit`."""
    from headercheck.cli import add_common

    aud = sub.add_parser(
        "audit", help="audit many messages: files, directories, mbox, Maildir",
        description="Check every message under PATH (.eml files, directories, mbox files, "
                    "Maildirs, - for stdin) and summarise. Exit 0 done, 1 --fail-on matched, "
                    "2 usage error, 130 interrupted.")
    aud.add_argument("paths", nargs="+", metavar="PATH")
    aud.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                     help="worker processes (default: the cores; 1 checks in this process)")
    aud.add_argument("--format", choices=["jsonl", "csv", "html"],
                     help="write one row per message (default: from -o's suffix, else jsonl)")
    aud.add_argument("-o", "--output", metavar="FILE", help="write the rows here (default: stdout)")
    aud.add_argument("--fail-on", type=parse_fail_on, action="append", metavar="RESULT",
                     help="exit 1 if some message has this result: RESULT (any mechanism), "
                          "MECH=RESULT (e.g. dmarc=fail) or error; comma-separated, repeatable")
    aud.add_argument("--no-progress", action="store_true", help="no progress bar")
    aud.add_argument("--max-size", type=int, default=DEFAULT_MAX_BYTES, metavar="BYTES",
                     help="report larger messages as errors without reading them")
    aud.add_argument("--top", type=int, default=20, metavar="N",
                     help="domains and reasons listed in the summary")
    add_common(aud)


def _progress(console: Console, paths: list[str], enabled: bool) -> Progress | None:
    if not enabled or not console.is_terminal:
        return None
    progress = Progress(SpinnerColumn(), TextColumn("[bold]auditing"), BarColumn(),
                        MofNCompleteColumn(), TextColumn("messages"), TimeElapsedColumn(),
                        console=console, transient=False)
    task = progress.add_task("audit", total=None)
    if STDIN not in paths:
        def count() -> None:
            with contextlib.suppress(Exception):
                progress.update(task, total=count_items(paths))

        threading.Thread(target=count, daemon=True).start()
    return progress


@contextlib.contextmanager
def _no_sigint() -> Iterator[None]:
    """A second Ctrl-C must not cut the partial report short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _open_output(args: argparse.Namespace, fmt: str | None) -> IO[str] | None:
    if fmt is None:
        return None
    if not args.output or args.output == "-":
        return sys.stdout
    return open(args.output, "w", encoding="utf-8", newline="" if fmt == "csv" else None)


def _drive(run: AuditRun, writer: RowWriter | None, specs: list[FailOn],
           progress: Progress | None) -> int:
    """Write every row; the exit status (interrupted and broken pipe included)."""
    matched = False
    try:
        with run, (progress or contextlib.nullcontext()):
            for row in run:
                if writer:
                    writer.write(row)
                matched = matched or matches(row, specs)
                if progress:
                    progress.advance(progress.task_ids[0])
    except KeyboardInterrupt:
        run.summary.interrupted = True
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader of stdout went away (e.g. `| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return EXIT_MATCHED if matched else EXIT_OK


def _finish(args: argparse.Namespace, run: AuditRun, writer: RowWriter | None, out: IO[str] | None,
            resolver: Resolver, status: int) -> None:
    """Close the report (partial or not), save a recording, print the summary."""
    from headercheck.render.summary_text import print_summary

    summary = run.summary.to_dict(args.top)
    if writer and status != EXIT_BROKEN_PIPE:
        writer.close(summary)
    if out is not None and out is not sys.stdout:
        out.close()
    if isinstance(resolver, RecordingResolver):
        resolver.save()
    if status == EXIT_BROKEN_PIPE:
        return
    shown = Console(stderr=True) if out is sys.stdout else Console()
    if shown.is_terminal or out is not sys.stdout:
        print_summary(summary, shown)


def run_audit(args: argparse.Namespace) -> int:
    """Run an audit as the arguments ask; see the module docstring for exit codes."""
    from headercheck._time import to_timestamp
    from headercheck.audit import audit
    from headercheck.cli import make_resolver, options_from
    from headercheck.render.rows import format_for, open_writer

    if args.jobs is not None and args.jobs < 1:
        raise ValueError("--jobs must be at least 1")
    specs = [s for group in args.fail_on or [] for s in group]
    fmt = format_for(args.output, args.format) if (args.output or args.format) else None
    # --dns files are opened by audit() itself, while its worker processes start.
    dns = args.dns if args.dns and not args.record else make_resolver(args)
    run = audit(args.paths, jobs=args.jobs, dns=dns, now=to_timestamp(args.now),
                receiver=args.receiver, style=args.style, options=options_from(args),
                max_bytes=args.max_size, exclude=[args.output] if args.output else [])
    resolver = run.cache.inner
    out = _open_output(args, fmt)
    writer = open_writer(fmt, out) if fmt and out else None
    progress = _progress(Console(stderr=True), args.paths, not args.no_progress)
    status = _drive(run, writer, specs, progress)
    with _no_sigint():
        _finish(args, run, writer, out, resolver, status)
    return status
