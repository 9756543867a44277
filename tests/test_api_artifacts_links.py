"""Artifacts (vetting, sharing, versions) and learning links through the JSON API."""

from __future__ import annotations

from typing import Any

import pytest

from core.testing import Api
from tests.factories import CycleWorld, cycle
from tests.helpers import assert_error

World = CycleWorld


async def artifact(api: Api, w: World, team: int | None, title: str = "Exit ticket", **extra: Any):
    body = {"community_id": w.community, "title": title, "kind": "tool", **extra}
    if team is not None:
        body["team_id"] = team
    return await api.ok("POST", "/artifacts", body, 201)


async def version(api: Api, artifact_id: int, created_on: str, **extra: Any) -> dict:
    body = {"created_on": created_on, **extra}
    return await api.ok("POST", f"/artifacts/{artifact_id}/versions", body, 201)


async def total(w: World, path: str) -> int:
    return (await w.admin.ok("GET", path))["total"]


# --- artifacts ----------------------------------------------------------------------


async def test_create_and_read_artifacts(cycle_world: World, recorder: Any) -> None:
    w = cycle_world
    status, tool = await w.mem_a.post(
        "/artifacts",
        {
            "community_id": w.community,
            "team_id": w.team_a,
            "title": " Exit ticket ",
            "kind": "tool",
            "description": "Three questions",
        },
    )
    assert status == 201, tool
    assert tool == {
        "id": tool["id"],
        "community_id": w.community,
        "team_id": w.team_a,
        "derived_from_id": None,
        "title": "Exit ticket",
        "kind": "tool",
        "description": "Three questions",
        "vetting": "draft",
        "created_at": tool["created_at"],
        "shared_with_ids": [],
    }
    # A community-wide artifact may be written by any member; an adaptation points back.
    adapted = await artifact(w.mem_b, w, None, "Exit ticket, Baker", derived_from_id=tool["id"])
    assert (adapted["team_id"], adapted["derived_from_id"]) == (None, tool["id"])
    assert (await w.researcher.ok("GET", f"/artifacts/{tool['id']}")) == tool

    listed = await w.observer.ok("GET", f"/artifacts?derived_from={tool['id']}")
    assert [a["id"] for a in listed["items"]] == [adapted["id"]]
    listed = await w.observer.ok("GET", f"/artifacts?team={w.team_a}&vetting=draft&kind=tool")
    assert [a["id"] for a in listed["items"]] == [tool["id"]]
    assert (await w.observer.ok("GET", "/artifacts?vetting=known_good"))["total"] == 0
    assert (await w.outsider.ok("GET", "/artifacts"))["total"] == 0
    assert_error(*await w.outsider.get(f"/artifacts/{tool['id']}"), 404)
    assert_error(*await w.anon.get(f"/artifacts/{tool['id']}"), 401)
    assert_error(*await w.fac.get("/artifacts/999999"), 404)
    assert_error(*await w.fac.get("/artifacts", vetting="great"), 422, "vetting")
    assert recorder.names() == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": None}, "title"),
        ({"title": ""}, "title"),
        ({"kind": "gadget"}, "kind"),
        ({"kind": None}, "kind"),
        ({"vetting": "great"}, "vetting"),
        ({"community_id": None}, "community_id"),
        ({"community_id": "lakeview"}, "community_id"),
        ({"community_id": 999_999}, "community_id"),
        ({"team_id": 999_999}, "team_id"),
        ({"team_id": [1]}, "team_id"),
        ({"derived_from_id": 999_999}, "derived_from_id"),
        ({"description": 12}, "description"),
        ({"shared_with_ids": [1]}, "shared_with_ids"),
    ],
)
async def test_create_artifact_refuses_bad_input(
    cycle_world: World, change: dict, field: str
) -> None:
    w = cycle_world
    body = {"community_id": w.community, "team_id": w.team_a, "title": "T", "kind": "tool"}
    body = {k: v for k, v in {**body, **change}.items() if v is not None}
    for api in (w.mem_a, w.admin):
        assert_error(*await api.post("/artifacts", body), 422, field)
    assert await total(w, "/artifacts") == 0


