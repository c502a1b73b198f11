"""bench/agree.py pairs headercheck's and mailauth's verdicts signature by signature."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from agree import compare, describe  # noqa: E402


def _report(dkim: list[tuple[str, str, str]], spf: str = "pass", arc: str | None = None) -> str:
    return json.dumps({"dkim": [{"domain": d, "result": r, "reason_code": c} for d, r, c in dkim],
                       "spf": {"result": spf}, "dmarc": {"result": "pass"},
                       "arc": {"result": arc} if arc else None})


def test_differences_are_paired_by_signing_domain(tmp_path: Path) -> None:
    mine, peer = tmp_path / "hc.jsonl", tmp_path / "ma.jsonl"
    mine.write_text("\n".join([
        _report([("a.example", "pass", "pass"), ("b.example", "permerror", "no_key")]),
        _report([("a.example", "pass", "pass")], spf="softfail"),
        _report([("a.example", "pass", "pass")], arc="pass"),
    ]) + "\n")
    peer.write_text("\n".join(json.dumps(s) for s in [
        {"dkim": [["b.example", "neutral"], ["a.example", "pass"]], "spf": "pass", "dmarc": "pass",
         "arc": "none"},
        {"dkim": [["a.example", "pass"]], "spf": "fail", "dmarc": "pass", "arc": "none"},
        {"dkim": [["a.example", "pass"]], "spf": "pass", "dmarc": "pass", "arc": "pass"},
    ]) + "\n")
    agree, total, kinds = compare(mine, peer)
    assert (agree, total) == (1, 3)
    assert kinds == {"dkim: mailauth neutral, headercheck permerror (no_key)": 1,
                     "spf: mailauth fail, headercheck softfail": 1}
    assert describe(agree, total, kinds).startswith("verdicts vs mailauth: 1 of 3 messages agree")
