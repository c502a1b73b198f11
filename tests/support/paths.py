"""Where test data lives."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
SAMPLES = ROOT / "samples"
SCENARIOS = TESTS / "scenarios"
CONFORMANCE = Path(os.environ.get("HEADERCHECK_CONFORMANCE", ROOT.parent / "shared" / "conformance"))
