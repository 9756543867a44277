"""Deleting a node removes its learning links; numbers are not guessed from other types."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from communities.exchange import load_community, read_document
from core.context import Actor, ServiceContext

SMALL = Path(__file__).parent / "data" / "small-community.yaml"


@pytest.fixture
async def small(app: Any) -> dict[str, int]:
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    return await load_community(ctx, read_document(SMALL), str(SMALL))


async def _cycle(admin, title: str) -> dict[str, Any]:
    items = (await admin.get("/cycles", per_page=50))[1]["items"]
    return next(c for c in items if c["title"] == title)


async def test_deleting_a_cycle_removes_its_links(admin, small) -> None:
    ramp = await _cycle(admin, "Huddle with all grade 9 advisors")
    node = f"cycle:{ramp['id']}"
    assert (await admin.get("/links", node=node))[1]["total"] == 2
    await admin.ok("DELETE", f"/cycles/{ramp['id']}", status=204)
    assert (await admin.get("/links", node=node))[1]["total"] == 0
    assert (await admin.get("/links"))[1]["total"] == 2


async def test_deleting_an_artifact_removes_links_to_its_versions(admin, small) -> None:
    artifacts = (await admin.get("/artifacts"))[1]["items"]
    protocol = next(a for a in artifacts if a["title"] == "Advisory huddle protocol")
    version = (await admin.get("/artifact-versions", artifact=protocol["id"]))[1]["items"][0]
    node = f"artifact_version:{version['id']}"
    assert (await admin.get("/links", node=node))[1]["total"] == 2
    await admin.ok("DELETE", f"/artifacts/{protocol['id']}", status=204)
    assert (await admin.get("/links", node=node))[1]["total"] == 0


async def test_deleting_a_team_removes_links_to_its_cycles(admin, small) -> None:
    teams = (await admin.get("/teams"))[1]["items"]
    north = next(t for t in teams if t["name"] == "North SIDT")
    await admin.ok("DELETE", f"/teams/{north['id']}", status=204)
    links = (await admin.get("/links"))[1]["items"]
    assert [link["kind"] for link in links] == ["adapted_from"]


async def test_numbers_must_be_numbers(admin, small) -> None:
    measure = (await admin.get("/measures"))[1]["items"][0]
    for value in (True, "12"):
        status, body = await admin.post(
            "/data-points", {"measure_id": measure["id"], "date": "2024-10-01", "value": value}
        )
        assert status == 422 and "value" in body["error"]["fields"], value
    cycle = await _cycle(admin, "Huddle with all grade 9 advisors")
    status, body = await admin.patch(f"/cycles/{cycle['id']}", {"version": True, "title": "X"})
    assert status == 422 and "version" in body["error"]["fields"]
    status, body = await admin.post(f"/cycles/{cycle['id']}/advance", {"version": "1"})
    assert status == 422 and "version" in body["error"]["fields"]
    assert (await _cycle(admin, "Huddle with all grade 9 advisors"))["version"] == cycle["version"]


async def test_every_domain_event_raises_the_change_counter(admin, small) -> None:
    from communities.changes import change_counter

    community = small["community_id"]
    before = await change_counter(community)
    assert before > 0  # loading the file emitted events
    teams = (await admin.get("/teams", community=community))[1]["items"]
    north = next(t for t in teams if t["name"] == "North SIDT")
    await admin.ok(
        "POST", "/cycles", {"team_id": north["id"], "title": "T", "plan_objective": "O"}, 201
    )
    assert await change_counter(community) == before + 1
    status, _ = await admin.post("/cycles", {"team_id": north["id"], "title": "T"})
    assert status == 422
    assert await change_counter(community) == before + 1
