"""Fixtures: one app and database per test session, emptied before every test.

The database is chosen by ``NIC_TEST_DATABASE_URL`` (default: a SQLite file in a
temporary directory). Run the suite once per database type; Tortoise caches SQL
per connection name, so the two cannot share one process.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from tortoise.contrib.test import truncate_all_models

from core.app import create_app
from core.auth.users import create_user, issue_token
from core.db import migrate, tortoise_config
from core.plugins import PluginHost
from core.settings import Settings
from tests.plugins.recorder import EventRecorder

TEST_SECRET = "test-secret-key-not-for-production"


def database_url() -> str:
    url = os.environ.get("NIC_TEST_DATABASE_URL")
    if url:
        return url
    folder = Path(tempfile.mkdtemp(prefix="nic-test-"))
    return f"sqlite://{folder / 'test.sqlite3'}"


async def reset_postgres(url: str) -> None:
    """Empty a PostgreSQL test database so every session starts from nothing."""
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(database_url=database_url(), secret_key=TEST_SECRET)


@pytest.fixture(scope="session")
def recorder() -> EventRecorder:
    return EventRecorder()


@pytest.fixture(scope="session")
async def app(settings: Settings, recorder: EventRecorder) -> AsyncIterator[Any]:
    if settings.database_kind == "postgres":
        await reset_postgres(settings.database_url)
    config = tortoise_config(settings, PluginHost.from_settings(settings, autoload=False))
    await migrate(config)
    application = create_app(settings, extra_plugins=[recorder], autoload=False)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(autouse=True)
async def clean_database(request: pytest.FixtureRequest, recorder: EventRecorder) -> None:
    if "app" in request.fixturenames:
        await truncate_all_models()
    recorder.events.clear()


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


class Api:
    """An API client bound to one user's token; returns (status, json)."""

    def __init__(self, client: httpx.AsyncClient, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def call(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        response = await self.client.request(
            method, "/api/v1" + path, headers=self.headers, **kwargs
        )
        body = response.json() if response.content else None
        return response.status_code, body

    async def get(self, path: str, **params: Any) -> tuple[int, Any]:
        return await self.call("GET", path, params=params)

    async def post(self, path: str, body: Any) -> tuple[int, Any]:
        return await self.call("POST", path, json=body)

    async def patch(self, path: str, body: Any) -> tuple[int, Any]:
        return await self.call("PATCH", path, json=body)

    async def put(self, path: str, body: Any) -> tuple[int, Any]:
        return await self.call("PUT", path, json=body)

    async def delete(self, path: str) -> tuple[int, Any]:
        return await self.call("DELETE", path)

    async def ok(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        kwargs = {"json": body} if body is not None else {}
        code, data = await self.call(method, path, **kwargs)
        assert code == status, (code, data)
        return data


UserFactory = Callable[..., Awaitable[Api]]


@pytest.fixture
def make_user(client: httpx.AsyncClient) -> UserFactory:
    """Create a user and return an :class:`Api` acting as them."""

    async def factory(email: str, *, admin: bool = False) -> Api:
        user, _ = await create_user(email, "a-long-password", is_admin=admin)
        token = await issue_token(user["id"])
        api = Api(client, token)
        api.user_id = user["id"]  # type: ignore[attr-defined]
        api.email = email  # type: ignore[attr-defined]
        return api

    return factory


@pytest.fixture
async def admin(make_user: UserFactory) -> Api:
    return await make_user("admin@example.org", admin=True)
