"""What users get on every page type: `nic serve` driven by `wrk`, warm and cold.

    python bench/pages.py [--seconds 5] [--workers 1] [--rounds 10] [--database URL]
                          [--datasets demo,big] [--json PATH] [--compare PATH]

Two datasets. ``demo``: the demo (``nic demo --no-serve``), the pages of its first
community. ``big``: the demo plus a community whose one team holds 2,000 cycles, loaded
with ``nic load`` (the product's own import, so the change counter stays consistent), and
the pages of that community. Each is served by ``nic serve --workers N`` with the demo
facilitator signed in over HTTP (its session cookie is handed to wrk). The pages' ids come
from the API, never from this file.

Warm: ``wrk -t2 -c20 -d{seconds}s --latency`` per page: requests/s, p50, p90, p99 from its
report, p95 from a small Lua ``done`` callback, non-2xx answers and socket errors. Cold:
a harmless write to the page's community through the API (which raises its change counter,
so every cached page of it is stale), then at once 20 concurrent requests for the page on
open keep-alive connections; ``--rounds`` times. Each page and each round starts once the
server is idle again. Targets: warm p95 < 50 ms, cold p99 <
250 ms with no timeouts; the ratio columns are target / measured (>= 1 meets it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from benchdb import drop, recreate
from loadgen import Connection, wait_until_up

SECRET = "bench-secret-key-0123456789"
FACILITATOR = "facilitator@demo.example"
PASSWORD = "demo-password"
BIG_SLUG = "bench-big"
SEARCH = "watch"  # in the demo's titles and in the big community's
WARM_P95_MS = 50.0
COLD_P99_MS = 250.0
COLD_CLIENTS = 20
TIMEOUT_S = 2.0  # as wrk's default: a slower answer counts as a timeout
# Our own few lines for wrk: its report has no p95, and the error counts are easier read here.
LUA = """done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH p95_us=%d connect=%d read=%d write=%d status=%d timeout=%d\\n",
    latency:percentile(95), e.connect, e.read, e.write, e.status, e.timeout))
end
"""


# -- data -----------------------------------------------------------------------------------


def nic(*args: str, env: dict[str, str], cwd: Path) -> str:
    """Run ``nic`` to the end; what it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "core.cli", *args],
        env=env, cwd=cwd, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout


def build_demo(database: str, env: dict[str, str], folder: Path) -> str:
    """A new demo in ``database``; the facilitator's API token (the demo prints it)."""
    asyncio.run(recreate(database))
    out = nic("demo", "--no-serve", "--database", database, env=env, cwd=folder)
    token = re.search(re.escape(FACILITATOR) + r".*API token (\S+)", out)
    assert token, out
    return token.group(1)


