"""The suite's guard on the change-counter rule can fail (``tests/write_guard.py``)."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from communities.changes import bump, community_write
from communities.models import Aim, Community
from tests import write_guard


async def _community() -> int:
    community = await Community.create(slug="guarded", name="Guarded")
    return community.id


async def test_a_write_outside_community_write_is_caught(app: Any) -> None:
    cid = await _community()
    with write_guard.judging_tests() as seen:
        await Aim.create(community_id=cid, title="Unguarded")
        async with in_transaction():
            await Aim.filter(community_id=cid).update(title="Still unguarded")
        await connections.get("default").execute_query(
            'DELETE FROM "aim" WHERE "community_id" = ' + str(cid)
        )
    assert [v.table for v in seen] == ["aim", "aim", "aim"]
    assert "test_write_guard.py" in seen[0].stack
    assert write_guard.violations == []  # taken out of this test's own


async def test_a_counter_raised_elsewhere_does_not_count(app: Any) -> None:
    cid = await _community()
    with write_guard.judging_tests() as seen:
        await bump(cid)  # its own autocommit statement
        await Aim.create(community_id=cid, title="After")
        async with in_transaction():
            await bump(cid)
        async with in_transaction():
            await Aim.create(community_id=cid, title="Next transaction")
    assert [v.table for v in seen] == ["aim", "aim"]


async def test_writes_in_community_write_pass(app: Any) -> None:
    cid = await _community()
    with write_guard.judging_tests() as seen:
        async with community_write(cid) as connection:
            aim = await Aim.create(community_id=cid, title="Guarded")
            async with in_transaction():  # a savepoint of the raised transaction
                await Aim.filter(id=aim.id).update(title="Renamed")
            await Aim.filter(id=aim.id).using_db(connection).delete()
        async with in_transaction():
            await bump(cid)
            await Community.filter(id=cid).update(name="Renamed too")
    assert seen == []


async def test_kernel_tables_and_test_setup_are_not_judged(app: Any) -> None:
    cid = await _community()
    await Aim.create(community_id=cid, title="Set up by the test")
    with write_guard.judging_tests() as seen:
        from core.models import SignInAttempt

        await SignInAttempt.all().delete()
    assert seen == []
    assert write_guard.violations == []


def test_a_violation_fails_the_test() -> None:
    """The conftest's fixture calls :func:`write_guard.check` after every test."""
    write_guard.violations.append(write_guard.Violation("aim", "UPDATE aim", "stack"))
    with pytest.raises(pytest.fail.Exception, match="outside community_write"):
        write_guard.check()
    assert write_guard.violations == []
