"""API of the community structure: communities, roles, teams and team kinds.

``role_world`` and ``other_role_world`` (fixtures in conftest) are communities with a
facilitator, a member, a researcher and an observer (``tests.factories.build_community``).
"""

from __future__ import annotations

from typing import Any

import pytest

from core.testing import Api
from tests.factories import ROLE_NAMES, RoleWorld, UserFactory
from tests.helpers import (
    assert_denied,
    assert_error,
    assert_hidden,
    assert_needs_login,
    fill,
    listing,
)

World = RoleWorld


# --- communities ------------------------------------------------------------------


async def test_admin_creates_and_reads_community(admin: Api) -> None:
    body = {"slug": "north-bay", "name": "  North Bay NIC ", "description": "Algebra 1"}
    created = await admin.ok("POST", "/communities", body, 201)
    assert created["slug"] == "north-bay"
    assert created["name"] == "North Bay NIC"
    assert (created["description"], created["method"], created["time_zone"]) == (
        "Algebra 1",
        "PDSA",
        "UTC",
    )
    assert created["created_at"]
    assert await admin.ok("GET", f"/communities/{created['id']}") == created


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "No slug"}, "slug"),
        ({"slug": "no-name"}, "name"),
        ({"slug": "Bad Slug", "name": "x"}, "slug"),
        ({"slug": 12, "name": "x"}, "slug"),
        ({"slug": "ok", "name": ["x"]}, "name"),
        ({"slug": "ok", "name": "x", "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"slug": "ok", "name": "x", "colour": "red"}, "colour"),
    ],
)
async def test_create_community_refuses_bad_input(admin: Api, body: dict, field: str) -> None:
    status, answer = await admin.post("/communities", body)
    assert_error(status, answer, 422, field)
    assert (await listing(admin, "/communities"))["total"] == 0


async def test_create_community_refuses_non_json_and_duplicates(admin: Api) -> None:
    status, answer = await admin.call("POST", "/communities", content=b"{not json")
    assert_error(status, answer, 422, "body")
    await admin.ok("POST", "/communities", {"slug": "one", "name": "One"}, 201)
    status, answer = await admin.post("/communities", {"slug": "one", "name": "Again"})
    assert_error(status, answer, 409, "slug")
    items = (await listing(admin, "/communities"))["items"]
    assert [c["name"] for c in items] == ["One"]


async def test_only_site_admins_create_and_delete_communities(role_world: World) -> None:
    await assert_denied(
        [role_world.facilitator, *role_world.non_managers],
        "POST",
        "/communities",
        {"slug": "x", "name": "X"},
    )
    await assert_denied(
        [role_world.facilitator, *role_world.non_managers],
        "DELETE",
        f"/communities/{role_world.id}",
    )
    items = (await listing(role_world.admin, "/communities"))["items"]
    assert [c["slug"] for c in items] == ["lakeview"]


async def test_communities_need_login(role_world: World) -> None:
    await assert_needs_login(role_world.admin, "GET", "/communities")
    await assert_needs_login(role_world.admin, "GET", f"/communities/{role_world.id}")
    await assert_needs_login(role_world.admin, "POST", "/communities", {"slug": "x", "name": "X"})
    await assert_needs_login(
        role_world.admin, "PATCH", f"/communities/{role_world.id}", {"name": "X"}
    )
    await assert_needs_login(role_world.admin, "DELETE", f"/communities/{role_world.id}")
    assert (await role_world.admin.ok("GET", f"/communities/{role_world.id}"))["name"] == "Lakeview"


async def test_community_list_shows_only_communities_with_a_role(
    role_world: World, other_role_world: World, make_user: UserFactory
) -> None:
    every = await listing(role_world.admin, "/communities")
    assert [c["slug"] for c in every["items"]] == ["lakeview", "hillside"]
    for api in (role_world.facilitator, role_world.observer):
        assert [c["slug"] for c in (await listing(api, "/communities"))["items"]] == ["lakeview"]
    stranger = await make_user("stranger@example.org")
    assert (await listing(stranger, "/communities"))["total"] == 0
    status, body = await stranger.get(f"/communities/{role_world.id}")
    assert_error(status, body, 404)  # no role there: as if it did not exist
    status, body = await role_world.member.get(f"/communities/{other_role_world.id}")
    assert_error(status, body, 404)


