"""API of aims, their driver diagrams (drivers, change ideas), innovations and versions."""

from __future__ import annotations

from typing import Any

import pytest

from core.testing import Api
from tests.factories import RoleWorld
from tests.helpers import (
    assert_denied,
    assert_error,
    assert_hidden,
    assert_needs_login,
    fill,
    listing,
)

World = RoleWorld


async def make_team(role_world: World, name: str = "SIDT") -> dict[str, Any]:
    body = {"community_id": role_world.id, "name": name, "kind": "school_design_team"}
    return await role_world.facilitator.ok("POST", "/teams", body, 201)


async def make_aim(
    role_world: World, title: str = "Pass Algebra 1", **extra: Any
) -> dict[str, Any]:
    body = {"community_id": role_world.id, "title": title, **extra}
    return await role_world.facilitator.ok("POST", "/aims", body, 201)


async def make_driver(role_world: World, aim: dict, title: str, parent: dict | None = None) -> dict:
    body = {"aim_id": aim["id"], "title": title, "parent_id": parent["id"] if parent else None}
    return await role_world.facilitator.ok("POST", "/drivers", body, 201)


async def make_idea(
    role_world: World, driver: dict, title: str = "Exit tickets", **extra: Any
) -> dict:
    body = {"driver_id": driver["id"], "title": title, **extra}
    return await role_world.facilitator.ok("POST", "/change-ideas", body, 201)


async def assert_not_found(api: Api, path: str, change: dict) -> None:
    for method in ("GET", "PATCH", "DELETE"):
        kwargs = {"json": change} if method == "PATCH" else {}
        status, answer = await api.call(method, path, **kwargs)
        assert_error(status, answer, 404)


# --- aims ---------------------------------------------------------------------------


async def test_aims_are_created_read_updated_and_deleted(role_world: World) -> None:
    team = await make_team(role_world)
    aim = await make_aim(
        role_world, " 90% pass ", statement="By June", team_id=team["id"], target_date="2026-06-30"
    )
    assert {k: v for k, v in aim.items() if k != "id"} == {
        "community_id": role_world.id,
        "team_id": team["id"],
        "title": "90% pass",
        "statement": "By June",
        "target_date": "2026-06-30",
    }
    assert await role_world.observer.ok("GET", f"/aims/{aim['id']}") == aim
    changes = {"title": "95% pass", "statement": "", "team_id": None, "target_date": None}
    changed = await role_world.facilitator.ok("PATCH", f"/aims/{aim['id']}", changes)
    assert changed == {**aim, **changes}
    assert await role_world.member.ok("GET", f"/aims/{aim['id']}") == changed
    primary = await make_driver(role_world, aim, "Feedback")
    assert await role_world.facilitator.ok("DELETE", f"/aims/{aim['id']}", status=204) is None
    status, answer = await role_world.facilitator.get(f"/aims/{aim['id']}")
    assert_error(status, answer, 404)
    status, answer = await role_world.admin.get(f"/drivers/{primary['id']}")
    assert_error(status, answer, 404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "T"}, "community_id"),
        ({"community_id": 99999, "title": "T"}, "community_id"),
        ({"community_id": "$C"}, "title"),
        ({"community_id": "$C", "title": ""}, "title"),
        ({"community_id": "$C", "title": "x" * 301}, "title"),
        ({"community_id": "$C", "title": "T", "target_date": "June"}, "target_date"),
        ({"community_id": "$C", "title": "T", "team_id": "x"}, "team_id"),
        ({"community_id": "$C", "title": "T", "team_id": 99999}, "team_id"),
        ({"community_id": "$C", "title": "T", "statement": None}, "statement"),
    ],
)
async def test_create_aim_refuses_bad_input(role_world: World, body: dict, field: str) -> None:
    for api in (role_world.facilitator, role_world.admin):
        status, answer = await api.post("/aims", fill(body, role_world.id))
        assert_error(status, answer, 422, field)
    assert (await listing(role_world.admin, "/aims"))["total"] == 0


