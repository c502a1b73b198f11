"""The headercheck command: a thin shell over the library.

Exit codes: 0 every message was checked; 1 ``--fail-on`` matched (audit); 2 usage error or an
unusable DNS file; 3 some input could not be read (its report says why).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from headercheck._time import to_timestamp
from headercheck.api import check_message
from headercheck.dns import DnsDataError, RecordingResolver, Resolver, open_resolver
from headercheck.message import parse_message
from headercheck.options import CheckOptions
from headercheck.results import Report

EXIT_OK, EXIT_MATCHED, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 3


def add_common(p: argparse.ArgumentParser) -> None:
    """Options shared by check and audit."""
    p.add_argument("--dns", action="append", metavar="PATH",
                   help="zone file or .json cassette to answer DNS offline (repeatable); "
                        "default: live DNS")
    p.add_argument("--nameserver", metavar="IP[:PORT]", help="live DNS server to ask")
    p.add_argument("--record", metavar="FILE", help="write every DNS answer to a JSON cassette")
    p.add_argument("--now", metavar="WHEN", help="judge t=/x= as of this time (epoch or ISO 8601)")
    p.add_argument("--receiver", help="receiving host or authserv-id, e.g. mx.google.com")
    p.add_argument("--style", choices=["rfc", "gmail", "yahoo"],
                   help="Authentication-Results style (default: the receiver's)")
    p.add_argument("--lang", choices=["en", "ja"], default="en", help="language of findings")
    p.add_argument("--dmarc-discovery", choices=["psl", "treewalk"], default="psl",
                   help="organisational domain via the Public Suffix List or RFC 9989's tree walk")
    p.add_argument("--max-signatures", type=int, default=10, metavar="N",
                   help="DKIM signatures verified per message (the rest are reported unchecked)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(prog="headercheck", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    chk = sub.add_parser("check", help="check received messages (.eml files, - for stdin)")
    chk.add_argument("files", nargs="+", metavar="FILE")
    add_common(chk)
    chk.add_argument("--ip", help="client IP that handed the message to the receiver")
    chk.add_argument("--mail-from", help="envelope sender (MAIL FROM)")
    chk.add_argument("--helo", help="HELO/EHLO name of the client")
    chk.add_argument("--json", action="store_true", help="write JSON Lines, one object per message")
    from headercheck.audit_cli import add_audit_parser

    add_audit_parser(sub)
    return parser


def make_resolver(args: argparse.Namespace) -> Resolver:
    """The resolver the options ask for (raises DnsDataError for unusable files)."""
    if args.dns:
        resolver = open_resolver(args.dns)
    elif args.nameserver:
        from headercheck.dns import LiveResolver

        host, _, port = args.nameserver.rpartition(":") if args.nameserver.count(":") == 1 else (
            args.nameserver, "", "")
        resolver = LiveResolver([host or args.nameserver], port=int(port or 53))
    else:
        resolver = open_resolver(None)
    return RecordingResolver(resolver, args.record) if args.record else resolver


def options_from(args: argparse.Namespace) -> CheckOptions:
    """CheckOptions from parsed arguments."""
    return CheckOptions(max_signatures=args.max_signatures, dmarc_discovery=args.dmarc_discovery,
                        style=args.style or "", lang=args.lang)


def _check_one(path: str, resolver: Resolver, args: argparse.Namespace, now: float) -> Report:
    message = parse_message(sys.stdin.buffer if path == "-" else path)
    if path == "-":
        from dataclasses import replace

        message = replace(message, source="<stdin>")
    return check_message(message, resolver, ip=args.ip, mail_from=args.mail_from, helo=args.helo,
                         receiver=args.receiver, now=now, options=options_from(args))


def run_check(args: argparse.Namespace) -> int:
    """headercheck check: one report per file, text or JSON Lines."""
    from headercheck.authresults import default_style
    from headercheck.render.jsonout import report_to_json
    from headercheck.render.text import print_report

    resolver = make_resolver(args)
    now = to_timestamp(args.now)
    status = EXIT_OK
    for i, path in enumerate(args.files):
        try:
            report = _check_one(path, resolver, args, now)
        except OSError as exc:
            report = Report(source=path, errors=(f"cannot read {path}: {exc.strerror or exc}",))
            status = EXIT_UNREADABLE
        style = args.style or default_style(report)
        if args.json:
            print(report_to_json(report, style, args.lang))
        else:
            if i:
                print()
            print_report(report, style, args.lang)
    if isinstance(resolver, RecordingResolver):
        resolver.save()
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the headercheck command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return run_check(args)
        from headercheck.audit_cli import run_audit

        return run_audit(args)
    except DnsDataError as exc:
        print(f"headercheck: DNS data error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:
        print(f"headercheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("headercheck: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
