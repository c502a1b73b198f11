"""Test-wide guards: no traffic beyond 127.0.0.0/8, and shared fixtures."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

_real_connect = socket.socket.connect
_real_sendto = socket.socket.sendto


def _loopback_only(address: Any) -> None:
    if isinstance(address, tuple) and address:
        host = address[0]
        try:
            ip = ipaddress.ip_address(host.split("%")[0])
        except ValueError:
            if host != "localhost":
                raise OSError(f"tests may not resolve or reach {host!r}") from None
            return
        if not ip.is_loopback:
            raise OSError(f"tests may not reach {host}: only 127.0.0.0/8 and ::1")


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _loopback_only(address)
    return _real_connect(self, address)


def _guarded_sendto(self: socket.socket, *args: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _loopback_only(args[-1])
    return _real_sendto(self, *args)


@pytest.fixture(autouse=True, scope="session")
def _no_outside_network() -> Iterator[None]:
    """Refuse any connection or datagram to an address outside loopback."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.sendto = _guarded_sendto  # type: ignore[method-assign, assignment]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.sendto = _real_sendto  # type: ignore[method-assign]


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI the conformance suites must be there: a missing ../shared fails, never skips."""
    import os

    from support.paths import CONFORMANCE

    if os.environ.get("CI") and not CONFORMANCE.is_dir():
        raise pytest.UsageError(f"conformance data not found at {CONFORMANCE} "
                                "(set HEADERCHECK_CONFORMANCE)")
