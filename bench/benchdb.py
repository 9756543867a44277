"""Benchmark databases: drop one, or make a new empty one, on SQLite or PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def pg_dsn(url: str, database: str | None = None) -> tuple[str, str]:
    """An asyncpg DSN (to ``database``, else the URL's own), and the URL's database name.
    The URL's query (Tortoise's pool settings, e.g. ``?maxsize=20``) is not asyncpg's."""
    parts = urlsplit(url)
    name = parts.path.strip("/")
    path = f"/{database}" if database else parts.path
    return urlunsplit(parts._replace(scheme="postgresql", path=path, query="")), name


async def pg_admin(url: str, *statements: str) -> None:
    """Run statements on the server's ``postgres`` database (to create or drop others)."""
    import asyncpg

    dsn, _ = pg_dsn(url, "postgres")
    conn = await asyncpg.connect(dsn)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def drop(url: str) -> None:
    """Remove the database: the SQLite file (and its journals), or the PostgreSQL database."""
    if url.startswith("sqlite://"):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(url.removeprefix("sqlite://") + suffix).unlink(missing_ok=True)
    else:
        await pg_admin(url, f'DROP DATABASE IF EXISTS "{pg_dsn(url)[1]}" WITH (FORCE)')


async def recreate(url: str) -> None:
    """A new, empty database at ``url`` (SQLite makes its file when first opened)."""
    await drop(url)
    if not url.startswith("sqlite://"):
        await pg_admin(url, f'CREATE DATABASE "{pg_dsn(url)[1]}"')
