"""Measure definitions, numerator/denominator data, phases and the chart endpoint, over HTTP.

The expected limits are worked by hand in tests/test_control_charts.py (with their sources);
the same data here must give the same numbers through the API.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from communities.examples.demo import demo_communities
from communities.exchange import load_community
from communities.services.base import community_id_for_slug
from core.context import Actor, ServiceContext
from tests.factories import CycleWorld, cycle, measure
from tests.helpers import assert_error

World = CycleWorld


async def points(w: World, measure_id: int, rows: list[dict[str, Any]]) -> None:
    for i, row in enumerate(rows):
        body = {"measure_id": measure_id, "date": f"2025-01-{i + 6:02d}", **row}
        await w.mem_a.ok("POST", "/data-points", body, 201)


async def test_a_measure_as_the_field_defines_it(cycle_world: World) -> None:
    w = cycle_world
    body = {
        "community_id": w.community,
        "team_id": w.team_a,
        "name": "Students passing all core courses",
        "kind": "outcome",
        "unit": "proportion",
        "operational_definition": "Grade 9 students with no F at the progress report.",
        "data_source": "Student information system, progress reports",
        "collection_frequency": "monthly",
        "goal": 0.9,
        "goal_date": "2026-06-15",
        "direction": "up",
        "chart_type": "p",
    }
    made = await w.mem_a.ok("POST", "/measures", body, 201)
    assert {k: made[k] for k in body} == body
    assert await w.observer.ok("GET", f"/measures/{made['id']}") == made
    changed = await w.mem_a.ok(
        "PATCH", f"/measures/{made['id']}", {"direction": "down", "goal": None}
    )
    assert (changed["direction"], changed["goal"], changed["goal_date"]) == (
        "down",
        None,
        "2026-06-15",
    )
    # A measure made without them reads as before, with empty definitions and a run chart.
    plain = await w.mem_a.ok(
        "POST",
        "/measures",
        {"community_id": w.community, "team_id": w.team_a, "name": "M", "kind": "process"},
        201,
    )
    assert (plain["chart_type"], plain["operational_definition"], plain["direction"]) == (
        "run",
        "",
        None,
    )
    for field, bad in (
        ("chart_type", "pie"),
        ("direction", "sideways"),
        ("collection_frequency", "hourly"),
        ("goal", "high"),
    ):
        assert_error(*await w.mem_a.patch(f"/measures/{made['id']}", {field: bad}), 422, field)
    assert_error(
        *await w.mem_a.patch(f"/measures/{made['id']}", {"chart_type": None}), 422, "chart_type"
    )


async def test_data_points_with_numerator_and_denominator(cycle_world: World) -> None:
    w = cycle_world
    m = await measure(w, w.team_a)
    made = await w.mem_a.ok(
        "POST",
        "/data-points",
        {"measure_id": m, "date": "2025-01-06", "numerator": 15, "denominator": 60},
        201,
    )
    assert (made["value"], made["numerator"], made["denominator"]) == (0.25, 15, 60)
    kept = await w.mem_a.ok(
        "POST",
        "/data-points",
        {"measure_id": m, "date": "2025-01-13", "value": 25, "numerator": 15, "denominator": 60},
        201,
    )
    assert kept["value"] == 25  # a value sent (here a percentage) is kept as sent
    refused = (
        ({"numerator": 15}, "denominator"),
        ({"denominator": 60}, "numerator"),
        ({"numerator": 15, "denominator": 0}, "denominator"),
        ({"numerator": -1, "denominator": 60}, "numerator"),
        ({}, "value"),
    )
    for extra, field in refused:
        body = {"measure_id": m, "date": "2025-01-20", **extra}
        assert_error(*await w.mem_a.post("/data-points", body), 422, field)


async def test_phases_are_written_by_who_writes_the_measure(cycle_world: World) -> None:
    w = cycle_world
    m = await measure(w, w.team_a)
    body = {"measure_id": m, "start": "2025-02-03", "label": "New routine", "frozen": True}
    phase = await w.mem_a.ok("POST", "/measure-phases", body, 201)
    assert {k: phase[k] for k in body} == body
    for api in (w.mem_b, w.researcher, w.observer):
        other = {"measure_id": m, "start": "2025-03-03", "label": "x"}
        assert_error(*await api.post("/measure-phases", other), 403)
    assert_error(*await w.outsider.post("/measure-phases", body), 422, "measure_id")
    assert_error(*await w.mem_a.post("/measure-phases", body), 422, "start")
    listed = await w.observer.ok("GET", f"/measure-phases?measure={m}")
    assert [p["id"] for p in listed["items"]] == [phase["id"]]
    assert_error(*await w.outsider.get(f"/measure-phases/{phase['id']}"), 404)
    assert_error(*await w.observer.delete(f"/measure-phases/{phase['id']}"), 403)
    await w.mem_a.ok("DELETE", f"/measure-phases/{phase['id']}", status=204)
    assert (await w.observer.ok("GET", f"/measure-phases?measure={m}"))["total"] == 0


async def test_p_chart_with_varying_denominators(cycle_world: World) -> None:
    # As worked in tests/test_control_charts.py: p-bar 0.2; 45/150 = 0.3 is above its
    # limit 0.29798 (n = 150) although it would be inside at n = 100 (0.32).
    w = cycle_world
    m = await measure(w, w.team_a)
    pairs = [(5, 25), (15, 75), (10, 100), (45, 150), (25, 150)]
    await points(w, m, [{"numerator": n, "denominator": d} for n, d in pairs])
    chart = await w.observer.ok("GET", f"/measures/{m}/chart?type=p")
    assert chart["type"] == "p" and chart["measure_id"] == m
    assert chart["phases"][0]["centre"] == pytest.approx(0.2)
    assert [p["upper"] for p in chart["points"]] == pytest.approx(
        [0.44, 0.338564, 0.32, 0.29798, 0.29798], abs=1e-6
    )
    assert [p["lower"] for p in chart["points"]] == pytest.approx(
        [0.0, 0.061436, 0.08, 0.10202, 0.10202], abs=1e-6
    )
    assert [p["denominator"] for p in chart["points"]] == [25, 75, 100, 150, 150]
    (signal,) = chart["signals"]
    assert (signal["rule"], signal["points"], signal["dates"]) == ("outside", [3], ["2025-01-09"])
    assert "above the upper control limit" in signal["explanation"]


async def test_two_phase_and_frozen_xmr_through_phases(cycle_world: World) -> None:
    # Baseline 10 12 11 13 14: centre 12, limits 8.01 / 15.99. Phase 2 (20 22 21):
    # centre 21, limits 17.01 / 24.99 (tests/test_control_charts.py works both).
    w = cycle_world
    m = await measure(w, w.team_a)
    await points(w, m, [{"value": v} for v in (10, 12, 11, 13, 14, 20, 22, 21)])
    phase = {"measure_id": m, "start": "2025-01-11", "label": "New timetable"}
    made = await w.mem_a.ok("POST", "/measure-phases", phase, 201)
    chart = await w.observer.ok("GET", f"/measures/{m}/chart?type=xmr")
    first, second = chart["phases"]
    assert (first["label"], first["start"], first["first"], first["last"]) == (
        "Baseline",
        None,
        0,
        4,
    )
    assert (second["label"], second["start"], second["first"], second["last"]) == (
        "New timetable",
        "2025-01-11",
        5,
        7,
    )
    assert (first["lower"], first["upper"]) == (pytest.approx(8.01), pytest.approx(15.99))
    assert (second["lower"], second["upper"]) == (pytest.approx(17.01), pytest.approx(24.99))
    assert chart["signals"] == []
    # Frozen, the later points are judged against the baseline: all three are outside.
    await w.mem_a.ok("DELETE", f"/measure-phases/{made['id']}", status=204)
    await w.mem_a.ok("POST", "/measure-phases", phase | {"frozen": True}, 201)
    frozen = await w.observer.ok("GET", f"/measures/{m}/chart?type=xmr")
    assert frozen["phases"][1]["frozen"] and frozen["phases"][1]["limits_from"] == 0
    assert [(s["rule"], s["points"]) for s in frozen["signals"]] == [
        ("outside", [5]),
        ("two_of_three", [5, 6, 7]),
        ("outside", [6]),
        ("outside", [7]),
    ]


async def test_chart_type_defaults_and_run_chart(cycle_world: World) -> None:
    w = cycle_world
    m = await measure(w, w.team_a)
    # 1 2 3 4 5 6 rising: a trend of 6 on the run chart (5 or more, Perla et al. 2011).
    await points(w, m, [{"value": v} for v in (1, 2, 3, 4, 5, 6)])
    chart = await w.observer.ok("GET", f"/measures/{m}/chart")
    assert chart["type"] == "run"  # the measure's chart_type, "run" unless set
    assert chart["phases"][0]["centre"] == 3.5  # the median
    assert [(s["rule"], s["points"]) for s in chart["signals"]] == [("trend", [0, 1, 2, 3, 4, 5])]
    await w.mem_a.ok("PATCH", f"/measures/{m}", {"chart_type": "c"})
    assert (await w.observer.ok("GET", f"/measures/{m}/chart"))["type"] == "c"


async def test_chart_errors_and_permissions(cycle_world: World) -> None:
    w = cycle_world
    m = await measure(w, w.team_a)
    await points(w, m, [{"value": v} for v in (3, 4)])
    status, body = await w.observer.get(f"/measures/{m}/chart", type="p")
    assert_error(status, body, 422, "denominator")
    assert "2025-01-06" in body["error"]["fields"]["denominator"]
    assert_error(*await w.observer.get(f"/measures/{m}/chart", type="pie"), 422, "type")
    assert_error(*await w.outsider.get(f"/measures/{m}/chart"), 404)
    assert_error(*await w.anon.get(f"/measures/{m}/chart"), 401)
    assert_error(*await w.observer.get("/measures/999999/chart"), 404)
    empty = await measure(w, w.team_a, "Empty")
    chart = await w.researcher.ok("GET", f"/measures/{empty}/chart?type=xmr")
    assert (chart["points"], chart["signals"]) == ([], [])


async def test_the_demo_charts_show_a_phase_split_and_a_special_cause(app: Any, admin: Any) -> None:
    """`nic demo`'s measures split where their team adopted a change, and the shift the
    demo data makes there reads as a special cause on the control chart."""
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    document = demo_communities()[0]
    await load_community(ctx, document, "demo")
    community_id = await community_id_for_slug(document["community"]["slug"])
    await app.state.plugins.call(
        "nic_demo_data", ctx=ctx, community_ids=[community_id], today=date.today()
    )
    phases = (await admin.ok("GET", "/measure-phases?per_page=100"))["items"]
    assert phases and all(p["label"].startswith("After adopting ") for p in phases)
    measures = {p["measure_id"] for p in phases}
    charts = [await admin.ok("GET", f"/measures/{m}/chart?type=xmr") for m in sorted(measures)]
    assert all(len(chart["phases"]) == 2 for chart in charts)
    rules = {s["rule"] for chart in charts for s in chart["signals"]}
    assert rules & {"outside", "shift", "two_of_three"}, rules


async def test_notes_are_written_by_who_writes_the_measure_and_drawn_as_annotations(
    cycle_world: World,
) -> None:
    w = cycle_world
    m = await measure(w, w.team_a)
    await points(w, m, [{"value": v} for v in (3, 4, 5)])
    body = {"measure_id": m, "date": "2025-01-07", "text": "  Snow day: half the class away. "}
    note = await w.mem_a.ok("POST", "/measure-notes", body, 201)
    assert (note["text"], note["date"], note["author_id"]) == (
        "Snow day: half the class away.",
        "2025-01-07",
        w.p_a,  # the person of the signed-in member
    )
    by_fac = await w.fac.ok(
        "POST", "/measure-notes", body | {"text": "Fire drill", "author_id": w.p_b}, 201
    )
    assert by_fac["author_id"] == w.p_b
    for api in (w.mem_b, w.researcher, w.observer):
        assert_error(*await api.post("/measure-notes", body), 403)
    assert_error(*await w.outsider.post("/measure-notes", body), 422, "measure_id")
    assert_error(*await w.mem_a.post("/measure-notes", body | {"text": " "}), 422, "text")
    assert_error(*await w.mem_a.post("/measure-notes", body | {"date": "soon"}), 422, "date")
    assert_error(
        *await w.mem_a.post("/measure-notes", body | {"author_id": w.p_other}), 422, "author_id"
    )
    listed = await w.observer.ok("GET", f"/measure-notes?measure={m}")
    assert [n["id"] for n in listed["items"]] == [note["id"], by_fac["id"]]
    assert_error(*await w.outsider.get(f"/measure-notes/{note['id']}"), 404)

    made = await cycle(
        w.mem_a, w.team_a, planned_start="2025-01-06", planned_end="2025-01-20",
        actual_start="2025-01-08",
    )  # fmt: skip
    await cycle(w.mem_a, w.team_a, "Undated")
    chart = await w.observer.ok("GET", f"/measures/{m}/chart?type=xmr")
    assert [(a["kind"], a["id"], a["date"]) for a in chart["annotations"]] == [
        ("note", note["id"], "2025-01-07"),
        ("note", by_fac["id"], "2025-01-07"),
        ("cycle", made["id"], "2025-01-08"),  # an undated cycle is not drawn
    ]
    drawn = chart["annotations"][2]
    assert (drawn["end"], drawn["planned_start"], drawn["label"]) == (
        "2025-01-20",
        "2025-01-06",
        made["title"],
    )
    assert_error(*await w.observer.delete(f"/measure-notes/{note['id']}"), 403)
    await w.mem_a.ok("DELETE", f"/measure-notes/{note['id']}", status=204)
    again = await w.observer.ok("GET", f"/measures/{m}/chart")
    assert [a["id"] for a in again["annotations"] if a["kind"] == "note"] == [by_fac["id"]]