async def test_update_aim_refuses_bad_input(role_world: World, other_role_world: World) -> None:
    theirs = await make_team(other_role_world, "Theirs")
    aim = await make_aim(role_world)
    status, answer = await role_world.facilitator.post(
        "/aims", {"community_id": role_world.id, "title": "T", "team_id": theirs["id"]}
    )
    assert_error(status, answer, 422, "team_id")
    for change, field in (
        ({"title": None}, "title"),
        ({"statement": None}, "statement"),
        ({"team_id": theirs["id"]}, "team_id"),
        ({"target_date": "2026-02-30"}, "target_date"),
        ({"community_id": other_role_world.id}, "community_id"),
    ):
        status, answer = await role_world.facilitator.patch(f"/aims/{aim['id']}", change)
        assert_error(status, answer, 422, field)
    assert (await listing(role_world.admin, "/aims"))["items"] == [aim]
    await assert_not_found(role_world.facilitator, "/aims/99999", {"title": "X"})


async def test_aims_refuse_other_roles_and_list_by_filter(
    role_world: World, other_role_world: World
) -> None:
    team = await make_team(role_world)
    aims = [
        await make_aim(role_world, f"Aim {n}", team_id=team["id"] if n % 2 else None)
        for n in range(4)
    ]
    await make_aim(other_role_world, "Theirs")
    writers, others = (
        role_world.non_managers,
        [other_role_world.facilitator, other_role_world.member],
    )
    await assert_denied(writers, "POST", "/aims", {"community_id": role_world.id, "title": "New"})
    await assert_hidden(
        others,
        "POST",
        "/aims",
        {"community_id": role_world.id, "title": "New"},
        field="community_id",
    )
    await assert_denied(writers, "PATCH", f"/aims/{aims[0]['id']}", {"title": "Renamed"})
    await assert_hidden(others, "PATCH", f"/aims/{aims[0]['id']}", {"title": "Renamed"})
    await assert_denied(writers, "DELETE", f"/aims/{aims[0]['id']}")
    await assert_hidden(others, "DELETE", f"/aims/{aims[0]['id']}")
    await assert_hidden([other_role_world.observer], "GET", f"/aims/{aims[0]['id']}")
    await assert_needs_login(role_world.admin, "GET", "/aims")
    await assert_needs_login(
        role_world.admin, "POST", "/aims", {"community_id": role_world.id, "title": "N"}
    )
    await assert_needs_login(role_world.admin, "PATCH", f"/aims/{aims[0]['id']}", {"title": "N"})
    await assert_needs_login(role_world.admin, "DELETE", f"/aims/{aims[0]['id']}")
    assert (await listing(role_world.observer, "/aims"))["items"] == aims
    by_team = await listing(role_world.observer, "/aims", team=team["id"])
    assert [a["title"] for a in by_team["items"]] == ["Aim 1", "Aim 3"]
    page = await listing(role_world.observer, "/aims", per_page=3, page=2)
    assert (page["total"], page["pages"], page["items"]) == (4, 2, [aims[3]])
    assert (await listing(role_world.admin, "/aims", community=other_role_world.id))["total"] == 1
    status, answer = await role_world.observer.get("/aims", team="x")
    assert_error(status, answer, 422, "team")


# --- drivers ------------------------------------------------------------------------


async def test_primary_and_secondary_drivers(role_world: World) -> None:
    aim = await make_aim(role_world)
    primary = await make_driver(role_world, aim, "Feedback")
    assert {k: v for k, v in primary.items() if k != "id"} == {
        "aim_id": aim["id"],
        "parent_id": None,
        "title": "Feedback",
        "description": "",
    }
    secondary = await make_driver(role_world, aim, "Timely feedback", primary)
    assert (secondary["aim_id"], secondary["parent_id"]) == (aim["id"], primary["id"])
    assert await role_world.researcher.ok("GET", f"/drivers/{secondary['id']}") == secondary
    other_primary = await make_driver(role_world, aim, "Belonging")
    under = await listing(role_world.observer, "/drivers", parent=primary["id"])
    assert under["items"] == [secondary]
    every = await listing(role_world.observer, "/drivers", aim=aim["id"])
    assert [d["id"] for d in every["items"]] == [
        primary["id"],
        secondary["id"],
        other_primary["id"],
    ]
    changed = await role_world.facilitator.ok(
        "PATCH",
        f"/drivers/{secondary['id']}",
        {"title": "Feedback within a day", "description": "d"},
    )
    assert changed == {**secondary, "title": "Feedback within a day", "description": "d"}
    # deleting a primary driver takes its secondary drivers with it
    assert (
        await role_world.facilitator.ok("DELETE", f"/drivers/{primary['id']}", status=204) is None
    )
    left = await listing(role_world.admin, "/drivers")
    assert left["items"] == [other_primary]