async def test_community_list_pages_and_filters(admin: Api) -> None:
    for slug in ("a", "b", "c"):
        await admin.ok("POST", "/communities", {"slug": slug, "name": slug.upper()}, 201)
    page = await listing(admin, "/communities", per_page=2, page=2)
    assert (page["page"], page["per_page"], page["total"], page["pages"]) == (2, 2, 3, 2)
    assert [c["slug"] for c in page["items"]] == ["c"]
    assert [c["name"] for c in (await listing(admin, "/communities", slug="b"))["items"]] == ["B"]
    for params, field in (
        ({"per_page": 0}, "per_page"),
        ({"page": "x"}, "page"),
        ({"q": "a"}, "q"),
    ):
        status, body = await admin.get("/communities", **params)
        assert_error(status, body, 422, field)


async def test_get_unknown_community_is_404(role_world: World) -> None:
    for api in (role_world.admin, role_world.facilitator):
        status, body = await api.get("/communities/99999")
        assert_error(status, body, 404)


async def test_facilitator_updates_community(role_world: World) -> None:
    changes = {"name": "Lakeview NIC", "description": "Grade 9", "method": "PDSA"}
    changes["time_zone"] = "America/New_York"
    updated = await role_world.facilitator.ok("PATCH", f"/communities/{role_world.id}", changes)
    assert {k: updated[k] for k in changes} == changes
    assert updated["slug"] == "lakeview"
    assert await role_world.observer.ok("GET", f"/communities/{role_world.id}") == updated
    cleared = await role_world.facilitator.ok(
        "PATCH", f"/communities/{role_world.id}", {"description": ""}
    )
    assert cleared["description"] == "" and cleared["name"] == "Lakeview NIC"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"name": 5}, "name"),
        ({"description": None}, "description"),
        ({"method": None}, "method"),
        ({"time_zone": "Nowhere/Town"}, "time_zone"),
        ({"slug": "renamed"}, "slug"),
    ],
)
async def test_update_community_refuses_bad_input(
    role_world: World, body: dict, field: str
) -> None:
    before = await role_world.admin.ok("GET", f"/communities/{role_world.id}")
    status, answer = await role_world.facilitator.patch(f"/communities/{role_world.id}", body)
    assert_error(status, answer, 422, field)
    assert await role_world.admin.ok("GET", f"/communities/{role_world.id}") == before


async def test_update_community_refuses_other_roles(
    role_world: World, other_role_world: World
) -> None:
    before = await role_world.admin.ok("GET", f"/communities/{role_world.id}")
    await assert_denied(
        role_world.non_managers, "PATCH", f"/communities/{role_world.id}", {"name": "X"}
    )
    await assert_hidden(
        [other_role_world.facilitator], "PATCH", f"/communities/{role_world.id}", {"name": "X"}
    )
    assert await role_world.admin.ok("GET", f"/communities/{role_world.id}") == before
    status, body = await role_world.facilitator.patch("/communities/99999", {"name": "X"})
    assert_error(status, body, 404)


async def test_admin_deletes_community_and_what_it_holds(
    role_world: World, other_role_world: World
) -> None:
    team = await role_world.facilitator.ok(
        "POST",
        "/teams",
        {"community_id": role_world.id, "name": "DIDT", "kind": "working_group"},
        201,
    )
    assert await role_world.admin.ok("DELETE", f"/communities/{role_world.id}", status=204) is None
    status, body = await role_world.admin.get(f"/communities/{role_world.id}")
    assert_error(status, body, 404)
    status, body = await role_world.admin.get(f"/teams/{team['id']}")
    assert_error(status, body, 404)
    assert [c["slug"] for c in (await listing(role_world.admin, "/communities"))["items"]] == [
        "hillside"
    ]
    status, body = await role_world.admin.delete(f"/communities/{role_world.id}")
    assert_error(status, body, 404)


# --- roles ------------------------------------------------------------------------


