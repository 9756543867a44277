"""PDSA cycles through the JSON API: posting, editing with versions, phases, permissions.

The ``cycle_world`` fixture (``tests.factories.build_cycle_world``, also used by the
measure, artifact and link tests) sets up one community with a district team (DIDT),
two school teams (SIDT A and B), people linked to users through ``user_id`` and their
memberships, plus a second community for cross-community checks.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.testing import Api
from tests.factories import CycleWorld, cycle, measure
from tests.helpers import assert_error

World = CycleWorld


async def count_cycles(w: World) -> int:
    return (await w.admin.ok("GET", "/cycles"))["total"]


# --- create and read ---------------------------------------------------------------


async def test_create_cycle_with_authors_and_measures(cycle_world: World, recorder: Any) -> None:
    w = cycle_world
    m1, m2 = await measure(w, w.team_a), await measure(w, None, "Chronic absence")
    body = {
        "team_id": w.team_a,
        "title": "  Exit tickets in 6th grade math  ",
        "plan_objective": "Learn whether exit tickets surface misconceptions",
        "plan_predictions": "Half the class will show the same misconception",
        "planned_start": "2024-09-02",
        "planned_end": "2024-09-13",
        "author_ids": [w.p_b, w.p_a],
        "measure_ids": [m2, m1],
    }
    status, created = await w.mem_a.post("/cycles", body)
    assert status == 201, created
    assert created["title"] == "Exit tickets in 6th grade math"
    assert created["community_id"] == w.community
    assert created["team_id"] == w.team_a
    assert created["status"] == "planning"
    assert created["version"] == 1
    assert created["author_ids"] == sorted([w.p_a, w.p_b])
    assert created["measure_ids"] == sorted([m1, m2])
    assert created["plan_questions"] == ""
    assert created["do_what_happened"] == ""
    assert created["act_decision"] is None
    assert created["planned_start"] == "2024-09-02"
    assert created["actual_start"] is None
    assert (await w.observer.ok("GET", f"/cycles/{created['id']}")) == created
    assert recorder.names() == ["cycle_posted"]
    assert recorder.events[0][1]["id"] == created["id"]
    assert recorder.events[0][1]["author_ids"] == sorted([w.p_a, w.p_b])


async def test_create_completed_cycle_emits_both_events(cycle_world: World, recorder: Any) -> None:
    fields = {
        "status": "completed",
        "do_what_happened": "Ran it",
        "study_results": "It worked",
        "act_decision": "adopt",
    }
    row = await cycle(cycle_world.fac, cycle_world.team_a, **fields)
    assert row["status"] == "completed"
    assert row["act_decision"] == "adopt"
    assert recorder.names() == ["cycle_posted", "cycle_completed"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": None}, "title"),
        ({"title": "   "}, "title"),
        ({"plan_objective": None}, "plan_objective"),
        ({"team_id": "adams"}, "team_id"),
        ({"team_id": 0}, "team_id"),
        ({"author_ids": "1"}, "author_ids"),
        ({"status": "dreaming"}, "status"),
        ({"act_decision": "maybe"}, "act_decision"),
        ({"planned_start": "next week"}, "planned_start"),
        ({"surprise": 1}, "surprise"),
        ({"version": 3}, "version"),
        ({"author_ids": [999_999]}, "author_ids"),
        ({"measure_ids": [999_999]}, "measure_ids"),
        ({"change_idea_id": 999_999}, "change_idea_id"),
        ({"builds_on_id": 999_999}, "builds_on_id"),
        ({"planned_start": "2024-09-10", "planned_end": "2024-09-09"}, "planned_end"),
        ({"actual_start": "2024-09-10", "actual_end": "2024-09-01"}, "actual_end"),
        ({"act_decision": "adopt"}, "act_decision"),
        ({"status": "studying"}, "do_what_happened"),
        ({"status": "acting", "do_what_happened": "Ran it"}, "study_results"),
        (
            {"status": "completed", "do_what_happened": "Ran", "study_results": "Good"},
            "act_decision",
        ),
    ],
)
async def test_create_cycle_refuses_bad_input(
    cycle_world: World, recorder: Any, change: dict, field: str
) -> None:
    body = {"team_id": cycle_world.team_a, "title": "T", "plan_objective": "O", **change}
    body = {k: v for k, v in body.items() if v is not None}
    status, data = await cycle_world.mem_a.post("/cycles", body)
    assert_error(status, data, 422, field)
    assert data["error"]["code"] == "invalid"
    assert await count_cycles(cycle_world) == 0
    assert recorder.names() == []


async def test_create_cycle_refuses_references_into_another_community(cycle_world: World) -> None:
    w = cycle_world
    other_measure = (
        await w.admin.ok(
            "POST",
            "/measures",
            {"community_id": w.other_community, "name": "Other", "kind": "process"},
            201,
        )
    )["id"]
    other_cycle = await cycle(w.other_fac, w.other_team)
    for extra, field in (
        ({"author_ids": [w.p_a, w.p_other]}, "author_ids"),
        ({"measure_ids": [other_measure]}, "measure_ids"),
        ({"builds_on_id": other_cycle["id"]}, "builds_on_id"),
    ):
        status, data = await w.fac.post(
            "/cycles", {"team_id": w.team_a, "title": "T", "plan_objective": "O", **extra}
        )
        assert_error(status, data, 422, field)
        assert "in this community" in data["error"]["fields"][field]
    assert (await w.admin.ok("GET", "/cycles", None))["total"] == 1


async def test_create_cycle_for_unknown_team(cycle_world: World) -> None:
    status, data = await cycle_world.admin.post(
        "/cycles", {"team_id": 999_999, "title": "T", "plan_objective": "O"}
    )
    assert_error(status, data, 422, "team_id")
    assert await count_cycles(cycle_world) == 0


async def test_create_cycle_refuses_bad_json(cycle_world: World) -> None:
    for content in (b"not json", b"[1, 2]"):
        status, data = await cycle_world.fac.call("POST", "/cycles", content=content)
        assert_error(status, data, 422, "body")
    assert await count_cycles(cycle_world) == 0


async def test_get_cycle_errors(cycle_world: World) -> None:
    w = cycle_world
    row = await cycle(w.mem_a, w.team_a)
    assert_error(*await w.fac.get("/cycles/999999"), 404)
    # No role in the cycle's community: the same answer as for a missing cycle.
    missing = await w.fac.get("/cycles/999999")
    for api in (w.outsider, w.other_fac):
        status, data = await api.get(f"/cycles/{row['id']}")
        assert (status, data) == (
            404,
            {"error": {**missing[1]["error"], "message": f"no cycle {row['id']}"}},
        )
    assert_error(*await w.anon.get(f"/cycles/{row['id']}"), 401)
    assert (await w.researcher.ok("GET", f"/cycles/{row['id']}"))["title"] == "Exit tickets"


# --- listing -------------------------------------------------------------------------


async def test_list_cycles_filters_and_pagination(cycle_world: World) -> None:
    w = cycle_world
    a1 = await cycle(w.mem_a, w.team_a, "A1", planned_start="2024-09-01")
    a2 = await cycle(w.mem_a, w.team_a, "A2", planned_start="2024-10-01")
    a3 = await cycle(
        w.mem_a,
        w.team_a,
        "A3",
        planned_start="2024-11-01",
        status="studying",
        do_what_happened="Ran it",
    )
    b1 = await cycle(w.mem_b, w.team_b, "B1", planned_start="2024-10-15")
    await cycle(w.other_fac, w.other_team, "Elsewhere", planned_start="2024-10-01")

    async def titles(api: Api, **params: Any) -> list[str]:
        status, body = await api.get("/cycles", **params)
        assert status == 200, body
        return [row["title"] for row in body["items"]]

    assert await titles(w.observer) == ["A1", "A2", "A3", "B1"]
    assert await titles(w.observer, team=w.team_a) == ["A1", "A2", "A3"]
    assert await titles(w.observer, team=w.team_b) == ["B1"]
    assert await titles(w.observer, status="studying") == ["A3"]
    assert await titles(w.observer, status="planning", team=w.team_a) == ["A1", "A2"]
    assert await titles(w.observer, **{"from": "2024-10-01"}) == ["A2", "A3", "B1"]
    assert await titles(w.observer, to="2024-10-01") == ["A1", "A2"]
    assert await titles(w.observer, **{"from": "2024-10-02", "to": "2024-10-31"}) == ["B1"]
    assert await titles(w.observer, community=w.other_community) == []
    assert await titles(w.other_fac) == ["Elsewhere"]
    assert len(await titles(w.admin)) == 5

    status, page = await w.observer.get("/cycles", per_page=3, page=2)
    assert status == 200
    assert [r["id"] for r in page["items"]] == [b1["id"]]
    assert (page["page"], page["per_page"], page["total"], page["pages"]) == (2, 3, 4, 2)
    status, page = await w.observer.get("/cycles", per_page=3)
    assert [r["id"] for r in page["items"]] == [a1["id"], a2["id"], a3["id"]]
    assert page["items"][2]["author_ids"] == []
    status, page = await w.observer.get("/cycles", page=9)
    assert (status, page["items"], page["total"]) == (200, [], 4)

    for params, field in (
        ({"status": "dreaming"}, "status"),
        ({"team": "adams"}, "team"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2024-13-01"}, "to"),
        ({"colour": "red"}, "colour"),
        ({"per_page": 0}, "per_page"),
        ({"per_page": 201}, "per_page"),
        ({"page": "x"}, "page"),
    ):
        assert_error(*await w.observer.get("/cycles", **params), 422, field)


async def test_list_hides_communities_without_a_role(cycle_world: World) -> None:
    w = cycle_world
    await cycle(w.mem_a, w.team_a)
    status, body = await w.outsider.get("/cycles")
    assert status == 200
    assert (body["items"], body["total"], body["pages"]) == ([], 0, 1)
    status, body = await w.outsider.get("/cycles", team=w.team_a)
    assert (status, body["total"]) == (200, 0)
    assert_error(*await w.anon.get("/cycles"), 401)


# --- editing with versions --------------------------------------------------------------


async def test_patch_cycle_with_version(cycle_world: World) -> None:
    w = cycle_world
    m = await measure(w, w.team_a)
    row = await cycle(w.mem_a, w.team_a, author_ids=[w.p_a], planned_start="2024-09-02")
    status, patched = await w.mem_a.patch(
        f"/cycles/{row['id']}",
        {
            "version": 1,
            "title": "Exit tickets, round 2",
            "plan_who": "Ms. Adams",
            "planned_end": "2024-09-20",
            "author_ids": [w.p_a, w.p_fac],
            "measure_ids": [m],
        },
    )
    assert status == 200, patched
    assert patched["version"] == 2
    assert patched["title"] == "Exit tickets, round 2"
    assert patched["plan_who"] == "Ms. Adams"
    assert patched["plan_objective"] == "Try it in one class"  # untouched
    assert patched["planned_end"] == "2024-09-20"
    assert patched["author_ids"] == sorted([w.p_a, w.p_fac])
    assert patched["measure_ids"] == [m]
    assert patched["updated_at"] > row["updated_at"]
    assert (await w.fac.ok("GET", f"/cycles/{row['id']}")) == patched

    # Relations can be emptied; a text field sent as null becomes empty.
    cleared = await w.mem_a.ok(
        "PATCH", f"/cycles/{row['id']}", {"version": 2, "author_ids": [], "plan_who": None}
    )
    assert (cleared["version"], cleared["author_ids"], cleared["plan_who"]) == (3, [], "")
    assert cleared["measure_ids"] == [m]


async def test_patch_stale_version_is_refused_and_changes_nothing(cycle_world: World) -> None:
    w = cycle_world
    row = await cycle(w.mem_a, w.team_a, author_ids=[w.p_a])
    first = await w.fac.ok("PATCH", f"/cycles/{row['id']}", {"version": 1, "plan_who": "Fran"})
    assert first["version"] == 2
    status, body = await w.mem_a.patch(
        f"/cycles/{row['id']}",
        {"version": 1, "title": "Lost update", "author_ids": [w.p_b], "plan_who": "Ann"},
    )
    assert_error(status, body, 409, "version")
    assert body["error"]["code"] == "conflict"
    assert body["error"]["current"] == first
    assert body["error"]["current"]["version"] == 2
    after = await w.fac.ok("GET", f"/cycles/{row['id']}")
    assert after == first
    assert (after["title"], after["author_ids"], after["plan_who"]) == (
        "Exit tickets",
        [w.p_a],
        "Fran",
    )
    # A stale version is refused before the body is judged against the new state.
    status, body = await w.mem_a.patch(f"/cycles/{row['id']}", {"version": 1, "act_decision": "x"})
    assert_error(status, body, 422, "act_decision")  # the shape is checked first
    status, body = await w.mem_a.patch(
        f"/cycles/{row['id']}", {"version": 1, "planned_start": "2024-09-02"}
    )
    assert_error(status, body, 409, "version")
    # A version from the future is stale too.
    assert_error(*await w.mem_a.patch(f"/cycles/{row['id']}", {"version": 7, "title": "X"}), 409)
    assert (await w.fac.ok("GET", f"/cycles/{row['id']}")) == first


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "No version"}, "version"),
        ({"version": "one", "title": "X"}, "version"),
        ({"version": 1, "title": None}, "title"),
        ({"version": 1, "plan_objective": None}, "plan_objective"),
        ({"version": 1, "title": ""}, "title"),
        ({"version": 1, "team_id": 2}, "team_id"),
        ({"version": 1, "status": "doing"}, "status"),
        ({"version": 1, "planned_end": "2024-08-01"}, "planned_end"),
        ({"version": 1, "act_decision": "adopt"}, "act_decision"),
        ({"version": 1, "author_ids": [999_999]}, "author_ids"),
        ({"version": 1, "measure_ids": ["x"]}, "measure_ids.0"),
        ({"version": 1, "change_idea_id": 999_999}, "change_idea_id"),
        ({"version": 1, "plan_who": 5}, "plan_who"),
    ],
)
async def test_patch_cycle_refuses_bad_input(cycle_world: World, body: dict, field: str) -> None:
    w = cycle_world
    row = await cycle(w.mem_a, w.team_a, planned_start="2024-09-02", author_ids=[w.p_a])
    status, data = await w.mem_a.patch(f"/cycles/{row['id']}", body)
    assert_error(status, data, 422, field)
    assert (await w.fac.ok("GET", f"/cycles/{row['id']}")) == row


async def test_patch_cannot_empty_a_field_the_phase_requires(cycle_world: World) -> None:
    w = cycle_world
    row = await cycle(w.fac, w.team_a, status="studying", do_what_happened="Ran it")
    for value in ("", None):
        status, data = await w.fac.patch(
            f"/cycles/{row['id']}", {"version": 1, "do_what_happened": value}
        )
        assert_error(status, data, 422, "do_what_happened")
    assert (await w.fac.ok("GET", f"/cycles/{row['id']}")) == row


async def test_patch_unknown_cycle(cycle_world: World) -> None:
    assert_error(
        *await cycle_world.admin.patch("/cycles/999999", {"version": 1, "title": "X"}), 404
    )


# --- phases --------------------------------------------------------------------------------


async def test_advance_through_every_phase(cycle_world: World, recorder: Any) -> None:
    w = cycle_world
    row = await cycle(w.mem_a, w.team_a, planned_start="2024-09-02")
    path = f"/cycles/{row['id']}"
    today = date.today().isoformat()

    doing = await w.mem_a.ok("POST", f"{path}/advance", {"version": 1})
    assert (doing["status"], doing["version"], doing["actual_start"]) == ("doing", 2, today)
    assert doing["actual_end"] is None

    # Cannot study without having written what happened.
    status, data = await w.mem_a.post(f"{path}/advance", {"version": 2})
    assert_error(status, data, 422, "do_what_happened")
    assert (await w.mem_a.ok("GET", path)) == doing
    # The decision waits for the acting phase.
    status, data = await w.mem_a.patch(path, {"version": 2, "act_decision": "adopt"})
    assert_error(status, data, 422, "act_decision")

    await w.mem_a.ok("PATCH", path, {"version": 2, "do_what_happened": "Ran it twice"})
    studying = await w.mem_a.ok("POST", f"{path}/advance", {"version": 3, "to": "studying"})
    assert (studying["status"], studying["version"]) == ("studying", 4)

    status, data = await w.mem_a.post(f"{path}/advance", {"version": 4})
    assert_error(status, data, 422, "study_results")
    status, data = await w.mem_a.patch(path, {"version": 4, "act_decision": "adapt"})
    assert_error(status, data, 422, "act_decision")
    await w.mem_a.ok("PATCH", path, {"version": 4, "study_results": "3 of 4 predicted"})
    acting = await w.mem_a.ok("POST", f"{path}/advance", {"version": 5})
    assert (acting["status"], acting["version"]) == ("acting", 6)

    status, data = await w.mem_a.post(f"{path}/advance", {"version": 6})
    assert_error(status, data, 422, "act_decision")
    await w.mem_a.ok("PATCH", path, {"version": 6, "act_decision": "adapt"})
    assert recorder.names() == ["cycle_posted"]
    done = await w.mem_a.ok("POST", f"{path}/advance", {"version": 7})
    assert (done["status"], done["version"], done["act_decision"]) == ("completed", 8, "adapt")
    assert done["actual_start"] == today
    assert done["actual_end"] == today
    assert recorder.names() == ["cycle_posted", "cycle_completed"]
    assert recorder.events[1][1]["status"] == "completed"
    assert recorder.events[1][1]["id"] == row["id"]

    # A completed cycle does not move, not even to abandoned.
    for body, field in (({"version": 8}, "status"), ({"version": 8, "to": "abandoned"}, "to")):
        assert_error(*await w.mem_a.post(f"{path}/advance", body), 422, field)
    assert (await w.mem_a.ok("GET", path)) == done
    assert recorder.names() == ["cycle_posted", "cycle_completed"]


@pytest.mark.parametrize(
    ("status", "to"),
    [
        ("planning", "studying"),
        ("planning", "completed"),
        ("planning", "planning"),
        ("doing", "planning"),
        ("studying", "doing"),
        ("acting", "planning"),
        ("studying", "completed"),
    ],
)
async def test_advance_cannot_skip_or_go_back(cycle_world: World, status: str, to: str) -> None:
    fields = {
        "status": status,
        "do_what_happened": "Ran it",
        "study_results": "Learned" if status == "acting" else None,
    }
    row = await cycle(cycle_world.fac, cycle_world.team_a, **{k: v for k, v in fields.items() if v})
    status_code, data = await cycle_world.fac.post(
        f"/cycles/{row['id']}/advance", {"version": 1, "to": to}
    )
    assert_error(status_code, data, 422, "to")
    assert (await cycle_world.fac.ok("GET", f"/cycles/{row['id']}")) == row


@pytest.mark.parametrize("status", ["planning", "doing", "studying", "acting"])
async def test_abandon_from_any_open_phase(cycle_world: World, recorder: Any, status: str) -> None:
    row = await cycle(
        cycle_world.mem_a,
        cycle_world.team_a,
        status=status,
        do_what_happened="Ran it",
        study_results="Meh",
    )
    path = f"/cycles/{row['id']}"
    gone = await cycle_world.mem_a.ok("POST", f"{path}/advance", {"version": 1, "to": "abandoned"})
    assert (gone["status"], gone["version"]) == ("abandoned", 2)
    assert gone["actual_end"] == date.today().isoformat()
    for body in ({"version": 2}, {"version": 2, "to": "abandoned"}, {"version": 2, "to": status}):
        assert_error(*await cycle_world.mem_a.post(f"{path}/advance", body), 422)
    assert (await cycle_world.mem_a.ok("GET", path)) == gone
    assert recorder.names() == ["cycle_posted"]


async def test_advance_refuses_bad_input(cycle_world: World) -> None:
    w = cycle_world
    row = await cycle(w.mem_a, w.team_a)
    path = f"/cycles/{row['id']}/advance"
    for body, field in (
        ({}, "version"),
        ({"version": "latest"}, "version"),
        ({"version": 1, "to": "finished"}, "to"),
        ({"version": 1, "status": "doing"}, "status"),
    ):
        assert_error(*await w.mem_a.post(path, body), 422, field)
    assert_error(*await w.mem_a.post("/cycles/999999/advance", {"version": 1}), 404)
    assert_error(*await w.anon.post(path, {"version": 1}), 401)
    assert (await w.fac.ok("GET", f"/cycles/{row['id']}")) == row


async def test_advance_with_stale_version(cycle_world: World) -> None:
    w = cycle_world
    row = await cycle(w.mem_a, w.team_a)
    moved = await w.mem_a.ok("POST", f"/cycles/{row['id']}/advance", {"version": 1})
    status, data = await w.fac.post(f"/cycles/{row['id']}/advance", {"version": 1})
    assert_error(status, data, 409, "version")
    assert data["error"]["current"] == moved
    status, data = await w.fac.post(
        f"/cycles/{row['id']}/advance", {"version": 1, "to": "abandoned"}
    )
    assert_error(status, data, 409)
    assert (await w.fac.ok("GET", f"/cycles/{row['id']}")) == moved


# --- builds_on and dates ---------------------------------------------------------------------


async def test_builds_on_rules(cycle_world: World) -> None:
    w = cycle_world
    early = await cycle(w.mem_a, w.team_a, "Early", planned_start="2024-09-01")
    late = await cycle(w.mem_b, w.team_b, "Late", planned_start="2024-10-01")

    ramp = await cycle(
        w.mem_b, w.team_b, "Ramp", planned_start="2024-10-15", builds_on_id=early["id"]
    )
    assert ramp["builds_on_id"] == early["id"]
    listed = await w.observer.ok("GET", f"/cycles?builds_on={early['id']}")
    assert [r["id"] for r in listed["items"]] == [ramp["id"]]

    # Not a later cycle.
    status, data = await w.mem_a.post(
        "/cycles",
        {
            "team_id": w.team_a,
            "title": "Before",
            "plan_objective": "O",
            "planned_start": "2024-09-15",
            "builds_on_id": late["id"],
        },
    )
    assert_error(status, data, 422, "builds_on_id")
    assert await count_cycles(w) == 3

    # Not itself, not a later one, not a missing one: nothing changes.
    path = f"/cycles/{early['id']}"
    for target in (early["id"], late["id"], 999_999):
        status, data = await w.mem_a.patch(path, {"version": 1, "builds_on_id": target})
        assert_error(status, data, 422, "builds_on_id")
    assert (await w.mem_a.ok("GET", path)) == early

    # A later one may build on the early one; the link may be removed again.
    linked = await w.mem_b.ok(
        "PATCH", f"/cycles/{late['id']}", {"version": 1, "builds_on_id": early["id"]}
    )
    assert (linked["builds_on_id"], linked["version"]) == (early["id"], 2)
    unlinked = await w.mem_b.ok(
        "PATCH", f"/cycles/{late['id']}", {"version": 2, "builds_on_id": None}
    )
    assert unlinked["builds_on_id"] is None


async def test_undated_cycles_cannot_build_on_each_other_in_a_loop(cycle_world: World) -> None:
    w = cycle_world
    first = await cycle(w.mem_a, w.team_a, "First")
    second = await cycle(w.mem_a, w.team_a, "Second", builds_on_id=first["id"])
    third = await cycle(w.mem_a, w.team_a, "Third", builds_on_id=second["id"])
    for target in (second["id"], third["id"]):
        status, data = await w.mem_a.patch(
            f"/cycles/{first['id']}", {"version": 1, "builds_on_id": target}
        )
        assert_error(status, data, 422, "builds_on_id")
    assert (await w.mem_a.ok("GET", f"/cycles/{first['id']}")) == first
    # Building on an earlier link of the chain is fine.
    moved = await w.mem_a.ok(
        "PATCH", f"/cycles/{third['id']}", {"version": 1, "builds_on_id": first["id"]}
    )
    assert moved["builds_on_id"] == first["id"]


async def test_moving_a_cycle_before_the_one_it_builds_on_is_refused(cycle_world: World) -> None:
    w = cycle_world
    early = await cycle(w.mem_a, w.team_a, "Early", planned_start="2024-09-01")
    ramp = await cycle(
        w.mem_a, w.team_a, "Ramp", planned_start="2024-10-01", builds_on_id=early["id"]
    )
    status, data = await w.mem_a.patch(
        f"/cycles/{ramp['id']}", {"version": 1, "planned_start": "2024-08-01"}
    )
    assert_error(status, data, 422, "builds_on_id")
    assert (await w.mem_a.ok("GET", f"/cycles/{ramp['id']}")) == ramp


# --- delete ------------------------------------------------------------------------------------


async def test_delete_cycle(cycle_world: World) -> None:
    w = cycle_world
    row = await cycle(w.mem_a, w.team_a)
    path = f"/cycles/{row['id']}"
    for api, code in ((w.mem_b, 403), (w.researcher, 403), (w.outsider, 404), (w.anon, 401)):
        assert_error(*await api.delete(path), code)
    assert (await w.fac.ok("GET", path)) == row
    assert await w.mem_a.delete(path) == (204, None)
    assert_error(*await w.mem_a.get(path), 404)
    assert_error(*await w.mem_a.delete(path), 404)
    assert await count_cycles(w) == 0


async def test_deleting_a_cycle_clears_builds_on(cycle_world: World) -> None:
    w = cycle_world
    early = await cycle(w.mem_a, w.team_a, "Early", planned_start="2024-09-01")
    ramp = await cycle(w.mem_a, w.team_a, "Ramp", builds_on_id=early["id"])
    await w.fac.ok("DELETE", f"/cycles/{early['id']}", status=204)
    assert (await w.fac.ok("GET", f"/cycles/{ramp['id']}"))["builds_on_id"] is None


# --- permissions -------------------------------------------------------------------------------


async def test_member_writes_only_for_own_team(cycle_world: World) -> None:
    w = cycle_world
    mine = await cycle(w.mem_a, w.team_a, "Mine")
    theirs = await cycle(w.mem_b, w.team_b, "Theirs")
    assert mine["team_id"] == w.team_a

    status, data = await w.mem_a.post(
        "/cycles", {"team_id": w.team_b, "title": "Intrusion", "plan_objective": "O"}
    )
    assert_error(status, data, 403)
    assert data["error"]["code"] == "forbidden"
    path = f"/cycles/{theirs['id']}"
    assert_error(*await w.mem_a.patch(path, {"version": 1, "title": "Hijacked"}), 403)
    assert_error(*await w.mem_a.post(f"{path}/advance", {"version": 1}), 403)
    assert_error(*await w.mem_a.post(f"{path}/advance", {"version": 1, "to": "abandoned"}), 403)
    assert_error(*await w.mem_a.delete(path), 403)
    # A stale version does not reveal more than the 403.
    assert_error(*await w.mem_a.patch(path, {"version": 9, "title": "Hijacked"}), 403)
    assert (await w.mem_a.ok("GET", path)) == theirs  # but may read it
    assert await count_cycles(w) == 2

    # A district team member is not a member of the school team either.
    assert_error(*await w.mem_didt.patch(path, {"version": 1, "title": "X"}), 403)
    await cycle(w.mem_didt, w.didt, "District cycle")

    # The own team's cycle: edit and advance work.
    edited = await w.mem_a.ok("PATCH", f"/cycles/{mine['id']}", {"version": 1, "plan_who": "Ann"})
    moved = await w.mem_a.ok("POST", f"/cycles/{mine['id']}/advance", {"version": 2})
    assert (edited["plan_who"], moved["status"]) == ("Ann", "doing")
    # The facilitator manages every team's cycles.
    fac = await w.fac.ok("PATCH", path, {"version": 1, "plan_where": "Room 4"})
    assert fac["plan_where"] == "Room 4"


async def test_member_whose_membership_ended_cannot_write(cycle_world: World) -> None:
    w = cycle_world
    row = await cycle(w.mem_a, w.team_a)
    status, data = await w.former.post(
        "/cycles", {"team_id": w.team_a, "title": "Old habits", "plan_objective": "O"}
    )
    assert_error(status, data, 403)
    path = f"/cycles/{row['id']}"
    assert_error(*await w.former.patch(path, {"version": 1, "title": "X"}), 403)
    assert_error(*await w.former.post(f"{path}/advance", {"version": 1}), 403)
    assert (await w.former.ok("GET", path)) == row  # still a member of the community
    assert await count_cycles(w) == 1


async def test_membership_ending_today_still_counts_ending_yesterday_does_not(
    cycle_world: World,
) -> None:
    w = cycle_world
    status, people = await w.fac.get("/memberships", person=w.p_a)
    membership = people["items"][0]["id"]
    today = date.today()
    await w.fac.ok("POST", f"/memberships/{membership}/end", {"end_date": today.isoformat()})
    await cycle(w.mem_a, w.team_a, "Last day")
    await w.fac.ok(
        "PATCH",
        f"/memberships/{membership}",
        {"end_date": date.fromordinal(today.toordinal() - 1).isoformat()},
    )
    status, data = await w.mem_a.post(
        "/cycles", {"team_id": w.team_a, "title": "Too late", "plan_objective": "O"}
    )
    assert_error(status, data, 403)
    assert await count_cycles(w) == 1


@pytest.mark.parametrize("who", ["researcher", "observer"])
async def test_readers_cannot_write_cycles(cycle_world: World, who: str) -> None:
    w = cycle_world
    api = getattr(w, who)
    row = await cycle(w.mem_a, w.team_a)
    path = f"/cycles/{row['id']}"
    status, data = await api.post(
        "/cycles", {"team_id": w.team_a, "title": "T", "plan_objective": "O"}
    )
    assert_error(status, data, 403)
    assert_error(*await api.patch(path, {"version": 1, "title": "X"}), 403)
    assert_error(*await api.post(f"{path}/advance", {"version": 1}), 403)
    assert (await api.ok("GET", path)) == row
    assert (await api.ok("GET", "/cycles"))["total"] == 1
    assert (await w.fac.ok("GET", path)) == row


async def test_user_without_role_cannot_read_or_write_nor_tell_it_exists(
    cycle_world: World,
) -> None:
    w = cycle_world
    row = await cycle(w.mem_a, w.team_a)
    path = f"/cycles/{row['id']}"
    for api in (w.outsider, w.other_fac):
        assert_error(*await api.get(path), 404)  # as if it did not exist
        status, data = await api.post(
            "/cycles", {"team_id": w.team_a, "title": "T", "plan_objective": "O"}
        )
        assert_error(status, data, 422, "team_id")
        assert_error(*await api.patch(path, {"version": 1, "title": "X"}), 404)
        assert_error(*await api.post(f"{path}/advance", {"version": 1}), 404)
        listed = await api.ok("GET", "/cycles")
        assert (listed["items"], listed["total"]) == ([], 0)
    assert (await w.fac.ok("GET", path)) == row


async def test_unauthenticated_requests_get_401(cycle_world: World, client: Any) -> None:
    w = cycle_world
    row = await cycle(w.mem_a, w.team_a)
    path = f"/cycles/{row['id']}"
    for method, url, body in (
        ("GET", "/cycles", None),
        ("GET", path, None),
        ("POST", "/cycles", {"team_id": w.team_a, "title": "T", "plan_objective": "O"}),
        ("PATCH", path, {"version": 1, "title": "X"}),
        ("POST", f"{path}/advance", {"version": 1}),
        ("DELETE", path, None),
    ):
        status, data = await w.anon.call(method, url, json=body)
        assert_error(status, data, 401)
        assert data["error"]["code"] == "not_authenticated"
        bad = await client.request(
            method, "/api/v1" + url, json=body, headers={"Authorization": "Bearer nic_nope"}
        )
        assert bad.status_code == 401, bad.text
    assert (await w.fac.ok("GET", path)) == row
    assert await count_cycles(w) == 1
