"""API of organizations, people and people's dated memberships in teams."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.factories import RoleWorld
from tests.helpers import (
    assert_denied,
    assert_error,
    assert_hidden,
    assert_needs_login,
    fill,
    listing,
)
from tests.plugins.recorder import EventRecorder

World = RoleWorld


async def make_team(role_world: World, name: str = "SIDT") -> dict[str, Any]:
    body = {"community_id": role_world.id, "name": name, "kind": "school_design_team"}
    return await role_world.facilitator.ok("POST", "/teams", body, 201)


async def make_person(role_world: World, name: str = "Ana", **extra: Any) -> dict[str, Any]:
    return await role_world.facilitator.ok(
        "POST", "/people", {"community_id": role_world.id, "name": name, **extra}, 201
    )


def spell(person: dict, team: dict, start: str, end: str | None = None, role: str = "member"):
    return {
        "person_id": person["id"],
        "team_id": team["id"],
        "role": role,
        "start_date": start,
        "end_date": end,
    }


def event(row: dict, change: str) -> tuple[str, dict]:
    """The ``membership_changed`` event for an API row: the hook gets dates, not strings."""
    dates = {k: date.fromisoformat(row[k]) if row[k] else None for k in ("start_date", "end_date")}
    return ("membership_changed", {**row, **dates, "change": change})


# --- organizations ------------------------------------------------------------------


async def test_organizations_are_created_read_updated_and_deleted(role_world: World) -> None:
    body = {"community_id": role_world.id, "name": "Central High", "kind": "school"}
    org = await role_world.facilitator.ok("POST", "/organizations", body, 201)
    assert {k: org[k] for k in body} == body
    assert await role_world.researcher.ok("GET", f"/organizations/{org['id']}") == org
    changed = await role_world.facilitator.ok(
        "PATCH", f"/organizations/{org['id']}", {"kind": "district", "name": "District 9"}
    )
    assert (changed["name"], changed["kind"], changed["community_id"]) == (
        "District 9",
        "district",
        role_world.id,
    )
    team = await role_world.facilitator.ok(
        "POST",
        "/teams",
        {
            "community_id": role_world.id,
            "name": "SIDT",
            "kind": "school_design_team",
            "organization_id": org["id"],
        },
        201,
    )
    assert (
        await role_world.facilitator.ok("DELETE", f"/organizations/{org['id']}", status=204) is None
    )
    status, answer = await role_world.facilitator.get(f"/organizations/{org['id']}")
    assert_error(status, answer, 404)
    assert (await role_world.admin.ok("GET", f"/teams/{team['id']}"))["organization_id"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "kind": "school"}, "community_id"),
        ({"community_id": "one", "name": "X", "kind": "school"}, "community_id"),
        ({"community_id": 0, "name": "X", "kind": "school"}, "community_id"),
        ({"community_id": 99999, "name": "X", "kind": "school"}, "community_id"),
        ({"community_id": "$C", "kind": "school"}, "name"),
        ({"community_id": "$C", "name": "", "kind": "school"}, "name"),
        ({"community_id": "$C", "name": "X"}, "kind"),
        ({"community_id": "$C", "name": "X", "kind": "castle"}, "kind"),
        ({"community_id": "$C", "name": "X", "kind": 3}, "kind"),
    ],
)
async def test_create_organization_refuses_bad_input(
    role_world: World, body: dict, field: str
) -> None:
    for api in (role_world.facilitator, role_world.admin):
        status, answer = await api.post("/organizations", fill(body, role_world.id))
        assert_error(status, answer, 422, field)
    assert (await listing(role_world.admin, "/organizations"))["total"] == 0


async def test_organization_names_are_unique_per_community(
    role_world: World, other_role_world: World
) -> None:
    body = {"community_id": role_world.id, "name": "Central High", "kind": "school"}
    first = await role_world.facilitator.ok("POST", "/organizations", body, 201)
    status, answer = await role_world.facilitator.post(
        "/organizations", {**body, "kind": "district"}
    )
    assert_error(status, answer, 409, "name")
    await other_role_world.facilitator.ok(
        "POST", "/organizations", {**body, "community_id": other_role_world.id}, 201
    )
    second = await role_world.facilitator.ok(
        "POST", "/organizations", {**body, "name": "West"}, 201
    )
    status, answer = await role_world.facilitator.patch(
        f"/organizations/{second['id']}", {"name": "Central High"}
    )
    assert_error(status, answer, 409, "name")
    rows = (await listing(role_world.admin, "/organizations", community=role_world.id))["items"]
    assert [(o["id"], o["name"], o["kind"]) for o in rows] == [
        (first["id"], "Central High", "school"),
        (second["id"], "West", "school"),
    ]


async def test_organizations_refuse_other_roles(role_world: World, other_role_world: World) -> None:
    body = {"community_id": role_world.id, "name": "Central High", "kind": "school"}
    org = await role_world.facilitator.ok("POST", "/organizations", body, 201)
    writers, others = role_world.non_managers, [other_role_world.facilitator]
    await assert_denied(writers, "POST", "/organizations", {**body, "name": "Other"})
    await assert_hidden(
        others, "POST", "/organizations", {**body, "name": "Other"}, field="community_id"
    )
    await assert_denied(writers, "PATCH", f"/organizations/{org['id']}", {"name": "Renamed"})
    await assert_hidden(others, "PATCH", f"/organizations/{org['id']}", {"name": "Renamed"})
    await assert_denied(writers, "DELETE", f"/organizations/{org['id']}")
    await assert_hidden(others, "DELETE", f"/organizations/{org['id']}")
    await assert_hidden([other_role_world.member], "GET", f"/organizations/{org['id']}")
    assert (await listing(other_role_world.facilitator, "/organizations"))["total"] == 0
    assert (await listing(role_world.observer, "/organizations"))["items"] == [org]
    await assert_needs_login(role_world.admin, "POST", "/organizations", body)
    await assert_needs_login(role_world.admin, "GET", "/organizations")
    await assert_needs_login(
        role_world.admin, "PATCH", f"/organizations/{org['id']}", {"name": "Y"}
    )
    await assert_needs_login(role_world.admin, "DELETE", f"/organizations/{org['id']}")
    assert (await listing(role_world.admin, "/organizations"))["items"] == [org]


async def test_update_and_delete_organization_refuse_bad_input(role_world: World) -> None:
    body = {"community_id": role_world.id, "name": "Central High", "kind": "school"}
    org = await role_world.facilitator.ok("POST", "/organizations", body, 201)
    for change, field in (
        ({"name": None}, "name"),
        ({"kind": None}, "kind"),
        ({"kind": "castle"}, "kind"),
        ({"name": ["x"]}, "name"),
        ({"community_id": role_world.id}, "community_id"),
    ):
        status, answer = await role_world.facilitator.patch(f"/organizations/{org['id']}", change)
        assert_error(status, answer, 422, field)
    assert await role_world.admin.ok("GET", f"/organizations/{org['id']}") == org
    for method in ("GET", "PATCH", "DELETE"):
        status, answer = await role_world.facilitator.call(
            method, "/organizations/99999", **({"json": {"name": "X"}} if method == "PATCH" else {})
        )
        assert_error(status, answer, 404)


async def test_organization_list_filters(role_world: World) -> None:
    for name, kind in (
        ("D", "district"),
        ("S1", "school"),
        ("S2", "school"),
        ("R", "research_partner"),
    ):
        await role_world.facilitator.ok(
            "POST",
            "/organizations",
            {"community_id": role_world.id, "name": name, "kind": kind},
            201,
        )
    schools = await listing(role_world.member, "/organizations", kind="school")
    assert [o["name"] for o in schools["items"]] == ["S1", "S2"]
    page = await listing(role_world.member, "/organizations", per_page=3, page=2)
    assert (page["total"], page["pages"], [o["name"] for o in page["items"]]) == (4, 2, ["R"])
    status, answer = await role_world.member.get("/organizations", kind="castle")
    assert_error(status, answer, 422, "kind")
    status, answer = await role_world.member.get("/organizations", community="x")
    assert_error(status, answer, 422, "community")


# --- people -------------------------------------------------------------------------


async def test_people_are_created_read_updated_and_deleted(role_world: World) -> None:
    org = await role_world.facilitator.ok(
        "POST",
        "/organizations",
        {"community_id": role_world.id, "name": "C", "kind": "school"},
        201,
    )
    person = await make_person(
        role_world,
        " Ana Ruiz ",
        email="Ana.Ruiz@School.ORG",
        title="Teacher",
        organization_id=org["id"],
        user_id=role_world.member.user_id,
    )
    assert {k: v for k, v in person.items() if k != "id"} == {
        "community_id": role_world.id,
        "organization_id": org["id"],
        "user_id": role_world.member.user_id,
        "name": "Ana Ruiz",
        "email": "ana.ruiz@school.org",
        "title": "Teacher",
    }
    assert await role_world.observer.ok("GET", f"/people/{person['id']}") == person
    changed = await role_world.facilitator.ok(
        "PATCH",
        f"/people/{person['id']}",
        {"title": "Coach", "email": "ANA@x.org", "organization_id": None, "user_id": None},
    )
    expected = {**person, "title": "Coach", "email": "ana@x.org"}
    assert changed == {**expected, "organization_id": None, "user_id": None}
    assert await role_world.researcher.ok("GET", f"/people/{person['id']}") == changed
    assert await role_world.facilitator.ok("DELETE", f"/people/{person['id']}", status=204) is None
    status, answer = await role_world.facilitator.get(f"/people/{person['id']}")
    assert_error(status, answer, 404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "A"}, "community_id"),
        ({"community_id": "lakeview", "name": "A"}, "community_id"),
        ({"community_id": 99999, "name": "A"}, "community_id"),
        ({"community_id": "$C"}, "name"),
        ({"community_id": "$C", "name": "  "}, "name"),
        ({"community_id": "$C", "name": 42}, "name"),
        ({"community_id": "$C", "name": "A", "email": "not-an-email"}, "email"),
        ({"community_id": "$C", "name": "A", "title": ["x"]}, "title"),
        ({"community_id": "$C", "name": "A", "organization_id": 99999}, "organization_id"),
        ({"community_id": "$C", "name": "A", "organization_id": "x"}, "organization_id"),
        ({"community_id": "$C", "name": "A", "user_id": 99999}, "user_id"),
        ({"community_id": "$C", "name": "A", "team_id": 1}, "team_id"),
    ],
)
async def test_create_person_refuses_bad_input(role_world: World, body: dict, field: str) -> None:
    for api in (role_world.facilitator, role_world.admin):
        status, answer = await api.post("/people", fill(body, role_world.id))
        assert_error(status, answer, 422, field)
    assert (await listing(role_world.admin, "/people"))["total"] == 0


async def test_person_organization_must_be_in_the_same_community(
    role_world: World, other_role_world: World
) -> None:
    theirs = await other_role_world.facilitator.ok(
        "POST",
        "/organizations",
        {"community_id": other_role_world.id, "name": "O", "kind": "school"},
        201,
    )
    status, answer = await role_world.facilitator.post(
        "/people", {"community_id": role_world.id, "name": "A", "organization_id": theirs["id"]}
    )
    assert_error(status, answer, 422, "organization_id")
    person = await make_person(role_world)
    status, answer = await role_world.facilitator.patch(
        f"/people/{person['id']}", {"organization_id": theirs["id"]}
    )
    assert_error(status, answer, 422, "organization_id")
    assert (await listing(role_world.admin, "/people"))["items"] == [person]


async def test_person_emails_are_unique_per_community(
    role_world: World, other_role_world: World
) -> None:
    ana = await make_person(role_world, "Ana", email="ana@x.org")
    status, answer = await role_world.facilitator.post(
        "/people", {"community_id": role_world.id, "name": "Other Ana", "email": "ANA@x.org"}
    )
    assert_error(status, answer, 409, "email")
    await make_person(other_role_world, "Ana", email="ana@x.org")
    ben = await make_person(role_world, "Ben")
    await make_person(role_world, "Cy")  # a second person without an email is fine
    status, answer = await role_world.facilitator.patch(
        f"/people/{ben['id']}", {"email": "ana@x.org"}
    )
    assert_error(status, answer, 409, "email")
    rows = (await listing(role_world.admin, "/people", community=role_world.id))["items"]
    assert [(p["name"], p["email"]) for p in rows] == [
        ("Ana", "ana@x.org"),
        ("Ben", None),
        ("Cy", None),
    ]
    assert rows[0] == ana


async def test_update_person_refuses_bad_input(role_world: World) -> None:
    person = await make_person(role_world, email="ana@x.org", title="Teacher")
    for change, field in (
        ({"name": None}, "name"),
        ({"title": None}, "title"),
        ({"name": ""}, "name"),
        ({"email": "nope"}, "email"),
        ({"user_id": 99999}, "user_id"),
        ({"user_id": "me"}, "user_id"),
        ({"community_id": role_world.id}, "community_id"),
    ):
        status, answer = await role_world.facilitator.patch(f"/people/{person['id']}", change)
        assert_error(status, answer, 422, field)
    assert await role_world.admin.ok("GET", f"/people/{person['id']}") == person
    for method in ("GET", "PATCH", "DELETE"):
        kwargs = {"json": {"name": "X"}} if method == "PATCH" else {}
        status, answer = await role_world.facilitator.call(method, "/people/99999", **kwargs)
        assert_error(status, answer, 404)


async def test_people_refuse_other_roles(role_world: World, other_role_world: World) -> None:
    person = await make_person(role_world)
    writers, others = (
        role_world.non_managers,
        [other_role_world.facilitator, other_role_world.member],
    )
    await assert_denied(writers, "POST", "/people", {"community_id": role_world.id, "name": "New"})
    await assert_hidden(
        others,
        "POST",
        "/people",
        {"community_id": role_world.id, "name": "New"},
        field="community_id",
    )
    await assert_denied(writers, "PATCH", f"/people/{person['id']}", {"name": "Renamed"})
    await assert_hidden(others, "PATCH", f"/people/{person['id']}", {"name": "Renamed"})
    await assert_denied(writers, "DELETE", f"/people/{person['id']}")
    await assert_hidden(others, "DELETE", f"/people/{person['id']}")
    await assert_hidden([other_role_world.member], "GET", f"/people/{person['id']}")
    await assert_hidden(
        [role_world.member],
        "POST",
        "/people",
        {"community_id": other_role_world.id, "name": "X"},
        "community_id",
    )
    assert (await listing(other_role_world.facilitator, "/people"))["total"] == 0
    await assert_needs_login(role_world.admin, "GET", "/people")
    await assert_needs_login(role_world.admin, "GET", f"/people/{person['id']}")
    await assert_needs_login(
        role_world.admin, "POST", "/people", {"community_id": role_world.id, "name": "N"}
    )
    await assert_needs_login(role_world.admin, "PATCH", f"/people/{person['id']}", {"name": "N"})
    await assert_needs_login(role_world.admin, "DELETE", f"/people/{person['id']}")
    assert (await listing(role_world.admin, "/people"))["items"] == [person]


async def test_people_list_pages_and_filters(role_world: World, other_role_world: World) -> None:
    org = await role_world.facilitator.ok(
        "POST",
        "/organizations",
        {"community_id": role_world.id, "name": "C", "kind": "school"},
        201,
    )
    sidt, didt = await make_team(role_world, "SIDT"), await make_team(role_world, "DIDT")
    people = [
        await make_person(role_world, f"P{n}", organization_id=org["id"] if n % 2 else None)
        for n in range(5)
    ]
    await make_person(other_role_world, "Elsewhere")
    for person in people[:3]:
        await role_world.facilitator.ok(
            "POST", "/memberships", spell(person, sidt, "2024-01-01"), 201
        )
    # two spells of P0 in the DIDT must not list P0 twice
    await role_world.facilitator.ok(
        "POST", "/memberships", spell(people[0], didt, "2023-01-01", "2023-06-30"), 201
    )
    await role_world.facilitator.ok(
        "POST", "/memberships", spell(people[0], didt, "2024-01-01"), 201
    )
    await role_world.facilitator.ok(
        "POST", "/memberships", spell(people[4], didt, "2024-01-01"), 201
    )
    page = await listing(role_world.observer, "/people", per_page=2, page=3)
    assert (page["page"], page["per_page"], page["total"], page["pages"]) == (3, 2, 5, 3)
    assert [p["name"] for p in page["items"]] == ["P4"]
    in_org = await listing(role_world.observer, "/people", organization=org["id"])
    assert [p["name"] for p in in_org["items"]] == ["P1", "P3"]
    in_sidt = await listing(role_world.observer, "/people", team=sidt["id"])
    assert ([p["name"] for p in in_sidt["items"]], in_sidt["total"]) == (["P0", "P1", "P2"], 3)
    in_didt = await listing(role_world.observer, "/people", team=didt["id"], per_page=1)
    assert ([p["name"] for p in in_didt["items"]], in_didt["total"]) == (["P0"], 2)
    assert (await listing(role_world.admin, "/people", community=other_role_world.id))["total"] == 1
    assert (await listing(role_world.observer, "/people", community=other_role_world.id))[
        "total"
    ] == 0
    for params, field in (
        ({"team": "x"}, "team"),
        ({"organization": ""}, None),
        ({"name": "P1"}, "name"),
    ):
        status, answer = await role_world.observer.get("/people", **params)
        if field is None:
            assert status == 200 and answer["total"] == 5  # an empty filter is no filter
        else:
            assert_error(status, answer, 422, field)


# --- memberships --------------------------------------------------------------------


@pytest.fixture
async def setup(role_world: World) -> tuple[World, dict, dict]:
    return role_world, await make_person(role_world), await make_team(role_world)


async def test_membership_is_added_read_and_announced(setup, recorder: EventRecorder) -> None:
    role_world, person, team = setup
    body = spell(person, team, "2024-08-15", role="coordinator")
    row = await role_world.facilitator.ok("POST", "/memberships", body, 201)
    assert {k: v for k, v in row.items() if k != "id"} == body
    assert await role_world.observer.ok("GET", f"/memberships/{row['id']}") == row
    assert recorder.events == [event(row, "added")]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"person_id": None}, "person_id"),
        ({"team_id": None}, "team_id"),
        ({"role": None}, "role"),
        ({"start_date": None}, "start_date"),
        ({"role": "boss"}, "role"),
        ({"start_date": "2024-13-01"}, "start_date"),
        ({"start_date": "last week"}, "start_date"),
        ({"end_date": "soon"}, "end_date"),
        ({"person_id": "ana"}, "person_id"),
        ({"team_id": 99999}, "team_id"),
        ({"person_id": 99999}, "person_id"),
        ({"end_date": "2024-08-14"}, "end_date"),
    ],
)
async def test_add_membership_refuses_bad_input(
    setup, recorder: EventRecorder, change: dict, field: str
) -> None:
    role_world, person, team = setup
    body = {**spell(person, team, "2024-08-15"), **change}
    body = {k: v for k, v in body.items() if v is not None or k == "end_date"}
    for api in (role_world.facilitator, role_world.admin):
        status, answer = await api.post("/memberships", body)
        assert_error(status, answer, 422, field)
    assert (await listing(role_world.admin, "/memberships"))["total"] == 0
    assert recorder.events == []


async def test_membership_person_must_be_in_the_team_community(
    setup, other_role_world: World
) -> None:
    role_world, person, team = setup
    stranger = await make_person(other_role_world, "Stranger")
    their_team = await make_team(other_role_world, "Theirs")
    status, answer = await role_world.facilitator.post(
        "/memberships", spell(stranger, team, "2024-01-01")
    )
    assert_error(status, answer, 422, "person_id")
    status, answer = await other_role_world.facilitator.post(
        "/memberships", spell(person, their_team, "2024-01-01")
    )
    assert_error(status, answer, 422, "person_id")
    assert (await listing(role_world.admin, "/memberships"))["total"] == 0


async def test_a_day_on_the_end_date_is_still_in_the_spell(setup, recorder: EventRecorder) -> None:
    role_world, person, team = setup
    first = await role_world.facilitator.ok(
        "POST", "/memberships", spell(person, team, "2023-01-01", "2023-06-30"), 201
    )
    recorder.events.clear()
    for start, end in (
        ("2023-06-30", None),
        ("2022-01-01", "2023-01-01"),
        ("2022-01-01", None),
        ("2023-03-01", "2023-03-31"),
        ("2022-12-01", "2023-12-31"),
    ):
        status, answer = await role_world.facilitator.post(
            "/memberships", spell(person, team, start, end)
        )
        assert_error(status, answer, 409, "start_date")
        assert str(first["id"]) in answer["error"]["fields"]["start_date"]
    assert recorder.events == []
    later = await role_world.facilitator.ok(
        "POST", "/memberships", spell(person, team, "2023-07-01"), 201
    )
    earlier = await role_world.facilitator.ok(
        "POST", "/memberships", spell(person, team, "2022-01-01", "2022-12-31"), 201
    )
    status, answer = await role_world.facilitator.post(
        "/memberships", spell(person, team, "2030-01-01")
    )
    assert_error(status, answer, 409, "start_date")  # the open spell runs on for ever
    rows = (await listing(role_world.admin, "/memberships", person=person["id"]))["items"]
    assert [(m["id"], m["start_date"], m["end_date"]) for m in rows] == [
        (first["id"], "2023-01-01", "2023-06-30"),
        (later["id"], "2023-07-01", None),
        (earlier["id"], "2022-01-01", "2022-12-31"),
    ]
    assert [e["change"] for _, e in recorder.events] == ["added", "added"]


async def test_overlapping_spells_in_different_teams_are_fine(setup) -> None:
    role_world, person, sidt = setup
    didt = await make_team(role_world, "DIDT")
    await role_world.facilitator.ok("POST", "/memberships", spell(person, sidt, "2024-01-01"), 201)
    row = await role_world.facilitator.ok(
        "POST", "/memberships", spell(person, didt, "2024-01-01", role="coordinator"), 201
    )
    assert (row["team_id"], row["role"]) == (didt["id"], "coordinator")
    assert (await listing(role_world.admin, "/memberships", person=person["id"]))["total"] == 2


async def test_end_membership(setup, recorder: EventRecorder) -> None:
    role_world, person, team = setup
    row = await role_world.facilitator.ok(
        "POST", "/memberships", spell(person, team, "2024-01-01"), 201
    )
    recorder.events.clear()
    for body, field in (
        ({}, "end_date"),
        ({"end_date": "2023-12-31"}, "end_date"),
        ({"end_date": 5}, "end_date"),
    ):
        status, answer = await role_world.facilitator.post(f"/memberships/{row['id']}/end", body)
        assert_error(status, answer, 422, field)
    await assert_denied(
        role_world.non_managers, "POST", f"/memberships/{row['id']}/end", {"end_date": "2024-06-30"}
    )
    assert await role_world.admin.ok("GET", f"/memberships/{row['id']}") == row
    assert recorder.events == []
    ended = await role_world.facilitator.ok(
        "POST", f"/memberships/{row['id']}/end", {"end_date": "2024-01-01"}
    )
    assert ended == {**row, "end_date": "2024-01-01"}
    assert recorder.events == [event(ended, "ended")]
    status, answer = await role_world.facilitator.post(
        f"/memberships/{row['id']}/end", {"end_date": "2024-06-30"}
    )
    assert_error(status, answer, 409, "end_date")
    assert (await role_world.admin.ok("GET", f"/memberships/{row['id']}"))[
        "end_date"
    ] == "2024-01-01"
    status, answer = await role_world.facilitator.post(
        "/memberships/99999/end", {"end_date": "2024-06-30"}
    )
    assert_error(status, answer, 404)
    await assert_needs_login(
        role_world.admin, "POST", f"/memberships/{row['id']}/end", {"end_date": "2024-02-01"}
    )
    assert len(recorder.events) == 1


async def test_update_membership(setup, recorder: EventRecorder) -> None:
    role_world, person, team = setup
    first = await role_world.facilitator.ok(
        "POST", "/memberships", spell(person, team, "2023-01-01", "2023-12-31"), 201
    )
    second = await role_world.facilitator.ok(
        "POST", "/memberships", spell(person, team, "2024-03-01"), 201
    )
    recorder.events.clear()
    changed = await role_world.facilitator.ok(
        "PATCH", f"/memberships/{first['id']}", {"role": "coordinator", "end_date": "2024-02-29"}
    )
    assert changed == {**first, "role": "coordinator", "end_date": "2024-02-29"}
    assert recorder.events == [event(changed, "updated")]
    for change, field, code in (
        ({"end_date": "2024-03-01"}, "start_date", 409),
        ({"end_date": None}, "start_date", 409),
        ({"start_date": "2024-03-01"}, "end_date", 422),
        ({"start_date": None}, "start_date", 422),
        ({"role": None}, "role", 422),
        ({"role": "boss"}, "role", 422),
        ({"team_id": team["id"]}, "team_id", 422),
    ):
        status, answer = await role_world.facilitator.patch(f"/memberships/{first['id']}", change)
        assert_error(status, answer, code, field)
    await assert_denied(
        role_world.non_managers, "PATCH", f"/memberships/{first['id']}", {"role": "member"}
    )
    assert await role_world.admin.ok("GET", f"/memberships/{first['id']}") == changed
    assert await role_world.admin.ok("GET", f"/memberships/{second['id']}") == second
    assert len(recorder.events) == 1
    reopened = await role_world.facilitator.ok(
        "PATCH", f"/memberships/{second['id']}", {"start_date": "2024-03-01", "end_date": None}
    )
    assert reopened == second
    status, answer = await role_world.facilitator.patch("/memberships/99999", {"role": "member"})
    assert_error(status, answer, 404)


async def test_delete_membership(setup, recorder: EventRecorder) -> None:
    role_world, person, team = setup
    row = await role_world.facilitator.ok(
        "POST", "/memberships", spell(person, team, "2024-01-01"), 201
    )
    recorder.events.clear()
    await assert_denied(role_world.non_managers, "DELETE", f"/memberships/{row['id']}")
    await assert_needs_login(role_world.admin, "DELETE", f"/memberships/{row['id']}")
    assert await role_world.admin.ok("GET", f"/memberships/{row['id']}") == row
    assert recorder.events == []
    assert (
        await role_world.facilitator.ok("DELETE", f"/memberships/{row['id']}", status=204) is None
    )
    assert recorder.events == [event(row, "deleted")]
    for method in ("GET", "DELETE"):
        status, answer = await role_world.facilitator.call(method, f"/memberships/{row['id']}")
        assert_error(status, answer, 404)


async def test_deleting_a_person_or_team_removes_their_memberships(setup) -> None:
    role_world, person, team = setup
    other_person, other_team = (
        await make_person(role_world, "Ben"),
        await make_team(role_world, "DIDT"),
    )
    await role_world.facilitator.ok("POST", "/memberships", spell(person, team, "2024-01-01"), 201)
    kept = await role_world.facilitator.ok(
        "POST", "/memberships", spell(other_person, other_team, "2024-01-01"), 201
    )
    await role_world.facilitator.ok(
        "POST", "/memberships", spell(other_person, team, "2024-01-01"), 201
    )
    await role_world.facilitator.ok("DELETE", f"/people/{person['id']}", status=204)
    await role_world.facilitator.ok("DELETE", f"/teams/{team['id']}", status=204)
    assert (await listing(role_world.admin, "/memberships"))["items"] == [kept]


async def test_memberships_refuse_other_roles(
    setup, other_role_world: World, recorder: EventRecorder
) -> None:
    role_world, person, team = setup
    row = await role_world.facilitator.ok(
        "POST", "/memberships", spell(person, team, "2024-01-01"), 201
    )
    recorder.events.clear()
    body = spell(person, team, "2020-01-01", "2020-12-31")
    await assert_denied(role_world.non_managers, "POST", "/memberships", body)
    await assert_hidden(
        [other_role_world.facilitator, other_role_world.member],
        "POST",
        "/memberships",
        body,
        field="team_id",
    )
    await assert_hidden(
        [other_role_world.member, other_role_world.facilitator], "GET", f"/memberships/{row['id']}"
    )
    await assert_hidden(
        [other_role_world.facilitator], "PATCH", f"/memberships/{row['id']}", {"role": "liaison"}
    )
    assert (await listing(other_role_world.facilitator, "/memberships"))["total"] == 0
    await assert_needs_login(role_world.admin, "GET", "/memberships")
    await assert_needs_login(role_world.admin, "POST", "/memberships", body)
    await assert_needs_login(
        role_world.admin, "PATCH", f"/memberships/{row['id']}", {"role": "liaison"}
    )
    assert (await listing(role_world.admin, "/memberships"))["items"] == [row]
    assert recorder.events == []


async def test_membership_list_filters_and_pages(setup, other_role_world: World) -> None:
    role_world, ana, sidt = setup
    ben, didt = await make_person(role_world, "Ben"), await make_team(role_world, "DIDT")
    spells = [
        spell(ana, sidt, "2023-01-01", "2023-12-31"),
        spell(ana, sidt, "2024-01-01", role="coordinator"),
        spell(ana, didt, "2024-06-01", "2024-06-30", role="coordinator"),
        spell(ben, sidt, "2024-03-01"),
        spell(ben, didt, "2025-01-01"),
    ]
    ids = [(await role_world.facilitator.ok("POST", "/memberships", s, 201))["id"] for s in spells]
    theirs = await make_team(other_role_world, "Theirs")
    await other_role_world.facilitator.ok(
        "POST",
        "/memberships",
        spell(await make_person(other_role_world, "Cy"), theirs, "2024-01-01"),
        201,
    )

    async def ids_of(**params: Any) -> list[int]:
        body = await listing(role_world.researcher, "/memberships", **params)
        assert body["total"] == len(body["items"]) or "per_page" in params
        return [ids.index(m["id"]) for m in body["items"]]

    assert await ids_of() == [0, 1, 2, 3, 4]
    assert await ids_of(active_on="2024-06-30") == [1, 2, 3]
    assert await ids_of(active_on="2023-12-31") == [0]
    assert await ids_of(active_on="2024-01-01") == [1]
    assert await ids_of(active_on="2022-01-01") == []
    assert await ids_of(active_on="2024-07-01", team=sidt["id"]) == [1, 3]
    assert await ids_of(person=ben["id"]) == [3, 4]
    assert await ids_of(team=didt["id"], role="coordinator") == [2]
    assert await ids_of(community=role_world.id, role="member") == [0, 3, 4]
    page = await listing(role_world.researcher, "/memberships", per_page=2, page=2)
    assert (page["page"], page["per_page"], page["total"], page["pages"]) == (2, 2, 5, 3)
    assert [ids.index(m["id"]) for m in page["items"]] == [2, 3]
    assert (await listing(role_world.admin, "/memberships", community=other_role_world.id))[
        "total"
    ] == 1
    for params, field in (
        ({"active_on": "2024-02-30"}, "active_on"),
        ({"active_on": "today"}, "active_on"),
        ({"role": "boss"}, "role"),
        ({"team": "x"}, "team"),
        ({"per_page": "lots"}, "per_page"),
        ({"start_date": "2024-01-01"}, "start_date"),
    ):
        status, answer = await role_world.researcher.get("/memberships", **params)
        assert_error(status, answer, 422, field)
