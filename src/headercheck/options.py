"""Options for a check, with their defaults and limits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckOptions:
    """Knobs for check(); every limit has a default that matches receivers' practice."""

    max_signatures: int = 10
    dmarc_discovery: str = "psl"
    max_header_bytes: int = 1_000_000
    max_dns_answer_bytes: int = 16_384
    style: str = ""
    lang: str = "en"