async def test_a_secondary_driver_needs_a_primary_parent_of_the_same_aim(role_world: World) -> None:
    aim, second_aim = await make_aim(role_world), await make_aim(role_world, "Attendance")
    primary = await make_driver(role_world, aim, "Feedback")
    secondary = await make_driver(role_world, aim, "Timely feedback", primary)
    elsewhere = await make_driver(role_world, second_aim, "Mentoring")
    before = await listing(role_world.admin, "/drivers")
    for parent_id, problem in (
        (secondary["id"], "primary"),
        (elsewhere["id"], "under this aim"),
        (99999, "no driver"),
    ):
        status, answer = await role_world.facilitator.post(
            "/drivers", {"aim_id": aim["id"], "title": "T", "parent_id": parent_id}
        )
        assert_error(status, answer, 422, "parent_id")
        assert problem in answer["error"]["fields"]["parent_id"]
    status, answer = await role_world.facilitator.patch(
        f"/drivers/{elsewhere['id']}", {"parent_id": primary["id"]}
    )
    assert_error(status, answer, 422, "parent_id")
    assert await listing(role_world.admin, "/drivers") == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "T"}, "aim_id"),
        ({"aim_id": "one", "title": "T"}, "aim_id"),
        ({"aim_id": 99999, "title": "T"}, "aim_id"),
        ({"aim_id": "$A"}, "title"),
        ({"aim_id": "$A", "title": None}, "title"),
        ({"aim_id": "$A", "title": "T", "description": 3}, "description"),
        ({"aim_id": "$A", "title": "T", "parent_id": -1}, "parent_id"),
    ],
)
async def test_create_driver_refuses_bad_input(role_world: World, body: dict, field: str) -> None:
    aim = await make_aim(role_world)
    body = {k: aim["id"] if v == "$A" else v for k, v in body.items()}
    for api in (role_world.facilitator, role_world.admin):
        status, answer = await api.post("/drivers", body)
        assert_error(status, answer, 422, field)
    assert (await listing(role_world.admin, "/drivers"))["total"] == 0


async def test_drivers_refuse_other_roles_and_bad_updates(
    role_world: World, other_role_world: World
) -> None:
    aim = await make_aim(role_world)
    driver = await make_driver(role_world, aim, "Feedback")
    writers, others = role_world.non_managers, [other_role_world.facilitator]
    await assert_denied(writers, "POST", "/drivers", {"aim_id": aim["id"], "title": "New"})
    await assert_hidden(
        others, "POST", "/drivers", {"aim_id": aim["id"], "title": "New"}, field="aim_id"
    )
    await assert_denied(writers, "PATCH", f"/drivers/{driver['id']}", {"title": "Renamed"})
    await assert_hidden(others, "PATCH", f"/drivers/{driver['id']}", {"title": "Renamed"})
    await assert_denied(writers, "DELETE", f"/drivers/{driver['id']}")
    await assert_hidden(others, "DELETE", f"/drivers/{driver['id']}")
    await assert_hidden([other_role_world.member], "GET", f"/drivers/{driver['id']}")
    assert (await listing(other_role_world.facilitator, "/drivers"))["total"] == 0
    for change, field in (({"title": None}, "title"), ({"description": None}, "description")):
        status, answer = await role_world.facilitator.patch(f"/drivers/{driver['id']}", change)
        assert_error(status, answer, 422, field)
    await assert_needs_login(role_world.admin, "GET", "/drivers")
    await assert_needs_login(
        role_world.admin, "POST", "/drivers", {"aim_id": aim["id"], "title": "N"}
    )
    await assert_needs_login(role_world.admin, "DELETE", f"/drivers/{driver['id']}")
    assert (await listing(role_world.admin, "/drivers"))["items"] == [driver]
    await assert_not_found(role_world.facilitator, "/drivers/99999", {"title": "X"})
    status, answer = await role_world.observer.get("/drivers", aim="first")
    assert_error(status, answer, 422, "aim")


# --- change ideas -------------------------------------------------------------------


