"""``nic serve``: the web app under uvicorn, with its options and the address to open."""

from __future__ import annotations

import argparse
import copy
import socket
from typing import TYPE_CHECKING, Any

from core.worker import embedded_worker

if TYPE_CHECKING:
    from core.cli import CommandContext

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
SERVE_HELP = "Serve the web app and the API (and a background worker beside them)."


def address(host: str, port: int) -> str:
    """The address to open in a browser: a listener on every interface is reached locally."""
    shown = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def keep_nagle_off() -> None:
    """Make uvicorn's own listening socket say it is TCP, so connections get TCP_NODELAY.

    With ``--workers N`` uvicorn binds the listener itself with ``proto`` 0; accepted
    connections inherit it, asyncio then leaves Nagle's algorithm on, and on Linux every
    keep-alive request after the first waits about 40 ms for the client's delayed ACK
    (uvicorn issue #3149). One worker is not affected: asyncio binds that listener.
    """
    global _nagle_off
    if _nagle_off:
        return
    from uvicorn.config import Config

    bind = Config.bind_socket

    def bind_socket(self: Config) -> socket.socket:
        sock = bind(self)
        if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto != 0:
            return sock
        tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, sock.detach())
        tcp.set_inheritable(True)
        return tcp

    Config.bind_socket = bind_socket  # type: ignore[method-assign]
    _nagle_off = True


_nagle_off = False


def serve(args: argparse.Namespace, ctx: CommandContext) -> int:
    """Run uvicorn until stopped; say first where the site answers."""
    import uvicorn

    if ctx.serve_after is None:
        ctx.settings.require_secret_key()
    if getattr(args, "workers", 1) > 1:
        keep_nagle_off()
    host, port = getattr(args, "host", DEFAULT_HOST), getattr(args, "port", DEFAULT_PORT)
    ctx.say(f"Open {address(host, port)} in a browser (Ctrl+C stops the server).")
    with embedded_worker(ctx.settings.worker == "embedded"):
        uvicorn.run(
            "core.asgi:app",
            host=host,
            port=port,
            workers=getattr(args, "workers", 1),
            log_level="info",
            log_config=log_config(),
            access_log=not getattr(args, "no_access_log", False),
        )
    return 0


def log_config() -> dict[str, Any]:
    """uvicorn's logging, plus the site's mail on standard error: with ``NIC_MAIL_URL=log:``
    (the default) each message, its links included, shows in the server's output."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["nic.mail"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def configure_serve(parser: argparse.ArgumentParser) -> None:
    """The options of ``nic serve`` (and of ``nic demo``, which serves what it built)."""
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help="the address to listen on; 0.0.0.0 for every network interface",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="the TCP port")
    parser.add_argument(
        "--workers", type=int, default=1, help="web processes (one background worker beside)"
    )
    parser.add_argument("--no-access-log", action="store_true", help="do not log each request")
