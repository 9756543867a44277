"""The queue of analyses waiting for a worker, on either engine.

Web processes ask for a result (:meth:`FlowQueue.enqueue`), workers take one job at a
time (:meth:`FlowQueue.claim`) and end it (:meth:`FlowQueue.finish`) or give it back for
another attempt (:meth:`FlowQueue.release`). There is one job per community, analysis
and parameters, however many ask; a job asked for with a delay (the standing analyses
after a write) waits that long, so a burst of writes costs one run.

- On SQLite the queue is our ``flow_job`` table (:class:`TableQueue`): one machine, the
  embedded worker.
- On PostgreSQL it is procrastinate's (:mod:`communities.flow.durable`): durable, shared
  by workers on any number of machines, its schema applied by ``nic migrate``.

Open a queue with :func:`opened_queue` (a worker keeps one open for its life).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from communities.flow.models import FlowJob
from core.db import is_postgres
from core.settings import Settings

LEASE = timedelta(minutes=10)
"""A job taken this long ago by a worker that has not finished it nor been heard from is
given to another (its own died)."""


@dataclass(frozen=True)
class QueuedJob:
    """One claimed job: what to compute, and which attempt this is (1 for the first)."""

    ref: int
    community_id: int
    analysis: str
    params: str
    attempt: int


class FlowQueue(Protocol):
    """What the web and the workers ask of a queue, whatever keeps it."""

    lease: timedelta
    """How long a worker may hold a job without being heard from."""

    async def enqueue(
        self, community_id: int, analysis: str, key: str, *, delay: float = 0
    ) -> None: ...

    async def claim(self, worker: str) -> QueuedJob | None: ...

    async def finish(self, job: QueuedJob) -> None: ...

    async def release(self, job: QueuedJob) -> None: ...

    async def waiting(self, community_ids: list[int]) -> list[dict[str, Any]]: ...

    async def close(self) -> None: ...


def _now() -> datetime:
    return datetime.now(UTC)


class TableQueue:
    """The queue as rows of ``flow_job``; a claim is a compare-and-set on the row."""

    def __init__(self) -> None:
        self.lease = LEASE

    async def enqueue(
        self, community_id: int, analysis: str, key: str, *, delay: float = 0
    ) -> None:
        at = _now()
        with suppress(IntegrityError):  # already queued
            await FlowJob.create(
                community_id=community_id,
                analysis=analysis,
                params=key,
                requested_at=at,
                not_before=at + timedelta(seconds=delay),
            )

    async def claim(self, worker: str) -> QueuedJob | None:
        at = _now()
        due = (
            FlowJob.filter(not_before__lte=at)
            .filter(Q(claimed_at=None) | Q(claimed_at__lt=at - self.lease))
            .order_by("not_before", "id")
            .limit(5)
        )
        for job in await due:
            taken = FlowJob.filter(id=job.id)
            taken = (
                taken.filter(claimed_at=None)
                if job.claimed_at is None
                else taken.filter(claimed_at=job.claimed_at)
            )
            if await taken.update(claimed_at=at, claimed_by=worker, attempts=F("attempts") + 1):
                cid: int = job.community_id  # type: ignore[attr-defined]
                return QueuedJob(job.id, cid, job.analysis, job.params, job.attempts + 1)
        return None

    async def finish(self, job: QueuedJob) -> None:
        await FlowJob.filter(id=job.ref).delete()

    async def release(self, job: QueuedJob) -> None:
        await FlowJob.filter(id=job.ref).update(claimed_at=None)

    async def waiting(self, community_ids: list[int]) -> list[dict[str, Any]]:
        return list(
            await FlowJob.filter(community_id__in=community_ids)
            .order_by("not_before")
            .values("community_id", "analysis", "params", "claimed_by", "attempts", "requested_at")
        )

    async def close(self) -> None:
        return None


async def open_queue(settings: Settings) -> FlowQueue:
    """The site's queue, open until :meth:`FlowQueue.close`: procrastinate's on
    PostgreSQL, else ours."""
    if not is_postgres(settings.database_url):
        return TableQueue()
    from communities.flow.durable import DurableQueue

    return await DurableQueue.open(settings.database_url)


@asynccontextmanager
async def opened_queue(settings: Settings) -> AsyncIterator[FlowQueue]:
    """:func:`open_queue` for the block."""
    queue = await open_queue(settings)
    try:
        yield queue
    finally:
        await queue.close()
