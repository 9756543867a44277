"""Helpers the platform's own tests share: assertions on API answers, sign-in form
posts, counting queries. Worlds (communities with teams, people and roles) are in
``tests.factories``; the fixtures that build them are in ``tests/conftest.py``.

Test modules import from here, from ``tests.factories`` and from ``core.testing``
(``sign_in``, ``csrf_of``, ``Api``...), never from one another.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from core.auth.users import create_user
from core.testing import TEST_PASSWORD, Api, csrf_of

PASSWORD = TEST_PASSWORD
SMALL = Path(__file__).parent / "data" / "small-community.yaml"
"""The small community (Cedar Valley): a DIDT, two SIDTs, people, cycles, artifacts."""


# --- the database -------------------------------------------------------------------


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Within the block, the SQL statements the ORM sends (read from its public logger,
    ``tortoise.db_client``), upper-cased, in order."""
    logger = logging.getLogger("tortoise.db_client")
    queries: list[str] = []

    class Counter(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            text = record.getMessage().lstrip().upper()
            if text.startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
                queries.append(text)

    handler, level = Counter(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield queries
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


# --- accounts and the sign-in form --------------------------------------------------


async def make_account(email: str, *, admin: bool = False, name: str = "") -> dict[str, Any]:
    """An account with :data:`PASSWORD` (no token, not signed in); its row."""
    row, _ = await create_user(email, PASSWORD, name=name, is_admin=admin)
    return row


async def submit_sign_in(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD, **extra: str
) -> httpx.Response:
    """Post the sign-in form as a browser does and return the answer, whatever it is
    (``core.testing.sign_in`` insists on success; this is for tests of failures)."""
    page = await client.get("/sign-in")
    form = {"email": email, "password": password, "csrf_token": csrf_of(page.text), **extra}
    return await client.post("/sign-in", data=form)


async def as_admin(client: httpx.AsyncClient) -> dict[str, Any]:
    """Make the site admin ``root@example.org`` and sign ``client`` in as them."""
    row = await make_account("root@example.org", admin=True, name="Site Admin")
    assert (await submit_sign_in(client, "root@example.org")).status_code == 303
    return row


# --- answers of the JSON API --------------------------------------------------------


def assert_error(status: int, body: Any, expected: int, field: str | None = None) -> None:
    """An error answer in the one shape; with ``field``, one that names it."""
    assert status == expected, (status, body)
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) >= {"code", "message", "fields"}, error
    assert error["message"]
    codes = {
        401: "not_authenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
    }
    assert error["code"] == codes.get(expected, "invalid"), error
    if field is not None:
        assert field in error["fields"], error


async def assert_denied(apis: list[Api], method: str, path: str, body: Any = None) -> None:
    """Each of ``apis`` is refused with a 403."""
    for api in apis:
        kwargs = {"json": body} if body is not None else {}
        status, answer = await api.call(method, path, **kwargs)
        assert_error(status, answer, 403)


async def assert_hidden(
    apis: list[Api], method: str, path: str, body: Any = None, field: str | None = None
) -> None:
    """Users with no role in the record's community get the answer a missing record gets:
    404, or with ``field`` (a record the body names) the 422 naming it, never a 403."""
    for api in apis:
        kwargs = {"json": body} if body is not None else {}
        status, answer = await api.call(method, path, **kwargs)
        assert_error(status, answer, 422 if field else 404, field)


async def assert_needs_login(api: Api, method: str, path: str, body: Any = None) -> None:
    """No token and a bogus token both answer 401 with a Bearer challenge."""
    for headers in ({}, {"Authorization": "Bearer nic_not-a-real-token"}):
        kwargs = {"json": body} if body is not None else {}
        response = await api.client.request(method, "/api/v1" + path, headers=headers, **kwargs)
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["error"]["code"] == "not_authenticated"


async def listing(api: Api, path: str, **params: Any) -> dict[str, Any]:
    """A page of a list operation, asserting its shape."""
    status, body = await api.get(path, **params)
    assert status == 200, body
    assert set(body) == {"items", "page", "per_page", "total", "pages"}
    return body


def fill(body: dict, community_id: int) -> dict:
    """Replace the placeholder ``"$C"`` by the id of the test community."""
    return {k: community_id if v == "$C" else v for k, v in body.items()}
