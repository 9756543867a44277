"""``nic worker``, ``nic graph status`` and the worker ``nic serve`` starts, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.helpers import SMALL
from tests.scratch import SECRET, run_nic, scratch_database

FLOW = "/api/v1/communities/cedar-valley/flow"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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


def test_nic_serve_starts_a_worker_and_stops_it_on_exit(tmp_path) -> None:
    with scratch_database(tmp_path) as url:
        run_nic("migrate", database=url, cwd=tmp_path)
        run_nic("load", str(SMALL), database=url, cwd=tmp_path)
        run_nic("user", "add", "admin@example.org", "--password", "x" * 12, "--admin",
                database=url, cwd=tmp_path)  # fmt: skip
        token = run_nic("user", "token", "admin@example.org", database=url, cwd=tmp_path)
        headers = {"Authorization": f"Bearer {token.stdout.strip().splitlines()[-1]}"}
        port = _free_port()
        env = {**os.environ, "NIC_DATABASE_URL": url, "NIC_SECRET_KEY": SECRET}
        env.pop("NIC_DEBUG", None)
        server = subprocess.Popen(
            [sys.executable, "-m", "core.cli", "serve", "--port", str(port), "--no-access-log"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            answer = None
            while time.monotonic() < deadline:
                try:
                    answer = httpx.get(base + FLOW + "/team-flow", headers=headers, timeout=5)
                except httpx.HTTPError:
                    answer = None
                if answer is not None and answer.status_code == 200:
                    break
                time.sleep(0.2)
            assert answer is not None and answer.status_code == 200, answer
            assert answer.json()["stale"] is False
            assert len(_workers_on(url)) == 1
        finally:
            server.terminate()
            server.wait(timeout=30)
        assert _workers_on(url) == []


def _serve(url: str, folder: Path, *args: str, worker: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "NIC_DATABASE_URL": url, "NIC_SECRET_KEY": SECRET, "NIC_WORKER": worker}
    env.pop("NIC_DEBUG", None)
    command = [sys.executable, "-m", "core.cli", *args]
    if args[0] == "serve":
        command += ["--port", str(port), "--no-access-log"]
    process = subprocess.Popen(
        command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return process, f"http://127.0.0.1:{port}"


def test_two_web_processes_and_two_workers_share_one_result(tmp_path) -> None:
    """Web machines with NIC_WORKER=external and two `nic worker` processes on one
    database: a result is computed once and both web processes serve that one."""
    with scratch_database(tmp_path) as url:
        run_nic("migrate", database=url, cwd=tmp_path)
        run_nic("load", str(SMALL), database=url, cwd=tmp_path)
        run_nic("user", "add", "admin@example.org", "--password", "x" * 12, "--admin",
                database=url, cwd=tmp_path)  # fmt: skip
        token = run_nic("user", "token", "admin@example.org", database=url, cwd=tmp_path)
        headers = {"Authorization": f"Bearer {token.stdout.strip().splitlines()[-1]}"}
        started = [
            _serve(url, tmp_path, "serve", worker="external"),
            _serve(url, tmp_path, "serve", worker="external"),
            _serve(url, tmp_path, "worker", worker="external"),
            _serve(url, tmp_path, "worker", worker="external"),
        ]
        webs = [base for _, base in started[:2]]
        try:
            answers: dict[str, dict[str, object]] = {}
            deadline = time.monotonic() + 90
            while len(answers) < 2 and time.monotonic() < deadline:
                for base in webs:
                    try:
                        answer = httpx.get(base + FLOW + "/brokers", headers=headers, timeout=5)
                    except httpx.HTTPError:
                        continue
                    if answer.status_code == 200:
                        answers[base] = answer.json()
                time.sleep(0.2)
            assert len(answers) == 2, answers
            first, second = (answers[base] for base in webs)
            assert first["stale"] is False
            # One computation: both web processes answer with the same stored result.
            assert first["computed_at"] == second["computed_at"]
            assert first["items"] == second["items"]
            status = json.loads(
                run_nic("graph", "status", "--json", database=url, cwd=tmp_path).stdout
            )
            assert status["failures"] == []
        finally:
            for process, _ in started:
                process.terminate()
            for process, _ in started:
                process.wait(timeout=30)
