"""bench/worker.py: the whole command runs on its smallest size, on the database the suite
runs on, and reports every figure of issue 16's targets."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

SCRIPT = Path(__file__).parent.parent / "bench" / "worker.py"


def test_the_benchmark_runs_end_to_end_on_its_smallest_size(tmp_path: Path) -> None:
    assert shutil.which("wrk"), "the benchmark drives nic serve with wrk: apt-get install wrk"
    database = os.environ.get("NIC_TEST_DATABASE_URL", "")
    if database.startswith("postgres"):  # the script makes and drops <this>_tiny
        database = f"{database.rstrip('/')}_w{uuid.uuid4().hex[:6]}"
    else:
        database = "sqlite"
    figures = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--sizes", "tiny", "--seconds", "1",
         "--database", database, "--json", str(figures)],
        capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    for line in (
        "api cycle p95 recomputing / idle",
        "cycle page p95 recomputing / idle",
        "explorer warm p95",
        "district warm p95",
        "neighbours warm p95",
        "community warm p95",
        "write -> results current",
        "worker peak RSS",
    ):
        assert line in done.stdout
    saved = json.loads(figures.read_text())
    assert saved["run"]["database"] == database.split("://")[0]
    tiny = saved["sizes"]["tiny"]
    assert tiny["failed"] == 0
    assert 0 < tiny["propagation_s"] < 60
    assert tiny["worker_peak_mb"] > 0
    assert {"summary", "brokers", "explorer"} <= set(tiny["analysis_seconds"])
    views = ("explorer", "district", "neighbours", "community")
    runs = [tiny[view] for view in views] + [
        row[state] for row in tiny["pages"].values() for state in ("idle", "recomputing")
    ]
    for run in runs:
        assert run["p95"] and run["rps"] > 0 and run["errors"] == 0, run
    assert all(row["status"] == 200 for row in tiny["pages"].values())
    assert all(tiny[view]["status"] == 200 for view in views)