async def test_create_artifact_refuses_other_community_references(cycle_world: World) -> None:
    w = cycle_world
    theirs = await artifact(w.other_fac, w, None, community_id=w.other_community)
    for extra, field in (
        ({"team_id": w.other_team}, "team_id"),
        ({"derived_from_id": theirs["id"]}, "derived_from_id"),
    ):
        body = {"community_id": w.community, "title": "T", "kind": "tool", **extra}
        status, data = await w.admin.post("/artifacts", body)
        assert_error(status, data, 422, field)
        assert "in this community" in data["error"]["fields"][field]
    assert await total(w, "/artifacts") == 1


async def test_create_artifact_permissions(cycle_world: World) -> None:
    w = cycle_world
    for api, team, code in (
        (w.mem_a, w.team_b, 403),  # another school's team
        (w.former, w.team_a, 403),  # no longer on the team
        (w.mem_didt, w.team_a, 403),
        (w.researcher, None, 403),
        (w.observer, None, 403),
        (w.outsider, None, 422),  # no role: to them there is no such community
        (w.other_fac, None, 422),
        (w.anon, None, 401),
    ):
        body = {"community_id": w.community, "title": "T", "kind": "tool"}
        if team is not None:
            body["team_id"] = team
        assert_error(
            *await api.post("/artifacts", body), code, "community_id" if code == 422 else None
        )
    assert await total(w, "/artifacts") == 0
    # "Known good" is the facilitators' call, also when creating.
    for team in (w.team_a, None):
        body = {"community_id": w.community, "title": "T", "kind": "tool", "vetting": "known_good"}
        if team is not None:
            body["team_id"] = team
        assert_error(*await w.mem_a.post("/artifacts", body), 403)
    assert await total(w, "/artifacts") == 0
    vetted = await artifact(w.fac, w, w.team_a, vetting="known_good")
    assert vetted["vetting"] == "known_good"
    assert (await artifact(w.former, w, None))["team_id"] is None  # still a community member


async def test_update_artifact_and_vetting(cycle_world: World, recorder: Any) -> None:
    w = cycle_world
    tool = await artifact(w.mem_a, w, w.team_a)
    path = f"/artifacts/{tool['id']}"
    edited = await w.mem_a.ok("PATCH", path, {"title": "Exit ticket v2", "kind": "protocol"})
    assert (edited["title"], edited["kind"], edited["vetting"]) == (
        "Exit ticket v2",
        "protocol",
        "draft",
    )
    assert recorder.names() == []

    for api, body, code, field in (
        (w.mem_a, {"vetting": "known_good"}, 403, None),
        (w.mem_b, {"title": "Mine now"}, 403, None),
        (w.researcher, {"title": "X"}, 403, None),
        (w.observer, {"vetting": "shared"}, 403, None),
        (w.outsider, {"title": "X"}, 404, None),
        (w.anon, {"title": "X"}, 401, None),
        (w.mem_a, {"title": None}, 422, "title"),
        (w.mem_a, {"vetting": None}, 422, "vetting"),
        (w.mem_a, {"vetting": "great"}, 422, "vetting"),
        (w.mem_a, {"team_id": w.team_b}, 422, "team_id"),
        (w.mem_a, {"derived_from_id": tool["id"]}, 422, "derived_from_id"),
    ):
        assert_error(*await api.patch(path, body), code, field)
    assert (await w.fac.ok("GET", path)) == edited
    assert_error(*await w.fac.patch("/artifacts/999999", {"title": "X"}), 404)
    assert recorder.names() == []

    shared = await w.mem_a.ok("PATCH", path, {"vetting": "shared"})
    assert shared["vetting"] == "shared"
    assert recorder.names() == ["artifact_shared"]
    assert recorder.events[0][1]["artifact"]["id"] == tool["id"]
    vetted = await w.fac.ok("PATCH", path, {"vetting": "known_good"})
    assert vetted["vetting"] == "known_good"
    assert recorder.names() == ["artifact_shared"]  # shared once, not again
    # Nor may a member take the facilitators' "known good" back.
    for value in ("shared", "draft"):
        assert_error(*await w.mem_a.patch(path, {"vetting": value}), 403)
    assert (await w.fac.ok("GET", path))["vetting"] == "known_good"
    assert (await w.mem_a.ok("PATCH", path, {"description": "Still editable"}))["vetting"] == (
        "known_good"
    )


