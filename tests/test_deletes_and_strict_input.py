"""Deleting a node removes its learning links; numbers are not guessed from other types;
every write raises the community's change counter, and a failed one leaves it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from communities.changes import change_counter
from core.testing import Api


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


# --- the community change counter ------------------------------------------------
#
# Each write below goes through the HTTP API against the small community; every one
# must raise the community's counter by exactly one, in the write's transaction.


async def _find(admin: Api, path: str, field: str, value: Any, **params: Any) -> dict[str, Any]:
    items = (await admin.get(path, per_page=50, **params))[1]["items"]
    return next(item for item in items if item[field] == value)


async def _update_cycle(admin: Api, community: int) -> None:
    cycle = await _cycle(admin, "Huddle with all grade 9 advisors")
    body = {"version": cycle["version"], "plan_questions": "Do all advisors join?"}
    await admin.ok("PATCH", f"/cycles/{cycle['id']}", body)


async def _advance_cycle(admin: Api, community: int) -> None:
    cycle = await _cycle(admin, "District huddle protocol pilot")  # planning -> doing
    row = await admin.ok("POST", f"/cycles/{cycle['id']}/advance", {"version": cycle["version"]})
    assert row["status"] == "doing"


async def _rename_team(admin: Api, community: int) -> None:
    team = await _find(admin, "/teams", "name", "South SIDT")
    await admin.ok("PATCH", f"/teams/{team['id']}", {"name": "South High SIDT"})


async def _edit_person(admin: Api, community: int) -> None:
    person = await _find(admin, "/people", "name", "Cleo Park")
    await admin.ok("PATCH", f"/people/{person['id']}", {"title": "Deputy superintendent"})


async def _add_membership(admin: Api, community: int) -> None:
    person = await _find(admin, "/people", "name", "Cleo Park")
    team = await _find(admin, "/teams", "name", "North SIDT")
    body = {
        "person_id": person["id"],
        "team_id": team["id"],
        "role": "member",
        "start_date": "2024-09-01",
    }
    await admin.ok("POST", "/memberships", body, 201)


async def _end_membership(admin: Api, community: int) -> None:
    person = await _find(admin, "/people", "name", "Ana Ruiz")
    team = await _find(admin, "/teams", "name", "North SIDT")
    spell = await _find(admin, "/memberships", "team_id", team["id"], person=person["id"])
    await admin.ok("POST", f"/memberships/{spell['id']}/end", {"end_date": "2025-06-30"})


async def _create_artifact(admin: Api, community: int) -> None:
    body = {"community_id": community, "title": "Huddle agenda", "kind": "template"}
    await admin.ok("POST", "/artifacts", body, 201)


async def _add_artifact_version(admin: Api, community: int) -> None:
    artifact = await _find(admin, "/artifacts", "title", "Advisory huddle protocol")
    body = {"created_on": "2024-11-01", "summary": "Data prep on Fridays"}
    await admin.ok("POST", f"/artifacts/{artifact['id']}/versions", body, 201)


async def _record_link(admin: Api, community: int) -> None:
    source = await _cycle(admin, "Huddle with three advisors")
    target = await _cycle(admin, "District huddle protocol pilot")
    body = {"source": f"cycle:{source['id']}", "target": f"cycle:{target['id']}"}
    await admin.ok("POST", "/links", body, 201)


async def _create_measure(admin: Api, community: int) -> None:
    body = {"community_id": community, "name": "Huddles held", "kind": "process"}
    await admin.ok("POST", "/measures", body, 201)


async def _create_aim(admin: Api, community: int) -> None:
    await admin.ok("POST", "/aims", {"community_id": community, "title": "Fewer F grades"}, 201)


async def _edit_innovation(admin: Api, community: int) -> None:
    innovation = await _find(admin, "/innovations", "name", "Ninth-grade success teams")
    body = {"description": "Weekly advisory teams."}
    await admin.ok("PATCH", f"/innovations/{innovation['id']}", body)


async def _delete_cycle(admin: Api, community: int) -> None:
    cycle = await _cycle(admin, "District huddle protocol pilot")
    await admin.ok("DELETE", f"/cycles/{cycle['id']}", status=204)


async def _delete_membership(admin: Api, community: int) -> None:
    person = await _find(admin, "/people", "name", "Cleo Park")
    spell = await _find(admin, "/memberships", "person_id", person["id"], person=person["id"])
    await admin.ok("DELETE", f"/memberships/{spell['id']}", status=204)


async def _delete_link(admin: Api, community: int) -> None:
    link = await _find(admin, "/links", "kind", "adapted_from")
    await admin.ok("DELETE", f"/links/{link['id']}", status=204)


Write = Callable[[Api, int], Awaitable[None]]
WRITES: dict[str, Write] = {
    "cycle update": _update_cycle,
    "cycle advance to doing": _advance_cycle,
    "team rename": _rename_team,
    "person edit": _edit_person,
    "membership add": _add_membership,
    "membership end": _end_membership,
    "artifact create": _create_artifact,
    "artifact new version": _add_artifact_version,
    "link record": _record_link,
    "measure create": _create_measure,
    "aim create": _create_aim,
    "innovation edit": _edit_innovation,
    "cycle delete": _delete_cycle,
    "membership delete": _delete_membership,
    "link delete": _delete_link,
}


async def test_loading_a_community_raises_its_change_counter(small) -> None:
    assert await change_counter(small["community_id"]) > 0


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
async def test_every_write_raises_the_change_counter_by_one(admin: Api, small, write) -> None:
    community = small["community_id"]
    before = await change_counter(community)
    await write(admin, community)
    assert await change_counter(community) == before + 1


async def _version_older_than_the_last(admin: Api) -> tuple[int, Any]:
    # refused inside the write's transaction, after the counter was raised in it
    artifact = await _find(admin, "/artifacts", "title", "Advisory huddle protocol")
    return await admin.post(f"/artifacts/{artifact['id']}/versions", {"created_on": "2024-09-01"})


async def _team_name_taken(admin: Api) -> tuple[int, Any]:
    # the database refuses it (unique name), inside the write's transaction
    team = await _find(admin, "/teams", "name", "South SIDT")
    return await admin.patch(f"/teams/{team['id']}", {"name": "North SIDT"})


async def _cycle_without_objective(admin: Api) -> tuple[int, Any]:
    team = await _find(admin, "/teams", "name", "North SIDT")
    return await admin.post("/cycles", {"team_id": team["id"], "title": "T"})


async def _version_not_a_number(admin: Api) -> tuple[int, Any]:
    cycle = await _cycle(admin, "Huddle with all grade 9 advisors")
    return await admin.patch(f"/cycles/{cycle['id']}", {"version": True, "title": "X"})


async def _stale_cycle_edit(admin: Api) -> tuple[int, Any]:
    cycle = await _cycle(admin, "Huddle with all grade 9 advisors")
    return await admin.patch(f"/cycles/{cycle['id']}", {"version": cycle["version"] - 1})


async def _remove_a_role_nobody_holds(admin: Api) -> tuple[int, Any]:
    community = (await admin.get("/communities"))[1]["items"][0]
    # refused inside the write's transaction, after the counter was raised in it
    return await admin.delete(f"/communities/{community['id']}/roles/{admin.user_id}")


FAILED_WRITES: dict[str, tuple[Callable[[Api], Awaitable[tuple[int, Any]]], int]] = {
    "422 inside the transaction": (_version_older_than_the_last, 422),
    "409 from the database": (_team_name_taken, 409),
    "404 inside the transaction": (_remove_a_role_nobody_holds, 404),
    "422 from the service's checks": (_cycle_without_objective, 422),
    "422 from the input schema": (_version_not_a_number, 422),
    "409 stale version": (_stale_cycle_edit, 409),
}


@pytest.mark.parametrize("attempt,status", FAILED_WRITES.values(), ids=FAILED_WRITES.keys())
async def test_a_failed_write_leaves_the_change_counter(
    admin: Api, small, attempt, status: int
) -> None:
    community = small["community_id"]
    before = await change_counter(community)
    code, body = await attempt(admin)
    assert code == status, body
    assert await change_counter(community) == before
