"""Analyses off the request path: stored results, stale answers, 202, the worker's queue.

These tests serve the app as a site with ``NIC_WORKER=external`` would (the session app
computes in the request instead): requests only read stored results and queue work,
and the test runs the worker's steps itself, as ``nic worker --once`` does.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from tortoise import Tortoise

from communities.changes import change_counter
from communities.flow import worker as flow_worker
from communities.flow.analyses import ANALYSES, Analysis
from communities.flow.queue import open_queue, opened_queue
from communities.flow.results import params_key
from communities.flow.worker import FLOW_TASK
from core.app import create_app
from core.db import is_postgres
from core.settings import Settings
from core.testing import BASE_URL, TEST_SECRET, Api, make_api_user
from core.worker import WorkerContext, run_steps

FLOW = "/communities/cedar-valley/flow"


@pytest.fixture
def queued_app(app: Starlette, settings: Settings) -> Starlette:
    """The site as web processes with workers elsewhere serve it (the session app keeps
    the ORM open)."""
    site = Settings(database_url=settings.database_url, secret_key=TEST_SECRET, worker="external")
    return create_app(site, autoload=False)


@pytest.fixture
async def api(queued_app: Starlette, cedar: dict[str, Any]) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=queued_app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield await make_api_user(client, "researcher@example.org", admin=True)


async def work_off(app: Starlette) -> int:
    """Run the worker until nothing is queued (``nic worker --once``); the steps done."""
    context = WorkerContext(app.state.plugins, "test-worker", once=True)
    return await run_steps([FLOW_TASK], context, asyncio.Event(), once=True)


async def worker_soon(app: Starlette, delay: float = 0.2) -> None:
    """A worker that starts a moment after the request that waits for it."""
    await asyncio.sleep(delay)
    await work_off(app)


async def post_cycle(api: Api, cedar: dict[str, Any]) -> None:
    team = cedar["teams"]["North SIDT"]
    await api.ok(
        "POST",
        "/cycles",
        {"team_id": team, "title": "A new huddle", "plan_objective": "Try it with two advisors."},
        status=201,
    )


async def test_no_result_yet_answers_202_then_the_worker_stores_it(api, queued_app, cedar):
    response = await api.client.get("/api/v1" + FLOW + "/brokers", headers=api.headers)
    assert response.status_code == 202, response.text
    assert response.headers["retry-after"] == "2"
    assert response.json()["error"]["code"] == "computing"

    assert await work_off(queued_app) >= len(ANALYSES) - 6  # every standing analysis
    brokers = await api.ok("GET", FLOW + "/brokers?limit=3")
    counter = await change_counter(cedar["community_id"])
    assert brokers["stale"] is False and brokers["as_of_counter"] == counter
    assert len(brokers["items"]) == 3 and brokers["items"][0]["label"]
    # One stored ranking serves every limit.
    assert (await api.ok("GET", FLOW + "/brokers?limit=1"))["items"] == brokers["items"][:1]


async def test_after_a_write_the_last_result_is_served_stale_until_recomputed(
    api, queued_app, cedar
):
    await work_off(queued_app)
    before = await api.ok("GET", FLOW)
    await post_cycle(api, cedar)

    stale = await api.ok("GET", FLOW)
    assert stale["stale"] is True
    assert stale["as_of_counter"] == before["as_of_counter"]
    assert stale["nodes"] == before["nodes"]  # the last result, as it was

    await work_off(queued_app)
    fresh = await api.ok("GET", FLOW)
    assert fresh["stale"] is False and fresh["as_of_counter"] > before["as_of_counter"]
    assert fresh["nodes"]["cycle"] == before["nodes"]["cycle"] + 1


async def test_many_requests_queue_one_job_per_analysis_and_parameters(api, queued_app, cedar):
    await work_off(queued_app)
    await post_cycle(api, cedar)
    for _ in range(5):
        assert (await api.ok("GET", FLOW + "/main-path"))["stale"] is True
    # One job for the main path (and one for each other standing analysis), not five.
    steps = await work_off(queued_app)
    standing = sum(len(a.standing()) for a in ANALYSES.values())
    assert steps == standing


async def test_a_parameterised_analysis_waits_for_the_worker(api, queued_app, cedar):
    """A trace is no standing analysis: the request waits while a worker computes it."""
    cycle = f"cycle:{cedar['cycles']['Huddle with three advisors']}"

    running = asyncio.ensure_future(worker_soon(queued_app, 0.3))
    trace = await api.ok("GET", FLOW + f"/downstream?node={cycle}")
    await running
    assert trace["origin"] == cycle and trace["stale"] is False


async def test_a_parameter_the_graph_refuses_is_a_422_from_the_worker(api, queued_app, cedar):
    running = asyncio.ensure_future(worker_soon(queued_app, 0.2))
    status, body = await api.get(FLOW + "/downstream", node="cycle:999999")
    await running
    assert status == 422, body
    assert "not in this community's graph" in body["error"]["fields"]["node"]


async def test_a_failing_analysis_is_a_503_and_the_others_are_served(
    api, queued_app, cedar, monkeypatch, caplog
):
    async def broken(graph_at: Any, params: Any) -> Any:
        raise RuntimeError("the main path cannot be found")

    monkeypatch.setitem(
        ANALYSES, "main_path", Analysis("main_path", broken, ANALYSES["main_path"].standing)
    )
    await work_off(queued_app)
    status, body = await api.get(FLOW + "/main-path")
    assert status == 503 and body["error"]["code"] == "computation_failed", body
    assert "admins" in body["error"]["message"]
    assert "main path cannot be found" not in str(body)  # the reason is for admins only
    assert f"community {cedar['community_id']}" in caplog.text
    assert (await api.ok("GET", FLOW + "/team-flow"))["stale"] is False


def summary_key() -> str:
    return params_key(ANALYSES["summary"].standing()[0])


async def test_a_job_whose_worker_died_is_taken_again(api, queued_app, cedar):
    """Two workers on one queue (our table on SQLite, procrastinate's on PostgreSQL):
    the job of the one that stops mid-analysis goes to the other once the lease ends."""
    settings = queued_app.state.plugins.settings
    async with opened_queue(settings) as dying, opened_queue(settings) as other:
        await dying.enqueue(cedar["community_id"], "summary", summary_key())
        taken = await dying.claim("a-worker-that-dies")
        assert taken is not None and taken.attempt == 1
        # Within the lease nobody else takes it; once the lease is over, another worker does.
        assert await other.claim("another-worker") is None
        other.lease = timedelta(seconds=0.5)
        await asyncio.sleep(1.0)
        again = await other.claim("another-worker")
        assert again is not None and again.ref == taken.ref and again.attempt == 2
        await flow_worker.run_job(queued_app.state.plugins, other, again)
        assert await other.claim("another-worker") is None
    assert (await api.ok("GET", FLOW))["stale"] is False


async def test_the_queue_lives_in_the_sites_database_one_job_per_result(queued_app, cedar):
    """On PostgreSQL the jobs are procrastinate's, on SQLite rows of ``flow_job``; asking
    twice for one result queues one job."""
    settings = queued_app.state.plugins.settings
    async with opened_queue(settings) as queue:
        for _ in range(2):
            await queue.enqueue(cedar["community_id"], "summary", summary_key())
        await queue.enqueue(cedar["community_id"], "team_flow", summary_key())
        waiting = await queue.waiting([cedar["community_id"]])
    assert sorted(job["analysis"] for job in waiting) == ["summary", "team_flow"]
    table = "procrastinate_jobs" if is_postgres(settings.database_url) else "flow_job"
    rows = await Tortoise.get_connection("default").execute_query_dict(
        f"SELECT count(*) AS n FROM {table}"
    )
    assert rows[0]["n"] == 2


async def test_a_job_that_kills_its_workers_fails_after_three_attempts(api, queued_app, cedar):
    settings = queued_app.state.plugins.settings
    queues = [await open_queue(settings) for _ in range(flow_worker.MAX_ATTEMPTS + 1)]
    try:
        await queues[0].enqueue(cedar["community_id"], "summary", summary_key())
        for attempt, queue in enumerate(queues, 1):
            queue.lease = timedelta(seconds=0.2)
            job = await queue.claim(f"worker-{attempt}")
            assert job is not None and job.attempt == attempt
            await asyncio.sleep(0.4)  # the worker is killed: it never finishes the job
        await flow_worker.run_job(queued_app.state.plugins, queues[-1], job)
        assert await queues[-1].claim("worker-last") is None
    finally:
        for queue in queues:
            await queue.close()
    status, body = await api.get(FLOW)
    assert status == 503 and body["error"]["code"] == "computation_failed", body


async def test_the_explorer_shows_computing_then_the_stored_view(queued_app, cedar):
    from core.testing import page_clients

    async with page_clients(queued_app) as open_client:
        page = await open_client("ana.ruiz@cedar.example")
        computing = await page.get(FLOW)
        assert computing.status_code == 200
        assert "Computing the knowledge flow" in computing.text
        assert 'http-equiv="refresh"' in computing.text
        await work_off(queued_app)
        shown = await page.get(FLOW)
        assert "Computing the knowledge flow" not in shown.text
        assert "North SIDT" in shown.text and "<svg" in shown.text


async def test_parameters_too_long_to_store_are_refused_naming_the_field(api, cedar):
    status, body = await api.get(FLOW + "/downstream", node="cycle:" + "9" * 500)
    assert status == 422 and body["error"]["fields"] == {"node": "is too long"}, body


async def test_a_plugins_analysis_runs_in_the_worker_too(queued_app, cedar):
    """The convenings plugin drafts an agenda from the graph through its own analysis
    (``nic_flow_analyses``): drafting waits for the worker instead of building a graph."""
    from datetime import date

    from core.context import Actor, ServiceContext
    from plugins.convenings.agenda import graph_items

    ctx = ServiceContext(Actor.system(), queued_app.state.plugins)

    running = asyncio.ensure_future(worker_soon(queued_app, 0.3))
    items = await graph_items(ctx, cedar["community_id"], None, date(2025, 6, 30))
    await running
    assert items and {item.source for item in items} == {"convenings"}
    assert all(isinstance(item.refs, tuple) for item in items)


async def test_results_asked_once_are_pruned_after_a_week_and_standing_ones_stay(
    api, queued_app, cedar
):
    from datetime import UTC, datetime, timedelta

    from communities.flow.models import FlowResult
    from communities.flow.worker import prune_results

    cycle = f"cycle:{cedar['cycles']['Huddle with three advisors']}"

    running = asyncio.ensure_future(worker_soon(queued_app, 0.2))
    await api.ok("GET", FLOW + f"/upstream?node={cycle}")
    await running
    # Every result was computed eight days ago (set up as the database would hold them).
    await FlowResult.all().update(computed_at=datetime.now(UTC) - timedelta(days=8))
    standing = await FlowResult.filter(analysis="team_flow").count()

    assert await prune_results(queued_app.state.plugins) >= 1
    assert not await FlowResult.filter(analysis="upstream").exists()
    assert await FlowResult.filter(analysis="team_flow").count() == standing == 1


async def test_the_explorer_shows_a_stale_view_after_a_write_and_then_the_new_one(
    api, queued_app, cedar
):
    from core.testing import page_clients

    await work_off(queued_app)
    async with page_clients(queued_app) as open_client:
        page = await open_client("ana.ruiz@cedar.example")
        assert "flow-stale" not in (await page.get(FLOW)).text  # current, and now kept
        await post_cycle(api, cedar)
        stale = (await page.get(FLOW)).text
        assert "flow-stale" in stale and "the community has changed since" in stale
        await work_off(queued_app)
        # The stale view was not kept: the next view is the worker's new one.
        assert "flow-stale" not in (await page.get(FLOW)).text
