"""Server time of the home, team and cycle pages on the demo data, against a floor.

    python bench/pages.py [--requests 300] [--database URL] [--workers N | --cold --no-plugins]

Builds the demo database (SQLite, or the PostgreSQL database ``--database`` names, dropped
and made anew), then drives the app with 1 and with 20 concurrent clients, each
signed in as the demo facilitator. The floor is a bare Starlette endpoint that runs one raw
SQL query on the same database through the same ORM connection. Prints p50/p95 per page and
the ratio of each page's p95 to the floor's p95.

Without ``--workers`` the app runs in this process (ASGI, no network), and the table also
shows the CPU time of this process per request (the app's and the client's; it barely moves
when other programs load the machine, unlike the latencies). With ``--workers N`` the app is
served by ``nic serve --workers N`` and the floor by uvicorn with as many workers, and both
are driven over HTTP on 127.0.0.1 from this process.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from benchdb import drop, recreate
from loadgen import wait_until_up
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from tortoise import connections
from tortoise.contrib.starlette import RegisterTortoise

from core.app import create_app
from core.db import tortoise_config
from core.plugins import PluginHost
from core.settings import Settings

SECRET = "bench-secret-key-0123456789"
CONCURRENCY = (1, 20)


async def floor_endpoint(request: Request) -> PlainTextResponse:
    _, rows = await connections.get("default").execute_query("SELECT id, title FROM cycle LIMIT 1")
    return PlainTextResponse(str(rows[0]["title"]))


def floor_app() -> Starlette:
    """The floor as its own app, for uvicorn (``--factory``); the database from the env."""
    settings = Settings(database_url=os.environ["NIC_DATABASE_URL"], secret_key=SECRET)
    config = tortoise_config(settings, PluginHost.from_settings(settings, autoload=False))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=config):
            yield

    return Starlette(routes=[Route("/floor", floor_endpoint)], lifespan=lifespan)


async def measure(
    client: httpx.AsyncClient,
    path: str,
    total: int,
    concurrency: int,
    before: Callable[[], None] | None = None,
) -> tuple[list[float], float]:
    """Latencies in ms, and the CPU time of this process per request in ms."""
    times: list[float] = []
    queue = iter(range(total))

    async def worker() -> None:
        for _ in queue:
            if before is not None:
                before()
            started = time.perf_counter()
            response = await client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)

    cpu = time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return times, (time.process_time() - cpu) * 1000 / total


async def pages_of(client: httpx.AsyncClient) -> dict[str, str]:
    """Sign in as the demo facilitator; the paths of home, a team and a cycle."""
    page = await client.get("/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    signed = await client.post(
        "/sign-in",
        data={
            "email": "facilitator@demo.example",
            "password": "demo-password",
            "csrf_token": token.group(1),
        },
    )
    assert signed.status_code == 303
    community = (await client.get("/communities")).text
    slug = re.search(r'href="/communities/([a-z0-9-]+)"', community)
    assert slug
    community_page = (await client.get(f"/communities/{slug.group(1)}")).text
    team = re.search(r'href="(/communities/[a-z0-9-]+/teams/\d+)"', community_page)
    cycle = re.search(r'href="(/cycles/\d+)"', community_page)
    assert team and cycle
    return {"home": "/", "team": team.group(1), "cycle": cycle.group(1)}


async def table(
    client: httpx.AsyncClient,
    floor_client: httpx.AsyncClient,
    total: int,
    cpu: bool,
    before: Callable[[], None] | None = None,
) -> None:
    pages = await pages_of(client)
    header = f"{'page':8} {'clients':>7} {'p50 ms':>8} {'p95 ms':>8} {'p95 / floor':>12}"
    print(header + (f" {'cpu ms/req':>11}" if cpu else ""))

    def line(
        name: str, concurrency: int, times: list[float], floor_p95: float, used: float
    ) -> None:
        p95 = statistics.quantiles(times, n=20)[18]
        text = (
            f"{name:8} {concurrency:7} {statistics.median(times):8.2f} "
            f"{p95:8.2f} {p95 / floor_p95:12.2f}"
        )
        print(text + (f" {used:11.2f}" if cpu else ""), flush=True)

    for concurrency in CONCURRENCY:
        await measure(floor_client, "/floor", 20, concurrency)  # warm up
        floor_times, used = await measure(floor_client, "/floor", total, concurrency)
        floor_p95 = statistics.quantiles(floor_times, n=20)[18]
        line("floor", concurrency, floor_times, floor_p95, used)
        for name, path in pages.items():
            await measure(client, path, 10, concurrency, before)
            times, used = await measure(client, path, total, concurrency, before)
            line(name, concurrency, times, floor_p95, used)


async def run_in_process(database: str, total: int, cold: bool, outside: bool) -> None:
    settings = Settings(database_url=database, secret_key=SECRET)
    app = create_app(settings, autoload=outside, freeze_startup_objects=True)  # as served

    def forget() -> None:
        """Empty the page caches, as a write to the community would make them miss."""
        app.state.page_fragments.clear()

    floor = Starlette(routes=[Route("/floor", floor_endpoint)])
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=floor), base_url="http://bench"
            ) as floor_client,
        ):
            await table(client, floor_client, total, cpu=True, before=forget if cold else None)


def serve_floor(port: int, workers: int) -> None:
    """Serve the floor as ``nic serve`` serves the app (TCP_NODELAY with several workers)."""
    import uvicorn

    from core.cli import keep_nagle_off

    if workers > 1:
        keep_nagle_off()
    uvicorn.run(
        "pages:floor_app",
        factory=True,
        app_dir=str(Path(__file__).parent),
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
    )


def run_served(database: str, folder: Path, total: int, workers: int, port: int) -> None:
    env = {
        **os.environ,
        "NIC_DATABASE_URL": database,
        "NIC_SECRET_KEY": SECRET,
        "NIC_DEBUG": "0",
    }
    out = subprocess.DEVNULL
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "core.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
        ],
        env=env,
        cwd=folder,
        stdout=out,
        stderr=out,
    )
    floor = subprocess.Popen(
        [sys.executable, __file__, "--serve-floor", str(port + 1), "--workers", str(workers)],
        env=env,
        cwd=folder,
        stdout=out,
    )
    try:
        deadline = time.perf_counter() + 60
        wait_until_up(f"http://127.0.0.1:{port}/healthz", deadline)
        wait_until_up(f"http://127.0.0.1:{port + 1}/floor", deadline)

        async def drive() -> None:
            limits = httpx.Limits(max_connections=50, max_keepalive_connections=50)
            async with (
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits) as client,
                httpx.AsyncClient(
                    base_url=f"http://127.0.0.1:{port + 1}", limits=limits
                ) as floor_client,
            ):
                await table(client, floor_client, total, cpu=False)

        asyncio.run(drive())
    finally:
        for process in (server, floor):
            process.send_signal(signal.SIGINT)
        for process in (server, floor):
            process.wait(timeout=30)


def skip_sniffio_lookups() -> None:
    """httpx's in-process transport imports sniffio on every request (to see whether trio
    runs). Where sniffio is not installed, that failed import searched sys.path each time:
    about 0.3 ms of the client's per request, which the in-process table would charge to the
    pages. Recorded as absent once, it fails at once, as it would anyway."""
    try:
        import sniffio  # noqa: F401
    except ImportError:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


def main() -> int:
    skip_sniffio_lookups()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300, help="requests per page and setting")
    parser.add_argument(
        "--workers", type=int, help="serve with `nic serve --workers N` and drive it over HTTP"
    )
    parser.add_argument("--port", type=int, default=8775, help="with --workers (floor: port+1)")
    parser.add_argument(
        "--database",
        help="a PostgreSQL URL (postgres://USER@HOST/NAME) to build the demo in, instead of a "
        "SQLite file; the database NAME is dropped and made anew, and dropped at the end",
    )
    parser.add_argument(
        "--cold", action="store_true", help="in process: every view renders afresh (no cache)"
    )
    parser.add_argument(
        "--no-plugins",
        action="store_true",
        help="in process: leave out the outside plugins installed in this environment",
    )
    parser.add_argument("--serve-floor", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_floor:
        serve_floor(args.serve_floor, args.workers or 1)
        return 0
    folder = Path(tempfile.mkdtemp(prefix="nic-bench-pages-"))
    database = args.database or f"sqlite://{folder / 'demo.sqlite3'}"
    asyncio.run(recreate(database))
    print(f"Building the demo database ({database.split('://')[0]}) ...", flush=True)
    subprocess.run(
        [sys.executable, "-m", "core.cli", "demo", "--no-serve", "--database", database],
        check=True,
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )
    try:
        if args.workers:
            print(f"Served by `nic serve --workers {args.workers}`, driven over HTTP", flush=True)
            run_served(database, folder, args.requests, args.workers, args.port)
        else:
            notes = [", no page cache"] * args.cold + [", no outside plugins"] * args.no_plugins
            print("In process (ASGI, no network)" + "".join(notes), flush=True)
            asyncio.run(run_in_process(database, args.requests, args.cold, not args.no_plugins))
    finally:
        asyncio.run(drop(database))
    return 0


if __name__ == "__main__":
    sys.exit(main())
