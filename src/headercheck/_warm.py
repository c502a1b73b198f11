"""One-off start-up work that the first check would otherwise do: call ``preload()`` once in a
long-running process (a milter, a service, an audit worker) so no message pays for it."""

from __future__ import annotations


def preload() -> None:
    """Import the check pipeline and renderers, and build the Public Suffix List (RFC 7489 §3.2).

    Idempotent and thread-safe; ``check()`` works without it (it loads these on first use).
    """
    from headercheck import api, pipeline  # noqa: F401
    from headercheck.checks._orgdomain import public_suffix_list
    from headercheck.message import parse_message  # noqa: F401
    from headercheck.render import jsonout  # noqa: F401

    public_suffix_list()
