"""Issue 16's targets for the knowledge-flow workers, measured on `nic serve` at scale.

    python bench/worker.py [--sizes national] [--seconds 10] [--database sqlite|URL]
                           [--keep] [--data-dir DIR] [--json PATH]

Per size, bench/flow.py's seeded community (generated and loaded by its own code; with
``--keep`` kept and reused) is served by ``nic serve``: one web process and the analysis
worker it starts itself (``NIC_WORKER=embedded``). A facilitator is added with ``nic user``,
signed in as bench/pages.py does (its cookie handed to ``wrk``) and given an API token.

1. p95 of ``GET /api/v1/cycles/{id}`` and of the cycle page ``/cycles/{id}`` at 20 clients
   (``wrk -t2 -c20``), (b) with no recompute (no job queued, every standing result
   current, the server idle) and (a) while the community's analyses are recomputed: a
   write through the API (``PATCH`` of a cycle) raises the change counter, and wrk starts
   once the worker has claimed its first job. Target: (a) within 2x of (b).
2. The warm explorer page ``/communities/{slug}/flow``: p95 < 100 ms at 20 clients; and
   the warm community page ``/communities/{slug}``: p95 < 1 s (issue 22).
3. A write's effect reaches the stored results: from the write's answer until every
   standing result of the community is current (read from ``flow_result`` and the
   queue: ``flow_job`` on SQLite, procrastinate's jobs on PostgreSQL), < 15 s; with what
   each analysis took (``flow_result.seconds``).
4. The worker's peak RSS (``VmHWM`` of the ``core.cli worker`` child, reset before the
   write of 3): < 2 GB at statewide.

Targets 1 and 3 are judged at national and statewide, 2 (both pages) at national, 4 at statewide;
other sizes show their figures and ratios only. Ratio = target / measured (>= 1 meets).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

import flow
import httpx
import pages
from benchdb import drop, pg_dsn

from communities.flow.analyses import ANALYSES
from communities.flow.results import params_key

RATIO_TARGET = 2.0  # p95 while recomputing / p95 idle
EXPLORER_P95_MS = 100.0
COMMUNITY_P95_MS = 1000.0  # issue 22: the community page and explorer views at national size
COMPUTING = "Computing the knowledge flow"
PROPAGATION_S = 15.0
PEAK_MB = 2048.0
JUDGED = {
    "ratio": ("national", "statewide"),
    "explorer": ("national",),
    "district": ("national",),
    "neighbours": ("national",),
    "community": ("national",),
    "propagation": ("national", "statewide"),
    "peak": ("statewide",),
}
"""Where each target is judged; at other sizes its figures are shown only."""
POLL_S = 0.1


# -- the database, read directly ------------------------------------------------------------


def query(url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of one query (``?`` placeholders) on SQLite or PostgreSQL, outside the server."""
    if url.startswith("sqlite://"):
        with closing(sqlite3.connect(url.removeprefix("sqlite://"), timeout=10)) as conn:
            return [tuple(row) for row in conn.execute(sql, params).fetchall()]
    import asyncpg

    numbers = count(1)
    sql = "".join(f"${next(numbers)}" if c == "?" else c for c in sql)

    async def run() -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(pg_dsn(url)[0])
        try:
            return [tuple(row) for row in await conn.fetch(sql, *params)]
        finally:
            await conn.close()

    return asyncio.run(run())


def standing() -> set[tuple[str, str]]:
    """(analysis, parameters) of every standing result, as the worker keys them."""
    return {(a.name, params_key(p)) for a in ANALYSES.values() for p in a.standing()}


@dataclass
class State:
    """A community's stored results as ``nic graph status`` counts them, standing ones only."""

    counter: int
    current: int
    failed: int
    standing: int
    queued: int
    running: int

    @property
    def done(self) -> bool:
        """Nothing queued and every standing result current (or failed at this counter)."""
        return self.queued == 0 and self.current + self.failed == self.standing


