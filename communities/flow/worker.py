"""The knowledge-flow worker: computes queued analyses and stores their results.

One step (:func:`flow_step`, the ``flow`` background task of ``nic worker``) first
queues the standing analyses of every community that changed since they were computed
(after a short pause, so a burst of writes costs one recompute), then claims the
oldest due job and runs it. Once an hour it deletes results nobody asked again for a
week (:func:`prune_results`). The queue (:mod:`communities.flow.queue`: our table on
SQLite, procrastinate's on PostgreSQL) gives each job to one worker, on any number of
machines; the job of a worker killed mid-analysis is taken again after the lease, up
to :data:`MAX_ATTEMPTS` times. A result is written in one statement after its analysis
finished: no half result is ever served.
"""

from __future__ import annotations

import json
import logging
import time
from contextlib import suppress
from datetime import timedelta
from typing import Any, cast

from tortoise.exceptions import IntegrityError

from communities.flow.analyses import Params, analyses_of
from communities.flow.cache import community_graph
from communities.flow.models import FlowResult
from communities.flow.queue import FlowQueue, QueuedJob, open_queue
from communities.flow.results import current_counter, now, params_key
from communities.models import Community
from core.errors import InvalidInput, NotFound
from core.plugins import PluginHost
from core.worker import BackgroundTask, WorkerContext

logger = logging.getLogger("nic.flow.worker")

DEBOUNCE_SECONDS = 2.0
"""A changed community's standing analyses wait this long, so a burst of writes is one job."""
MAX_ATTEMPTS = 3
"""After this many claims that never finished, the job's failure is stored."""
RECONCILE_EVERY = 1.0
"""Seconds between two looks for changed communities."""
KEEP_ASKED = timedelta(days=7)
"""Results outside the standing set (traces, filtered views, past dates) are kept this long."""
PRUNE_EVERY = 3600.0
"""Seconds between two prunings of old results."""


async def compute(plugins: PluginHost, community_id: int, analysis: str, key: str) -> None:
    """Run one analysis and store its answer (or why it failed) with the counter the
    graph was read at."""
    counter = await current_counter(community_id)
    params: Params = json.loads(key)
    started = time.perf_counter()
    payload: str | None = None
    error: str | None = None
    incomplete = False

    async def graph_at(as_of: Any) -> Any:
        nonlocal incomplete
        graph = await community_graph(plugins, [community_id], as_of)
        incomplete = incomplete or bool(graph.graph.get("incomplete"))
        return graph

    known = analyses_of(plugins)[analysis]
    try:
        payload = json.dumps(await known.run(graph_at, params))
    except InvalidInput as exc:
        error = json.dumps({"status": exc.status, "message": exc.message, "fields": exc.fields})
    seconds = time.perf_counter() - started
    await store(
        community_id, analysis, key, counter, seconds, payload, error, incomplete, known.version
    )


async def store(
    community_id: int,
    analysis: str,
    key: str,
    counter: int,
    seconds: float,
    payload: str | None,
    error: str | None,
    incomplete: bool = False,
    version: int = 1,
) -> None:
    """Write a result unless a newer one is already stored."""
    values: dict[str, Any] = {"counter": counter, "computed_at": now(), "seconds": seconds}
    values |= {"payload": payload, "error": error, "incomplete": incomplete, "version": version}
    where: dict[str, Any] = {"community_id": community_id, "analysis": analysis, "params": key}
    if await FlowResult.filter(**where, counter__lte=counter).update(**values):
        return
    with suppress(IntegrityError):  # a newer result was stored meanwhile
        await FlowResult.create(**where, **values)


