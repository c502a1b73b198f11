"""dkimpy's verifier for DKIM (``Verifier``) and the message split the fast path reads first.

``open_message`` gives a ``Split`` when ``_speedups.split_of`` proves the header fields and body
dkimpy would take: signatures that verify never need a dkimpy object (``_speedups_verify``);
the Verifier is built from the same split only when a signature goes through dkimpy's own
``verify`` (every verdict other than a pass, RFC 6376 §6.1).
"""

from __future__ import annotations

from typing import Any

import dkim
from dkim.util import InvalidTagValueList

from headercheck.checks._speedups import FastVerify, parse_tag_value, split_of
from headercheck.checks._speedups_verify import include_of, validate_fields
from headercheck.message import Message


class Verifier(FastVerify, dkim.DKIM):  # type: ignore[misc]
    """dkimpy's DKIM without its wall-clock t=/x= checks (judged against ``now`` instead).

    dkimpy's ``verify_headerprep`` calls ``validate_signature_fields``, which compares t= and x=
    with ``time.time()``. This override validates every other field the same way; patching the
    module's clock instead would not be safe under threads. FastVerify (``_speedups``) gives
    dkimpy's results faster; it is given ``Message.raw``, which has CRLF line ends only.
    """

    crlf_only = True

    def verify_headerprep(self, idx: int = 0) -> Any:
        """Select signature idx and validate it, t= and x= aside (see _dkimsig.check_times)."""
        sigheaders = [(x, y) for x, y in self.headers if x.lower() == b"dkim-signature"]
        if len(sigheaders) <= idx:
            return False
        try:
            sig = parse_tag_value(sigheaders[idx][1])
        except InvalidTagValueList as exc:
            raise dkim.MessageFormatError(exc) from exc
        self.signature_fields = sig
        validate_fields(sig, untimed=True)
        self.domain, self.selector = sig[b"d"], sig[b"s"]
        include_headers = list(include_of(sig[b"h"]))  # dkimpy's split of h=, lower case
        self.include_headers = tuple(include_headers)
        return sig, include_headers, sigheaders


class Split:
    """A message as the fast path reads it (``_speedups.split_of``: the header list and body a
    Verifier of it takes); the Verifier itself is built only when a signature needs dkimpy."""

    timeout = 5  # dkimpy's default: what a Verifier has
    minkey = 0
    tlsrpt = False

    def __init__(self, raw: bytes, headers: list[list[bytes]], body: bytes) -> None:
        self.raw, self.headers, self.body = raw, headers, body
        self._verifier: Verifier | None = None

    def verifier(self) -> Verifier:
        """dkimpy's verifier of the message, built once (it takes this same split)."""
        if self._verifier is None:
            self._verifier = Verifier(self.raw, minkey=0)
        return self._verifier


def open_message(message: Message) -> Verifier | Split:
    """The message split for verifying: a ``Split`` when ``_speedups`` proves its split (no
    dkimpy object yet), else dkimpy's verifier (minkey 0: RFC 8301 is ours).

    :raises dkim.MessageFormatError: dkimpy cannot split the header section.
    """
    fields = [(h.name.encode("ascii", "replace"), h.raw) for h in message.headers]
    found = split_of(message.raw, fields, message.body)
    if found is None:
        return Verifier(message.raw, minkey=0)
    return Split(message.raw, found[0], found[1])


def make_verifier(message: Message) -> Verifier:
    """The one place a dkimpy verifier is built for a message (minkey 0: RFC 8301 is ours).

    :raises dkim.MessageFormatError: dkimpy cannot split the header section.
    """
    found = open_message(message)
    return found.verifier() if isinstance(found, Split) else found