async def test_roles_are_listed_and_reassigned(role_world: World) -> None:
    roles = await listing(role_world.facilitator, f"/communities/{role_world.id}/roles")
    assert roles["total"] == 4
    assert {(r["user__email"], r["role"]) for r in roles["items"]} == {
        (f"{r}@lakeview.example.org", r) for r in ROLE_NAMES
    }
    assert all(r["community_id"] == role_world.id for r in roles["items"])
    observer_row = next(r for r in roles["items"] if r["role"] == "observer")
    body = {"user_email": "OBSERVER@lakeview.example.org", "role": "researcher"}
    changed = await role_world.facilitator.ok("PUT", f"/communities/{role_world.id}/roles", body)
    assert (changed["id"], changed["role"]) == (observer_row["id"], "researcher")
    page = await listing(
        role_world.facilitator, f"/communities/{role_world.id}/roles", per_page=3, page=2
    )
    assert (page["total"], page["pages"], len(page["items"])) == (4, 2, 1)
    roles = await listing(role_world.admin, f"/communities/{role_world.id}/roles")
    assert sorted(r["role"] for r in roles["items"]) == [
        "facilitator",
        "member",
        "researcher",
        "researcher",
    ]


async def test_assigning_a_role_gives_access(role_world: World, make_user: UserFactory) -> None:
    newcomer = await make_user("new@example.org")
    status, body = await newcomer.get(f"/communities/{role_world.id}")
    assert_error(status, body, 404)
    row = await role_world.facilitator.ok(
        "PUT",
        f"/communities/{role_world.id}/roles",
        {"user_email": "new@example.org", "role": "member"},
    )
    assert (row["user_id"], row["user__email"], row["role"]) == (
        newcomer.user_id,
        "new@example.org",
        "member",
    )
    assert (await newcomer.ok("GET", f"/communities/{role_world.id}"))["slug"] == "lakeview"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "member"}, "user_email"),
        ({"user_email": "member@lakeview.example.org"}, "role"),
        ({"user_email": "member@lakeview.example.org", "role": "owner"}, "role"),
        ({"user_email": 7, "role": "member"}, "user_email"),
        ({"user_email": "nobody@example.org", "role": "member"}, "user_email"),
        ({"user_email": "not an email", "role": "member"}, "user_email"),
    ],
)
async def test_assign_role_refuses_bad_input(role_world: World, body: dict, field: str) -> None:
    before = await listing(role_world.admin, f"/communities/{role_world.id}/roles")
    status, answer = await role_world.facilitator.put(f"/communities/{role_world.id}/roles", body)
    assert_error(status, answer, 422, field)
    assert await listing(role_world.admin, f"/communities/{role_world.id}/roles") == before


async def test_only_facilitators_manage_roles(role_world: World, other_role_world: World) -> None:
    before = await listing(role_world.admin, f"/communities/{role_world.id}/roles")
    path = f"/communities/{role_world.id}/roles"
    body = {"user_email": "observer@lakeview.example.org", "role": "facilitator"}
    await assert_denied(role_world.non_managers, "PUT", path, body)
    await assert_hidden([other_role_world.facilitator], "PUT", path, body)
    await assert_denied(role_world.non_managers, "GET", path)
    await assert_hidden([other_role_world.facilitator], "GET", path)
    path = f"{path}/{role_world.researcher.user_id}"
    await assert_denied(role_world.non_managers, "DELETE", path)
    await assert_hidden([other_role_world.facilitator], "DELETE", path)
    assert await listing(role_world.admin, f"/communities/{role_world.id}/roles") == before
    await assert_needs_login(role_world.admin, "GET", f"/communities/{role_world.id}/roles")
    await assert_needs_login(role_world.admin, "PUT", f"/communities/{role_world.id}/roles", body)
    await assert_needs_login(role_world.admin, "DELETE", path)


