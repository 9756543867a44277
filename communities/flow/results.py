"""Stored knowledge-flow results: read them, and ask a worker for missing or stale ones.

Every web process, on every machine, reads the same rows (:class:`FlowResult`), so an
analysis is computed once per community change, not once per process. A result
computed at an older change counter is still answered, marked ``stale``, while a
worker computes the new one; with no result at all a request waits a moment and
otherwise answers "still computing" (:class:`core.errors.StillComputing`, 202). No
graph is built and no analysis runs here: the event loop stays free.

With ``NIC_WORKER=inline`` (tests, scripts) the asking process computes the result
itself and stores it, then reads it back like any other.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from communities.flow.analyses import Params, analyses_of
from communities.flow.models import FlowResult
from communities.flow.queue import opened_queue
from communities.kept import community_stamp
from communities.services.base import community_id_for_slug
from core.context import ServiceContext
from core.errors import ComputationFailed, InvalidInput, NotFound, StillComputing
from core.plugins import PluginHost
from core.worker import computes_inline

MAX_PARAMS_LENGTH = 400
"""The longest parameters a result may have, as canonical JSON (the column's length)."""
POLL_SECONDS = 0.05
"""How often a waiting request looks for its result."""
RETRY_AFTER = 2
"""The ``Retry-After`` of a 202: about how long a small community's analyses take."""
WAIT_SECONDS = 3.0
"""How long a request for a result outside the standing set (a trace, a date in the
past) waits for a worker before it answers "still computing"."""


@dataclass(frozen=True)
class StoredResult:
    """An analysis's answer with when it was computed and whether the community has
    changed since (``stale``)."""

    payload: Any
    computed_at: datetime
    as_of_counter: int
    stale: bool

    def meta(self) -> dict[str, Any]:
        return {
            "computed_at": self.computed_at.isoformat(),
            "as_of_counter": self.as_of_counter,
            "stale": self.stale,
        }


def params_key(params: Params) -> str:
    """Parameters as canonical JSON: one text per set of parameters."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)


def now() -> datetime:
    return datetime.now(UTC)


async def current_counter(community_id: int) -> int:
    stamp = await community_stamp(community_id)
    if stamp is None:
        raise NotFound("no such community")
    return stamp.change_counter


async def ask_worker(plugins: PluginHost, community_id: int, analysis: str, key: str) -> None:
    """Queue this result for the workers (one job however many ask)."""
    async with opened_queue(plugins.settings) as queue:
        await queue.enqueue(community_id, analysis, key)


async def _row(community_id: int, analysis: str, key: str, version: int) -> FlowResult | None:
    """The stored result, unless another version of the analysis computed it (its answer
    may not fit what asks for it now)."""
    row = await FlowResult.get_or_none(community_id=community_id, analysis=analysis, params=key)
    return row if row is not None and row.version == version else None


def _answer(row: FlowResult, counter: int) -> StoredResult:
    if row.error is not None:
        failure = json.loads(row.error)
        if failure.get("status") == InvalidInput.status:
            raise InvalidInput(failure["message"], failure.get("fields"))
        raise ComputationFailed(
            f"the {row.analysis} analysis of this community failed; the site's admins can see why"
        )
    return StoredResult(
        payload=json.loads(row.payload or "null"),
        computed_at=row.computed_at,
        as_of_counter=row.counter,
        stale=row.counter < counter or row.incomplete,
    )


async def readable_result(
    ctx: ServiceContext, slug: str, analysis: str, params: Params, *, action: str = "read"
) -> StoredResult:
    """:func:`stored_result` of the community ``slug``, once the actor may ``action`` in it
    (the API's flow operations and the explorer's trace ask through this)."""
    community_id = await community_id_for_slug(slug, ctx)
    await ctx.authorize(action, community_id=community_id)
    return await stored_result(ctx.plugins, community_id, analysis, params)


async def stored_result(
    plugins: PluginHost,
    community_id: int,
    analysis: str,
    params: Params,
    *,
    wait: float | None = None,
) -> StoredResult:
    """The stored answer of ``analysis`` for ``params``: current, or stale while a worker
    recomputes it; with none stored, wait up to ``wait`` seconds for a worker to store it,
    then raise :class:`StillComputing`. By default the standing analyses (recomputed
    after every change) do not wait and others wait :data:`WAIT_SECONDS`. A failure
    stored at the current counter raises again (:class:`InvalidInput` for a parameter
    the graph refuses, else :class:`ComputationFailed`) until the community changes."""
    known = analyses_of(plugins)
    if analysis not in known:
        raise LookupError(f"no analysis named {analysis!r}")
    key = params_key(params)
    if len(key) > MAX_PARAMS_LENGTH:
        longest = max(params, key=lambda name: len(params_key({name: params[name]})))
        raise InvalidInput.field(longest, "is too long")
    standing = key in {params_key(p) for p in known[analysis].standing()}
    if wait is None:
        wait = 0.0 if standing else WAIT_SECONDS
    counter = await current_counter(community_id)
    version = known[analysis].version
    row = await _row(community_id, analysis, key, version)
    if row is not None and row.counter >= counter and not row.incomplete:
        return _answer(row, counter)
    if computes_inline(plugins.settings):
        from communities.flow.worker import compute

        await compute(plugins, community_id, analysis, key)
        return _answer(
            await FlowResult.get(community_id=community_id, analysis=analysis, params=key), counter
        )
    if not standing:  # the workers queue standing results themselves after a change
        await ask_worker(plugins, community_id, analysis, key)
    if row is not None and row.error is None:
        return _answer(row, counter)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while loop.time() < deadline:
        await asyncio.sleep(POLL_SECONDS)
        row = await _row(community_id, analysis, key, version)
        if row is not None and (row.error is None or row.counter >= counter):
            return _answer(row, counter)
    raise StillComputing(
        f"the {analysis} analysis of this community is being computed: ask again shortly",
        retry_after=RETRY_AFTER,
    )
