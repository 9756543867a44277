"""The knowledge-flow queue on PostgreSQL, kept by procrastinate.

Jobs live in procrastinate's tables (applied by ``nic migrate``, migration 0006), so a
queued analysis survives a restart of every process, and workers on any machine that
reaches the database share them: procrastinate hands each job to one worker
(``SELECT ... FOR UPDATE SKIP LOCKED``), keeps one job waiting per community, analysis
and parameters (its *queueing lock*), and never runs two of them at once (its *lock*).

Our worker loop takes the jobs itself through procrastinate's job manager (the steps of
``nic worker`` run every plugin's background tasks in one process). A worker registers
with procrastinate and beats its heart at every claim; the jobs of a worker not heard
from within the lease are given back to the queue for another attempt.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from procrastinate import App, PsycopgConnector
from procrastinate.exceptions import AlreadyEnqueued, UniqueViolation
from procrastinate.jobs import Job, Status

from communities.flow.queue import LEASE, QueuedJob

QUEUE_NAME = "nic_flow"
TASK_NAME = "nic_flow_analysis"
POOL_SIZE = 2
"""Connections a process keeps to procrastinate (beside the ORM's): a claim and a defer."""


def libpq_address(database_url: str) -> str:
    """The site's database URL as libpq reads it: Tortoise's schemes (``asyncpg://``)
    and options (``?minsize=``) are its own, not libpq's, so they are replaced or left out."""
    parts = urlsplit(database_url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


def _lock(community_id: int, analysis: str, key: str) -> str:
    return f"{QUEUE_NAME}:{community_id}:{analysis}:{key}"


class DurableQueue:
    """:class:`communities.flow.queue.FlowQueue` over procrastinate's job manager."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.worker_id: int | None = None
        self.lease = LEASE

    @classmethod
    async def open(cls, database_url: str) -> DurableQueue:
        connector = PsycopgConnector(
            conninfo=libpq_address(database_url), min_size=1, max_size=POOL_SIZE
        )
        app = App(connector=connector)
        await app.open_async()
        return cls(app)

    async def close(self) -> None:
        if self.worker_id is not None:
            await self.app.job_manager.unregister_worker(self.worker_id)
            self.worker_id = None
        await self.app.close_async()

    async def enqueue(
        self, community_id: int, analysis: str, key: str, *, delay: float = 0
    ) -> None:
        lock = _lock(community_id, analysis, key)
        job = Job(
            id=None,
            queue=QUEUE_NAME,
            task_name=TASK_NAME,
            lock=lock,
            queueing_lock=lock,
            task_kwargs={"community_id": community_id, "analysis": analysis, "params": key},
            scheduled_at=datetime.now(UTC) + timedelta(seconds=delay),
        )
        with suppress(AlreadyEnqueued):  # one job waits per community, analysis, parameters
            await self.app.job_manager.defer_job_async(job)

    async def claim(self, worker: str) -> QueuedJob | None:
        manager = self.app.job_manager
        if self.worker_id is None:
            self.worker_id = await manager.register_worker()
        else:
            await manager.update_heartbeat(self.worker_id)
        await self._give_back_stalled()
        job = await manager.fetch_job(queues=[QUEUE_NAME], worker_id=self.worker_id)
        if job is None or job.id is None:
            return None
        kwargs = job.task_kwargs
        return QueuedJob(
            ref=job.id,
            community_id=int(str(kwargs["community_id"])),
            analysis=str(kwargs["analysis"]),
            params=str(kwargs["params"]),
            attempt=job.attempts + 1,
        )

    async def _give_back_stalled(self) -> None:
        """Put back in the queue the jobs of workers silent for longer than the lease
        (killed mid-analysis); procrastinate counts the attempt."""
        manager = self.app.job_manager
        seconds = self.lease.total_seconds()
        for job in await manager.get_stalled_jobs(
            queue=QUEUE_NAME, seconds_since_heartbeat=seconds
        ):
            try:
                await manager.retry_job(job)
            except UniqueViolation:  # the same analysis was asked for again meanwhile
                await manager.finish_job(job, status=Status.FAILED, delete_job=True)
        await manager.prune_stalled_workers(seconds_since_heartbeat=seconds)

    async def finish(self, job: QueuedJob) -> None:
        await self.app.job_manager.finish_job_by_id_async(
            job_id=job.ref, status=Status.SUCCEEDED, delete_job=True
        )

    async def release(self, job: QueuedJob) -> None:
        try:
            await self.app.job_manager.retry_job_by_id_async(
                job_id=job.ref, retry_at=datetime.now(UTC)
            )
        except UniqueViolation:  # asked for again meanwhile: that job will run it
            await self.finish(job)

    async def waiting(self, community_ids: list[int]) -> list[dict[str, Any]]:
        wanted = set(community_ids)
        rows: list[dict[str, Any]] = []
        for status in (Status.DOING, Status.TODO):
            for job in await self.app.job_manager.list_jobs_async(
                queue=QUEUE_NAME, status=status.value
            ):
                kwargs = job.task_kwargs
                if kwargs.get("community_id") not in wanted:
                    continue
                rows.append(
                    {
                        "community_id": kwargs["community_id"],
                        "analysis": kwargs["analysis"],
                        "params": kwargs["params"],
                        "claimed_by": f"procrastinate worker {job.worker_id}"
                        if status is Status.DOING
                        else None,
                        "attempts": job.attempts + (status is Status.DOING),
                        "requested_at": job.scheduled_at,
                    }
                )
        return rows
