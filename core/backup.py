"""A whole site's database to one file and back (``nic backup``, ``nic restore``).

SQLite: the online backup API copies the database in one step, inside one read
transaction, so the file is a consistent snapshot while the site keeps writing (the site's
database is in WAL mode: its writers do not wait). The backup is itself a SQLite database.
PostgreSQL: ``pg_dump --format=custom`` (one snapshot, the site keeps running) and
``pg_restore --single-transaction``; both are looked for on ``PATH``, then in
``/usr/lib/postgresql/*/bin``. A restore fills an empty database only, and changes nothing
when it refuses or fails. The kernel's tables and every plugin's are copied alike: this
module knows nothing of what they hold.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from core.errors import ServiceError

MIGRATIONS_TABLE = "tortoise_migrations"
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
PG_BIN_FOLDERS = "/usr/lib/postgresql/*/bin"
LIBPQ_PARAMETERS = frozenset(
    {
        "sslmode",
        "sslcert",
        "sslkey",
        "sslrootcert",
        "sslcrl",
        "sslpassword",
        "channel_binding",
        "gssencmode",
        "connect_timeout",
        "application_name",
        "options",
        "target_session_attrs",
        "passfile",
    }
)
"""Query parameters of the site's URL that pg_dump and pg_restore are given (libpq's own);
the rest (Tortoise's pool sizes) are left out, libpq would refuse them."""

Say = Callable[[str], None]


class BackupError(ServiceError):
    """A backup or restore refused or failed; the message says why and what to do."""

    code = "backup"


def _size(path: Path) -> str:
    return f"{path.stat().st_size / 1_048_576:.1f} MB"


def _free_output(file: Path) -> Path:
    """``file``'s partial twin, checked: the backup is written there, then renamed."""
    if file.exists():
        raise BackupError(
            f"{file} exists already: give a new file name (a backup is never overwritten)"
        )
    if not file.parent.is_dir():
        raise BackupError(f"{file.parent} is not a folder")
    partial = file.with_name(file.name + ".partial")
    partial.unlink(missing_ok=True)
    return partial


# --- SQLite -----------------------------------------------------------------------------


def sqlite_path(url: str) -> Path:
    """The file of a ``sqlite://PATH`` URL."""
    return Path(url.removeprefix("sqlite://").split("?")[0])


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [name for (name,) in rows]


def _schema_version(rows: Iterable[tuple[str, str]]) -> str:
    """The latest applied migration of each app, e.g. ``core.0005_web_sessions``."""
    latest: dict[str, str] = {}
    for app, name in rows:
        latest[app] = max(latest.get(app, ""), name)
    return ", ".join(f"{app}.{name}" for app, name in sorted(latest.items())) or "none"


def _sqlite_schema(conn: sqlite3.Connection) -> str:
    return _schema_version(conn.execute(f'SELECT app, name FROM "{MIGRATIONS_TABLE}"'))


def _backup_sqlite(url: str, file: Path, say: Say) -> None:
    source_path = sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"{source_path} does not exist: there is no site database to back up")
    partial = _free_output(file)
    say(f"Backing up the SQLite database {source_path} ({_size(source_path)}) to {file} ...")
    started = time.perf_counter()
    source = sqlite3.connect(source_path, timeout=30)
    try:
        if MIGRATIONS_TABLE not in _tables(source):
            raise BackupError(f"{source_path} is not a NIC database (it was never migrated)")
        target = sqlite3.connect(partial)
        try:
            source.backup(target)  # the whole file in one step: one consistent snapshot
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            tables = _tables(target)
            rows = sum(target.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables)
            schema = _sqlite_schema(target)
        finally:
            target.close()
    except sqlite3.DatabaseError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"could not back up {source_path}: {exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    os.replace(partial, file)
    say(f"  copied {len(tables)} tables, {rows} rows; schema at {schema}")
    say(f"Backup written to {file} ({_size(file)}) in {time.perf_counter() - started:.1f} s.")


def _check_sqlite_backup(file: Path) -> sqlite3.Connection:
    """The backup opened read-only, once it is known to be a whole NIC database."""
    backup = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        problem = backup.execute("PRAGMA quick_check").fetchone()[0]
        if problem != "ok":
            raise BackupError(f"{file} is a damaged SQLite file ({problem}): it cannot be restored")
        if MIGRATIONS_TABLE not in _tables(backup):
            raise BackupError(
                f"{file} is a SQLite database but not a NIC backup (no {MIGRATIONS_TABLE} table)"
            )
    except sqlite3.DatabaseError as exc:
        backup.close()
        raise BackupError(
            f"{file} is a damaged SQLite file ({exc}): it cannot be restored"
        ) from exc
    except BaseException:
        backup.close()
        raise
    return backup