async def test_removing_a_role_takes_access_away(role_world: World) -> None:
    path = f"/communities/{role_world.id}/roles/{role_world.observer.user_id}"
    assert await role_world.facilitator.ok("DELETE", path, status=204) is None
    roles = await listing(role_world.admin, f"/communities/{role_world.id}/roles")
    assert sorted(r["role"] for r in roles["items"]) == ["facilitator", "member", "researcher"]
    status, body = await role_world.observer.get(f"/communities/{role_world.id}")
    assert_error(status, body, 404)
    assert (await listing(role_world.observer, "/communities"))["total"] == 0
    status, body = await role_world.facilitator.delete(path)
    assert_error(status, body, 404)


async def test_the_last_facilitator_is_neither_removed_nor_demoted(role_world: World) -> None:
    path = f"/communities/{role_world.id}/roles"
    me = f"{path}/{role_world.facilitator.user_id}"
    status, body = await role_world.facilitator.delete(me)
    assert_error(status, body, 409)
    assert "last facilitator" in body["error"]["message"]
    email = (await role_world.facilitator.ok("GET", "/me"))["email"]
    status, body = await role_world.admin.put(path, {"user_email": email, "role": "member"})
    assert_error(status, body, 409)
    roles = await listing(role_world.admin, path)
    assert sorted(r["role"] for r in roles["items"]) == sorted(ROLE_NAMES)
    # with a second facilitator, the first may step down
    body = {"user_email": "observer@lakeview.example.org", "role": "facilitator"}
    await role_world.facilitator.ok("PUT", path, body)
    assert (await role_world.admin.ok("PUT", path, {"user_email": email, "role": "member"}))[
        "role"
    ] == "member"


async def test_roles_of_unknown_community_are_404(role_world: World) -> None:
    body = {"user_email": "member@lakeview.example.org", "role": "member"}
    for api in (role_world.admin, role_world.facilitator):
        status, answer = await api.put("/communities/99999/roles", body)
        assert_error(status, answer, 404)
        status, answer = await api.get("/communities/99999/roles")
        assert_error(status, answer, 404)
        status, answer = await api.delete(f"/communities/99999/roles/{role_world.member.user_id}")
        assert_error(status, answer, 404)


# --- team kinds and teams ---------------------------------------------------------------


async def test_team_kinds_include_plugin_kinds(role_world: World) -> None:
    kinds = await role_world.observer.ok("GET", "/team-kinds")
    assert kinds["items"] == [
        {"kind": "district_design_team", "label": "District Innovation Design Team"},
        {"kind": "school_design_team", "label": "School Innovation Design Team"},
        {"kind": "working_group", "label": "Working group"},
        {"kind": "other", "label": "Other"},
        {"kind": "improvement_hub", "label": "Improvement hub"},
    ]
    await assert_needs_login(role_world.admin, "GET", "/team-kinds")


def team(role_world: World, name: str, kind: str = "school_design_team", **extra: Any) -> dict:
    return {"community_id": role_world.id, "name": name, "kind": kind, **extra}