async def queue_standing(
    plugins: PluginHost, queue: FlowQueue, delay: float = DEBOUNCE_SECONDS
) -> int:
    """Queue, due in ``delay`` seconds, the standing analyses of every community whose
    stored ones are older than its counter (or missing); return how many were queued."""
    counters = dict(await Community.all().values_list("id", "change_counter"))
    if not counters:
        return 0
    known = analyses_of(plugins)
    stored = {
        (row[0], row[1], row[2]): row[3]
        for row in await FlowResult.filter(error=None, incomplete=False).values_list(
            "community_id", "analysis", "params", "counter", "version"
        )
        if row[1] in known and row[4] == known[row[1]].version
    }
    queued = 0
    for community_id, counter in counters.items():
        for analysis in known.values():
            for params in analysis.standing():
                key = params_key(params)
                if stored.get((community_id, analysis.name, key), -1) < counter:
                    await queue.enqueue(community_id, analysis.name, key, delay=delay)
                    queued += 1
    return queued


async def prune_results(plugins: PluginHost) -> int:
    """Delete results outside the standing set computed more than :data:`KEEP_ASKED` ago
    (a trace asked for once); return how many. Standing results stay, however old."""
    standing = {
        (analysis.name, params_key(params))
        for analysis in analyses_of(plugins).values()
        for params in analysis.standing()
    }
    old = await FlowResult.filter(computed_at__lt=now() - KEEP_ASKED).values_list(
        "id", "analysis", "params"
    )
    gone = [row[0] for row in old if (row[1], row[2]) not in standing]
    if gone:
        await FlowResult.filter(id__in=gone).delete()
    return len(gone)


async def run_job(plugins: PluginHost, queue: FlowQueue, job: QueuedJob) -> None:
    """Run a claimed job; a failure is logged with its community, and stored for admins
    once the job has failed :data:`MAX_ATTEMPTS` times (else it is tried again). A job
    whose workers died that many times (killed mid-analysis) fails without a new try."""
    cid = job.community_id
    if job.attempt > MAX_ATTEMPTS:
        failure = f"its worker stopped without finishing {MAX_ATTEMPTS} times"
        logger.error("flow analysis %s of community %s: %s", job.analysis, cid, failure)
        await _store_failure(job, failure)
        await queue.finish(job)
        return
    try:
        await compute(plugins, cid, job.analysis, job.params)
    except NotFound:
        pass  # the community was deleted
    except Exception as exc:
        logger.exception("flow analysis %s of community %s failed", job.analysis, cid)
        if job.attempt < MAX_ATTEMPTS:
            await queue.release(job)
            return
        await _store_failure(job, f"{type(exc).__name__}: {exc}")
    await queue.finish(job)


async def _store_failure(job: QueuedJob, message: str) -> None:
    failure = json.dumps({"status": 500, "message": message})
    counter = await _counter_or(job.community_id)
    await store(job.community_id, job.analysis, job.params, counter, 0.0, None, failure)


async def _counter_or(community_id: int) -> int:
    try:
        return await current_counter(community_id)
    except NotFound:
        return 0


async def _queue(context: WorkerContext) -> FlowQueue:
    """The queue this worker keeps open for its life (closed by :func:`close_queue`)."""
    queue = context.state.get("flow_queue")
    if queue is None:
        queue = context.state["flow_queue"] = await open_queue(context.plugins.settings)
    return cast(FlowQueue, queue)


async def flow_step(context: WorkerContext) -> bool:
    """One step of the ``flow`` task: queue what changed, then run one due job."""
    queue = await _queue(context)
    last = context.state.get("flow_reconciled")
    if last is None or (not context.once and time.monotonic() - last >= RECONCILE_EVERY):
        context.state["flow_reconciled"] = time.monotonic()
        await queue_standing(context.plugins, queue, 0 if context.once else DEBOUNCE_SECONDS)
    pruned = context.state.get("flow_pruned")
    if pruned is None or time.monotonic() - pruned >= PRUNE_EVERY:
        context.state["flow_pruned"] = time.monotonic()
        await prune_results(context.plugins)
    job = await queue.claim(context.name)
    if job is None:
        return False
    await run_job(context.plugins, queue, job)
    return True


async def close_queue(context: WorkerContext) -> None:
    """The ``flow`` task's end: close the queue the worker kept open."""
    queue = context.state.pop("flow_queue", None)
    if queue is not None:
        await queue.close()


FLOW_TASK = BackgroundTask("flow", flow_step, close_queue)