async def test_delete_artifact(cycle_world: World) -> None:
    w = cycle_world
    tool = await artifact(w.mem_a, w, w.team_a)
    await version(w.mem_a, tool["id"], "2024-09-01")
    path = f"/artifacts/{tool['id']}"
    for api, code in ((w.mem_b, 403), (w.observer, 403), (w.outsider, 404), (w.anon, 401)):
        assert_error(*await api.delete(path), code)
    assert await total(w, "/artifacts") == 1
    assert await w.mem_a.delete(path) == (204, None)
    assert_error(*await w.fac.get(path), 404)
    assert await total(w, "/artifact-versions") == 0
    assert_error(*await w.fac.delete(path), 404)


# --- sharing ----------------------------------------------------------------------------


async def test_share_artifact(cycle_world: World, recorder: Any) -> None:
    w = cycle_world
    tool = await artifact(w.mem_a, w, w.team_a)
    path = f"/artifacts/{tool['id']}/share"
    status, shared = await w.mem_a.post(path, {"team_ids": [w.team_b, w.didt, w.team_b]})
    assert status == 200, shared
    assert shared["vetting"] == "shared"
    assert shared["shared_with_ids"] == sorted([w.team_b, w.didt])
    assert recorder.names() == ["artifact_shared"]
    assert recorder.events[0][1]["team_ids"] == sorted([w.team_b, w.didt])
    assert recorder.events[0][1]["artifact"]["vetting"] == "shared"

    again = await w.fac.ok("POST", path, {"team_ids": [w.team_b, w.team_a]})
    assert again["shared_with_ids"] == sorted([w.team_a, w.team_b, w.didt])
    assert recorder.events[-1][1]["team_ids"] == [w.team_a]  # only the newly reached team
    listed = await w.observer.ok("GET", f"/artifacts/{tool['id']}")
    assert listed == again


async def test_share_keeps_known_good(cycle_world: World) -> None:
    w = cycle_world
    tool = await artifact(w.fac, w, None, vetting="known_good")
    shared = await w.mem_b.ok("POST", f"/artifacts/{tool['id']}/share", {"team_ids": [w.team_b]})
    assert (shared["vetting"], shared["shared_with_ids"]) == ("known_good", [w.team_b])


async def test_share_refuses_bad_input_and_changes_nothing(
    cycle_world: World, recorder: Any
) -> None:
    w = cycle_world
    tool = await artifact(w.mem_a, w, w.team_a)
    path = f"/artifacts/{tool['id']}/share"
    for api, body, code, field in (
        (w.mem_a, {"team_ids": [w.team_b, w.other_team]}, 422, "team_ids"),
        (w.mem_a, {"team_ids": [999_999]}, 422, "team_ids"),
        (w.mem_a, {"team_ids": []}, 422, "team_ids"),
        (w.mem_a, {"team_ids": "all"}, 422, "team_ids"),
        (w.mem_a, {"team_ids": [0]}, 422, "team_ids.0"),
        (w.mem_a, {}, 422, "team_ids"),
        (w.mem_a, {"team_ids": [w.team_b], "vetting": "known_good"}, 422, "vetting"),
        (w.mem_b, {"team_ids": [w.team_b]}, 403, None),
        (w.researcher, {"team_ids": [w.team_b]}, 403, None),
        (w.outsider, {"team_ids": [w.team_b]}, 404, None),
        (w.anon, {"team_ids": [w.team_b]}, 401, None),
    ):
        assert_error(*await api.post(path, body), code, field)
    assert (await w.fac.ok("GET", f"/artifacts/{tool['id']}")) == tool
    assert_error(*await w.fac.post("/artifacts/999999/share", {"team_ids": [w.team_b]}), 404)
    assert recorder.names() == []


