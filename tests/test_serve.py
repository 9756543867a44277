"""`nic serve --workers N`: connections to the shared listener get TCP_NODELAY."""

from __future__ import annotations

import asyncio
import socket

import uvicorn

from core.cli import keep_nagle_off


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
