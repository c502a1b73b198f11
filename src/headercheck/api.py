"""check(): one message in, one Report out. The only multi-mechanism entry point."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import TypeVar

from headercheck._time import When, to_timestamp
from headercheck.dns import DnsSpec, Resolver, open_resolver
from headercheck.message import Message, MessageSource, parse_message
from headercheck.options import CheckOptions
from headercheck.results import Report

T = TypeVar("T")
_DEFAULT_OPTIONS = CheckOptions()  # frozen: one instance serves every call without options


def _guard(what: str, fn: Callable[[], T], fallback: T, errors: list[str]) -> T:
    """Run one mechanism; an unexpected exception becomes a reported error, not a traceback."""
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - the last line of defence, reported in the Report
        tb = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" at {tb[0].filename.rsplit('/', 1)[-1]}:{tb[0].lineno}" if tb else ""
        errors.append(f"{what}: internal error {type(exc).__name__}: {exc}{where}")
        return fallback


def check(
    source: MessageSource,
    *,
    dns: DnsSpec = None,
    ip: str | None = None,
    mail_from: str | None = None,
    helo: str | None = None,
    receiver: str | None = None,
    now: When = None,
    options: CheckOptions | None = None,
) -> Report:
    """Authenticate one received message as its receiver did, and explain the result.

    :param source: bytes, a path, a binary file object or an ``email.message.Message``.
    :param dns: a Resolver, a cassette (``.json``) or zone file path, or None for live DNS.
    :param ip: the client IP that handed the message over (overrides the Received chain).
    :param mail_from: the envelope sender (overrides Return-Path / Received-SPF).
    :param helo: the HELO/EHLO name (overrides the Received chain).
    :param receiver: the receiving host or authserv-id, e.g. ``mx.google.com``.
    :param now: the time to judge t=/x= against (default: the wall clock).
    :raises OSError: source is a path that cannot be read.
    :raises headercheck.dns.DnsDataError: dns is a file with unusable content.
    """
    resolver = open_resolver(dns)
    message = parse_message(source)
    return check_message(
        message, resolver, ip=ip, mail_from=mail_from, helo=helo, receiver=receiver,
        now=to_timestamp(now), options=options or _DEFAULT_OPTIONS,
    )


def check_message(
    message: Message,
    resolver: Resolver,
    *,
    ip: str | None,
    mail_from: str | None,
    helo: str | None,
    receiver: str | None,
    now: float,
    options: CheckOptions,
) -> Report:
    """Run every mechanism over a parsed message (see check())."""
    from headercheck import pipeline

    return pipeline.run(
        message, resolver, ip=ip, mail_from=mail_from, helo=helo, receiver=receiver,
        now=now, options=options, guard=_guard,
    )
