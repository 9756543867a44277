"""Requests whose client hung up before sending all of the body."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response

logger = logging.getLogger("nic.http")

CLIENT_CLOSED_REQUEST = 499
"""The status for a request whose client left before sending all of it (as nginx logs it)."""


def client_gone(request: Request) -> Response:
    """Note the disconnect and answer no one: not an error of ours, so no traceback, and the
    server drops the response, the client being gone."""
    logger.info("client disconnected during %s %s", request.method, request.url.path)
    return Response(status_code=CLIENT_CLOSED_REQUEST)
