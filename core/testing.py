"""pytest fixtures for NIC Platform plugins: a fresh app, database, client and users.

Installing NIC Platform registers this module as the pytest plugin ``nic`` (entry
point group ``pytest11``), so a plugin's tests use the fixtures without importing
anything. Tell them which plugins to load by overriding :func:`nic_plugins` in your
``conftest.py``::

    import pytest
    import nic_learning_spaces.plugin


    @pytest.fixture(scope="session")
    def nic_plugins():
        return [nic_learning_spaces.plugin]

Fixtures
    ``nic_plugins`` (session): the plugins the app loads besides the built-in ones
    (default none). Installed plugins are not loaded by entry point: a test sees
    exactly the plugins it names.
    ``nic_settings`` (session): :class:`core.settings.Settings` for the tests; the
    database is ``NIC_TEST_DATABASE_URL`` (a PostgreSQL database the tests own: it is
    emptied first) or a SQLite file in a temporary folder.
    ``nic_database`` (session): that database, migrated once with the migrations of
    the core, the domain and ``nic_plugins``; its URL.
    ``nic_app``: a fresh app for each test, its ORM open and every table emptied.
    ``nic_client``: an ``httpx.AsyncClient`` on ``nic_app`` (``http://testserver``),
    signed out.
    ``nic_user``: a factory, ``await nic_user("ana@example.org", name="Ana",
    admin=False)``, that makes an account and returns a :class:`NicUser`: its
    ``client`` is signed in to the pages (its own cookies), its ``api`` calls the
    JSON API with its own token, its ``ctx`` calls services directly as them.
    ``nic_admin``: a site admin made with ``nic_user``.
    ``nic_outbox``: the mail the site sent during the test (a list of
    :class:`core.mail.Message`; the test settings use the ``memory:`` sender).
    ``nic_cli``: ``await nic_cli("spaces", "list", "cedar")`` runs a ``nic``
    subcommand in the test's process, on ``nic_app``'s plugins and database, and
    returns ``(exit code, output)``.

The async fixtures run in the event loop pytest-asyncio gives fixtures of their
scope; with ``asyncio_mode = "auto"`` and the default loop scopes they simply work.
Run each database in its own pytest process (Tortoise caches SQL per connection
name).

The helpers the fixtures are made of (:func:`prepare_database`,
:func:`running_app`, :class:`Api`, :func:`make_api_user`, :func:`sign_in`,
:func:`csrf_of`, :func:`run_command`, :func:`fast_password_hashing`) are public
too, for suites that keep one app per session (the platform's own does).
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import pytest

from core.db import is_postgres
from core.settings import Settings

if TYPE_CHECKING:
    import httpx
    from starlette.applications import Starlette

    from core.context import ServiceContext

try:  # strict mode needs pytest-asyncio's own decorator; auto mode takes either
    from pytest_asyncio import fixture as async_fixture
except ImportError:  # pragma: no cover - pytest-asyncio is a test dependency
    async_fixture = pytest.fixture  # type: ignore[assignment]

TEST_SECRET = "test-secret-key-not-for-production"
TEST_PASSWORD = "a-long-password"
BASE_URL = "http://testserver"


# --- the database and the app -----------------------------------------------------


def database_url_for_tests(folder: Path | None = None) -> str:
    """``NIC_TEST_DATABASE_URL``, or a new SQLite file (in ``folder`` or a temporary one).

    Under pytest-xdist each worker gets a database of its own: a PostgreSQL URL's database
    name takes the worker's id as a suffix (``nic_test_gw0``; :func:`prepare_database`
    creates it), and every worker makes its own SQLite file."""
    url = os.environ.get("NIC_TEST_DATABASE_URL")
    if url:
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker and is_postgres(url):
            parts = urlsplit(url)
            return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_{worker}"))
        return url
    folder = folder or Path(tempfile.mkdtemp(prefix="nic-test-"))
    return f"sqlite://{folder / 'test.sqlite3'}"


async def empty_every_table() -> None:
    """Delete every row of the test database but the migrations' record: the models'
    tables and, on PostgreSQL, those a plugin's migrations made outside the ORM (the
    durable queue's)."""
    from tortoise import Tortoise
    from tortoise.contrib.test import truncate_all_models

    connection = Tortoise.get_connection("default")
    if connection.capabilities.dialect != "postgres":
        await truncate_all_models()
        return
    rows = await connection.execute_query_dict(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        " AND tablename <> 'tortoise_migrations'"
    )
    if rows:
        tables = ", ".join(f'"{row["tablename"]}"' for row in rows)
        await connection.execute_script(f"TRUNCATE {tables} CASCADE")


