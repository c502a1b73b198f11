"""The headercheck audit subcommand. STUB (filled by the batch-audit work)."""

from __future__ import annotations

import argparse
from typing import Any


def add_audit_parser(sub: Any) -> None:
    """Register `headercheck audit`."""
    aud = sub.add_parser("audit", help="audit many messages: files, directories, mbox, Maildir")
    aud.add_argument("paths", nargs="+", metavar="PATH")


def run_audit(args: argparse.Namespace) -> int:
    """Run an audit (not yet implemented)."""
    raise ValueError("audit is not implemented yet")
