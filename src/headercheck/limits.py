"""Per-message limits that keep hostile input cheap: an oversized header section is not re-parsed.

The message is split into headers once (message.py, linear). When the header section is larger
than ``CheckOptions.max_header_bytes``, the mechanisms that would hand it to dkimpy again
(DKIM, ARC) and DMARC, which depends on them, report permerror with the reason instead.
"""

from __future__ import annotations

from headercheck.message import Message
from headercheck.options import CheckOptions
from headercheck.results import ArcResult, DkimResult, DmarcResult, Result

HEADER_LIMIT_CODE = "header_limit"


def header_bytes(message: Message) -> int:
    """Size of the header section (everything before the body)."""
    return len(message.raw) - len(message.body)


HEADER_LIMIT_REASON = "header section too large"


def header_limit_reason(message: Message, options: CheckOptions) -> str:
    """Why the header section is too large to check, or "" when it is within the limit."""
    size = header_bytes(message)
    if size <= options.max_header_bytes:
        return ""
    return (f"header section is {size} bytes, over the limit of {options.max_header_bytes} "
            "(max_header_bytes): not verified")


def over_limit_results(
    message: Message, options: CheckOptions, reason: str
) -> tuple[tuple[DkimResult, ...], ArcResult | None, DmarcResult]:
    """DKIM, ARC and DMARC results for a message whose header section is over the limit."""
    sigs = message.get_all("DKIM-Signature")[: max(options.max_signatures, 0)]
    dkim = tuple(
        DkimResult(Result.PERMERROR, HEADER_LIMIT_CODE, HEADER_LIMIT_REASON, index=i, detail=reason)
        for i in range(len(sigs))
    )
    arc = None
    if message.get_all("ARC-Seal"):
        # RFC 8617 §5.2 knows only none/pass/fail for the chain: an unverifiable chain fails.
        arc = ArcResult(Result.FAIL, reason)
    dmarc = DmarcResult(Result.PERMERROR, reason, from_domain=message.from_domain)
    return dkim, arc, dmarc