async def reset_postgres(url: str) -> None:
    """Empty a PostgreSQL test database so every session starts from nothing; create it
    first if it does not exist yet."""
    import asyncpg

    address = url.replace("postgres://", "postgresql://", 1)
    try:
        conn = await asyncpg.connect(address)
    except asyncpg.InvalidCatalogNameError:
        parts = urlsplit(address)
        server = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
        try:
            await server.execute(f'CREATE DATABASE "{parts.path.lstrip("/")}"')
        finally:
            await server.close()
        conn = await asyncpg.connect(address)
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


async def prepare_database(settings: Settings, plugins: Iterable[object] = ()) -> None:
    """Empty a PostgreSQL test database, then apply every migration of the core, the
    domain and ``plugins`` (the ORM is closed again afterwards)."""
    from core.db import migrate, tortoise_config
    from core.plugins import PluginHost

    if settings.database_kind == "postgres":
        await reset_postgres(settings.database_url)
    host = PluginHost.from_settings(settings, list(plugins), autoload=False)
    await migrate(tortoise_config(settings, host))


@asynccontextmanager
async def running_app(
    settings: Settings, plugins: Iterable[object] = ()
) -> AsyncIterator[Starlette]:
    """An app with the built-in plugins and ``plugins`` (no entry points), its lifespan
    running (the ORM open) for as long as the block lasts."""
    from core.app import create_app

    application = create_app(settings, extra_plugins=list(plugins), autoload=False)
    async with application.router.lifespan_context(application):
        yield application


@contextmanager
def fast_password_hashing() -> Iterator[None]:
    """Within the block, new passwords are hashed with the cheapest Argon2 parameters
    (a test makes accounts by the dozen; the site's parameters cost tenths of a second
    on a busy machine). Hashes carry their parameters, so signing in checks them the
    same way."""
    from argon2 import PasswordHasher

    from core.auth import passwords

    saved = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    try:
        yield
    finally:
        passwords._hasher = saved


T = TypeVar("T")


def run_in_thread(work: Callable[[], T]) -> T:
    """``work()`` in a thread of its own, off any running event loop (``asyncio.run`` inside
    ``work`` gets a loop of its own); its exception is raised in the caller's thread."""
    results: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            results.append(work())
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    thread = threading.Thread(target=target, name="nic-test-work")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]


# --- clients and users --------------------------------------------------------------


def csrf_of(html: str, action: str | None = None) -> str:
    """The CSRF token of the first form on a page, or of the form that posts to ``action``
    (the header's sign-out form carries a token too, so name the form a test submits)."""
    if action is not None:
        form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S)
        if not form:
            raise AssertionError(f"no form posting to {action} on the page")
        html = form.group(1)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if not match:
        raise AssertionError(
            "no CSRF field on the page" + (f" in the form to {action}" if action else "")
        )
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, email: str, password: str = TEST_PASSWORD) -> None:
    """Sign ``client`` in through the sign-in form, as a browser does."""
    page = await client.get("/sign-in")
    form = {"email": email, "password": password, "csrf_token": csrf_of(page.text)}
    response = await client.post("/sign-in", data=form)
    if response.status_code != 303:
        raise AssertionError(f"could not sign in as {email}: {response.status_code}")


@asynccontextmanager
async def page_clients(
    app: Starlette,
) -> AsyncIterator[Callable[..., Awaitable[httpx.AsyncClient]]]:
    """``await open(email=None)`` inside: an HTTP client on ``app``, signed in through the
    sign-in form as ``email`` (signed out without one); all are closed on the way out."""
    import httpx

    clients: list[httpx.AsyncClient] = []

    async def open_client(email: str | None = None) -> httpx.AsyncClient:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)
        clients.append(client)
        if email:
            await sign_in(client, email)
        return client

    try:
        yield open_client
    finally:
        for client in clients:
            await client.aclose()


class Api:
    """A JSON API client bound to one user's token; calls return ``(status, json)``."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        token: str | None,
        *,
        user_id: int | None = None,
        email: str | None = None,
    ) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.user_id = user_id
        self.email = email

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
        """Call and return the JSON, asserting the status (200 unless told)."""
        kwargs = {"json": body} if body is not None else {}
        code, data = await self.call(method, path, **kwargs)
        assert code == status, (code, data)
        return data


async def make_api_user(
    client: httpx.AsyncClient,
    email: str,
    *,
    name: str = "",
    admin: bool = False,
    password: str = TEST_PASSWORD,
) -> Api:
    """Create an account and return an :class:`Api` acting with a new token of it."""
    from core.auth.users import create_user, issue_token

    user, _ = await create_user(email, password, name=name, is_admin=admin)
    token = await issue_token(user["id"])
    return Api(client, token, user_id=user["id"], email=user["email"])


@dataclass
class NicUser:
    """An account made by the ``nic_user`` fixture, with a way into each surface."""

    id: int
    email: str
    password: str
    is_admin: bool
    api: Api
    """The JSON API, with this user's token."""
    client: httpx.AsyncClient
    """The pages, signed in as this user (cookies of its own)."""
    ctx: ServiceContext
    """The domain services, called directly as this user."""


