"""Verdicts of headercheck and mailauth on the same corpus, message by message.

The speed comparison only means something if both tools do the same work and reach the same
conclusions; this counts the messages on which every DKIM signature's result (by signing
domain), SPF, DMARC and ARC agree, and groups the differences by kind.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

Verdicts = dict[str, Any]


def ours(report: dict[str, Any]) -> Verdicts:
    """headercheck's to_dict() in the shape of bench/mailauth/bench.js's summary(), plus each
    DKIM result's reason code (``why``) for the differences."""
    def result(part: str) -> Any:
        found = report.get(part)
        return found["result"] if found else None

    return {"dkim": sorted([d["domain"], d["result"]] for d in report["dkim"]),
            "why": {(d["domain"], d["result"]): d["reason_code"] for d in report["dkim"]},
            "spf": result("spf"), "dmarc": result("dmarc"), "arc": result("arc") or "none"}


def theirs(summary: dict[str, Any]) -> Verdicts:
    """mailauth's summary with its DKIM results in the same order as ours()."""
    return {**summary, "dkim": sorted(summary["dkim"])}


def differences(mine: Verdicts, peer: Verdicts) -> list[str]:
    """One line per differing DKIM signature or mechanism: 'spf: mailauth X, headercheck Y'."""
    out = _dkim_differences(mine, peer)
    for part in ("spf", "dmarc", "arc"):
        if mine[part] != peer[part]:
            out.append(f"{part}: mailauth {peer[part]}, headercheck {mine[part]}")
    return out


def _dkim_differences(mine: Verdicts, peer: Verdicts) -> list[str]:
    """Signatures whose results differ, paired by signing domain."""
    only_peer = Counter(map(tuple, peer["dkim"])) - Counter(map(tuple, mine["dkim"]))
    only_mine = list((Counter(map(tuple, mine["dkim"])) - Counter(map(tuple, peer["dkim"]))).elements())
    out = []
    for domain, theirs_ in only_peer.elements():
        match = next((m for m in only_mine if m[0] == domain), None)
        if match is None:
            out.append(f"dkim: mailauth {theirs_}, headercheck no such signature")
            continue
        only_mine.remove(match)
        out.append(f"dkim: mailauth {theirs_}, headercheck {match[1]} ({mine['why'][match]})")
    out += [f"dkim: mailauth no such signature, headercheck {m[1]}" for m in only_mine]
    return out


def compare(headercheck_digest: Path, mailauth_digest: Path) -> tuple[int, int, Counter[str]]:
    """(messages agreeing on everything, messages compared, differences by kind)."""
    mine = [ours(json.loads(line)) for line in headercheck_digest.read_text().splitlines()]
    peer = [theirs(json.loads(line)) for line in mailauth_digest.read_text().splitlines()]
    kinds: Counter[str] = Counter()
    agree = 0
    for a, b in zip(mine, peer, strict=False):  # --quick: fewer headercheck digests
        diff = differences(a, b)
        agree += not diff
        kinds.update(diff)
    return agree, min(len(mine), len(peer)), kinds


def describe(agree: int, total: int, kinds: Counter[str]) -> str:
    """The summary line bench/run prints."""
    head = f"verdicts vs mailauth: {agree} of {total} messages agree on DKIM, SPF, DMARC and ARC"
    return head + "".join(f"\n  {n} x {kind}" for kind, n in kinds.most_common())


def against_mailauth(out: Path, parts: set[str], mailauth_ran: bool) -> list[int] | None:
    """Print how many messages both tools judged alike (bench/run's digests in out);
    [agreeing, compared], or None when the mailauth or speedups part did not run."""
    mine, peer = out / "digest-speedups.jsonl", out / "digest-mailauth.jsonl"
    if not ({"speedups", "mailauth"} <= parts and mailauth_ran and mine.exists() and peer.exists()):
        print("verdicts vs mailauth: not compared (needs the mailauth and speedups parts)")
        return None
    agree, total, kinds = compare(mine, peer)
    print(describe(agree, total, kinds))
    return [agree, total]
