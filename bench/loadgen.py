"""A small HTTP/1.1 load generator: keep-alive connections driven from one asyncio loop.

The benchmarks' server shares a 2-core machine with its load generator, so the generator
must cost little. httpx spends about as much CPU per request as our server does, and its
own scheduling put a tail on the latencies it reported (p95 near 70 ms where apache's `ab`
saw 12 ms against the same server). This client writes a request, reads the status line,
the headers up to the blank line and exactly ``Content-Length`` bytes, and nothing more:
enough for the JSON and HTML our app answers (never chunked).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx


class ProtocolError(RuntimeError):
    """The server answered something this client does not read (e.g. a chunked body)."""


@dataclass
class Connection:
    """One keep-alive connection; requests on it go one after the other."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    host: bytes
    headers: bytes

    @classmethod
    async def open(cls, base: str, headers: dict[str, str]) -> Connection:
        parts = urlsplit(base)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
        extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        return cls(reader, writer, (parts.netloc or "localhost").encode(), extra.encode())

    async def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = "application/json"
    ) -> tuple[int, bytes]:
        """Send one request; the status and the body of the answer."""
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host.decode()}\r\n".encode() + self.headers
        if body or method in ("POST", "PUT", "PATCH"):
            head += f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n".encode()
        self.writer.write(head + b"\r\n" + body)
        answer = await self.reader.readuntil(b"\r\n\r\n")
        status = int(answer[9:12])
        length = None
        for line in answer.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                raise ProtocolError(f"{method} {path}: a {value.strip().decode()} body")
        if length is None:
            raise ProtocolError(f"{method} {path}: no Content-Length")
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


def wait_until_up(url: str, deadline: float) -> None:
    """Return once ``url`` answers 200 or 404 (a server that routes), before ``deadline``
    (``time.perf_counter()``)."""
    while time.perf_counter() < deadline:
        try:
            if httpx.get(url, timeout=0.5).status_code in (200, 404):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer in time")
