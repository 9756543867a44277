"""Memory that lasts one web request: what a request has read once, its later steps reuse.

The web app wraps every request in :func:`request_memory` (middleware), so nothing
remembered here outlives the request that remembered it, even when one task serves
several requests in a row (a test client, the benchmark). Outside a request (the
command line, direct service calls) there is no memory and every read happens. What lasts
longer than a request is kept under a stamp instead (:mod:`core.kept`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_memory: ContextVar[dict[Hashable, Any] | None] = ContextVar("nic_request_memory", default=None)


@contextmanager
def request_memory() -> Iterator[None]:
    """A fresh memory for the block; nested blocks share the outer block's."""
    if _memory.get() is not None:
        yield
        return
    token = _memory.set({})
    try:
        yield
    finally:
        _memory.reset(token)


def request_memo() -> dict[Hashable, Any] | None:
    """This request's memory, or ``None`` outside a request."""
    return _memory.get()