# --- versions -----------------------------------------------------------------------------


async def test_artifact_versions_are_numbered_in_date_order(cycle_world: World) -> None:
    w = cycle_world
    tool = await artifact(w.mem_a, w, w.team_a)
    other = await artifact(w.mem_b, w, w.team_b, "Other tool")
    v1 = await version(w.mem_a, tool["id"], "2024-09-01", summary="First", author_id=w.p_a)
    assert v1 == {
        "id": v1["id"],
        "artifact_id": tool["id"],
        "number": 1,
        "summary": "First",
        "content": "",
        "url": "",
        "created_on": "2024-09-01",
        "author_id": w.p_a,
    }
    await version(w.mem_b, other["id"], "2024-08-01")
    v2 = await version(w.mem_a, tool["id"], "2024-09-01", url="https://example.org/v2")
    v3 = await version(w.fac, tool["id"], "2024-10-05", content="Four questions now")
    assert (v2["number"], v3["number"]) == (2, 3)

    status, data = await w.mem_a.post(
        f"/artifacts/{tool['id']}/versions", {"created_on": "2024-09-30"}
    )
    assert_error(status, data, 422, "created_on")
    assert "version 3" in data["error"]["fields"]["created_on"]

    listed = await w.observer.ok("GET", f"/artifact-versions?artifact={tool['id']}")
    assert [(v["number"], v["created_on"]) for v in listed["items"]] == [
        (1, "2024-09-01"),
        (2, "2024-09-01"),
        (3, "2024-10-05"),
    ]
    assert listed["total"] == 3
    by_author = await w.observer.ok("GET", f"/artifact-versions?author={w.p_a}")
    assert [v["id"] for v in by_author["items"]] == [v1["id"]]
    assert (await w.observer.ok("GET", f"/artifact-versions/{v3['id']}")) == v3
    assert (await w.outsider.ok("GET", "/artifact-versions"))["total"] == 0
    assert_error(*await w.outsider.get(f"/artifact-versions/{v3['id']}"), 404)
    assert_error(*await w.observer.get("/artifact-versions", artifact="x"), 422, "artifact")
    assert_error(*await w.fac.delete(f"/artifact-versions/{v3['id']}"), 405)
    assert await total(w, "/artifact-versions") == 4


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "created_on"),
        ({"created_on": "soon"}, "created_on"),
        ({"created_on": "2024-09-01", "url": "ftp://example.org/x"}, "url"),
        ({"created_on": "2024-09-01", "url": "https://example.org/a b"}, "url"),
        ({"created_on": "2024-09-01", "author_id": 999_999}, "author_id"),
        ({"created_on": "2024-09-01", "author_id": "ann"}, "author_id"),
        ({"created_on": "2024-09-01", "number": 7}, "number"),
    ],
)
async def test_add_version_refuses_bad_input(cycle_world: World, body: dict, field: str) -> None:
    w = cycle_world
    tool = await artifact(w.mem_a, w, w.team_a)
    assert_error(*await w.mem_a.post(f"/artifacts/{tool['id']}/versions", body), 422, field)
    assert await total(w, "/artifact-versions") == 0


