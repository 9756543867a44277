"""`nic backup` and `nic restore`, end to end on the suite's database kind: the restored site
matches table by table and its accounts sign in; a backup taken while the site is written is
one snapshot; a restore refuses what it must and then changes nothing."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from communities.cli import DEMO_PASSWORD, DEMO_USERS
from core.backup import find_pg_tool, missing_tool_message
from core.testing import sign_in
from tests.plugins.everything import serving
from tests.scratch import run_nic, scratch_database, sql

BATCH = 20


def tables(url: str) -> list[str]:
    if url.startswith("sqlite://"):
        query = (
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    else:
        query = (
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' ORDER BY table_name"
        )
    return [name for (name,) in sql(url, [], query)]


def contents(url: str) -> dict[str, list[str]]:
    """Every table's rows, in a stable order."""
    return {
        table: sorted(repr(row) for row in sql(url, [], f'SELECT * FROM "{table}"'))
        for table in tables(url)
    }


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo site, built once for the module (every plugin's data in it)."""
    folder = tmp_path_factory.mktemp("demo")
    with scratch_database(folder) as url:
        run_nic("demo", "--no-serve", "--database", url, database=url, cwd=folder)
        yield url


@pytest.fixture(scope="module")
def demo_backup(demo: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("backup")
    file = folder / "site.backup"
    done = run_nic("backup", "-o", str(file), database=demo, cwd=folder)
    assert "Backing up" in done.stdout and f"Backup written to {file}" in done.stdout
    assert " tables" in done.stdout
    return file


async def test_backup_then_restore_gives_the_same_site_and_its_accounts_sign_in(
    demo: str, demo_backup: Path, tmp_path: Path
) -> None:
    with scratch_database(tmp_path) as empty:
        done = run_nic("restore", str(demo_backup), database=empty, cwd=tmp_path)
        assert "Restoring" in done.stdout and "Restored in" in done.stdout
        assert "The database is at the latest migration." in done.stdout
        before, after = contents(demo), contents(empty)
        assert list(after) == list(before) and len(before) > 40
        assert {t: len(rows) for t, rows in after.items()} == {
            t: len(rows) for t, rows in before.items()
        }
        assert after == before
        assert len(after["convening_agenda_entry"]) > 0 and len(after["rubric"]) > 0
        # The restored site serves, and every demo account signs in with its password.
        with serving("serve", database=empty, cwd=tmp_path) as (base, _):
            for email, *_ in DEMO_USERS:
                async with httpx.AsyncClient(base_url=base) as client:
                    await sign_in(client, email, DEMO_PASSWORD)
                    home = await client.get("/")
                    assert home.status_code == 200 and "Sign out" in home.text


async def test_with_the_same_secret_key_people_stay_signed_in_after_a_restore(
    demo: str, tmp_path: Path
) -> None:
    """The secret key is in the settings, not the backup: the site restored under the same
    key takes the cookies of the site that was backed up."""
    with scratch_database(tmp_path, copy_of=demo) as site:
        with serving("serve", database=site, cwd=tmp_path) as (base, _):
            async with httpx.AsyncClient(base_url=base) as client:
                await sign_in(client, "facilitator@demo.example", DEMO_PASSWORD)
                cookies = dict(client.cookies)
        run_nic("backup", "-o", str(tmp_path / "signed-in.backup"), database=site, cwd=tmp_path)
    with scratch_database(tmp_path) as restored:
        run_nic("restore", str(tmp_path / "signed-in.backup"), database=restored, cwd=tmp_path)
        with serving("serve", database=restored, cwd=tmp_path) as (base, _):
            async with httpx.AsyncClient(base_url=base, cookies=cookies) as client:
                home = await client.get("/")
                assert home.status_code == 200 and "Sign out" in home.text


def test_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(
    demo: str, demo_backup: Path, tmp_path: Path
) -> None:
    before = contents(demo)
    refused = run_nic("restore", str(demo_backup), database=demo, cwd=tmp_path, check=False)
    assert refused.returncode == 1
    assert "is not empty (" in refused.stderr
    assert "fills an empty database only and changed nothing" in refused.stderr
    assert contents(demo) == before


def test_backup_never_overwrites_a_file(demo: str, tmp_path: Path) -> None:
    kept = tmp_path / "yesterday.backup"
    kept.write_bytes(b"yesterday's backup")
    refused = run_nic("backup", "-o", str(kept), database=demo, cwd=tmp_path, check=False)
    assert refused.returncode == 1 and "exists already" in refused.stderr
    assert kept.read_bytes() == b"yesterday's backup"
    assert not list(tmp_path.glob("*.partial"))


def test_restore_refuses_files_that_are_not_backups(demo_backup: Path, tmp_path: Path) -> None:
    community = Path(__file__).parent / "data" / "small-community.yaml"
    text = tmp_path / "notes.txt"
    text.write_text("not a backup at all\n")
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    cut = tmp_path / "cut.backup"
    data = demo_backup.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    other = tmp_path / "other-kind.backup"
    other.write_bytes(
        (b"PGDMP" if demo_backup.read_bytes().startswith(b"SQLite") else b"SQLite format 3\x00")
        + b"\x00" * 100
    )
    expected = {
        community: "is not a NIC backup: it is neither a SQLite database nor a pg_dump archive "
        "(nic backup writes one or the other). It looks like a community file: load it with "
        "nic load FILE.",
        text: "is not a NIC backup: it is neither a SQLite database nor a pg_dump archive",
        tmp_path / "missing.backup": "missing.backup does not exist",
        other: "backup and the site's database is",
        cut: "",  # a damaged SQLite file, or pg_restore failing mid-way: either way refused
    }
    if demo_backup.read_bytes().startswith(b"SQLite"):
        expected[foreign] = "is a SQLite database but not a NIC backup (no tortoise_migrations"
        expected[cut] = "is a damaged SQLite file"
    with scratch_database(tmp_path) as empty:
        for file, message in expected.items():
            refused = run_nic("restore", str(file), database=empty, cwd=tmp_path, check=False)
            assert refused.returncode == 1, file
            assert refused.stderr.startswith(f"nic: {file}") or "pg_restore failed" in (
                refused.stderr
            ), refused.stderr
            assert message in refused.stderr, refused.stderr
            assert "Traceback" not in refused.stderr
            assert tables(empty) == []  # nothing restored, not even part of the file


def _writer(url: str, stop: threading.Event, commits: list[float]) -> None:
    """Write the site while the backup runs: each transaction adds BATCH rows to both probe
    tables, so a consistent snapshot holds equal, whole batches."""

    def rows(n: int) -> list[tuple[int, int]]:
        return [(n, i) for i in range(BATCH)]

    if url.startswith("sqlite://"):
        conn = sqlite3.connect(url.removeprefix("sqlite://"), timeout=30, isolation_level=None)
        try:
            n = 0
            while not stop.is_set():
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("INSERT INTO probe_a VALUES (?, ?)", rows(n))
                conn.executemany("INSERT INTO probe_b VALUES (?, ?)", rows(n))
                conn.execute("COMMIT")
                commits.append(time.monotonic())
                n += 1
        finally:
            conn.close()
        return

    async def write() -> None:
        conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        try:
            n = 0
            while not stop.is_set():
                async with conn.transaction():
                    await conn.executemany("INSERT INTO probe_a VALUES ($1, $2)", rows(n))
                    await conn.executemany("INSERT INTO probe_b VALUES ($1, $2)", rows(n))
                commits.append(time.monotonic())
                n += 1
        finally:
            await conn.close()

    asyncio.run(write())


def test_a_backup_taken_while_the_site_is_written_is_one_snapshot(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as site, scratch_database(tmp_path) as restored:
        run_nic("migrate", database=site, cwd=tmp_path)
        create = [f"CREATE TABLE {t} (batch INTEGER, n INTEGER)" for t in ("probe_a", "probe_b")]
        sql(site, create)
        stop, commits = threading.Event(), []
        writer = threading.Thread(target=_writer, args=(site, stop, commits))
        writer.start()
        try:
            while len(commits) < 5:
                time.sleep(0.01)
            started = time.monotonic()
            run_nic("backup", "-o", str(tmp_path / "busy.backup"), database=site, cwd=tmp_path)
            ended = time.monotonic()
            time.sleep(0.2)
        finally:
            stop.set()
            writer.join()
        during = [t for t in commits if started <= t <= ended]
        assert len(during) > 5, "the site kept writing while the backup ran"
        run_nic("restore", str(tmp_path / "busy.backup"), database=restored, cwd=tmp_path)
        a = sql(restored, [], "SELECT count(*), count(DISTINCT batch) FROM probe_a")[0]
        b = sql(restored, [], "SELECT count(*), count(DISTINCT batch) FROM probe_b")[0]
        assert a == b and a[0] == a[1] * BATCH, (a, b)
        assert 5 * BATCH <= a[0] < len(commits) * BATCH


def test_an_older_backup_restores_and_nic_migrate_brings_it_up_to_date(
    demo: str, tmp_path: Path
) -> None:
    with scratch_database(tmp_path) as old, scratch_database(tmp_path) as restored:
        run_nic("migrate", "--target", "core.0004_notifications", database=old, cwd=tmp_path)
        run_nic("backup", "-o", str(tmp_path / "old.backup"), database=old, cwd=tmp_path)
        done = run_nic("restore", str(tmp_path / "old.backup"), database=restored, cwd=tmp_path)
        assert "The backup is older than this version: run nic migrate (" in done.stdout
        assert "core.0005_web_sessions" in done.stdout
        run_nic("migrate", database=restored, cwd=tmp_path)
        applied = "SELECT app, name FROM tortoise_migrations ORDER BY app, name"
        assert sql(restored, [], applied) == sql(demo, [], applied)


def test_pg_dump_is_found_on_path_or_in_the_newest_postgresql_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    folders = str(tmp_path / "postgresql" / "*" / "bin")
    assert find_pg_tool("pg_dump", folders) is None
    for version in ("9", "15", "16"):
        program = tmp_path / "postgresql" / version / "bin" / "pg_dump"
        program.parent.mkdir(parents=True)
        program.write_text("#!/bin/sh\n")
        program.chmod(0o755)
    assert find_pg_tool("pg_dump", folders) == str(tmp_path / "postgresql/16/bin/pg_dump")
    on_path = tmp_path / "on-path"
    on_path.mkdir()
    (on_path / "pg_dump").write_text("#!/bin/sh\n")
    (on_path / "pg_dump").chmod(0o755)
    monkeypatch.setenv("PATH", f"{on_path}{os.pathsep}{os.environ['PATH']}")
    assert find_pg_tool("pg_dump", folders) == str(on_path / "pg_dump")
    message = missing_tool_message("pg_dump")
    assert "pg_dump was not found on PATH nor in /usr/lib/postgresql/*/bin" in message
    assert "pg_dump --format=custom --file=FILE" in message and "pg_restore" in message


def test_the_site_url_reaches_pg_dump_without_its_password_on_the_command_line() -> None:
    from core.backup import libpq_target

    address, environment = libpq_target(
        "postgres://nic:s%40cret@db.example:5433/site?sslmode=require&maxsize=20"
    )
    assert address == "postgresql://nic@db.example:5433/site?sslmode=require"
    assert environment["PGPASSWORD"] == "s@cret"
