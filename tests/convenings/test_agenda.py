"""The agenda drafted from a known graph, edited, and the minutes' decisions as
learning the flow analyses see."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from plugins.api import InvalidInput, community_graph, downstream, readable_graph
from plugins.convenings import agenda, minutes, services
from plugins.convenings.schemas import (
    AgendaEntryCreate,
    AgendaEntryUpdate,
    ConfirmIn,
    ConveningCreate,
    DecisionCreate,
)


async def _cycle(api: Any, team: int, title: str, start: str, end: str, **more: Any) -> int:
    body = {
        "team_id": team,
        "title": title,
        "plan_objective": "Try it",
        "status": "completed",
        "do_what_happened": "We tried it",
        "study_results": "It helped",
        "act_decision": "adopt",
        "actual_start": start,
        "actual_end": end,
        **more,
    }
    return (await api.ok("POST", "/cycles", body, 201))["id"]


@pytest.fixture
async def graph_world(world: dict[str, Any]) -> dict[str, Any]:
    """North ran two cycles: ``stuck`` (nothing came of it) and ``heard`` (the DIDT built
    on it); the DIDT ran ``district``. West SIDT shares nobody with the DIDT."""
    api, t, cid = world["admin"].api, world["teams"], world["community_id"]
    aim = await api.ok("POST", "/aims", {"community_id": cid, "title": "Attendance up"}, 201)
    driver = await api.ok("POST", "/drivers", {"aim_id": aim["id"], "title": "Belonging"}, 201)
    idea = await api.ok(
        "POST", "/change-ideas", {"driver_id": driver["id"], "title": "Advisory huddles"}, 201
    )
    stuck = await _cycle(
        api, t["north"], "Huddles in grade 9", "2025-01-06", "2025-01-20", change_idea_id=idea["id"]
    )
    heard = await _cycle(api, t["north"], "Huddles in grade 10", "2025-01-06", "2025-01-15")
    district = await _cycle(
        api, t["didt"], "District huddle guide", "2025-01-22", "2025-01-28", builds_on_id=heard
    )
    west = await api.ok(
        "POST",
        "/teams",
        {"community_id": cid, "name": "West SIDT", "kind": "school_design_team"},
        201,
    )
    await api.ok(
        "POST",
        "/memberships",
        {
            "person_id": world["people"]["nia"],
            "team_id": west["id"],
            "role": "coordinator",
            "start_date": "2024-08-01",
        },
        201,
    )
    fran = world["users"]["fran"].ctx
    conv = await services.create_convening(
        fran,
        ConveningCreate(
            community_id=cid, title="Winter convening", options=[datetime(2025, 2, 4, 16)]
        ),
    )
    conv = await services.confirm(fran, conv["id"], ConfirmIn(option_id=conv["options"][0]["id"]))
    return world | {
        "cycles": {"stuck": stuck, "heard": heard, "district": district},
        "idea": idea["id"],
        "west": west["id"],
        "conv": conv,
    }


async def test_the_draft_names_school_learning_that_has_not_reached_the_district(
    graph_world,
) -> None:
    fran, c = graph_world["users"]["fran"].ctx, graph_world["cycles"]
    items = await agenda.draft(fran, graph_world["conv"]["id"])
    by_kind: dict[str, list[dict]] = {}
    for item in items:
        by_kind.setdefault(item["kind"], []).append(item)
    stuck = by_kind["learning_not_at_district"]
    assert [i["title"] for i in stuck] == ["Learning from North SIDT not yet at the district team"]
    assert f"cycle:{c['stuck']}" in stuck[0]["refs"]
    assert f"cycle:{c['heard']}" not in stuck[0]["refs"]  # the DIDT built on it
    # Cycles completed since the last convening (none before), grouped by change idea.
    completed = {i["title"]: i["refs"] for i in by_kind["cycle_completed"]}
    assert completed["Cycles completed: Advisory huddles"] == [f"cycle:{c['stuck']}"]
    assert set(completed["Cycles completed (no change idea)"]) == {
        f"cycle:{c['heard']}",
        f"cycle:{c['district']}",
    }
    # West shares nobody with the DIDT: suggest who should talk.
    unconnected = [i for i in by_kind["no_shared_member"] if "West SIDT" in i["title"]]
    assert unconnected and "Nia Bell" in unconnected[0]["detail"]
    assert "Suggest that" in unconnected[0]["detail"]
    # Ana sits on North and the DIDT: a broker to invite.
    assert "Ana Ruiz" in by_kind["brokers"][0]["detail"]
    # Another plugin's item, through the agenda hook, once.
    assert [i["title"] for i in by_kind["rubric_movement"]] == ["Rubric movement up to 2025-02-04"]
    assert by_kind["rubric_movement"][0]["source"] != "convenings"
    assert by_kind["rubric_movement"][0]["links"] == [["Rubric", "/rubrics"]]  # no javascript:
    # Drafting again adds nothing twice.
    again = await agenda.draft(fran, graph_world["conv"]["id"])
    assert len(again) == len(items)


async def test_the_facilitator_reorders_times_and_assigns_presenters(graph_world) -> None:
    fran, conv = graph_world["users"]["fran"].ctx, graph_world["conv"]
    first = await agenda.add_entry(fran, conv["id"], AgendaEntryCreate(title="Welcome", minutes=10))
    ana = graph_world["people"]["ana"]
    second = await agenda.add_entry(
        fran, conv["id"], AgendaEntryCreate(title="North's huddles", minutes=20, presenter_id=ana)
    )
    await agenda.update_entry(fran, conv["id"], second["id"], AgendaEntryUpdate(position=1))
    got = await services.get_convening(fran, conv["id"])
    assert [(e["title"], e["at"]) for e in got["agenda"]] == [
        ("North's huddles", "16:00"),
        ("Welcome", "16:20"),
    ]
    assert got["agenda"][0]["presenter_name"] == "Ana Ruiz"
    edited = await agenda.update_entry(
        fran, conv["id"], first["id"], AgendaEntryUpdate(title="Welcome and norms", notes="Done.")
    )
    assert edited["title"] == "Welcome and norms" and edited["notes"] == "Done."
    with pytest.raises(InvalidInput) as bad:
        await agenda.update_entry(
            fran, conv["id"], first["id"], AgendaEntryUpdate(presenter_id=999999)
        )
    assert "presenter_id" in bad.value.fields


async def test_decisions_become_learning_the_flow_analyses_see(graph_world, nic_app) -> None:
    fran, c, conv = graph_world["users"]["fran"].ctx, graph_world["cycles"], graph_world["conv"]
    api, cid = graph_world["admin"].api, graph_world["community_id"]
    artifact = await api.ok(
        "POST",
        "/artifacts",
        {
            "community_id": cid,
            "title": "Huddle protocol",
            "kind": "protocol",
            "team_id": graph_world["teams"]["didt"],
        },
        201,
    )
    version = await api.ok(
        "POST",
        f"/artifacts/{artifact['id']}/versions",
        {"summary": "After the convening", "created_on": "2025-02-10"},
        201,
    )
    decision = await minutes.add_decision(
        fran,
        conv["id"],
        DecisionCreate(
            text="Every school tries huddles",
            cycle_ids=[c["stuck"]],
            artifact_version_id=version["id"],
        ),
    )
    assert decision["cycle_ids"] == [c["stuck"]]
    graph = await readable_graph(fran, "cedar")
    cycle, node = f"cycle:{c['stuck']}", f"decision:{decision['id']}"
    trace = downstream(graph, cycle)
    assert f"convening:{conv['id']}" in trace.work and node in trace.work
    assert f"artifact_version:{version['id']}" in trace.work
    assert graph.nodes[node]["kind"] == "decision" and graph.nodes[node]["start"] == date(
        2025, 2, 4
    )
    # The link is also a domain learning link, so the artifact shows it.
    links = await api.ok("GET", "/links", None)
    assert any(link["source"] == node for link in links["items"])
    # Now that it was shared at a convening, the next agenda no longer lists it as stuck.
    later = await services.create_convening(
        fran, ConveningCreate(community_id=cid, title="Spring", options=[datetime(2025, 5, 6, 16)])
    )
    later = await services.confirm(
        fran, later["id"], ConfirmIn(option_id=later["options"][0]["id"])
    )
    items = await agenda.draft(fran, later["id"])
    stuck = [i for i in items if i["kind"] == "learning_not_at_district"]
    assert all(f"cycle:{c['stuck']}" not in i["refs"] for i in stuck)
    # Cycles completed since the previous convening only: none in the spring.
    assert not [i for i in items if i["kind"] == "cycle_completed"]
    # Before the convening, the graph has neither node.
    earlier = await community_graph(nic_app.state.plugins, [cid], date(2025, 2, 1))
    assert node not in earlier
    with pytest.raises(InvalidInput) as bad:
        await minutes.add_decision(fran, conv["id"], DecisionCreate(text="x", cycle_ids=[999999]))
    assert "cycle_ids" in bad.value.fields


async def test_a_renamed_convening_shows_at_once_on_a_kept_cycle_page(graph_world) -> None:
    """Node labels change only with a write that raises their community's counter, so the
    cycle page, kept under that counter, shows a renamed convening on the next view."""
    api, conv = graph_world["admin"].api, graph_world["conv"]
    cycle = graph_world["cycles"]["heard"]
    link = {"source": f"cycle:{cycle}", "target": f"convening:{conv['id']}"}
    await api.ok("POST", "/links", link, 201)
    browser = graph_world["users"]["fran"].client
    for _ in range(2):  # rendered, then kept
        assert "Winter convening" in (await browser.get(f"/cycles/{cycle}")).text
    await api.ok("PATCH", f"/convenings/{conv['id']}", {"title": "Midwinter convening"})
    page = (await browser.get(f"/cycles/{cycle}")).text
    assert "Midwinter convening" in page and "Winter convening" not in page
