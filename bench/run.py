"""API and start-up benchmarks against the demo data; prints figures and ratios to targets."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from benchdb import drop, recreate
from loadgen import Connection, wait_until_up

TARGETS = {
    # scenario: (requests/s target, p95 ms target or None)
    "get one cycle": (1000.0, 25.0),
    "create a cycle": (450.0, 55.0),
    "list 50 cycles": (500.0, None),
}
CONCURRENCY = 20
BURST = 200


def nic(*args: str, env: dict[str, str], cwd: Path, quiet: bool = False) -> subprocess.Popen[str]:
    """Start ``nic``; a quiet one writes nowhere (an unread pipe would fill and stall it)."""
    out = subprocess.DEVNULL if quiet else subprocess.PIPE
    return subprocess.Popen(
        [sys.executable, "-m", "core.cli", *args],
        env=env,
        cwd=cwd,
        stdout=out,
        stderr=subprocess.STDOUT,
        text=True,
    )


def demo_startup(folder: Path, port: int, database: str) -> tuple[float, float, str]:
    """Seconds to build the demo in ``database``, and from `nic demo` launch (on SQLite) to
    the first API answer."""
    env = {**os.environ, "NIC_DEBUG": "0"}
    env.pop("NIC_DATABASE_URL", None)
    asyncio.run(recreate(database))
    started = time.perf_counter()
    build = nic("demo", "--no-serve", "--database", database, env=env, cwd=folder)
    out, _ = build.communicate()
    built = time.perf_counter() - started
    token = re.search(r"admin@demo\.example.*API token (\S+)", out)
    assert token, out

    started = time.perf_counter()
    serving = nic("demo", "--database", "first.sqlite3", "--port", str(port), env=env, cwd=folder)
    try:
        lines: list[str] = []
        assert serving.stdout is not None
        for line in serving.stdout:
            lines.append(line)
            if "admin@demo.example" in line:
                break
        # Keep reading what it prints, so its pipe never fills.
        threading.Thread(target=serving.stdout.read, daemon=True).start()
        first_token = re.search(r"API token (\S+)", lines[-1])
        assert first_token, "".join(lines)
        headers = {"Authorization": f"Bearer {first_token.group(1)}"}
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/v1/cycles", headers=headers)
                if r.status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.02)
        first = time.perf_counter() - started
    finally:
        serving.send_signal(signal.SIGINT)
        serving.wait(timeout=20)
    return built, first, token.group(1)


async def drive(base: str, token: str, scenario: str, seconds: float) -> tuple[int, list[float]]:
    """Run a scenario for ``seconds`` over 20 keep-alive connections (bench/loadgen.py)."""
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        cycles = (await client.get("/api/v1/cycles", params={"per_page": 50})).json()["items"]
    team_id = cycles[0]["team_id"]
    ids = [c["id"] for c in cycles]
    connections = [await Connection.open(base, headers) for _ in range(CONCURRENCY)]
    stop = time.perf_counter() + seconds
    errors = 0

    async def worker(n: int, connection: Connection) -> None:
        nonlocal errors
        i = n
        while time.perf_counter() < stop:
            t = time.perf_counter()
            if scenario == "get one cycle":
                status, _ = await connection.request("GET", f"/api/v1/cycles/{ids[i % len(ids)]}")
            elif scenario == "create a cycle":
                body = json.dumps(
                    {"team_id": team_id, "title": f"Bench {n}-{i}", "plan_objective": "Measure."}
                ).encode()
                status, _ = await connection.request("POST", "/api/v1/cycles", body)
            else:
                status, _ = await connection.request("GET", "/api/v1/cycles?per_page=50")
            latencies.append((time.perf_counter() - t) * 1000)
            if status >= 300:
                errors += 1
            i += 1

    try:
        await asyncio.gather(*(worker(n, c) for n, c in enumerate(connections)))
    finally:
        for connection in connections:
            await connection.close()
    if errors:
        print(f"    {errors} requests failed")
    return errors, latencies


async def burst(base: str, token: str, clients: int) -> tuple[int, dict[str, int], float]:
    """``clients`` new connections at once, one cycle created on each: how many were
    answered, what became of the others, and the slowest answer (s)."""
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        team_id = (await client.get("/api/v1/cycles", params={"per_page": 1})).json()["items"][0][
            "team_id"
        ]
    start = time.perf_counter()

    async def one(n: int) -> int:
        connection = await Connection.open(base, headers)
        try:
            body = json.dumps({"team_id": team_id, "title": f"Burst {n}", "plan_objective": "x"})
            status, _ = await connection.request("POST", "/api/v1/cycles", body.encode())
            return status
        finally:
            await connection.close()

    outcomes = await asyncio.gather(*(one(n) for n in range(clients)), return_exceptions=True)
    slowest = time.perf_counter() - start
    answered = sum(1 for o in outcomes if o == 201)
    others: dict[str, int] = {}
    for outcome in outcomes:
        if outcome != 201:
            name = type(outcome).__name__ if isinstance(outcome, BaseException) else str(outcome)
            others[name] = others.get(name, 0) + 1
    return answered, others, slowest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--database",
        help="a PostgreSQL URL (postgres://USER@HOST/NAME) for the demo the API is driven on; "
        "the database NAME is dropped and made anew, and dropped at the end",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="nic-bench-"))
    database = args.database or f"sqlite://{folder / 'bench.sqlite3'}"
    print(f"NIC Platform benchmarks (demo data, {database.split('://')[0]})")
    built, first, token = demo_startup(folder, args.port + 1, database)
    print(f"  build the demo database:               {built:6.2f} s")
    print(f"  `nic demo` launch to first API answer: {first:6.2f} s")

    env = {
        **os.environ,
        "NIC_DATABASE_URL": database,
        "NIC_SECRET_KEY": "bench-secret-key-0123456789",
        "NIC_DEBUG": "0",
    }
    server = nic(
        "serve",
        "--port",
        str(args.port),
        "--workers",
        str(args.workers),
        "--no-access-log",
        env=env,
        cwd=folder,
        quiet=True,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_until_up(base + "/healthz", time.perf_counter() + 30)
        for scenario, (rps_target, p95_target) in TARGETS.items():
            errors, lat = asyncio.run(drive(base, token, scenario, args.seconds))
            rps = len(lat) / args.seconds
            p95 = statistics.quantiles(lat, n=20)[18]
            p50 = statistics.median(lat)
            ratio = rps / rps_target
            line = (
                f"  {scenario:15} {rps:8.0f} req/s  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
                f"ratio to {rps_target:.0f} req/s: {ratio:4.2f}"
            )
            if p95_target:
                line += f"; p95 target {p95_target:.0f} ms: {p95_target / p95:4.2f}"
            print(line + (f"  ({errors} failed)" if errors else ""))
        answered, others, slowest = asyncio.run(burst(base, token, BURST))
        print(
            f"  {BURST} creates at once, a connection each: {answered} answered 201 "
            f"in {slowest:.2f} s" + (f"; NOT answered: {others}" if others else "")
        )
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=20)
        asyncio.run(drop(database))
    return 0


if __name__ == "__main__":
    sys.exit(main())
