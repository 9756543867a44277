"""Assessments of an organization (a school): who rates it, its progress page and targets,
the roll-up, the agenda, the API, and that the graph (which has no organization nodes)
is left alone."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.testing import csrf_of
from plugins.api import PermissionDenied, community_graph
from plugins.convenings.agenda import agenda_items
from plugins.rubrics import definitions, progress, services
from plugins.rubrics.schemas import AssessmentCreate, ConsensusIn, ConsensusSet, ScoreIn, ScoresIn

KEYS = [i["key"] for i in definitions.indicators_of(definitions.DEFAULT_FRAMEWORK)]
BASE = "/communities/cedar/rubrics"


@pytest.fixture
async def school(world) -> dict[str, Any]:
    """North High, the organization North SIDT belongs to."""
    api = world["admin"].api
    org = await api.ok(
        "POST",
        "/organizations",
        {"community_id": world["community_id"], "name": "North High", "kind": "school"},
        201,
    )
    await api.ok("PATCH", f"/teams/{world['teams']['north']}", {"organization_id": org["id"]})
    return org


def _create(world, org_id: int, period: str) -> AssessmentCreate:
    held_on = f"{period[:4]}-0{int(period[-1]) * 3 - 1}-10"
    return AssessmentCreate(
        organization_id=org_id,
        rubric_id=world["rubric_id"],
        period=period,
        kind="external_review",
        held_on=held_on,
    )


async def test_members_of_the_schools_teams_rate_it(world, school) -> None:
    users = world["users"]
    a = await services.create_assessment(users["ana"].ctx, _create(world, school["id"], "2025-Q1"))
    assert (a["subject"], a["subject_name"], a["team_id"]) == (
        f"organization:{school['id']}",
        "North High",
        None,
    )
    await services.save_scores(
        users["ana"].ctx,
        a["id"],
        ScoresIn(scores=[ScoreIn(indicator=k, level=2) for k in KEYS], submit=True),
    )
    for who in ("dee", "rae", "olu"):  # South's member, a researcher, an observer
        with pytest.raises(PermissionDenied):
            await services.save_scores(users[who].ctx, a["id"], ScoresIn())
        with pytest.raises(PermissionDenied):
            await services.create_assessment(
                users[who].ctx, _create(world, school["id"], "2025-Q2")
            )
    # Ben and Cal (North SIDT) were told; Dee was not.
    for who, told in (("ben", True), ("cal", True), ("dee", False)):
        page = await users[who].client.get("/notifications")
        assert ("External review of North High for 2025-Q1" in page.text) is told


async def test_progress_rollup_agenda_and_graph_of_a_school(world, school, nic_app) -> None:
    fay = world["users"]["fay"]
    for period, level in (("2025-Q1", 1), ("2025-Q2", 2)):
        a = await services.create_assessment(fay.ctx, _create(world, school["id"], period))
        await services.set_consensus(
            fay.ctx,
            a["id"],
            ConsensusSet(consensus=[ConsensusIn(indicator=k, level=level) for k in KEYS]),
        )
    olu, ana = world["users"]["olu"], world["users"]["ana"]
    url = f"{BASE}/organizations/{school['id']}"
    page = await olu.client.get(url)
    assert page.status_code == 200 and "North High: implementation progress" in page.text
    assert "▲ 5 up" in page.text and "Set targets" not in page.text
    page = await ana.client.get(url)
    form = {
        "csrf_token": csrf_of(page.text),
        "rubric_id": str(world["rubric_id"]),
        "year": "2025",
        f"target-{KEYS[0]}": "2",
    }
    saved = await ana.client.post(url, data=form)
    assert saved.status_code == 303
    assert "Targets for 2025: 1 of 1 met." in (await ana.client.get(saved.headers["location"])).text
    rollup = await olu.client.get(f"{BASE}/roll-up")
    assert f'href="{url}">North High</a>' in rollup.text
    assert (await olu.client.get(f"{BASE}/organizations/999999")).status_code == 404
    api = await olu.api.ok("GET", f"/rubrics/organizations/{school['id']}/progress")
    assert api["items"][0]["periods"][-1]["mean"] == 2.0
    items = await agenda_items(nic_app.state.plugins, world["community_id"], None, date(2026, 1, 1))
    [moved] = [i for i in items if i.title.startswith("North High")]
    assert moved.refs == () and moved.links == (("Progress", url),)
    graph = await community_graph(nic_app.state.plugins, [world["community_id"]], None)
    assert not any(k.startswith("rubric") for k in graph.nodes[f"team:{world['teams']['north']}"])
    found = await progress.association(olu.ctx, world["community_id"])
    assert found["rows"] == []  # organizations have no cycles of their own


async def test_the_form_opens_an_assessment_of_a_school(world, school) -> None:
    ana, dee = world["users"]["ana"], world["users"]["dee"]
    new = await ana.client.get(f"{BASE}/assessments/new")
    assert f'value="organization:{school["id"]}"' in new.text and "North High" in new.text
    form = {
        "csrf_token": csrf_of(new.text),
        "rubric_id": str(world["rubric_id"]),
        "kind": "self_review",
        "period": "2025-Q1",
        "held_on": "2025-02-14",
    }
    missing = await ana.client.post(f"{BASE}/assessments/new", data=form)
    assert missing.status_code == 422 and "choose a team or a school" in missing.text
    subject = f"organization:{school['id']}"
    made = await ana.client.post(f"{BASE}/assessments/new", data={**form, "subject": subject})
    assert made.status_code == 303 and made.headers["location"].endswith("/score")
    page = await ana.client.get(made.headers["location"])
    assert "North High: Self-review 2025-Q1" in page.text
    token = csrf_of((await dee.client.get(f"{BASE}/assessments/new")).text)
    denied = await dee.client.post(
        f"{BASE}/assessments/new",
        data={**form, "csrf_token": token, "subject": subject, "period": "2025-Q2"},
    )
    assert (
        denied.status_code == 422 and "only facilitators and members of North High" in denied.text
    )
