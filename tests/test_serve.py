"""`nic serve`: connections to the shared listener get TCP_NODELAY (``--workers N``); the
served app keeps what its start made out of the garbage collector's way."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import uvicorn

from core.cli_serve import keep_nagle_off
from tests.scratch import SECRET


async def test_connections_to_several_workers_have_nagle_off() -> None:
    keep_nagle_off()
    keep_nagle_off()  # once is enough; twice changes nothing
    config = uvicorn.Config("core.asgi:app", host="127.0.0.1", port=0, workers=2)
    listener = config.bind_socket()
    assert listener.proto == socket.IPPROTO_TCP and listener.get_inheritable()
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
    try:
        _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        assert await asyncio.wait_for(accepted, 5) != 0
        writer.close()
    finally:
        server.close()
        await server.wait_closed()


def test_the_served_app_hides_its_start_from_the_garbage_collector(tmp_path: Path) -> None:
    """``core.asgi:app`` (what ``nic serve`` runs) freezes the objects its start made, so
    full collections stop walking them mid-request; an app built for tests does not."""
    probe = """
import asyncio, gc, sys
from core.app import create_app

async def frozen_after_start(app):
    async with app.router.lifespan_context(app):
        return gc.get_freeze_count()

if sys.argv[1] == "served":
    import core.asgi
    app = core.asgi.app
else:
    app = create_app(autoload=False)
print(asyncio.run(frozen_after_start(app)))
"""
    env = {
        **os.environ,
        "NIC_DATABASE_URL": f"sqlite://{tmp_path / 'serve.sqlite3'}",
        "NIC_SECRET_KEY": SECRET,
    }
    env.pop("NIC_SETTINGS_FILE", None)
    counts = {}
    for kind in ("served", "built"):
        done = subprocess.run(
            [sys.executable, "-c", probe, kind],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        counts[kind] = int(done.stdout.strip().splitlines()[-1])
    assert counts["built"] == 0
    assert counts["served"] > 10_000
