"""A client that hangs up mid-body is logged as such, not as an unexpected error."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from core.testing import Api


async def post_then_hang_up(app: Any, path: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Send half a body, then the disconnect a server reports when the socket closes."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    incoming = [
        {"type": "http.request", "body": b'{"name": "Half', "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/api/v1/communities", "application/json"),
        ("/sign-in", "application/x-www-form-urlencoded"),
    ],
)
async def test_a_hang_up_mid_body_is_logged_as_a_disconnect(
    app: Any, admin: Api, caplog: pytest.LogCaptureFixture, path: str, kind: str
) -> None:
    headers = {**admin.headers, "content-type": kind, "content-length": "400"}
    with caplog.at_level(logging.INFO):
        sent = await post_then_hang_up(app, path, headers)
    assert sent[0]["status"] == 499
    assert f"client disconnected during POST {path}" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
