"""Limits in the resolver layer: an answer too large to be a sane record is refused, not parsed.

DNS itself caps a message at 65,535 octets, but offline back ends (zone files, cassettes) have no
cap, and no legitimate DKIM key, SPF or DMARC record comes near 16 KiB. An oversized answer
becomes ``Status.OVERSIZE`` with a reason naming the size and the limit; it is permanent, so each
mechanism reports permerror (a retry would get the same answer).
"""

from __future__ import annotations

from headercheck.dns.answer import Answer, Resolver, Status, failure, record_bytes, stable_answers

__all__ = ["DEFAULT_MAX_ANSWER_BYTES", "SizeLimitedResolver", "answer_bytes", "record_bytes"]

DEFAULT_MAX_ANSWER_BYTES = 16_384


def answer_bytes(answer: Answer) -> int:
    """Approximate record-data size of a whole answer (computed once per answer)."""
    return answer.data_bytes


class SizeLimitedResolver:
    """Wrap a resolver; answers whose record data exceed max_bytes become Status.OVERSIZE.

    :param inner: the resolver that answers.
    :param max_bytes: the cap on an answer's record data (CheckOptions.max_dns_answer_bytes).
    """

    def __init__(self, inner: Resolver, max_bytes: int = DEFAULT_MAX_ANSWER_BYTES) -> None:
        self.inner = inner
        self.max_bytes = max_bytes

    @property
    def stable_answers(self) -> bool:
        """As stable as inner (answers pass through)."""
        return stable_answers(self.inner)

    def query(self, name: str, rdtype: str) -> Answer:
        """Answer through inner, refusing oversized answers."""
        answer = self.inner.query(name, rdtype)
        size = answer_bytes(answer)
        if size <= self.max_bytes:
            return answer
        return failure(
            answer.name or name, answer.rdtype or rdtype, Status.OVERSIZE,
            f"{answer.name} {answer.rdtype} answer is {size} bytes, over the limit of "
            f"{self.max_bytes} (max_dns_answer_bytes)",
        )