async def test_add_version_refusals_without_a_trace(cycle_world: World) -> None:
    w = cycle_world
    tool = await artifact(w.mem_a, w, w.team_a)
    path = f"/artifacts/{tool['id']}/versions"
    status, data = await w.mem_a.post(path, {"created_on": "2024-09-01", "author_id": w.p_other})
    assert_error(status, data, 422, "author_id")
    assert data["error"]["fields"]["author_id"] == f"no person {w.p_other} in this community"
    for api, code in (
        (w.mem_b, 403),
        (w.former, 403),
        (w.researcher, 403),
        (w.observer, 403),
        (w.outsider, 404),
        (w.anon, 401),
    ):
        assert_error(*await api.post(path, {"created_on": "2024-09-01"}), code)
    assert_error(*await w.fac.post("/artifacts/999999/versions", {"created_on": "2024-09-01"}), 404)
    assert await total(w, "/artifact-versions") == 0
    assert (await version(w.mem_a, tool["id"], "2024-09-01"))["number"] == 1


# --- learning links ---------------------------------------------------------------------------


async def link_world(w: World) -> dict[str, str]:
    """A cycle of team A (Sept 1), a version of team A's tool (Sept 15), a cycle of team B
    (Oct 1), a DIDT cycle (Oct 5) and a cycle in the other community (Oct 1)."""
    ca = await cycle(w.mem_a, w.team_a, "A cycle", planned_start="2024-09-01")
    tool = await artifact(w.mem_a, w, w.team_a)
    v1 = await version(w.mem_a, tool["id"], "2024-09-15")
    cb = await cycle(w.mem_b, w.team_b, "B cycle", planned_start="2024-10-01")
    cd = await cycle(w.mem_didt, w.didt, "District cycle", planned_start="2024-10-05")
    co = await cycle(w.other_fac, w.other_team, "Elsewhere", planned_start="2024-10-01")
    return {
        "ca": f"cycle:{ca['id']}",
        "v1": f"artifact_version:{v1['id']}",
        "cb": f"cycle:{cb['id']}",
        "cd": f"cycle:{cd['id']}",
        "co": f"cycle:{co['id']}",
    }


async def count_links(w: World) -> int:
    return await total(w, "/links")


async def test_record_link(cycle_world: World, recorder: Any) -> None:
    w = cycle_world
    n = await link_world(w)
    recorder.events.clear()
    status, link = await w.mem_a.post(
        "/links", {"source": n["ca"], "target": n["v1"], "note": "the tool came out of it"}
    )
    assert status == 201, link
    assert link == {
        "id": link["id"],
        "community_id": w.community,
        "source": n["ca"],
        "target": n["v1"],
        "kind": "informed",
        "date": "2024-09-15",
        "note": "the tool came out of it",
        "recorded_by_id": w.mem_a.user_id,
        "created_at": link["created_at"],
    }
    assert recorder.names() == ["link_recorded"]
    event = recorder.events[0][1]
    assert (event["id"], event["source"], event["target"]) == (link["id"], n["ca"], n["v1"])
    assert (event["community_id"], str(event["date"])) == (w.community, "2024-09-15")
    assert (await w.observer.ok("GET", f"/links/{link['id']}")) == link

    dated = await w.mem_b.ok(
        "POST",
        "/links",
        {"source": n["v1"], "target": n["cb"], "kind": "adapted_from", "date": "2024-10-20"},
        201,
    )
    assert (dated["date"], dated["kind"]) == ("2024-10-20", "adapted_from")
    # A target of the same day is not older; whitespace around a reference is forgiven.
    twin = await cycle(w.mem_b, w.team_b, "B twin", planned_start="2024-10-01")
    same_day = await w.fac.ok(
        "POST", "/links", {"source": f" {n['cb']} ", "target": f"cycle:{twin['id']}"}, 201
    )
    assert (same_day["source"], same_day["date"]) == (n["cb"], "2024-10-01")
    assert recorder.names() == ["link_recorded", "link_recorded", "cycle_posted", "link_recorded"]