def big_document(cycles: int = 2000, people: int = 30, seed: int = 19) -> dict[str, Any]:
    """A community file: one school team with ``cycles`` completed cycles over three years,
    half building on a recent one, a learning link every tenth, and a few artifacts."""
    rng = random.Random(seed)
    start = date(2023, 8, 1)
    team, school = "Big SIDT", "Big School"

    def day(n: int, plus: int = 0) -> str:
        return (start + timedelta(days=n * 1000 // cycles + plus)).isoformat()

    members = [
        {"key": f"p{i}", "name": f"Bench Person {i}", "email": f"p{i}@big.example",
         "title": "Teacher", "organization": school,
         "memberships": [{"team": team, "role": "coordinator" if i < 2 else "member",
                          "start": start.isoformat()}]}
        for i in range(people)
    ]  # fmt: skip
    rows = []
    for n in range(cycles):
        row = {
            "key": f"c{n}", "title": f"Cycle {n}: test a watch-list change", "team": team,
            "status": "completed", "plan": {"objective": f"Try change {n} and measure it."},
            "do": {"what_happened": "Ran it for three weeks."},
            "study": {"results": "Follow-ups rose.", "learning": "Owners matter."},
            "act": {"decision": "adapt", "rationale": "Close.", "next_steps": "Again."},
            "planned_start": day(n), "planned_end": day(n, 21),
            "actual_start": day(n), "actual_end": day(n, 25),
            "authors": [f"p{rng.randrange(people)}"],
        }  # fmt: skip
        if n and rng.random() < 0.5:
            row["builds_on"] = f"c{max(0, n - 1 - int(rng.expovariate(0.5)))}"
        rows.append(row)
    artifacts = [
        {"key": f"a{i}", "title": f"Big artifact {i}", "kind": "tool", "team": team,
         "description": "A tool.", "vetting": "shared",
         "versions": [{"number": 1, "created_on": day(100 * i), "summary": "First.",
                       "content": "Steps.", "url": "", "author": "p0"}]}
        for i in range(5)
    ]  # fmt: skip
    links = [
        {"source": f"cycle:c{n}", "target": f"cycle:c{n + 5}", "kind": "informed",
         "date": day(n + 5), "note": ""}
        for n in range(0, cycles - 5, 10)
    ]  # fmt: skip
    return {
        "format": "nic-community/1",
        "community": {"slug": BIG_SLUG, "name": "Bench Big Community", "method": "PDSA",
                      "description": f"{cycles} cycles on one team.", "time_zone": "UTC"},
        "organizations": [{"name": school, "kind": "school"}],
        "teams": [{"name": team, "kind": "school_design_team", "organization": school,
                   "parent": None, "description": "One team."}],
        "people": members, "innovations": [], "aims": [], "measures": [],
        "cycles": rows, "artifacts": artifacts, "links": links,
    }  # fmt: skip


def load_big(env: dict[str, str], folder: Path) -> None:
    """Add the big community to the served database, its facilitator the demo's."""
    path = folder / "big.json"
    path.write_text(json.dumps(big_document()))
    nic("load", str(path), env=env, cwd=folder)
    nic("user", "role", FACILITATOR, BIG_SLUG, "facilitator", env=env, cwd=folder)


# -- serving and finding the pages ------------------------------------------------------------


@contextmanager
def serving(
    env: dict[str, str], folder: Path, port: int, workers: int
) -> Iterator[tuple[str, int]]:
    """``nic serve`` on ``port``: its address and process id."""
    server = subprocess.Popen(
        [sys.executable, "-m", "core.cli", "serve", "--port", str(port),
         "--workers", str(workers), "--no-access-log"],
        env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/healthz", time.perf_counter() + 60)
        yield base, server.pid
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


def sign_in(base: str) -> str:
    """Sign in as the demo facilitator through the form; the Cookie header for its session."""
    with httpx.Client(base_url=base) as client:
        form = client.get("/sign-in").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token, form[:500]
        data = {"email": FACILITATOR, "password": PASSWORD, "csrf_token": token.group(1)}
        answer = client.post("/sign-in", data=data)
        assert answer.status_code == 303, answer.status_code
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def find_pages(api: httpx.Client, slug: str | None) -> tuple[dict[str, Any], dict[str, str]]:
    """The community (``slug``, else the first one), and the path of each page type in it:
    its busiest team, that team's latest cycle and first person, its first aim and artifact."""

    def items(path: str, **params: Any) -> list[dict[str, Any]]:
        answer = api.get(f"/api/v1/{path}", params={"per_page": 200, **params})
        answer.raise_for_status()
        return list(answer.json()["items"])

    found = items("communities", **({"slug": slug} if slug else {}))
    community = min(found, key=lambda c: c["id"])
    cid, at = community["id"], f"/communities/{community['slug']}"
    pages = {"home": "/", "communities": "/communities", "community": at}

    def total(team_id: int) -> int:
        answer = api.get("/api/v1/cycles", params={"team": team_id, "per_page": 1})
        return int(answer.json()["total"])

    team = max(items("teams", community=cid), key=lambda t: (total(t["id"]), -t["id"]))
    pages["team"] = f"{at}/teams/{team['id']}"
    cycles = items("cycles", team=team["id"])
    pages["cycle"] = f"/cycles/{max(c['id'] for c in cycles)}"
    people = items("people", team=team["id"])
    pages["person"] = f"{at}/people/{min(p['id'] for p in people)}"
    aims = items("aims", community=cid)
    if aims:
        pages["aim"] = f"{at}/aims/{min(a['id'] for a in aims)}"
    pages["artifacts"] = f"{at}/artifacts"
    artifacts = items("artifacts", community=cid)
    if artifacts:
        pages["artifact"] = f"{at}/artifacts/{min(a['id'] for a in artifacts)}"
    pages["search"] = f"{at}/search?q={SEARCH}"
    pages["flow"] = f"{at}/flow"
    # The built-in plugins' main pages of a community (their `nic_routes`).
    for plugin in ("rubrics", "forums", "convenings"):
        pages[plugin] = f"{at}/{plugin}"
    return community, pages


# -- measuring --------------------------------------------------------------------------------

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(text: str) -> dict[str, Any]:
    """Requests/s, p50/p90/p99 (``--latency``), p95 and errors (our Lua) from wrk's output."""
    result: dict[str, Any] = {}
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    result["rps"] = float(rate.group(1)) if rate else 0.0
    for percent in (50, 90, 99):
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
        result[f"p{percent}"] = float(found.group(1)) * UNITS_MS[found.group(2)] if found else None
    ours = re.search(r"^BENCH (.*)$", text, re.M)
    fields = dict(pair.split("=") for pair in ours.group(1).split()) if ours else {}
    result["p95"] = int(fields["p95_us"]) / 1000 if "p95_us" in fields else None
    result["socket_errors"] = {
        name: int(fields.get(name, 0)) for name in ("connect", "read", "write", "timeout")
    }
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    result["non2xx"] = int(non2xx.group(1)) if non2xx else 0
    return result


def warm(
    url: str, cookie: str, seconds: float, lua: Path, header: str | None = None
) -> dict[str, Any]:
    """wrk on ``url`` with the session cookie (or ``header`` instead, e.g. an API token)."""
    command = ["wrk", "-t2", "-c20", f"-d{seconds:g}s", "--latency", "-s", str(lua),
               "-H", header or f"Cookie: {cookie}", url]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    result = parse_wrk(done.stdout)
    if done.returncode or result["p95"] is None or not result["rps"]:
        result.update(p50=None, p90=None, p95=None, p99=None)  # no answer was timed
        result["wrk_failed"] = (done.stdout + done.stderr)[-500:]
    return result


async def cold(
    served: tuple[str, int],
    cookie: str,
    api_token: str,
    community: dict[str, Any],
    path: str,
    rounds: int,
) -> dict[str, Any]:
    """``rounds`` times, each on an idle server: a write to the community, then 20 requests
    for the page at once, on connections opened just before (the server closes keep-alive
    connections idle for 5 s, and waiting for it to be idle can take longer)."""
    base, server_pid = served
    body = json.dumps({"description": community["description"]}).encode()
    write = f"/api/v1/communities/{community['id']}"
    times: list[float] = []
    timeouts = errors = 0

    async def one(connection: Connection) -> None:
        nonlocal timeouts, errors
        started = time.perf_counter()
        try:
            status, _ = await asyncio.wait_for(connection.request("GET", path), TIMEOUT_S)
        except TimeoutError:
            timeouts += 1
            return
        times.append((time.perf_counter() - started) * 1000)
        errors += status != 200

    for _ in range(rounds):
        await asyncio.to_thread(settle, server_pid)
        writer = await Connection.open(base, {"Authorization": f"Bearer {api_token}"})
        clients = [await Connection.open(base, {"Cookie": cookie}) for _ in range(COLD_CLIENTS)]
        try:
            status, _ = await writer.request("PATCH", write, body)
            assert status == 200, status
            await asyncio.gather(*(one(client) for client in clients))
        finally:
            for connection in (writer, *clients):
                connection.writer.close()  # a timed-out one is mid-answer: no goodbye
    p99 = statistics.quantiles(times, n=100, method="inclusive")[98] if len(times) > 1 else None
    return {"p99": p99, "max": max(times, default=None), "timeouts": timeouts, "errors": errors}


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its descendants (the server's workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    family, total = {pid}, 0.0
    for entry in sorted(Path("/proc").glob("[0-9]*"), key=lambda p: int(p.name)):
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue  # gone meanwhile
        if int(entry.name) in family or int(fields[1]) in family:
            family.add(int(entry.name))
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def settle(server_pid: int, deadline_s: float = 180.0) -> None:
    """Wait until the server is idle: requests a cold run gave up on are still rendered
    (their queries queue on the database connection), and would slow the next page's
    figures. Idle: under 5% of a core over 0.3 s."""
    deadline = time.perf_counter() + deadline_s
    used = cpu_seconds(server_pid)
    while time.perf_counter() < deadline:
        time.sleep(0.3)
        now = cpu_seconds(server_pid)
        if now - used < 0.015:
            return
        used = now
    print(f"  (the server was still busy {deadline_s:.0f} s after the cold run)", flush=True)


def measure(
    served: tuple[str, int],
    dataset: str,
    slug: str | None,
    api_token: str,
    args: argparse.Namespace,
    lua: Path,
) -> list[dict[str, Any]]:
    """Every page of one dataset's community, warm then cold; a row each, printed as it goes."""
    base, server_pid = served
    cookie = sign_in(base)
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {api_token}"}) as api:
        community, pages = find_pages(api, slug)
    rows = []
    with httpx.Client(base_url=base, headers={"Cookie": cookie}, timeout=60) as client:
        for page, path in pages.items():
            settle(server_pid)
            first = client.get(path)  # the signed-in page answers, and is warm for wrk
            row: dict[str, Any] = {"page": page, "dataset": dataset, "path": path,
                                   "status": first.status_code}  # fmt: skip
            row.update(warm(base + path, cookie, args.seconds, lua))
            try:
                row["cold"] = asyncio.run(
                    cold(served, cookie, api_token, community, path, args.rounds)
                )
            except (OSError, asyncio.IncompleteReadError, AssertionError) as error:
                row["cold"] = {"p99": None, "max": None, "timeouts": 0, "errors": 1}
                row["cold_failed"] = repr(error)
            print(line(row), flush=True)
            rows.append(row)
    return rows


# -- reporting --------------------------------------------------------------------------------

HEADER = (
    f"{'page':12} {'dataset':7} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'errors':>6} "
    f"{'cold p99':>8} {'cold max':>8} {'50/p95':>6} {'250/cold':>8}"
)


def number(value: float | None, width: int = 7) -> str:
    return f"{value:{width}.1f}" if value is not None else f"{'-':>{width}}"


def ratio(target: float, value: float | None) -> str:
    return f"{target / value:.2f}" if value else "-"


def errors_of(row: dict[str, Any]) -> int:
    """Non-2xx answers and socket errors of the warm run, and cold timeouts and non-200s."""
    return int(
        row["non2xx"] + sum(row["socket_errors"].values())
        + row["cold"]["timeouts"] + row["cold"]["errors"] + (row["status"] != 200)
    )  # fmt: skip


def line(row: dict[str, Any]) -> str:
    cold_ = row["cold"]
    text = (
        f"{row['page']:12} {row['dataset']:7} {row['rps']:7.0f} {number(row['p50'])} "
        f"{number(row['p95'])} {number(row['p99'])} {errors_of(row):6} "
        f"{number(cold_['p99'], 8)} {number(cold_['max'], 8)} "
        f"{ratio(WARM_P95_MS, row['p95']):>6} {ratio(COLD_P99_MS, cold_['p99']):>8}"
    )
    notes = [f"status {row['status']}"] * (row["status"] != 200)
    notes += [f"{row['non2xx']} non-2xx"] * bool(row["non2xx"])
    notes += [f"socket {k} {v}" for k, v in row["socket_errors"].items() if v]
    notes += [f"cold timeouts {cold_['timeouts']}"] * bool(cold_["timeouts"])
    notes += [f"cold non-200 {cold_['errors']}"] * bool(cold_["errors"])
    notes += [f"cold run failed: {row.get('cold_failed')}"] * ("cold_failed" in row)
    if "wrk_failed" in row:  # wrk's own words are in the JSON
        none = re.search(r"^\s*0 requests in", row["wrk_failed"], re.M)
        notes.append("no answer within the run" if none else "wrk failed")
    return text + ("  (" + ", ".join(notes) + ")" if notes else "")


def compare(rows: list[dict[str, Any]], path: Path) -> None:
    """This run against a saved one: each ratio is before / after for latencies and after /
    before for requests/s, so > 1 is better."""
    before = {(r["dataset"], r["page"]): r for r in json.loads(path.read_text())["rows"]}
    print(f"\nCompared with {path} (> 1: better now)")
    print(f"{'page':12} {'dataset':7} {'req/s':>7} {'p95':>7} {'p99':>7} {'cold p99':>8}")
    for row in rows:
        old = before.get((row["dataset"], row["page"]))
        if old is None:
            print(f"{row['page']:12} {row['dataset']:7} (not in the earlier run)")
            continue
        print(
            f"{row['page']:12} {row['dataset']:7} {ratio(row['rps'], old['rps']):>7} "
            f"{ratio(old['p95'] or 0, row['p95']):>7} {ratio(old['p99'] or 0, row['p99']):>7} "
            f"{ratio(old['cold']['p99'] or 0, row['cold']['p99']):>8}"
        )


def run_metadata(args: argparse.Namespace, database: str) -> dict[str, Any]:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
        cwd=Path(__file__).parent,
    ).stdout.strip()  # fmt: skip
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "database": database.split("://")[0],
        "workers": args.workers,
        "seconds": args.seconds,
        "cold_rounds": args.rounds,
        "cold_clients": COLD_CLIENTS,
    }


# -- main -------------------------------------------------------------------------------------


def run(args: argparse.Namespace, folder: Path, database: str, lua: Path) -> list[dict[str, Any]]:
    env = {**os.environ, "NIC_DATABASE_URL": database, "NIC_SECRET_KEY": SECRET, "NIC_DEBUG": "0"}
    print(f"Building the demo ({database.split('://')[0]}) ...", flush=True)
    token = build_demo(database, env, folder)
    rows: list[dict[str, Any]] = []
    print(HEADER, flush=True)
    for dataset in args.datasets.split(","):
        if dataset == "big":
            print(f"Loading {BIG_SLUG} (2,000 cycles on one team) ...", flush=True)
            load_big(env, folder)
        with serving(env, folder, args.port, args.workers) as served:
            rows += measure(
                served, dataset, BIG_SLUG if dataset == "big" else None, token, args, lua
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="wrk's run per page")
    parser.add_argument("--workers", type=int, default=1, help="`nic serve --workers N`")
    parser.add_argument("--rounds", type=int, default=10, help="cold: writes, 20 requests each")
    parser.add_argument("--datasets", default="demo,big", help="demo, big or demo,big")
    parser.add_argument("--port", type=int, default=8775)
    parser.add_argument(
        "--database",
        help="a PostgreSQL URL (postgres://USER@HOST/NAME) instead of a SQLite file; "
        "the database NAME is dropped and made anew, and dropped at the end",
    )
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--compare", type=Path, help="a saved --json run to compare with")
    args = parser.parse_args()
    if not set(args.datasets.split(",")) <= {"demo", "big"}:
        parser.error("--datasets: demo, big or demo,big")
    folder = Path(tempfile.mkdtemp(prefix="nic-bench-pages-"))
    database = args.database or f"sqlite://{folder / 'pages.sqlite3'}"
    lua = folder / "p95.lua"
    lua.write_text(LUA)
    print(f"`nic serve --workers {args.workers}`, wrk -t2 -c20 -d{args.seconds:g}s per page; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)  # fmt: skip
    try:
        rows = run(args, folder, database, lua)
    finally:
        asyncio.run(drop(database))
        shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        args.json.write_text(
            json.dumps({"run": run_metadata(args, database), "rows": rows}, indent=1)
        )
    if args.compare:
        compare(rows, args.compare)
    return 0


if __name__ == "__main__":
    sys.exit(main())
