"""Measures and their data points through the JSON API."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.factories import CycleWorld, cycle, measure
from tests.helpers import assert_error

World = CycleWorld


async def count(w: World, path: str) -> int:
    return (await w.admin.ok("GET", path))["total"]


def point(measure_id: int, day: str, value: Any, **extra: Any) -> dict[str, Any]:
    return {"measure_id": measure_id, "date": day, "value": value, **extra}


# --- measures ----------------------------------------------------------------------


async def test_measures_belong_to_a_team_or_to_the_community(cycle_world: World) -> None:
    w = cycle_world
    status, mine = await w.mem_a.post(
        "/measures",
        {
            "community_id": w.community,
            "team_id": w.team_a,
            "name": "Exit ticket accuracy",
            "kind": "process",
            "unit": "%",
        },
    )
    assert status == 201, mine
    assert (mine["team_id"], mine["kind"], mine["unit"], mine["description"]) == (
        w.team_a,
        "process",
        "%",
        "",
    )
    assert (await w.observer.ok("GET", f"/measures/{mine['id']}")) == mine

    refused = (
        ({"team_id": w.team_b}, 403),  # another school's team
        ({}, 403),  # a community-wide measure is the facilitators' call
    )
    for extra, code in refused:
        body = {"community_id": w.community, "name": "M", "kind": "outcome", **extra}
        assert_error(*await w.mem_a.post("/measures", body), code)
    for api in (w.researcher, w.observer, w.former):
        body = {"community_id": w.community, "team_id": w.team_a, "name": "M", "kind": "outcome"}
        assert_error(*await api.post("/measures", body), 403)
    body = {"community_id": w.community, "team_id": w.team_a, "name": "M", "kind": "outcome"}
    assert_error(*await w.outsider.post("/measures", body), 422, "community_id")  # none to them
    body = {"community_id": w.community, "team_id": w.team_a, "name": "M", "kind": "outcome"}
    assert_error(*await w.anon.post("/measures", body), 401)
    assert await count(w, "/measures") == 1

    everyone = await w.fac.ok(
        "POST",
        "/measures",
        {"community_id": w.community, "name": "Chronic absence", "kind": "outcome"},
        201,
    )
    assert everyone["team_id"] is None
    listed = await w.observer.ok("GET", f"/measures?team={w.team_a}")
    assert [m["id"] for m in listed["items"]] == [mine["id"]]
    assert (await w.outsider.ok("GET", "/measures"))["total"] == 0
    assert_error(*await w.outsider.get(f"/measures/{everyone['id']}"), 404)


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"name": None}, "name", 422),
        ({"name": ""}, "name", 422),
        ({"kind": "vibes"}, "kind", 422),
        ({"kind": None}, "kind", 422),
        ({"community_id": "lakeview"}, "community_id", 422),
        ({"team_id": 999_999}, "team_id", 422),
        ({"unit": "x" * 51}, "unit", 422),
        ({"colour": "red"}, "colour", 422),
    ],
)
async def test_create_measure_refuses_bad_input(
    cycle_world: World, change: dict, field: str, code: int
) -> None:
    w = cycle_world
    body = {"community_id": w.community, "team_id": w.team_a, "name": "M", "kind": "outcome"}
    body = {k: v for k, v in {**body, **change}.items() if v is not None}
    assert_error(*await w.fac.post("/measures", body), code, field)
    assert await count(w, "/measures") == 0


async def test_measure_team_in_another_community_is_refused(cycle_world: World) -> None:
    w = cycle_world
    body = {"community_id": w.community, "team_id": w.other_team, "name": "M", "kind": "outcome"}
    status, data = await w.admin.post("/measures", body)
    assert_error(status, data, 422, "team_id")
    assert data["error"]["fields"]["team_id"] == f"no team {w.other_team} in this community"
    assert await count(w, "/measures") == 0


async def test_measure_in_unknown_community(cycle_world: World) -> None:
    w = cycle_world
    body = {"community_id": 999_999, "name": "M", "kind": "outcome"}
    for api in (w.fac, w.admin):
        assert_error(*await api.post("/measures", body), 422, "community_id")
    assert await count(w, "/measures") == 0


async def test_update_measure(cycle_world: World) -> None:
    w = cycle_world
    m = await measure(w, w.team_a)
    path = f"/measures/{m}"
    before = await w.fac.ok("GET", path)
    updated = await w.mem_a.ok("PATCH", path, {"unit": "students", "kind": "process"})
    assert (updated["unit"], updated["kind"], updated["name"]) == (
        "students",
        "process",
        "Attendance",
    )
    before = updated
    for api, body, code, field in (
        (w.mem_a, {"team_id": w.team_b}, 403, None),  # cannot hand it to another team
        (w.mem_a, {"team_id": None}, 403, None),  # nor make it community-wide
        (w.mem_b, {"unit": "x"}, 403, None),
        (w.researcher, {"unit": "x"}, 403, None),
        (w.mem_a, {"name": None}, 422, "name"),
        (w.mem_a, {"kind": "vibes"}, 422, "kind"),
        (w.fac, {"team_id": w.other_team}, 422, "team_id"),
        (w.fac, {"community_id": w.other_community}, 422, "community_id"),
    ):
        assert_error(*await api.patch(path, body), code, field)
    assert (await w.fac.ok("GET", path)) == before
    assert_error(*await w.fac.patch("/measures/999999", {"unit": "x"}), 404)


async def test_delete_measure(cycle_world: World) -> None:
    w = cycle_world
    m = await measure(w, w.team_a)
    await w.mem_a.ok("POST", "/data-points", point(m, "2024-09-01", 1), 201)
    for api, code in ((w.mem_b, 403), (w.observer, 403), (w.anon, 401)):
        assert_error(*await api.delete(f"/measures/{m}"), code)
    assert await count(w, "/measures") == 1
    assert await w.mem_a.delete(f"/measures/{m}") == (204, None)
    assert_error(*await w.fac.get(f"/measures/{m}"), 404)
    assert await count(w, "/data-points") == 0
    assert_error(*await w.fac.delete(f"/measures/{m}"), 404)


# --- data points ---------------------------------------------------------------------


async def test_record_and_filter_data_points(cycle_world: World) -> None:
    w = cycle_world
    attendance = await measure(w, w.team_a)
    absence = await measure(w, None, "Chronic absence")
    c = await cycle(w.mem_a, w.team_a, measure_ids=[attendance])
    assert c["measure_ids"] == [attendance]

    status, first = await w.mem_a.post(
        "/data-points", point(attendance, "2024-09-10", 91.5, note="week 2", cycle_id=c["id"])
    )
    assert status == 201, first
    assert first == {
        "id": first["id"],
        "measure_id": attendance,
        "cycle_id": c["id"],
        "date": "2024-09-10",
        "value": 91.5,
        "numerator": None,
        "denominator": None,
        "note": "week 2",
    }
    await w.mem_a.ok("POST", "/data-points", point(attendance, "2024-09-03", 88), 201)
    await w.mem_a.ok("POST", "/data-points", point(attendance, "2024-09-17", -2.25), 201)
    await w.fac.ok("POST", "/data-points", point(absence, "2024-09-05", 12), 201)

    async def values(**params: Any) -> list[tuple[str, float]]:
        body = await w.observer.ok(
            "GET", "/data-points?" + "&".join(f"{k}={v}" for k, v in params.items())
        )
        return [(p["date"], p["value"]) for p in body["items"]]

    assert await values(measure=attendance) == [
        ("2024-09-03", 88.0),
        ("2024-09-10", 91.5),
        ("2024-09-17", -2.25),
    ]
    assert await values(measure=absence) == [("2024-09-05", 12.0)]
    assert await values(**{"from": "2024-09-05"}) == [
        ("2024-09-10", 91.5),
        ("2024-09-17", -2.25),
        ("2024-09-05", 12.0),
    ]
    assert await values(to="2024-09-05") == [("2024-09-03", 88.0), ("2024-09-05", 12.0)]
    assert await values(measure=attendance, **{"from": "2024-09-04"}, to="2024-09-16") == [
        ("2024-09-10", 91.5)
    ]
    assert await values(cycle=c["id"]) == [("2024-09-10", 91.5)]
    page = await w.observer.ok("GET", "/data-points?per_page=2&page=2")
    assert (page["total"], page["pages"], len(page["items"])) == (4, 2, 2)
    assert (await w.outsider.ok("GET", "/data-points"))["total"] == 0
    assert_error(*await w.outsider.get(f"/data-points/{first['id']}"), 404)
    assert (await w.researcher.ok("GET", f"/data-points/{first['id']}")) == first
    for params, field in (({"measure": "x"}, "measure"), ({"from": "soon"}, "from")):
        assert_error(*await w.observer.get("/data-points", **params), 422, field)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"measure_id": %(m)d, "date": "2024-09-01", "value": NaN}', "value"),
        ('{"measure_id": %(m)d, "date": "2024-09-01", "value": Infinity}', "value"),
        ('{"measure_id": %(m)d, "date": "2024-09-01", "value": -Infinity}', "value"),
        ('{"measure_id": %(m)d, "date": "2024-09-01", "value": 1e400}', "value"),
        ('{"measure_id": %(m)d, "date": "2024-09-01", "value": "lots"}', "value"),
        ('{"measure_id": %(m)d, "date": "2024-09-01", "value": null}', "value"),
        ('{"measure_id": %(m)d, "date": "2024-09-01", "value": [1]}', "value"),
        ('{"measure_id": %(m)d, "date": "2024-09-01"}', "value"),
        ('{"measure_id": %(m)d, "value": 3}', "date"),
        ('{"measure_id": %(m)d, "date": "Sept 1", "value": 3}', "date"),
        ('{"date": "2024-09-01", "value": 3}', "measure_id"),
        ('{"measure_id": "att", "date": "2024-09-01", "value": 3}', "measure_id"),
        ('{"measure_id": 999999, "date": "2024-09-01", "value": 3}', "measure_id"),
        ('{"measure_id": %(m)d, "date": "2024-09-01", "value": 3, "cycle_id": 999999}', "cycle_id"),
        ('{"measure_id": %(m)d, "date": "2024-09-01", "value": 3, "extra": 1}', "extra"),
    ],
)
async def test_record_data_refuses_bad_input(cycle_world: World, raw: str, field: str) -> None:
    w = cycle_world
    m = await measure(w, w.team_a)
    status, data = await w.mem_a.call("POST", "/data-points", content=(raw % {"m": m}).encode())
    assert_error(status, data, 422, field)
    json.dumps(data)  # the error itself is plain JSON (no NaN leaked back)
    assert await count(w, "/data-points") == 0


async def test_record_data_permissions(cycle_world: World) -> None:
    w = cycle_world
    team_measure = await measure(w, w.team_a)
    community_measure = await measure(w, None, "Chronic absence")
    other_cycle = await cycle(w.other_fac, w.other_team)
    for api, body, code in (
        (w.mem_b, point(team_measure, "2024-09-01", 1), 403),
        (w.former, point(team_measure, "2024-09-01", 1), 403),
        (w.mem_a, point(community_measure, "2024-09-01", 1), 403),
        (w.researcher, point(team_measure, "2024-09-01", 1), 403),
        (w.observer, point(team_measure, "2024-09-01", 1), 403),
        (w.outsider, point(team_measure, "2024-09-01", 1), 422),  # no such measure to them
        (w.anon, point(team_measure, "2024-09-01", 1), 401),
        (w.fac, point(team_measure, "2024-09-01", 1, cycle_id=other_cycle["id"]), 422),
    ):
        assert_error(*await api.post("/data-points", body), code)
    assert await count(w, "/data-points") == 0
    await w.fac.ok("POST", "/data-points", point(community_measure, "2024-09-01", 1), 201)
    await w.mem_a.ok("POST", "/data-points", point(team_measure, "2024-09-01", 0), 201)
    assert await count(w, "/data-points") == 2


async def test_delete_data_point(cycle_world: World) -> None:
    w = cycle_world
    m = await measure(w, w.team_a)
    p = await w.mem_a.ok("POST", "/data-points", point(m, "2024-09-01", 4), 201)
    path = f"/data-points/{p['id']}"
    for api, code in ((w.mem_b, 403), (w.researcher, 403), (w.outsider, 404), (w.anon, 401)):
        assert_error(*await api.delete(path), code)
    assert (await w.fac.ok("GET", path)) == p
    assert await w.mem_a.delete(path) == (204, None)
    assert_error(*await w.fac.get(path), 404)
    assert_error(*await w.fac.delete(path), 404)
    assert_error(*await w.fac.patch(path, {"value": 3}), 405)