def state(url: str, community: int, keys: set[tuple[str, str]]) -> State:
    (counter,) = query(url, "SELECT change_counter FROM community WHERE id = ?", community)[0]
    rows = query(
        url,
        "SELECT analysis, params, counter, error, incomplete FROM flow_result "
        "WHERE community_id = ?",
        community,
    )
    current = failed = 0
    for analysis, params, at, error, incomplete in rows:
        if (analysis, params) not in keys or at < counter:
            continue
        if error is not None:
            failed += 1
        elif not incomplete:
            current += 1
    if url.startswith("sqlite://"):
        jobs = query(url, "SELECT claimed_at FROM flow_job WHERE community_id = ?", community)
    else:  # procrastinate's queue (communities/flow/durable.py)
        jobs = query(
            url,
            "SELECT CASE WHEN status = 'doing' THEN 1 END FROM procrastinate_jobs"
            " WHERE queue_name = 'nic_flow' AND status IN ('todo', 'doing')"
            " AND (args->>'community_id')::int = ?",
            community,
        )
    running = sum(claimed is not None for (claimed,) in jobs)
    return State(counter, current, failed, len(keys), len(jobs), running)


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll ``check`` until true; the ``perf_counter`` when it was first seen true."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if check():
            return time.perf_counter()
        time.sleep(POLL_S)
    raise SystemExit(f"bench/worker.py: {what} did not happen within {timeout:.0f} s")


def analysis_seconds(url: str, community: int, keys: set[tuple[str, str]]) -> dict[str, float]:
    """What each standing analysis took in the worker (its stored ``seconds``)."""
    rows = query(
        url, "SELECT analysis, params, seconds FROM flow_result WHERE community_id = ?", community
    )
    return dict(sorted(((a, s) for a, p, s in rows if (a, p) in keys), key=lambda row: -row[1]))


# -- the worker process ---------------------------------------------------------------------


def worker_pid(server_pid: int, timeout: float = 30) -> int:
    """The ``nic worker`` process ``nic serve`` started (its child running core.cli worker)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        for entry in Path("/proc").glob("[0-9]*"):
            try:
                ppid = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if ppid == server_pid and b"core.cli" in command and b"worker" in command:
                return int(entry.name)
        time.sleep(0.1)
    raise SystemExit("bench/worker.py: nic serve started no worker (is NIC_WORKER external?)")


def reset_peak(pid: int) -> bool:
    """Start the kernel's count of a process's peak RSS (VmHWM) again, where Linux can."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


@contextmanager
def sampled(check: Callable[[], bool]) -> Iterator[list[bool]]:
    """Sample ``check`` every :data:`POLL_S` seconds in a thread while the block runs."""
    samples: list[bool] = []
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(POLL_S):
            samples.append(check())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        stop.set()
        thread.join()


# -- one size -------------------------------------------------------------------------------


def facilitator_token(slug: str, env: dict[str, str], folder: Path) -> str:
    """The demo facilitator of bench/pages.py (so its ``sign_in`` works), a facilitator of
    the community, and a new API token of theirs."""
    subprocess.run(  # fails harmlessly when a kept database has them already
        [sys.executable, "-m", "core.cli", "user", "add", pages.FACILITATOR,
         "--password", pages.PASSWORD],
        env=env, cwd=folder, capture_output=True, check=False,
    )  # fmt: skip
    pages.nic("user", "role", pages.FACILITATOR, slug, "facilitator", env=env, cwd=folder)
    out = pages.nic(
        "user", "token", pages.FACILITATOR, "--name", "bench-worker", env=env, cwd=folder
    )
    return out.strip().splitlines()[-1]