async def test_change_ideas_and_their_stages(role_world: World) -> None:
    team = await make_team(role_world)
    aim = await make_aim(role_world)
    primary = await make_driver(role_world, aim, "Feedback")
    secondary = await make_driver(role_world, aim, "Timely feedback", primary)
    idea = await make_idea(role_world, secondary, team_id=team["id"], description="Daily")
    assert {k: v for k, v in idea.items() if k != "id"} == {
        "driver_id": secondary["id"],
        "team_id": team["id"],
        "title": "Exit tickets",
        "description": "Daily",
        "stage": "testing",
    }
    assert await role_world.observer.ok("GET", f"/change-ideas/{idea['id']}") == idea
    for stage in ("implementing", "spreading", "testing"):
        changed = await role_world.facilitator.ok(
            "PATCH", f"/change-ideas/{idea['id']}", {"stage": stage}
        )
        assert changed == {**idea, "stage": stage}
    spreading = await make_idea(role_world, primary, "Peer review", stage="spreading")
    assert (spreading["stage"], spreading["team_id"]) == ("spreading", None)
    rows = await listing(role_world.member, "/change-ideas", stage="spreading")
    assert rows["items"] == [spreading]
    assert (await listing(role_world.member, "/change-ideas", aim=aim["id"]))["total"] == 2
    assert (await listing(role_world.member, "/change-ideas", driver=primary["id"]))["items"] == [
        spreading
    ]
    assert (await listing(role_world.member, "/change-ideas", team=team["id"]))["items"] == [idea]
    page = await listing(role_world.member, "/change-ideas", per_page=1, page=2)
    assert (page["total"], page["pages"], page["items"]) == (2, 2, [spreading])
    status, answer = await role_world.member.get("/change-ideas", stage="dreaming")
    assert_error(status, answer, 422, "stage")
    assert (
        await role_world.facilitator.ok("DELETE", f"/change-ideas/{idea['id']}", status=204) is None
    )
    assert (await listing(role_world.admin, "/change-ideas"))["items"] == [spreading]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "T"}, "driver_id"),
        ({"driver_id": 99999, "title": "T"}, "driver_id"),
        ({"driver_id": "x", "title": "T"}, "driver_id"),
        ({"driver_id": "$D"}, "title"),
        ({"driver_id": "$D", "title": "T", "stage": "dreaming"}, "stage"),
        ({"driver_id": "$D", "title": "T", "stage": None}, "stage"),
        ({"driver_id": "$D", "title": "T", "team_id": 99999}, "team_id"),
        ({"driver_id": "$D", "title": "T", "team_id": "$T"}, "team_id"),
    ],
)
async def test_create_change_idea_refuses_bad_input(
    role_world: World, other_role_world: World, body: dict, field: str
) -> None:
    driver = await make_driver(role_world, await make_aim(role_world), "Feedback")
    theirs = await make_team(other_role_world, "Theirs")
    swap = {"$D": driver["id"], "$T": theirs["id"]}
    body = {k: swap.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    for api in (role_world.facilitator, role_world.admin):
        status, answer = await api.post("/change-ideas", body)
        assert_error(status, answer, 422, field)
    assert (await listing(role_world.admin, "/change-ideas"))["total"] == 0


async def test_change_ideas_refuse_other_roles_and_bad_updates(
    role_world: World, other_role_world: World
) -> None:
    driver = await make_driver(role_world, await make_aim(role_world), "Feedback")
    idea = await make_idea(role_world, driver)
    theirs = await make_team(other_role_world, "Theirs")
    writers, others = (
        role_world.non_managers,
        [other_role_world.facilitator, other_role_world.member],
    )
    path = f"/change-ideas/{idea['id']}"
    await assert_denied(writers, "POST", "/change-ideas", {"driver_id": driver["id"], "title": "N"})
    await assert_hidden(
        others,
        "POST",
        "/change-ideas",
        {"driver_id": driver["id"], "title": "N"},
        field="driver_id",
    )
    await assert_denied(writers, "PATCH", path, {"stage": "spreading"})
    await assert_hidden(others, "PATCH", path, {"stage": "spreading"})
    await assert_denied(writers, "DELETE", path)
    await assert_hidden(others, "DELETE", path)
    await assert_hidden([other_role_world.facilitator], "GET", path)
    for change, field in (
        ({"stage": None}, "stage"),
        ({"stage": "done"}, "stage"),
        ({"title": None}, "title"),
        ({"description": None}, "description"),
        ({"team_id": theirs["id"]}, "team_id"),
        ({"driver_id": driver["id"]}, "driver_id"),
    ):
        status, answer = await role_world.facilitator.patch(path, change)
        assert_error(status, answer, 422, field)
    await assert_needs_login(role_world.admin, "GET", "/change-ideas")
    await assert_needs_login(role_world.admin, "PATCH", path, {"stage": "spreading"})
    assert (await listing(role_world.admin, "/change-ideas"))["items"] == [idea]
    await assert_not_found(role_world.facilitator, "/change-ideas/99999", {"stage": "testing"})


# --- innovations and their versions ---------------------------------------------------


async def test_innovations_are_created_read_updated_and_deleted(
    role_world: World, other_role_world: World
) -> None:
    body = {"community_id": role_world.id, "name": "Ninth-grade success", "description": "On track"}
    innovation = await role_world.facilitator.ok("POST", "/innovations", body, 201)
    assert {k: v for k, v in innovation.items() if k != "id"} == body
    assert await role_world.observer.ok("GET", f"/innovations/{innovation['id']}") == innovation
    status, answer = await role_world.facilitator.post("/innovations", {**body, "description": ""})
    assert_error(status, answer, 409, "name")
    await other_role_world.facilitator.ok(
        "POST", "/innovations", {**body, "community_id": other_role_world.id}, 201
    )
    second = await role_world.facilitator.ok(
        "POST", "/innovations", {**body, "name": "Advisory"}, 201
    )
    status, answer = await role_world.facilitator.patch(
        f"/innovations/{second['id']}", {"name": "Ninth-grade success"}
    )
    assert_error(status, answer, 409, "name")
    changed = await role_world.facilitator.ok(
        "PATCH", f"/innovations/{second['id']}", {"name": "Advisory 2.0", "description": "d"}
    )
    assert changed == {**second, "name": "Advisory 2.0", "description": "d"}
    rows = await listing(role_world.member, "/innovations")
    assert rows["items"] == [innovation, changed]
    page = await listing(role_world.admin, "/innovations", per_page=2, page=2)
    assert (page["total"], page["pages"], [i["community_id"] for i in page["items"]]) == (
        3,
        2,
        [role_world.id],
    )
    assert (await listing(role_world.admin, "/innovations", community=other_role_world.id))[
        "total"
    ] == 1
    await role_world.facilitator.ok(
        "POST", f"/innovations/{second['id']}/versions", {"released_on": "2024-01-01"}, 201
    )
    assert (
        await role_world.facilitator.ok("DELETE", f"/innovations/{second['id']}", status=204)
        is None
    )
    status, answer = await role_world.facilitator.get(f"/innovations/{second['id']}")
    assert_error(status, answer, 404)
    assert (await listing(role_world.admin, "/innovation-versions"))["total"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "I"}, "community_id"),
        ({"community_id": 99999, "name": "I"}, "community_id"),
        ({"community_id": "x", "name": "I"}, "community_id"),
        ({"community_id": "$C"}, "name"),
        ({"community_id": "$C", "name": ""}, "name"),
        ({"community_id": "$C", "name": "I", "description": ["d"]}, "description"),
    ],
)
async def test_create_innovation_refuses_bad_input(
    role_world: World, body: dict, field: str
) -> None:
    for api in (role_world.facilitator, role_world.admin):
        status, answer = await api.post("/innovations", fill(body, role_world.id))
        assert_error(status, answer, 422, field)
    assert (await listing(role_world.admin, "/innovations"))["total"] == 0


