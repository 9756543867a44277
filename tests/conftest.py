"""Fixtures: one app and database per test session, emptied before every test.

The database is chosen by ``NIC_TEST_DATABASE_URL`` (default: a SQLite file in a
temporary directory). Run the suite once per database type; Tortoise caches SQL
per connection name, so the two cannot share one process. The pieces come from
``core.testing``, the fixtures the platform publishes for plugin authors; this suite
keeps one app per session instead of one per test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from tortoise import Tortoise, connections
from tortoise.contrib.test import truncate_all_models
from tortoise.exceptions import ConfigurationError

from core.settings import Settings
from core.testing import (
    BASE_URL,
    TEST_SECRET,
    Api,
    database_url_for_tests,
    fast_password_hashing,
    make_api_user,
    prepare_database,
    running_app,
)
from tests.plugins.recorder import EventRecorder


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(
        database_url=database_url_for_tests(), secret_key=TEST_SECRET, mail_url="memory:"
    )


@pytest.fixture(scope="session")
def recorder() -> EventRecorder:
    return EventRecorder()


@pytest.fixture(scope="session")
async def app(settings: Settings, recorder: EventRecorder) -> AsyncIterator[Any]:
    await prepare_database(settings)
    # The suite makes hundreds of accounts; the site's Argon2 parameters would cost it
    # minutes (test_passwords_are_stored_as_argon2id checks the site's own).
    with fast_password_hashing():
        async with running_app(settings, [recorder]) as application:
            yield application


def _orm_is_open() -> bool:
    try:
        connections.get("default")
    except (ConfigurationError, KeyError):
        return False
    return True


@pytest.fixture(autouse=True)
async def clean_database(request: pytest.FixtureRequest, recorder: EventRecorder) -> None:
    if "app" in request.fixturenames:
        if not _orm_is_open():
            # A plugin's tests ran in between on core.testing's own app (one per test, as an
            # outside plugin's suite does), whose shutdown closed the ORM: open it again.
            config = request.getfixturevalue("app").state.tortoise_config
            await Tortoise.init(config=config, _enable_global_fallback=True)
        await truncate_all_models()
    recorder.events.clear()


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as c:
        yield c


UserFactory = Callable[..., Awaitable[Api]]


@pytest.fixture
def make_user(client: httpx.AsyncClient) -> UserFactory:
    """Create a user and return an :class:`Api` acting as them."""

    async def factory(email: str, *, admin: bool = False) -> Api:
        return await make_api_user(client, email, admin=admin)

    return factory


@pytest.fixture
async def admin(make_user: UserFactory) -> Api:
    return await make_user("admin@example.org", admin=True)
