"""Scratch databases and a ``nic`` runner for tests that use the command line."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from core.testing import run_in_thread

SECRET = "test-secret-key-not-for-production"
T = TypeVar("T")


def sql(url: str, statements: list[str], query: str | None = None) -> list[tuple[Any, ...]]:
    """Execute statements on a database directly (no ORM), then run ``query``."""
    if url.startswith("sqlite://"):
        conn = sqlite3.connect(url.removeprefix("sqlite://"))
        try:
            for statement in statements:
                conn.execute(statement)
            conn.commit()
            return [tuple(r) for r in conn.execute(query).fetchall()] if query else []
        finally:
            conn.close()

    async def run() -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        try:
            for statement in statements:
                await conn.execute(statement)
            return [tuple(r) for r in await conn.fetch(query)] if query else []
        finally:
            await conn.close()

    return run_in_thread(lambda: asyncio.run(run()))


@contextmanager
def scratch_database(folder: Path, copy_of: str | None = None) -> Iterator[str]:
    """A new database of the kind the suite runs on, dropped afterwards: empty, or holding
    what the database ``copy_of`` holds (a file copy on SQLite, ``CREATE DATABASE ...
    TEMPLATE`` on PostgreSQL, so nothing may be connected to it)."""
    base = copy_of or os.environ.get("NIC_TEST_DATABASE_URL", "")
    if not base.startswith("postgres"):
        path = folder / f"scratch-{uuid.uuid4().hex[:8]}.sqlite3"
        if copy_of:
            shutil.copyfile(copy_of.removeprefix("sqlite://"), path)
        yield f"sqlite://{path}"
        return
    name = f"nic_scratch_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(base)
    admin = urlunsplit(parts._replace(path="/postgres"))
    template = f' TEMPLATE "{parts.path.lstrip("/")}"' if copy_of else ""
    sql(admin, [f'CREATE DATABASE "{name}"{template}'])
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        sql(admin, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])


def run_nic(
    *args: str, database: str, cwd: Path, check: bool = True, secret: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the ``nic`` command as a user would, against ``database``."""
    environment = {**os.environ, "NIC_DATABASE_URL": database, "NIC_SECRET_KEY": SECRET}
    for name in ("NIC_SETTINGS_FILE", "NIC_DEBUG", *([] if secret else ["NIC_SECRET_KEY"])):
        environment.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "core.cli", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"nic {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def table_counts(url: str) -> dict[str, int]:
    """Every table of the database (but the migration records) with its row count."""
    if url.startswith("sqlite://"):
        query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    else:
        query = (
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
    tables = sorted(
        str(row[0]) for row in sql(url, [], query) if "migration" not in str(row[0]).lower()
    )
    if not tables:
        return {}
    union = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)
    return {str(name): int(count) for name, count in sql(url, [], union)}