async def test_innovations_refuse_other_roles_and_bad_updates(
    role_world: World, other_role_world: World
) -> None:
    body = {"community_id": role_world.id, "name": "Advisory"}
    innovation = await role_world.facilitator.ok("POST", "/innovations", body, 201)
    path = f"/innovations/{innovation['id']}"
    writers, others = (
        role_world.non_managers,
        [other_role_world.facilitator, other_role_world.member],
    )
    await assert_denied(writers, "POST", "/innovations", {**body, "name": "Other"})
    await assert_hidden(
        others, "POST", "/innovations", {**body, "name": "Other"}, field="community_id"
    )
    await assert_denied(writers, "PATCH", path, {"name": "Renamed"})
    await assert_hidden(others, "PATCH", path, {"name": "Renamed"})
    await assert_denied(writers, "DELETE", path)
    await assert_hidden(others, "DELETE", path)
    await assert_hidden([other_role_world.observer], "GET", path)
    for change, field in (({"name": None}, "name"), ({"description": None}, "description")):
        status, answer = await role_world.facilitator.patch(path, change)
        assert_error(status, answer, 422, field)
    await assert_needs_login(role_world.admin, "GET", "/innovations")
    await assert_needs_login(role_world.admin, "POST", "/innovations", body)
    await assert_needs_login(role_world.admin, "PATCH", path, {"name": "X"})
    await assert_needs_login(role_world.admin, "DELETE", path)
    assert (await listing(role_world.admin, "/innovations"))["items"] == [innovation]
    await assert_not_found(role_world.facilitator, "/innovations/99999", {"name": "X"})