def _sqlite_tables_of(path: Path) -> list[str]:
    existing = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return _tables(existing)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite database ({exc}): nothing was restored") from exc
    finally:
        existing.close()


def _restore_sqlite(url: str, file: Path, say: Say) -> None:
    target_path = sqlite_path(url)
    backup = _check_sqlite_backup(file)
    try:
        if not target_path.parent.is_dir():
            raise BackupError(f"{target_path.parent} is not a folder: nothing was restored")
        if target_path.exists():
            held = _sqlite_tables_of(target_path)
            if held:
                raise _not_empty(str(target_path), held)
        say(f"Restoring {file} ({_size(file)}) into {target_path} ...")
        started = time.perf_counter()
        target = sqlite3.connect(target_path)
        try:
            backup.backup(target)  # one step, one write transaction: all or nothing
            tables = _tables(target)
            schema = _sqlite_schema(target)
        finally:
            target.close()
    finally:
        backup.close()
    say(f"  restored {len(tables)} tables; schema at {schema}")
    say(f"Restored in {time.perf_counter() - started:.1f} s.")


# --- PostgreSQL -------------------------------------------------------------------------


def find_pg_tool(name: str, folders: str = PG_BIN_FOLDERS) -> str | None:
    """``name`` (pg_dump, pg_restore) on ``PATH``, else in the newest of ``folders`` (a
    glob; Debian keeps PostgreSQL's programs in ``/usr/lib/postgresql/VERSION/bin``)."""
    found = shutil.which(name)
    if found:
        return found

    def version(folder: str) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", folder))

    for folder in sorted(glob.glob(folders), key=version, reverse=True):
        candidate = Path(folder) / name
        if os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def missing_tool_message(name: str) -> str:
    """What to do when ``name`` is not installed: install it, or run the commands by hand."""
    return (
        f"{name} was not found on PATH nor in {PG_BIN_FOLDERS}: install PostgreSQL's client "
        "programs (Debian: apt-get install postgresql-client, of the server's version or newer), "
        "or run them yourself: pg_dump --format=custom --file=FILE 'postgresql://USER@HOST/DB' "
        "to back up, and pg_restore --single-transaction --exit-on-error --no-owner "
        "--dbname='postgresql://USER@HOST/EMPTY_DB' FILE to restore (docs/deploy.md)"
    )


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """The site's URL as libpq takes it, without its password, and the environment that
    carries the password (``PGPASSWORD``: a command line is visible to every local user)."""
    parts = urlsplit(url)
    environment = {**os.environ}
    if parts.password is not None:
        environment["PGPASSWORD"] = unquote(parts.password)
    netloc = parts.netloc.rpartition("@")[2]
    if parts.username is not None:
        netloc = f"{parts.username}@{netloc}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k in LIBPQ_PARAMETERS])
    return urlunsplit(("postgresql", netloc, parts.path, query, "")), environment


def _run(argv: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, env=environment, capture_output=True, text=True, check=False)


def _tool(name: str) -> str:
    found = find_pg_tool(name)
    if found is None:
        raise BackupError(missing_tool_message(name))
    return found


def _failed(name: str, result: subprocess.CompletedProcess[str], after: str = "") -> BackupError:
    return BackupError(f"{name} failed (exit {result.returncode}): {result.stderr.strip()}{after}")


async def _pg_tables(url: str, label: str) -> list[str]:
    """The tables of every schema but PostgreSQL's own."""
    import asyncpg

    address, environment = libpq_target(url)
    try:
        conn = await asyncpg.connect(address, password=environment.get("PGPASSWORD"))
    except asyncpg.InvalidCatalogNameError as exc:
        name = urlsplit(url).path.lstrip("/")
        raise BackupError(f"the database {name} does not exist: create it first") from exc
    except (OSError, asyncpg.PostgresError) as exc:
        raise BackupError(f"could not connect to {label}: {exc}") from exc
    try:
        rows = await conn.fetch(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
        )
    finally:
        await conn.close()
    return [row[0] for row in rows]


