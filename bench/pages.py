"""Server time of the home, team and cycle pages on the demo data, against a floor.

    python bench/pages.py [--requests 300]

Builds the demo database, then drives the app in process (ASGI, no network) with 1 and with
20 concurrent clients, each signed in as the demo facilitator. The floor is a bare Starlette
endpoint that runs one raw SQL query on the same database through the same ORM connection.
Prints p50/p95 per page and the ratio of each page's p95 to the floor's p95.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from tortoise import connections

from core.app import create_app
from core.settings import Settings


async def floor_endpoint(request: Request) -> PlainTextResponse:
    _, rows = await connections.get("default").execute_query("SELECT id, title FROM cycle LIMIT 1")
    return PlainTextResponse(str(rows[0]["title"]))


async def measure(
    client: httpx.AsyncClient, path: str, total: int, concurrency: int
) -> list[float]:
    times: list[float] = []
    queue = iter(range(total))

    async def worker() -> None:
        for _ in queue:
            started = time.perf_counter()
            response = await client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return times


async def run(database: Path, total: int) -> None:
    settings = Settings(
        database_url=f"sqlite://{database}", secret_key="bench-secret-key-0123456789"
    )
    app = create_app(settings)
    floor = Starlette(routes=[Route("/floor", floor_endpoint)])
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
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
            pages = {"home": "/", "team": team.group(1), "cycle": cycle.group(1)}
            floor_client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=floor), base_url="http://bench"
            )
            print(f"{'page':8} {'clients':>7} {'p50 ms':>8} {'p95 ms':>8} {'p95 / floor':>12}")
            for concurrency in (1, 20):
                await measure(floor_client, "/floor", 20, concurrency)  # warm up
                floor_times = await measure(floor_client, "/floor", total, concurrency)
                floor_p95 = statistics.quantiles(floor_times, n=20)[18]
                print(
                    f"{'floor':8} {concurrency:7} {statistics.median(floor_times):8.2f} "
                    f"{floor_p95:8.2f} {1.0:12.2f}"
                )
                for name, path in pages.items():
                    await measure(client, path, 10, concurrency)
                    times = await measure(client, path, total, concurrency)
                    p95 = statistics.quantiles(times, n=20)[18]
                    print(
                        f"{name:8} {concurrency:7} {statistics.median(times):8.2f} "
                        f"{p95:8.2f} {p95 / floor_p95:12.2f}"
                    )
            await floor_client.aclose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300, help="requests per page and setting")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="nic-bench-pages-"))
    database = folder / "demo.sqlite3"
    print("Building the demo database ...", flush=True)
    subprocess.run(
        [sys.executable, "-m", "core.cli", "demo", "--no-serve", "--database", str(database)],
        check=True,
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )
    asyncio.run(run(database, args.requests))
    return 0


if __name__ == "__main__":
    sys.exit(main())