async def test_innovation_versions_are_numbered_in_date_order(role_world: World) -> None:
    innovation = await role_world.facilitator.ok(
        "POST", "/innovations", {"community_id": role_world.id, "name": "Advisory"}, 201
    )
    other = await role_world.facilitator.ok(
        "POST", "/innovations", {"community_id": role_world.id, "name": "Tutoring"}, 201
    )
    path = f"/innovations/{innovation['id']}/versions"
    first = await role_world.facilitator.ok(
        "POST", path, {"released_on": "2024-01-15", "summary": "Pilot"}, 201
    )
    assert first == {
        "id": first["id"],
        "innovation_id": innovation["id"],
        "number": 1,
        "summary": "Pilot",
        "released_on": "2024-01-15",
    }
    same_day = await role_world.facilitator.ok("POST", path, {"released_on": "2024-01-15"}, 201)
    assert (same_day["number"], same_day["summary"]) == (2, "")
    status, answer = await role_world.facilitator.post(path, {"released_on": "2024-01-14"})
    assert_error(status, answer, 422, "released_on")
    assert "version 2" in answer["error"]["fields"]["released_on"]
    third = await role_world.admin.ok(
        "POST", path, {"released_on": "2024-09-01", "summary": "Spread"}, 201
    )
    assert third["number"] == 3
    # each innovation counts its own versions
    theirs = await role_world.facilitator.ok(
        "POST", f"/innovations/{other['id']}/versions", {"released_on": "2020-01-01"}, 201
    )
    assert theirs["number"] == 1
    rows = await listing(role_world.researcher, "/innovation-versions", innovation=innovation["id"])
    assert rows["items"] == [first, same_day, third]
    assert await role_world.observer.ok("GET", f"/innovation-versions/{third['id']}") == third
    page = await listing(role_world.researcher, "/innovation-versions", per_page=2, page=2)
    assert (page["total"], page["items"]) == (4, [third, theirs])


async def test_add_innovation_version_refuses_bad_input(
    role_world: World, other_role_world: World
) -> None:
    innovation = await role_world.facilitator.ok(
        "POST", "/innovations", {"community_id": role_world.id, "name": "Advisory"}, 201
    )
    path = f"/innovations/{innovation['id']}/versions"
    for body, field in (
        ({}, "released_on"),
        ({"summary": "s"}, "released_on"),
        ({"released_on": "2024-02-30"}, "released_on"),
        ({"released_on": 20240101}, "released_on"),
        ({"released_on": "2024-01-01", "summary": 1}, "summary"),
        ({"released_on": "2024-01-01", "number": 7}, "number"),
    ):
        status, answer = await role_world.facilitator.post(path, body)
        assert_error(status, answer, 422, field)
    body = {"released_on": "2024-01-01"}
    await assert_denied(role_world.non_managers, "POST", path, body)
    await assert_hidden([other_role_world.facilitator, other_role_world.member], "POST", path, body)
    await assert_needs_login(role_world.admin, "POST", path, body)
    await assert_needs_login(role_world.admin, "GET", "/innovation-versions")
    status, answer = await role_world.facilitator.post("/innovations/99999/versions", body)
    assert_error(status, answer, 404)
    status, answer = await role_world.facilitator.get("/innovation-versions/99999")
    assert_error(status, answer, 404)
    assert (await listing(role_world.admin, "/innovation-versions"))["total"] == 0
    first = await role_world.facilitator.ok("POST", path, body, 201)
    assert first["number"] == 1  # the refused attempts used no number
    await assert_hidden([other_role_world.member], "GET", f"/innovation-versions/{first['id']}")
    assert (await listing(other_role_world.facilitator, "/innovation-versions"))["total"] == 0
