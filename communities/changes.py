"""Keeps each community's change counter: every write to a community's data raises it.

Anything derived from a community (the knowledge-flow graph, rendered pages,
reports) can cache by ``(community_id, change_counter)`` and stay correct when
several app processes share one database.

Every write service runs its writes inside ``async with community_write(id):``,
which opens the write's one transaction and raises the counter in it, so the
counter moves exactly when the write commits (and not at all when it fails or
rolls back). The counter is raised first, before the write's own statements:
every write to a community then locks that community's row first, always in
the same order. Plugins that write a community's data without the domain
services call :func:`bump` inside their own transaction (or use
:func:`community_write`).

A page that reads its community's row reads the counter with it and notes it for the
rest of the request (:func:`note_counter`); what keeps data under the counter
(:func:`communities.kept.remembered`, the plugin switches) then reuses the
note instead of reading the counter again. A write in the same request drops the note.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from communities.models import Community
from core.request_memory import request_memo

Counter = tuple[datetime, int]
"""A community's creation time and change counter: together they name one state of it
(the creation time tells a community apart from a deleted one whose id it reuses)."""


async def bump(community_id: int | None) -> None:
    """Raise a community's change counter by one (in the current transaction, if any)."""
    if community_id is not None:
        memo = request_memo()
        if memo is not None:
            memo.pop(("community_counter", int(community_id)), None)
        await Community.filter(id=community_id).update(change_counter=F("change_counter") + 1)


def note_counter(community_id: int, created_at: datetime, change_counter: int) -> None:
    """Note, for the rest of this web request, the counter just read with the community."""
    memo = request_memo()
    if memo is not None:
        memo[("community_counter", int(community_id))] = (created_at, int(change_counter))


def noted_counter(community_id: int) -> Counter | None:
    """The counter this request noted for the community, if it noted one."""
    memo = request_memo()
    found = memo.get(("community_counter", int(community_id))) if memo is not None else None
    return cast(Counter | None, found)


async def change_counter(community_id: int) -> int:
    rows = await Community.filter(id=community_id).values_list("change_counter", flat=True)
    return int(cast(Any, rows[0])) if rows else 0


@asynccontextmanager
async def community_write(community_id: int) -> AsyncIterator[BaseDBAsyncClient]:
    """One transaction for a write to ``community_id``'s data, raising its change counter.

    Nested inside another transaction it becomes a savepoint of that transaction,
    as ``in_transaction()`` does.
    """
    async with in_transaction() as connection:
        await bump(community_id)
        yield connection