@pytest.mark.parametrize(
    ("source", "target", "field", "words"),
    [
        ("cycle-12", "{v1}", "source", "kind:id"),
        ("cycle:", "{v1}", "source", "kind:id"),
        ("cycle:0", "{v1}", "source", "kind:id"),
        ("cycle:-3", "{v1}", "source", "kind:id"),
        ("Cycle:1", "{v1}", "source", "kind:id"),
        ("", "{v1}", "source", "kind:id"),
        ("{ca}", "artifact_version:abc", "target", "kind:id"),
        ("{ca}", "{v1}:2", "target", "kind:id"),
        ("widget:1", "{v1}", "source", "unknown node kind"),
        ("{ca}", "innovation_version:1", "target", "unknown node kind"),
        ("cycle:999999", "{v1}", "source", "no pdsa cycle 999999"),
        ("{ca}", "artifact_version:999999", "target", "no artifact version 999999"),
        ("{ca}", "{ca}", "target", "cannot inform itself"),
        ("{v1}", "{ca}", "target", "older"),
        ("{ca}", "{co}", "target", "different communities"),
        ("{co}", "{cb}", "target", "different communities"),
    ],
)
async def test_record_link_refuses_bad_nodes(
    cycle_world: World, recorder: Any, source: str, target: str, field: str, words: str
) -> None:
    w = cycle_world
    n = await link_world(w)
    recorder.events.clear()
    body = {"source": source.format(**n), "target": target.format(**n)}
    status, data = await w.admin.post("/links", body)
    assert_error(status, data, 422, field)
    assert words in data["error"]["fields"][field].lower()
    assert await count_links(w) == 0
    assert recorder.names() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"target": "{v1}"}, "source"),
        ({"source": "{ca}"}, "target"),
        ({"source": 12, "target": "{v1}"}, "source"),
        ({"source": "{ca}", "target": ["{v1}"]}, "target"),
        ({"source": "{ca}", "target": "{v1}", "kind": "inspired"}, "kind"),
        ({"source": "{ca}", "target": "{v1}", "date": "15/09/2024"}, "date"),
        ({"source": "{ca}", "target": "{v1}", "date": "2024-09-14"}, "date"),
        ({"source": "{ca}", "target": "{v1}", "community_id": 1}, "community_id"),
    ],
)
async def test_record_link_refuses_bad_input(cycle_world: World, body: dict, field: str) -> None:
    w = cycle_world
    n = await link_world(w)
    body = {k: v.format(**n) if isinstance(v, str) else v for k, v in body.items()}
    if isinstance(body.get("target"), list):
        body["target"] = [t.format(**n) for t in body["target"]]
    assert_error(*await w.mem_a.post("/links", body), 422, field)
    assert await count_links(w) == 0


async def test_duplicate_link_conflicts(cycle_world: World, recorder: Any) -> None:
    w = cycle_world
    n = await link_world(w)
    first = await w.mem_a.ok("POST", "/links", {"source": n["ca"], "target": n["cb"]}, 201)
    recorder.events.clear()
    status, data = await w.mem_b.post(
        "/links", {"source": n["ca"], "target": n["cb"], "note": "again", "date": "2024-11-01"}
    )
    assert_error(status, data, 409, "target")
    assert data["error"]["code"] == "conflict"
    assert (await w.fac.ok("GET", "/links"))["items"] == [first]
    assert recorder.names() == []
    # Another kind of link between the same two is a different record.
    await w.mem_a.ok(
        "POST", "/links", {"source": n["ca"], "target": n["cb"], "kind": "builds_on"}, 201
    )
    assert await count_links(w) == 2