UserFactory = Callable[..., Awaitable[NicUser]]
CliRunner = Callable[..., Awaitable[tuple[int, str]]]


async def run_command(app: Starlette, *argv: str) -> tuple[int, str]:
    """Run a ``nic`` subcommand in this process, with ``app``'s plugins and its open ORM;
    return the exit code and what the command said. A service error answers 1 with its
    message, as ``nic`` prints it."""
    from core.cli import CommandContext, all_commands, build_parser
    from core.errors import ServiceError

    plugins = app.state.plugins
    commands = all_commands(plugins)
    args = build_parser(commands).parse_args(list(argv))
    wanted = " ".join(filter(None, [args.command, getattr(args, "subcommand", None)]))
    command = next(c for c in commands if c.name == wanted)
    out = io.StringIO()
    ctx = CommandContext(settings=app.state.settings, plugins=plugins, out=out)
    try:
        code = await command.run(args, ctx)
    except ServiceError as exc:
        out.write(f"nic: {exc.message}\n")
        for name, problem in exc.fields.items():
            out.write(f"  {name}: {problem}\n")
        code = 1
    return code, out.getvalue()


# --- fixtures -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def nic_plugins() -> list[object]:
    """Plugins the test app loads besides the built-in ones: override it in your conftest."""
    return []


@pytest.fixture(scope="session")
def nic_settings() -> Iterator[Settings]:
    """Settings of the test app: ``NIC_TEST_DATABASE_URL`` or a temporary SQLite file."""
    folder = None if os.environ.get("NIC_TEST_DATABASE_URL") else Path(tempfile.mkdtemp())
    # Background work (graph analyses) runs in the asking request: no worker to start.
    yield Settings(
        database_url=database_url_for_tests(folder),
        secret_key=TEST_SECRET,
        mail_url="memory:",
        worker="inline",
    )
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def nic_database(nic_settings: Settings, nic_plugins: list[object]) -> str:
    """The test database, migrated once per session for the built-in plugins and yours."""
    run_in_thread(lambda: asyncio.run(prepare_database(nic_settings, nic_plugins)))
    return nic_settings.database_url


@async_fixture
async def nic_app(
    nic_database: str, nic_settings: Settings, nic_plugins: list[object]
) -> AsyncIterator[Starlette]:
    """A fresh app on the migrated database, with every table emptied (and cheap password
    hashing while it runs: see :func:`fast_password_hashing`)."""
    with fast_password_hashing():
        async with running_app(nic_settings, nic_plugins) as application:
            await empty_every_table()
            yield application


@async_fixture
async def nic_client(nic_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A signed-out HTTP client on ``nic_app``."""
    import httpx

    transport = httpx.ASGITransport(app=nic_app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client


@async_fixture
async def nic_user(nic_app: Starlette) -> AsyncIterator[UserFactory]:
    """``await nic_user(email, name="", admin=False)``: a new account as a :class:`NicUser`."""
    import httpx

    from core.context import Actor, ServiceContext

    clients: list[httpx.AsyncClient] = []

    async def factory(email: str, *, name: str = "", admin: bool = False) -> NicUser:
        transport = httpx.ASGITransport(app=nic_app)
        client = httpx.AsyncClient(transport=transport, base_url=BASE_URL)
        clients.append(client)
        api = await make_api_user(client, email, name=name, admin=admin)
        await sign_in(client, email)
        assert api.user_id is not None and api.email is not None
        actor = Actor(user_id=api.user_id, email=api.email, is_admin=admin)
        return NicUser(
            id=api.user_id,
            email=api.email,
            password=TEST_PASSWORD,
            is_admin=admin,
            api=api,
            client=client,
            ctx=ServiceContext(actor=actor, plugins=nic_app.state.plugins),
        )

    yield factory
    for client in clients:
        await client.aclose()


@pytest.fixture
def nic_cli(nic_app: Starlette) -> CliRunner:
    """``await nic_cli("spaces", "list", "cedar")``: run a ``nic`` subcommand on ``nic_app``
    (see :func:`run_command`); returns ``(exit code, output)``."""

    async def runner(*argv: str) -> tuple[int, str]:
        return await run_command(nic_app, *argv)

    return runner


@async_fixture
async def nic_admin(nic_user: UserFactory) -> NicUser:
    """A site admin (``admin@example.org``), signed in and with a token."""
    return await nic_user("admin@example.org", name="Site Admin", admin=True)


@pytest.fixture
def nic_outbox() -> Iterator[list[Any]]:
    """Mail sent during the test, oldest first (emptied before and after)."""
    from core import mail

    mail.outbox.clear()
    yield mail.outbox
    mail.outbox.clear()
