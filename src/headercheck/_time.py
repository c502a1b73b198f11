"""The injectable clock: "now" as given by the caller, or the wall clock once per check."""

from __future__ import annotations

import time
from datetime import UTC, datetime

When = float | int | datetime | str | None


def to_timestamp(now: When) -> float:
    """Seconds since the epoch for now= (a number, a datetime, an ISO 8601 string or None).

    :raises ValueError: a string that is neither a number nor ISO 8601.
    """
    if now is None:
        return time.time()
    if isinstance(now, datetime):
        return (now if now.tzinfo else now.replace(tzinfo=UTC)).timestamp()
    if isinstance(now, str):
        text = now.strip()
        try:
            return float(text)
        except ValueError:
            return to_timestamp(datetime.fromisoformat(text.replace("Z", "+00:00")))
    return float(now)