def write(base: str, token: str, team: int) -> float:
    """A write through the API that changes the graph: a new cycle of ``team`` (which
    raises the community's change counter); the ``perf_counter`` of its answer."""
    body = {"team_id": team, "title": "Bench write", "plan_objective": "Measure the worker."}
    with httpx.Client(base_url=base, timeout=60) as api:
        answer = api.post("/api/v1/cycles", json=body, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 201, answer.text[:500]
        return time.perf_counter()


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wrk(url: str, cookie: str, header: str | None, seconds: float, lua: Path) -> dict[str, Any]:
    result = pages.warm(url, cookie, seconds, lua, header=header)
    result["errors"] = result["non2xx"] + sum(result["socket_errors"].values())
    return result


def measure_size(name: str, url: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    size, slug = flow.SIZES[name], f"bench-{name}"
    districts = max(1, round(size.teams / 21))  # as bench/flow.py's generator makes them
    steps = ["--size", name, "--url", url, "--seed", str(args.seed), "--timeout", "600"]
    result: dict[str, Any] = {"size": name, "shape": asdict(size)}
    result["generation"] = flow.child(
        "--child", "generate", *steps, *(["--keep"] if args.keep else [])
    )
    env = {**os.environ, "NIC_DATABASE_URL": url, "NIC_SECRET_KEY": pages.SECRET,
           "NIC_DEBUG": "0", "NIC_WORKER": "embedded"}  # fmt: skip
    pages.nic("migrate", env=env, cwd=folder)  # a kept database may predate migrations
    token = facilitator_token(slug, env, folder)
    community = int(query(url, "SELECT id FROM community WHERE slug = ?", slug)[0][0])
    keys = standing()
    cycle = size.cycles // 2  # the one read; the generator numbers cycles 1..n
    team = int(query(url, "SELECT MIN(id) FROM team WHERE community_id = ?", community)[0][0])
    lua = folder / "p95.lua"
    lua.write_text(pages.LUA)

    def now() -> State:
        return state(url, community, keys)

    def say(text: str) -> None:
        print(f"  {name}: {text}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    with pages.serving(env, folder, args.port or free_port(), 1) as (base, server_pid):
        up = time.perf_counter()
        worker = worker_pid(server_pid)
        say(f"served at {base}, worker pid {worker}; waiting for the first full compute")
        computed = wait_for(lambda: now().done, args.timeout, "the first compute")
        result["serve_up_s"] = up - started
        result["first_compute_s"] = computed - up  # 0-ish when a kept database had them
        cookie = pages.sign_in(base)

        # 3 and 4: a write on an idle server, until every standing result is current.
        pages.settle(server_pid)
        scoped = reset_peak(worker)
        cpu = pages.cpu_seconds(worker)
        answered = write(base, token, team)
        say("write answered; waiting for every standing result to be current")
        result["propagation_s"] = wait_for(lambda: now().done, args.timeout, "recompute") - answered
        result["propagation_worker_cpu_s"] = pages.cpu_seconds(worker) - cpu
        result["worker_peak_mb"] = peak_mb(worker)
        result["worker_peak_scope"] = "recompute" if scoped else "worker lifetime"
        result["analysis_seconds"] = analysis_seconds(url, community, keys)
        result["failed"] = now().failed

        # 1: the cycle through the API and as a page, idle and while recomputing.
        targets = {
            "api cycle": (f"/api/v1/cycles/{cycle}", f"Authorization: Bearer {token}"),
            "cycle page": (f"/cycles/{cycle}", None),
        }
        result["pages"] = {}
        with httpx.Client(base_url=base, headers={"Cookie": cookie}, timeout=60) as client:
            for label, (path, header) in targets.items():
                wait_for(lambda: now().done, args.timeout, "the end of the recompute")
                pages.settle(server_pid)
                headers = {"Authorization": header.split(": ", 1)[1]} if header else {}
                first = client.get(path, headers=headers)
                status, size_bytes = first.status_code, len(first.content)
                say(f"{label}: wrk, no recompute running")
                idle = wrk(base + path, cookie, header, args.seconds, lua)
                answered = write(base, token, team)
                state_at = now()
                wait_for(
                    lambda: (s := now()).running > 0 or s.done, args.timeout, "a worker's claim"
                )
                claimed = time.perf_counter() - answered
                say(f"{label}: wrk while recomputing")
                cpu = pages.cpu_seconds(worker)
                window = time.perf_counter()
                with sampled(lambda: not now().done) as busy:
                    during = wrk(base + path, cookie, header, args.seconds, lua)
                window = time.perf_counter() - window
                cpu = pages.cpu_seconds(worker) - cpu
                done = wait_for(lambda: now().done, args.timeout, "the recompute") - answered
                result["pages"][label] = {
                    "path": path,
                    "status": status,
                    "bytes": size_bytes,
                    "idle": idle,
                    "recomputing": during,
                    "claimed_after_s": claimed,
                    "recompute_share": sum(busy) / len(busy) if busy else 0.0,
                    "worker_cores": cpu / window,
                    "propagation_under_load_s": done,
                    "counter": state_at.counter,
                }

        # 2: the warm explorer page, and the community page (issue 22).
        wait_for(lambda: now().done, args.timeout, "the end of the recompute")
        for page, path in (
            ("explorer", f"/communities/{slug}/flow"),
            ("district", f"/communities/{slug}/flow?open=team%3A1"),
            # bench/flow.py numbers the district teams first: the next team is a school's.
            ("neighbours", f"/communities/{slug}/flow?focus=team%3A{districts + 1}"),
            ("community", f"/communities/{slug}"),
        ):
            pages.settle(server_pid)
            with httpx.Client(base_url=base, headers={"Cookie": cookie}, timeout=120) as client:
                # A view outside the standing set is computed when first asked: warm it.
                first = client.get(path)
                deadline = time.perf_counter() + args.timeout
                while COMPUTING in first.text and time.perf_counter() < deadline:
                    time.sleep(1)
                    first = client.get(path)
            say(f"{page}: wrk")
            result[page] = {"path": path, "status": first.status_code, "bytes": len(first.content)}
            result[page].update(wrk(base + path, cookie, None, args.seconds, lua))
    return result


# -- reporting ------------------------------------------------------------------------------


def ms(value: float | None) -> str:
    return f"{value:8.1f}" if value is not None else f"{'-':>8}"


def judged(check: str, name: str, value: float | None, target: float) -> tuple[str, str]:
    """The ratio (target / measured) and the verdict, or a dash where it is not judged."""
    if not value:
        return "-", "no figure"
    ratio = target / value
    if name not in JUDGED[check]:
        return f"{ratio:.2f}", f"(judged at {' and '.join(JUDGED[check])})"
    return f"{ratio:.2f}", "meets" if ratio >= 1 else "MISSES"


def report(results: dict[str, dict[str, Any]], seconds: float) -> None:
    print(f"\nFlow workers under load: nic serve (1 web process + its worker), wrk -t2 -c20 "
          f"-d{seconds:g}s; milliseconds")  # fmt: skip
    print(
        f"{'size':10} {'request':11} {'state':12} {'req/s':>7} {'p50':>8} {'p95':>8} "
        f"{'p99':>8} {'errors':>6} {'KB':>6}  recompute"
    )
    for name, r in results.items():
        for label, row in r["pages"].items():
            for state_name in ("idle", "recomputing"):
                run = row[state_name]
                extra = ""
                if state_name == "recomputing":
                    extra = (
                        f"  running {row['recompute_share']:.0%} of the run, worker "
                        f"{row['worker_cores']:.2f} cores"
                    )
                print(
                    f"{name:10} {label:11} {state_name:12} {run['rps']:7.0f} {ms(run['p50'])} "
                    f"{ms(run['p95'])} {ms(run['p99'])} {run['errors']:6} "
                    f"{row['bytes'] / 1024:6.0f}{extra}"
                )
        for page in ("explorer", "district", "neighbours", "community"):
            if page not in r:
                continue
            e = r[page]
            print(
                f"{name:10} {page:11} {'warm':12} {e['rps']:7.0f} {ms(e['p50'])} "
                f"{ms(e['p95'])} {ms(e['p99'])} {e['errors']:6} {e['bytes'] / 1024:6.0f}"
                + (f"  (status {e['status']})" if e["status"] != 200 else "")
            )

    for name, r in results.items():
        gen = r["generation"]
        made = (
            "kept"
            if gen.get("kept")
            else f"generated+loaded in {gen['generate'] + gen['load']:.1f} s"
        )
        print(
            f"\n{name}: {r['shape']['cycles']} cycles ({made}); serve up in "
            f"{r['serve_up_s']:.1f} s; first full compute {r['first_compute_s']:.1f} s after that"
        )
        total = sum(r["analysis_seconds"].values())
        print(
            f"  write -> every standing result current: {r['propagation_s']:.1f} s idle "
            f"(worker CPU {r['propagation_worker_cpu_s']:.1f} s), "
            + ", ".join(
                f"{row['propagation_under_load_s']:.1f} s under {label} load"
                for label, row in r["pages"].items()
            )
        )
        print(
            f"  the worker's seconds per standing analysis (flow_result.seconds, sum {total:.1f}):"
        )
        for analysis, spent in r["analysis_seconds"].items():
            print(f"    {analysis:12} {spent:7.2f}")
        print(f"  worker peak RSS ({r['worker_peak_scope']}): {r['worker_peak_mb']:.0f} MB")
        if r["failed"]:
            print(f"  {r['failed']} standing analyses FAILED (see nic graph status)")

    print("\nTargets (ratio = target / measured, >= 1 meets):")
    for name, r in results.items():
        lines: list[tuple[str, str, str, str, str]] = []
        for label, row in r["pages"].items():
            idle, during = row["idle"]["p95"], row["recomputing"]["p95"]
            slower = during / idle if idle and during else None
            ratio, verdict = judged("ratio", name, slower, RATIO_TARGET)
            figure = f"{slower:.2f}x" if slower else "-"
            lines.append((f"{label} p95 recomputing / idle", figure, "2x", ratio, verdict))
        for page, target in (
            ("explorer", EXPLORER_P95_MS),
            ("district", COMMUNITY_P95_MS),
            ("neighbours", COMMUNITY_P95_MS),
            ("community", COMMUNITY_P95_MS),
        ):
            if page not in r:
                continue
            p95 = r[page]["p95"]
            ratio, verdict = judged(page, name, p95, target)
            figure = f"{p95:.1f} ms" if p95 else "-"
            lines.append((f"{page} warm p95", figure, f"{target:.0f} ms", ratio, verdict))
        spent = r["propagation_s"]
        ratio, verdict = judged("propagation", name, spent, PROPAGATION_S)
        lines.append(("write -> results current", f"{spent:.1f} s", "15 s", ratio, verdict))
        peak = r["worker_peak_mb"]
        ratio, verdict = judged("peak", name, peak, PEAK_MB)
        lines.append(("worker peak RSS", f"{peak:.0f} MB", "2048 MB", ratio, verdict))
        for text, figure, target, ratio, verdict in lines:
            print(f"  {name:10} {text:34} {figure:>10} {target:>8} {ratio:>6}  {verdict}")


def metadata(args: argparse.Namespace) -> dict[str, Any]:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
        cwd=Path(__file__).parent, check=False,
    ).stdout.strip()  # fmt: skip
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "database": args.database.split("://")[0],
        "seconds": args.seconds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="national", help=f"comma-separated, of: {', '.join(flow.SIZES)}"
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="wrk's run per measurement")
    parser.add_argument(
        "--database",
        default="sqlite",
        help="sqlite (default) or postgres://USER@HOST:PORT/NAME (database NAME_<size>)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the data; reuse it when present")
    parser.add_argument(
        "--data-dir", type=Path, help="SQLite files (default with --keep: TMPDIR/nic-bench-worker)"
    )
    parser.add_argument("--seed", type=int, default=flow.SEED)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds for any recompute")
    parser.add_argument("--port", type=int, help="for nic serve (default: a free one)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    if unknown := [s for s in sizes if s not in flow.SIZES]:
        parser.error(f"unknown size {unknown[0]!r}; known: {', '.join(flow.SIZES)}")
    if not shutil.which("wrk"):
        parser.error("wrk is not on the PATH (apt-get install -y wrk)")
    folder = flow.data_folder(parser, args, "nic-bench-worker")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr)

    results: dict[str, dict[str, Any]] = {}
    try:
        for name in sizes:
            url = flow.target_url(args.database, name, folder)
            print(f"{name}: {url}", file=sys.stderr, flush=True)
            results[name] = measure_size(name, url, args, folder)
            if not args.keep:
                asyncio.run(drop(url))
    finally:
        if not args.keep and not args.data_dir:
            shutil.rmtree(folder, ignore_errors=True)
    report(results, args.seconds)
    if args.json:
        args.json.write_text(json.dumps({"run": metadata(args), "sizes": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
