"""The same audit on a Dask cluster: any concurrent.futures.Executor runs it (headercheck[dask])."""

from __future__ import annotations

from pathlib import Path

import pytest

from headercheck.audit import audit
from support.audit_data import NOW, Counting, message

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
pytestmark = pytest.mark.dask


def test_audit_on_a_local_dask_cluster(tmp_path: Path) -> None:
    box = tmp_path / "mail"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    for i in range(40):
        (box / "cur" / f"{i:03d}:2,S").write_bytes(message(domain=f"d{i % 4}.example", n=i))
    (box / "new" / "broken").write_bytes(b"\xff\xfe\x00")
    mbox = tmp_path / "archive.mbox"
    mbox.write_bytes(b"From x Sat Jun  1 00:00:00 2024\n" + message(n=99))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        executor = client.get_executor(pure=False)
        counting = Counting()
        with audit([box, mbox], executor=executor, jobs=2, dns=counting, now=NOW) as run:
            rows = list(run)
        assert len(client.scheduler_info()["workers"]) == 2
    assert len(rows) == 42 and [r["index"] for r in rows] == list(range(42))
    assert rows[-1]["file"] == f"{mbox}#1" and rows[-1]["from_domain"] == "example.com"
    assert all(r["errors"] == [] for r in rows)  # the workers reached the shared DNS cache
    assert len(counting.calls) == len(set(counting.calls)) == run.dns_questions
    assert {r["from_domain"] for r in rows[:40]} == {f"d{i}.example" for i in range(4)}