async def test_teams_of_every_kind_are_created(role_world: World) -> None:
    kinds = [k["kind"] for k in (await role_world.admin.ok("GET", "/team-kinds"))["items"]]
    org = await role_world.facilitator.ok(
        "POST",
        "/organizations",
        {"community_id": role_world.id, "name": "D9", "kind": "district"},
        201,
    )
    didt = await role_world.facilitator.ok(
        "POST",
        "/teams",
        team(
            role_world,
            "DIDT",
            "district_design_team",
            organization_id=org["id"],
            description="Leads",
        ),
        201,
    )
    assert {
        k: didt[k]
        for k in ("community_id", "organization_id", "parent_id", "name", "kind", "description")
    } == {
        "community_id": role_world.id,
        "organization_id": org["id"],
        "parent_id": None,
        "name": "DIDT",
        "kind": "district_design_team",
        "description": "Leads",
    }
    for kind in kinds[1:]:
        row = await role_world.facilitator.ok(
            "POST", "/teams", team(role_world, f"T {kind}", kind, parent_id=didt["id"]), 201
        )
        assert (row["kind"], row["parent_id"], row["description"]) == (kind, didt["id"], "")
        assert await role_world.observer.ok("GET", f"/teams/{row['id']}") == row
    hubs = await listing(role_world.member, "/teams", kind="improvement_hub")
    assert [t["name"] for t in hubs["items"]] == ["T improvement_hub"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "T", "kind": "other"}, "community_id"),
        ({"community_id": "x", "name": "T", "kind": "other"}, "community_id"),
        ({"community_id": 99999, "name": "T", "kind": "other"}, "community_id"),
        ({"community_id": "$C", "kind": "other"}, "name"),
        ({"community_id": "$C", "name": "T"}, "kind"),
        ({"community_id": "$C", "name": "T", "kind": "castle"}, "kind"),
        ({"community_id": "$C", "name": "T", "kind": "other", "parent_id": "x"}, "parent_id"),
        ({"community_id": "$C", "name": "T", "kind": "other", "parent_id": 99999}, "parent_id"),
        (
            {"community_id": "$C", "name": "T", "kind": "other", "organization_id": 99999},
            "organization_id",
        ),
        ({"community_id": "$C", "name": "T", "kind": "other", "description": 1}, "description"),
    ],
)
async def test_create_team_refuses_bad_input(role_world: World, body: dict, field: str) -> None:
    for api in (role_world.facilitator, role_world.admin):
        status, answer = await api.post("/teams", fill(body, role_world.id))
        assert_error(status, answer, 422, field)
    assert (await listing(role_world.admin, "/teams"))["total"] == 0


async def test_unknown_team_kind_is_refused_with_the_choices(role_world: World) -> None:
    status, answer = await role_world.facilitator.post("/teams", team(role_world, "T", "castle"))
    assert_error(status, answer, 422, "kind")
    assert "improvement_hub" in answer["error"]["fields"]["kind"]


async def test_team_references_must_be_in_the_same_community(
    role_world: World, other_role_world: World
) -> None:
    foreign_team = await other_role_world.facilitator.ok(
        "POST", "/teams", team(other_role_world, "Theirs"), 201
    )
    foreign_org = await other_role_world.facilitator.ok(
        "POST",
        "/organizations",
        {"community_id": other_role_world.id, "name": "O", "kind": "school"},
        201,
    )
    status, answer = await role_world.facilitator.post(
        "/teams", team(role_world, "Mine", parent_id=foreign_team["id"])
    )
    assert_error(status, answer, 422, "parent_id")
    status, answer = await role_world.admin.post(
        "/teams", team(role_world, "Mine", organization_id=foreign_org["id"])
    )
    assert_error(status, answer, 422, "organization_id")
    mine = await role_world.facilitator.ok("POST", "/teams", team(role_world, "Mine"), 201)
    status, answer = await role_world.facilitator.patch(
        f"/teams/{mine['id']}", {"parent_id": foreign_team["id"]}
    )
    assert_error(status, answer, 422, "parent_id")
    assert (await listing(role_world.admin, "/teams", community=role_world.id))["items"] == [mine]


async def test_team_names_are_unique_per_community(
    role_world: World, other_role_world: World
) -> None:
    first = await role_world.facilitator.ok("POST", "/teams", team(role_world, "SIDT North"), 201)
    status, answer = await role_world.facilitator.post(
        "/teams", team(role_world, "SIDT North", "other")
    )
    assert_error(status, answer, 409, "name")
    await other_role_world.facilitator.ok(
        "POST", "/teams", team(other_role_world, "SIDT North"), 201
    )
    second = await role_world.facilitator.ok("POST", "/teams", team(role_world, "SIDT South"), 201)
    status, answer = await role_world.facilitator.patch(
        f"/teams/{second['id']}", {"name": "SIDT North"}
    )
    assert_error(status, answer, 409, "name")
    names = [
        t["name"]
        for t in (await listing(role_world.admin, "/teams", community=role_world.id))["items"]
    ]
    assert names == ["SIDT North", "SIDT South"]
    assert (await role_world.admin.ok("GET", f"/teams/{first['id']}")) == first


