"""The page number a listing page was asked for."""

from __future__ import annotations

from starlette.requests import Request

#: Beyond any real listing; a page past the end is simply empty.
MAX_PAGE = 100_000


def page_number(request: Request) -> int:
    """``?page=N`` as a number from 1 to :data:`MAX_PAGE`; anything else is page 1."""
    try:
        number = int(request.query_params.get("page", "1"))
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)
