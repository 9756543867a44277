"""``nic worker``, ``nic graph status`` and the worker ``nic serve`` starts, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from tests.helpers import SMALL
from tests.plugins.everything import serving
from tests.scratch import SECRET, run_nic, scratch_database

FLOW = "/api/v1/communities/cedar-valley/flow"


def _workers_on(database: str) -> list[int]:
    """Processes running ``nic worker`` against ``database`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            environment = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"worker" in command and f"NIC_DATABASE_URL={database}".encode() in environment:
            found.append(int(entry.name))
    return found


def test_worker_once_computes_the_standing_analyses_and_status_shows_them(tmp_path) -> None:
    with scratch_database(tmp_path) as url:
        run_nic("migrate", database=url, cwd=tmp_path)
        run_nic("load", str(SMALL), database=url, cwd=tmp_path)
        before = json.loads(run_nic("graph", "status", "--json", database=url, cwd=tmp_path).stdout)
        assert before["communities"][0]["current"] == 0 and before["queued"] == []

        worked = run_nic("worker", "--once", database=url, cwd=tmp_path)
        assert "flow" in worked.stdout and "stopped after" in worked.stdout

        after = json.loads(run_nic("graph", "status", "--json", database=url, cwd=tmp_path).stdout)
        counts = after["communities"][0]
        assert counts["community"] == "cedar-valley"
        assert counts["current"] >= 8 and counts["stale"] == counts["failed"] == 0
        assert after["queued"] == [] and after["failures"] == []
        text = run_nic("graph", "status", "cedar-valley", database=url, cwd=tmp_path).stdout
        assert "Queued analyses: 0" in text and "cedar-valley" in text
        missing = run_nic("graph", "status", "nowhere", database=url, cwd=tmp_path, check=False)
        assert missing.returncode != 0 and "nowhere" in missing.stderr


def _answer_when_computed(url: str, headers: dict[str, str]) -> dict[str, Any]:
    """GET ``url`` until it answers 200 (the worker has stored the result); its JSON."""
    deadline = time.monotonic() + 90
    while True:
        answer = httpx.get(url, headers=headers, timeout=5)
        if answer.status_code == 200:
            return dict(answer.json())
        assert answer.status_code == 202, answer.text
        assert time.monotonic() < deadline, "no worker stored the result"
        time.sleep(0.2)


def _site(url: str, folder: Path) -> dict[str, str]:
    """The small community and an admin's API token in a new database: the headers."""
    run_nic("migrate", database=url, cwd=folder)
    run_nic("load", str(SMALL), database=url, cwd=folder)
    run_nic("user", "add", "admin@example.org", "--password", "x" * 12, "--admin",
            database=url, cwd=folder)  # fmt: skip
    token = run_nic("user", "token", "admin@example.org", database=url, cwd=folder)
    return {"Authorization": f"Bearer {token.stdout.strip().splitlines()[-1]}"}


def test_nic_serve_starts_a_worker_and_stops_it_on_exit(tmp_path) -> None:
    with scratch_database(tmp_path) as url:
        headers = _site(url, tmp_path)
        with serving("serve", database=url, cwd=tmp_path) as (base, _):
            answer = _answer_when_computed(base + FLOW + "/team-flow", headers)
            assert answer["stale"] is False
            assert len(_workers_on(url)) == 1
        assert _workers_on(url) == []


def test_two_web_processes_and_two_workers_share_one_result(tmp_path, monkeypatch) -> None:
    """Web machines with NIC_WORKER=external and two `nic worker` processes on one
    database: a result is computed once and both web processes serve that one."""
    monkeypatch.setenv("NIC_WORKER", "external")
    with scratch_database(tmp_path) as url, ExitStack() as running:
        headers = _site(url, tmp_path)
        webs = []
        for name in ("web1", "web2"):
            (tmp_path / name).mkdir()
            base, _ = running.enter_context(serving("serve", database=url, cwd=tmp_path / name))
            webs.append(base)
        environment = {**os.environ, "NIC_DATABASE_URL": url, "NIC_SECRET_KEY": SECRET}
        for _ in range(2):
            worker = subprocess.Popen(
                [sys.executable, "-m", "core.cli", "worker"],
                cwd=tmp_path,
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            running.callback(worker.wait, timeout=30)
            running.callback(worker.terminate)
        first, second = (_answer_when_computed(base + FLOW + "/brokers", headers) for base in webs)
        assert first["stale"] is False
        # One computation: both web processes answer with the same stored result.
        assert first["computed_at"] == second["computed_at"]
        assert first["items"] == second["items"]
        status = json.loads(run_nic("graph", "status", "--json", database=url, cwd=tmp_path).stdout)
        assert status["failures"] == []
