"""Tortoise configuration, migrations, and opening the ORM for scripts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from tortoise import Tortoise
from tortoise.migrations.api.migrate import migrate as _tortoise_migrate

from core.errors import InvalidInput
from core.plugins import PluginHost
from core.settings import Settings

CORE_APP = {"models": ["core.models"], "migrations": "migrations.core"}


def tortoise_config(settings: Settings, plugins: PluginHost) -> dict[str, Any]:
    """The Tortoise config: the kernel's app plus every app that plugins contribute."""
    apps: dict[str, dict[str, Any]] = {"core": dict(CORE_APP)}
    for contribution in plugins.collect("nic_models"):
        for label, app in contribution.items():
            if label in apps:
                raise ValueError(f"two plugins define the Tortoise app {label!r}")
            apps[label] = {"default_connection": "default", **app}
    apps["core"]["default_connection"] = "default"
    return {
        "connections": {"default": settings.database_url},
        "apps": apps,
        "use_tz": True,
        "timezone": "UTC",
    }


def is_postgres(database_url: str) -> bool:
    """Whether the site's database is PostgreSQL (else SQLite)."""
    return database_url.startswith(("postgres://", "postgresql://", "psycopg://", "asyncpg://"))


Progress = Callable[[str, str, str], object]


async def migrate(
    config: dict[str, Any], *, target: str | None = None, progress: Progress | None = None
) -> None:
    """Apply pending migrations of every app in dependency order (or up to ``target``:
    ``APP`` for all of an app's migrations, ``APP.NAME`` for one)."""
    try:
        if target is not None and "." not in target:
            target = await _last_migration_of(config, target)
        await _tortoise_migrate(config=config, target=target, progress=progress)
    except ValueError as exc:
        if target is None or not str(exc).startswith("Unknown"):
            raise
        known = ", ".join(config["apps"])
        raise InvalidInput.field("target", f"{exc} (apps: {known})") from None
    finally:
        await Tortoise.close_connections()


async def _last_migration_of(config: dict[str, Any], app_label: str) -> str:
    """``APP.NAME`` of an app's newest migration. Tortoise reads a bare ``APP`` target as
    the app's leaf in the whole graph, and an app others build on (core) has none there,
    so ``--target core`` would apply nothing."""
    from tortoise.connection import get_connection
    from tortoise.migrations.executor import MigrationExecutor

    if app_label not in config["apps"]:
        raise ValueError(f"Unknown app label {app_label}")
    await Tortoise.init(config=config, init_connections=False)
    executor = MigrationExecutor(get_connection("default"), config["apps"])
    await executor.loader.build_graph()
    graph = executor.loader.graph
    newest = [
        node.key
        for node in graph.node_map.values()
        if node.key.app_label == app_label
        and not any(child.key.app_label == app_label for child in node.children)
    ]
    if not newest:
        raise ValueError(f"The app {app_label} has no migrations")
    return f"{app_label}.{newest[-1].name}"


async def pending_migrations(config: dict[str, Any]) -> list[str]:
    """The migrations ``nic migrate`` would apply, as ``app.name``, in order."""
    await Tortoise.init(config=config)
    try:
        _, pending = await migration_status(config)
    finally:
        await Tortoise.close_connections()
    return pending


async def migration_status(config: dict[str, Any]) -> tuple[bool, list[str]]:
    """With the ORM open: whether any migration was applied yet (no: the database has no
    tables), and the migrations ``nic migrate`` would apply, as ``app.name``, in order."""
    from tortoise.connection import get_connection
    from tortoise.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(get_connection("default"), config["apps"])
    steps = await executor.plan()
    started = bool(await executor.recorder.applied_migrations())
    return started, [f"{step.migration.app_label}.{step.migration.name}" for step in steps]


@asynccontextmanager
async def open_database(config: dict[str, Any], *, create: bool = False) -> AsyncIterator[None]:
    """Open the ORM for a script or command, and always close it (SQLite hangs otherwise)."""
    await Tortoise.init(config=config, _create_db=create)
    try:
        yield
    finally:
        await Tortoise.close_connections()
