"""Fixtures: one app and database per test session, emptied before every test.

The database is chosen by ``NIC_TEST_DATABASE_URL`` (default: a SQLite file in a
temporary directory). Run the suite once per database type; Tortoise caches SQL
per connection name, so the two cannot share one process. The pieces come from
``core.testing``, the fixtures the platform publishes for plugin authors; this suite
keeps one app per session instead of one per test.

Shared pieces live in three places, and test modules import from them, never from one
another (nor from a conftest): ``core.testing`` (``sign_in``, ``csrf_of``, ``Api``...),
``tests/helpers.py`` (API error assertions, sign-in form posts, query counting) and
``tests/factories.py`` (the worlds: the small community, a community with a user per
role, the DIDT/SIDT cycle world, ``build_district`` for the plugins' tests). The
fixtures below build those worlds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from tortoise import Tortoise, connections
from tortoise.exceptions import ConfigurationError

from core.settings import Settings
from core.testing import (
    BASE_URL,
    TEST_SECRET,
    Api,
    database_url_for_tests,
    empty_every_table,
    fast_password_hashing,
    make_api_user,
    prepare_database,
    running_app,
)
from tests import write_guard
from tests.factories import (
    CycleWorld,
    RoleWorld,
    UserFactory,
    build_cedar,
    build_community,
    build_cycle_world,
    load_small,
)
from tests.plugins.recorder import EventRecorder

# The guard on the change-counter rule, for every test (``tests/write_guard.py``): its
# hook and autouse fixture, taken in here as a plugin's would be.
write_guard.install()
pytest_runtest_setup = write_guard.pytest_runtest_setup
community_write_guard = write_guard.community_write_guard


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(
        database_url=database_url_for_tests(),
        secret_key=TEST_SECRET,
        mail_url="memory:",
        worker="inline",
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
        await empty_every_table()
    recorder.events.clear()


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as c:
        yield c


@pytest.fixture
def make_user(client: httpx.AsyncClient) -> UserFactory:
    """Create a user and return an :class:`Api` acting as them."""

    async def factory(email: str, *, admin: bool = False) -> Api:
        return await make_api_user(client, email, admin=admin)

    return factory


@pytest.fixture
async def admin(make_user: UserFactory) -> Api:
    return await make_user("admin@example.org", admin=True)


# --- worlds (see tests/factories.py) ------------------------------------------------


@pytest.fixture
async def cedar(app: Any) -> dict[str, Any]:
    """The small community with Ana (member), Olu (observer) and nobody: ``build_cedar``."""
    return await build_cedar(app)


@pytest.fixture
async def role_world(admin: Api, make_user: UserFactory) -> RoleWorld:
    """Lakeview with a user of each role: ``build_community``."""
    return await build_community(admin, make_user)


@pytest.fixture
async def other_role_world(admin: Api, make_user: UserFactory) -> RoleWorld:
    """Hillside, a second community with a user of each role."""
    return await build_community(admin, make_user, "hillside")


@pytest.fixture
async def cycle_world(admin: Api, recorder: EventRecorder) -> CycleWorld:
    """Lakeview's DIDT, SIDTs, people and roles, and Riverside: ``build_cycle_world``."""
    built = await build_cycle_world(admin)
    recorder.events.clear()  # only the events of the test itself
    return built


@pytest.fixture
async def small(app: Any) -> dict[str, Any]:
    """The small community (Cedar Valley) loaded, no accounts: the loader's summary."""
    return await load_small(app)