async def test_link_permissions(cycle_world: World) -> None:
    w = cycle_world
    n = await link_world(w)
    body = {"source": n["ca"], "target": n["v1"]}  # both team A's work
    for api, code in (
        (w.mem_b, 403),
        (w.mem_didt, 403),
        (w.former, 403),
        (w.researcher, 403),
        (w.observer, 403),
        (w.anon, 401),
    ):
        status, data = await api.post("/links", body)
        assert_error(status, data, code)
    # Those who may not read the community are told the node does not exist, as for an id
    # nobody has: nothing reveals which ids are taken elsewhere.
    for api in (w.outsider, w.other_fac):
        status, data = await api.post("/links", body)
        assert_error(status, data, 422, "source")
        assert data["error"]["fields"]["source"] == f"no pdsa cycle {n['ca'].split(':')[1]}"
    status, data = await w.other_fac.post("/links", {"source": n["co"], "target": n["cb"]})
    assert_error(status, data, 422, "target")
    assert "no pdsa cycle" in data["error"]["fields"]["target"]
    assert await count_links(w) == 0
    # A member of the source's team, or of the target's team, may record it.
    await w.mem_a.ok("POST", "/links", {"source": n["ca"], "target": n["cb"]}, 201)
    await w.mem_b.ok("POST", "/links", {"source": n["v1"], "target": n["cb"]}, 201)
    await w.mem_didt.ok("POST", "/links", {"source": n["cb"], "target": n["cd"]}, 201)
    await w.fac.ok("POST", "/links", body, 201)
    assert await count_links(w) == 4


async def test_list_links_by_node(cycle_world: World) -> None:
    w = cycle_world
    n = await link_world(w)
    l1 = await w.mem_a.ok("POST", "/links", {"source": n["ca"], "target": n["v1"]}, 201)
    l2 = await w.mem_b.ok(
        "POST", "/links", {"source": n["v1"], "target": n["cb"], "kind": "adapted_from"}, 201
    )
    l3 = await w.mem_b.ok("POST", "/links", {"source": n["cb"], "target": n["cd"]}, 201)

    async def ids(api: Api = w.observer, **params: Any) -> list[int]:
        status, body = await api.get("/links", **params)
        assert status == 200, body
        return [row["id"] for row in body["items"]]

    assert await ids(node=n["v1"]) == [l1["id"], l2["id"]]
    assert await ids(node=n["cb"]) == [l2["id"], l3["id"]]
    assert await ids(node=n["ca"]) == [l1["id"]]
    assert await ids(node="cycle:999999") == []
    assert await ids(source=n["v1"]) == [l2["id"]]
    assert await ids(target=n["v1"]) == [l1["id"]]
    assert await ids(kind="adapted_from") == [l2["id"]]
    assert await ids(node=n["cb"], kind="informed") == [l3["id"]]
    assert await ids(**{"from": "2024-10-01"}) == [l2["id"], l3["id"]]
    assert await ids(to="2024-09-30") == [l1["id"]]
    assert await ids(w.outsider) == []
    assert await ids(w.other_fac, node=n["v1"]) == []
    assert_error(*await w.outsider.get(f"/links/{l1['id']}"), 404)
    assert_error(*await w.observer.get("/links", kind="inspired"), 422, "kind")
    assert_error(*await w.anon.get("/links"), 401)


async def test_delete_link(cycle_world: World) -> None:
    w = cycle_world
    n = await link_world(w)
    link = await w.mem_a.ok("POST", "/links", {"source": n["ca"], "target": n["v1"]}, 201)
    path = f"/links/{link['id']}"
    for api, code in (
        (w.mem_b, 403),
        (w.researcher, 403),
        (w.observer, 403),
        (w.outsider, 404),
        (w.anon, 401),
    ):
        assert_error(*await api.delete(path), code)
    assert (await w.fac.ok("GET", path)) == link
    assert await w.mem_a.delete(path) == (204, None)
    assert_error(*await w.fac.get(path), 404)
    assert_error(*await w.fac.delete(path), 404)
    assert await count_links(w) == 0
    # The same link may be recorded again once deleted.
    await w.mem_a.ok("POST", "/links", {"source": n["ca"], "target": n["v1"]}, 201)


async def test_node_kinds(cycle_world: World) -> None:
    kinds = await cycle_world.observer.ok("GET", "/node-kinds")
    labels = {k["kind"]: k["label"] for k in kinds["items"]}
    # the domain's kinds; the built-in plugins add their own (convenings, forum threads)
    assert {kind: labels.get(kind) for kind in ("cycle", "artifact_version")} == {
        "cycle": "PDSA cycle",
        "artifact_version": "Artifact version",
    }