async def test_supervision_may_not_form_a_cycle(role_world: World) -> None:
    didt = await role_world.facilitator.ok("POST", "/teams", team(role_world, "DIDT"), 201)
    sidt = await role_world.facilitator.ok(
        "POST", "/teams", team(role_world, "SIDT", parent_id=didt["id"]), 201
    )
    group = await role_world.facilitator.ok(
        "POST", "/teams", team(role_world, "Group", parent_id=sidt["id"]), 201
    )
    for target, parent in ((didt, didt), (didt, sidt), (didt, group), (sidt, group)):
        status, answer = await role_world.facilitator.patch(
            f"/teams/{target['id']}", {"parent_id": parent["id"]}
        )
        assert_error(status, answer, 422, "parent_id")
    rows = (await listing(role_world.admin, "/teams"))["items"]
    assert [(t["name"], t["parent_id"]) for t in rows] == [
        ("DIDT", None),
        ("SIDT", didt["id"]),
        ("Group", sidt["id"]),
    ]
    moved = await role_world.facilitator.ok(
        "PATCH", f"/teams/{group['id']}", {"parent_id": didt["id"]}
    )
    assert moved["parent_id"] == didt["id"]
    freed = await role_world.facilitator.ok("PATCH", f"/teams/{sidt['id']}", {"parent_id": None})
    assert freed["parent_id"] is None
    # now SIDT supervises nobody, so it may be put under Group
    under = await role_world.facilitator.ok(
        "PATCH", f"/teams/{sidt['id']}", {"parent_id": group["id"]}
    )
    assert under["parent_id"] == group["id"]


async def test_update_team(role_world: World) -> None:
    org = await role_world.facilitator.ok(
        "POST",
        "/organizations",
        {"community_id": role_world.id, "name": "O", "kind": "school"},
        201,
    )
    row = await role_world.facilitator.ok("POST", "/teams", team(role_world, "T"), 201)
    changes = {"name": "Hub", "kind": "improvement_hub", "organization_id": org["id"]}
    changes["description"] = "Supports all SIDTs"
    changed = await role_world.facilitator.ok("PATCH", f"/teams/{row['id']}", changes)
    assert changed == {**row, **changes}
    assert await role_world.researcher.ok("GET", f"/teams/{row['id']}") == changed
    for change, field in (
        ({"name": None}, "name"),
        ({"kind": None}, "kind"),
        ({"description": None}, "description"),
        ({"kind": "castle"}, "kind"),
        ({"organization_id": 99999}, "organization_id"),
        ({"parent_id": 99999}, "parent_id"),
        ({"parent_id": "up"}, "parent_id"),
        ({"community_id": 1}, "community_id"),
    ):
        status, answer = await role_world.facilitator.patch(f"/teams/{row['id']}", change)
        assert_error(status, answer, 422, field)
    assert await role_world.admin.ok("GET", f"/teams/{row['id']}") == changed
    for method in ("GET", "PATCH", "DELETE"):
        kwargs = {"json": {"name": "X"}} if method == "PATCH" else {}
        status, answer = await role_world.facilitator.call(method, "/teams/99999", **kwargs)
        assert_error(status, answer, 404)


async def test_teams_refuse_other_roles(role_world: World, other_role_world: World) -> None:
    row = await role_world.facilitator.ok("POST", "/teams", team(role_world, "T"), 201)
    writers, others = (
        role_world.non_managers,
        [other_role_world.facilitator, other_role_world.member],
    )
    await assert_denied(writers, "POST", "/teams", team(role_world, "New"))
    await assert_hidden(others, "POST", "/teams", team(role_world, "New"), field="community_id")
    await assert_denied(writers, "PATCH", f"/teams/{row['id']}", {"name": "Renamed"})
    await assert_hidden(others, "PATCH", f"/teams/{row['id']}", {"name": "Renamed"})
    await assert_denied(writers, "DELETE", f"/teams/{row['id']}")
    await assert_hidden(others, "DELETE", f"/teams/{row['id']}")
    await assert_hidden([other_role_world.facilitator], "GET", f"/teams/{row['id']}")
    # a member of community A may not create a team in community B either
    await assert_hidden(
        [role_world.member, role_world.facilitator],
        "POST",
        "/teams",
        team(other_role_world, "Raid"),
        "community_id",
    )
    assert (await listing(role_world.admin, "/teams"))["items"] == [row]
    await assert_needs_login(role_world.admin, "GET", "/teams")
    await assert_needs_login(role_world.admin, "GET", f"/teams/{row['id']}")
    await assert_needs_login(role_world.admin, "POST", "/teams", team(role_world, "New"))
    await assert_needs_login(role_world.admin, "PATCH", f"/teams/{row['id']}", {"name": "X"})
    await assert_needs_login(role_world.admin, "DELETE", f"/teams/{row['id']}")
    assert (await listing(role_world.admin, "/teams"))["items"] == [row]