async def _backup_postgres(url: str, label: str, file: Path, say: Say) -> None:
    pg_dump = _tool("pg_dump")
    if not any(t.endswith(f".{MIGRATIONS_TABLE}") for t in await _pg_tables(url, label)):
        raise BackupError(f"{label} is not a NIC database (it was never migrated)")
    partial = _free_output(file)
    say(f"Backing up the PostgreSQL database {label} to {file} with {pg_dump} ...")
    started = time.perf_counter()
    address, environment = libpq_target(url)
    dumped = _run(
        [pg_dump, "--format=custom", "--no-password", f"--file={partial}", f"--dbname={address}"],
        environment,
    )
    if dumped.returncode != 0:
        partial.unlink(missing_ok=True)
        raise _failed("pg_dump", dumped)
    listing = _run([_tool("pg_restore"), "--list", str(partial)], environment)
    tables = len(re.findall(r" TABLE DATA ", listing.stdout))
    os.replace(partial, file)
    say(f"  dumped {tables} tables (pg_dump's custom format; restore with nic restore)")
    say(f"Backup written to {file} ({_size(file)}) in {time.perf_counter() - started:.1f} s.")


def _check_pg_backup(file: Path, pg_restore: str) -> None:
    listing = _run([pg_restore, "--list", str(file)], dict(os.environ))
    if listing.returncode != 0:
        raise BackupError(f"{file} is a damaged pg_dump archive: {listing.stderr.strip()}")
    if not re.search(rf"^\d+; \d+ \d+ TABLE \S+ {MIGRATIONS_TABLE}\b", listing.stdout, re.M):
        raise BackupError(
            f"{file} is a pg_dump archive but not a NIC backup (no {MIGRATIONS_TABLE} table)"
        )


async def _restore_postgres(url: str, label: str, file: Path, say: Say) -> None:
    pg_restore = _tool("pg_restore")
    _check_pg_backup(file, pg_restore)
    held = await _pg_tables(url, label)
    if held:
        raise _not_empty(label, held)
    say(f"Restoring {file} ({_size(file)}) into {label} with {pg_restore} ...")
    started = time.perf_counter()
    address, environment = libpq_target(url)
    restored = _run(
        [
            pg_restore,
            "--single-transaction",  # all or nothing
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "--no-password",
            f"--dbname={address}",
            str(file),
        ],
        environment,
    )
    if restored.returncode != 0:
        raise _failed("pg_restore", restored, " (one transaction: nothing was restored)")
    say(f"  restored {len(await _pg_tables(url, label))} tables")
    say(f"Restored in {time.perf_counter() - started:.1f} s.")


# --- both -------------------------------------------------------------------------------


def _not_empty(label: str, tables: list[str]) -> BackupError:
    shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
    return BackupError(
        f"{label} is not empty ({len(tables)} tables: {shown}): nic restore fills an empty "
        "database only and changed nothing. Point NIC_DATABASE_URL at a new SQLite file or an "
        "empty PostgreSQL database (createdb NAME), or move this one away first"
    )


def backup_kind(file: Path) -> str:
    """``sqlite`` or ``postgres``: the kind of database a backup file holds, from its first
    bytes; a clear error for anything else (a community file, a plain SQL dump)."""
    if not file.is_file():
        raise BackupError(f"{file} does not exist")
    with file.open("rb") as stream:
        head = stream.read(256)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgres"
    hint = ""
    if any(mark in head for mark in (b"nic-community", b"community:", b'"community"')):
        hint = " It looks like a community file: load it with nic load FILE."
    elif b"PostgreSQL database dump" in head:
        hint = " It looks like a plain SQL dump: restore it with psql."
    raise BackupError(
        f"{file} is not a NIC backup: it is neither a SQLite database nor a pg_dump archive "
        f"(nic backup writes one or the other).{hint}"
    )


async def backup(url: str, label: str, file: Path, say: Say) -> None:
    """Write a consistent snapshot of the database at ``url`` (``label`` names it without
    its password) to the new file ``file``."""
    if url.startswith("sqlite://"):
        _backup_sqlite(url, file, say)
    else:
        await _backup_postgres(url, label, file, say)


async def restore(url: str, label: str, file: Path, say: Say) -> None:
    """Fill the empty database at ``url`` from the backup ``file``; refuse a database that
    holds tables, a file that is not a backup, or a backup of the other database kind."""
    kind = backup_kind(file)
    site = "sqlite" if url.startswith("sqlite://") else "postgres"
    if kind != site:
        names = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
        raise BackupError(
            f"{file} is a {names[kind]} backup and the site's database is {names[site]}: "
            f"restore it into a {names[kind]} database, or move communities across with "
            "nic export and nic load"
        )
    if kind == "sqlite":
        _restore_sqlite(url, file, say)
    else:
        await _restore_postgres(url, label, file, say)