async def test_a_member_of_a_team_still_may_not_manage_it(role_world: World) -> None:
    row = await role_world.facilitator.ok("POST", "/teams", team(role_world, "T"), 201)
    body = {"community_id": role_world.id, "name": "M", "user_id": role_world.member.user_id}
    person = await role_world.facilitator.ok("POST", "/people", body, 201)
    body = {"person_id": person["id"], "team_id": row["id"], "role": "member"}
    await role_world.facilitator.ok(
        "POST", "/memberships", {**body, "start_date": "2020-01-01"}, 201
    )
    await assert_denied([role_world.member], "PATCH", f"/teams/{row['id']}", {"name": "Mine now"})
    await assert_denied([role_world.member], "DELETE", f"/teams/{row['id']}")
    assert await role_world.admin.ok("GET", f"/teams/{row['id']}") == row


async def test_deleting_a_team_frees_its_children(role_world: World) -> None:
    parent = await role_world.facilitator.ok("POST", "/teams", team(role_world, "DIDT"), 201)
    child = await role_world.facilitator.ok(
        "POST", "/teams", team(role_world, "SIDT", parent_id=parent["id"]), 201
    )
    assert await role_world.facilitator.ok("DELETE", f"/teams/{parent['id']}", status=204) is None
    status, answer = await role_world.facilitator.get(f"/teams/{parent['id']}")
    assert_error(status, answer, 404)
    assert (await role_world.admin.ok("GET", f"/teams/{child['id']}"))["parent_id"] is None


async def test_team_list_pages_and_filters(role_world: World, other_role_world: World) -> None:
    didt = await role_world.facilitator.ok(
        "POST", "/teams", team(role_world, "DIDT", "district_design_team"), 201
    )
    for n in range(1, 6):
        await role_world.facilitator.ok(
            "POST", "/teams", team(role_world, f"SIDT {n}", parent_id=didt["id"]), 201
        )
    await other_role_world.facilitator.ok(
        "POST", "/teams", team(other_role_world, "Elsewhere"), 201
    )
    page = await listing(role_world.member, "/teams", per_page=2, page=2)
    assert (page["page"], page["per_page"], page["total"], page["pages"]) == (2, 2, 6, 3)
    assert [t["name"] for t in page["items"]] == ["SIDT 2", "SIDT 3"]
    last = await listing(role_world.member, "/teams", per_page=4, page=2)
    assert [t["name"] for t in last["items"]] == ["SIDT 4", "SIDT 5"]
    beyond = await listing(role_world.member, "/teams", per_page=4, page=3)
    assert (beyond["items"], beyond["total"]) == ([], 6)
    children = await listing(role_world.member, "/teams", parent=didt["id"])
    assert [t["name"] for t in children["items"]] == [f"SIDT {n}" for n in range(1, 6)]
    district = await listing(role_world.member, "/teams", kind="district_design_team")
    assert [t["id"] for t in district["items"]] == [didt["id"]]
    every = await listing(role_world.admin, "/teams", community=other_role_world.id)
    assert [t["name"] for t in every["items"]] == ["Elsewhere"]
    assert (await listing(role_world.member, "/teams", community=other_role_world.id))["total"] == 0
    for params, field in (
        ({"parent": "x"}, "parent"),
        ({"community": "1.5"}, "community"),
        ({"per_page": 201}, "per_page"),
        ({"page": 0}, "page"),
        ({"colour": "red"}, "colour"),
    ):
        status, answer = await role_world.member.get("/teams", **params)
        assert_error(status, answer, 422, field)
