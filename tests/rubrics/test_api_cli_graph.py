"""The JSON API, ``nic rubrics import|export|report``, levels on team nodes of the graph,
the association analysis, agenda items through the hook, and switching the plugin off."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from plugins.api import LinkCreate, community_graph, record_link
from plugins.convenings.agenda import agenda_items
from plugins.rubrics import definitions, progress, services
from plugins.rubrics.schemas import ConsensusIn, ConsensusSet
from tests.rubrics.helpers import open_assessment

KEYS = [i["key"] for i in definitions.indicators_of(definitions.DEFAULT_FRAMEWORK)]


async def test_api_import_assess_score_and_read(world) -> None:
    cid = world["community_id"]
    fay, ana, olu = (world["users"][k] for k in ("fay", "ana", "olu"))
    code, body = await fay.api.post(
        f"/rubrics/communities/{cid}/import", {"yaml": "name: X\nlevels: [A, B]\ndimensions: 3\n"}
    )
    assert code == 422 and body["error"]["fields"] == {
        "dimensions": "line 3: dimensions: expected a list of dimensions"
    }
    code, body = await ana.api.post(
        f"/rubrics/communities/{cid}", {"definition": definitions.DEFAULT_FRAMEWORK}
    )
    assert code == 403
    code, body = await fay.api.post(
        f"/rubrics/communities/{cid}",
        {"definition": {**definitions.DEFAULT_FRAMEWORK, "name": "Copy"}, "note": "api"},
    )
    assert code == 201 and body["outcome"] == "created"
    items = (await olu.api.ok("GET", f"/rubrics/communities/{cid}"))["items"]
    assert [r["name"] for r in items] == ["Copy", "Implementation framework"]
    yaml_text = (await olu.api.ok("GET", f"/rubrics/{body['id']}/yaml"))["yaml"]
    assert definitions.parse_yaml(yaml_text)["name"] == "Copy"
    made = await ana.api.ok(
        "POST",
        "/rubrics/assessments",
        {
            "team_id": world["teams"]["north"],
            "rubric_id": world["rubric_id"],
            "period": "2025-Q1",
            "kind": "external_review",
            "held_on": "2025-02-14",
        },
        201,
    )
    code, body = await olu.api.post(
        "/rubrics/assessments",
        {
            "team_id": world["teams"]["north"],
            "rubric_id": world["rubric_id"],
            "period": "2025-Q2",
            "kind": "self_review",
            "held_on": "2025-05-14",
        },
    )
    assert code == 403
    url = f"/rubrics/assessments/{made['id']}"
    code, body = await ana.api.put(
        f"{url}/scores", {"scores": [{"indicator": KEYS[0], "level": 7}]}
    )
    assert code == 422 and body["error"]["fields"] == {
        f"scores.{KEYS[0]}.level": "choose a level from 1 to 4"
    }
    levels = [{"indicator": k, "level": 2} for k in KEYS]
    await ana.api.ok("PUT", f"{url}/scores", {"scores": levels, "submit": True})
    await fay.api.ok("PUT", f"{url}/scores", {"scores": levels, "submit": True})
    read = await olu.api.ok("GET", url)
    assert read["agreement"]["exact"] == 1.0 and read["agreement"]["kappa"] is None
    await fay.api.ok("PUT", f"{url}/consensus", {"consensus": [{"indicator": KEYS[0], "level": 3}]})
    listed = await olu.api.ok("GET", f"/rubrics/communities/{cid}/assessments", None)
    assert listed["total"] == 1 and listed["items"][0]["kind"] == "external_review"
    prog = await olu.api.ok("GET", f"/rubrics/teams/{world['teams']['north']}/progress")
    assert prog["items"][0]["rows"][0]["cells"] == [3]
    code, _ = await olu.api.put(
        f"/rubrics/teams/{world['teams']['north']}/targets",
        {"rubric_id": world["rubric_id"], "year": 2025, "targets": []},
    )
    assert code == 403
    rollup = await olu.api.ok("GET", f"/rubrics/communities/{cid}/rollup")
    assert rollup["rubrics"][0]["subjects"][0]["subject_name"] == "North SIDT"
    assert "too few" in rollup["association"]["statement"]


async def test_cli_import_export_report(world, nic_cli, tmp_path: Path) -> None:
    path = tmp_path / "rubric.yaml"
    path.write_text(definitions.to_yaml({**definitions.DEFAULT_FRAMEWORK, "name": "CLI rubric"}))
    code, out = await nic_cli("rubrics", "import", "cedar", str(path))
    assert code == 0 and out.startswith("Created rubric")
    code, out = await nic_cli("rubrics", "import", "cedar", str(path))
    assert code == 0 and "Unchanged" in out
    path.write_text("name: Broken\nlevels: [A, B]\ndimensions:\n  - name: D\n    indicators: []\n")
    code, out = await nic_cli("rubrics", "import", "cedar", str(path))
    assert code == 1 and "line 5: dimensions[0].indicators: needs at least one of indicators" in out
    out_file = tmp_path / "out.yaml"
    code, out = await nic_cli("rubrics", "export", "cedar", "CLI rubric", "-o", str(out_file))
    assert code == 0 and definitions.parse_yaml(out_file.read_text())["name"] == "CLI rubric"
    code, out = await nic_cli("rubrics", "export", "cedar", "nope")
    assert code == 1 and "no rubric 'nope'" in out
    code, out = await nic_cli("rubrics", "report", "cedar")
    assert code == 0 and "No team of cedar has been assessed yet." in out
    a = await open_assessment(world)
    await services.set_consensus(
        world["users"]["fay"].ctx,
        a["id"],
        ConsensusSet(consensus=[ConsensusIn(indicator=k, level=2) for k in KEYS]),
    )
    code, out = await nic_cli("rubrics", "report", "cedar")
    assert code == 0 and "North SIDT" in out and "2025-Q1" in out and "first period" in out


async def _assess(world, team: str, period: str, level: int) -> dict:
    a = await open_assessment(world, team=team, period=period)
    await services.set_consensus(
        world["users"]["fay"].ctx,
        a["id"],
        ConsensusSet(consensus=[ConsensusIn(indicator=k, level=level) for k in KEYS]),
    )
    return a


async def _cycle(world, team: str, title: str) -> int:
    cycle = await world["admin"].api.ok(
        "POST",
        "/cycles",
        {
            "team_id": world["teams"][team],
            "title": title,
            "plan_objective": "Try it",
            "planned_start": "2024-09-02",
        },
        201,
    )
    return int(cycle["id"])


async def test_levels_on_team_nodes_and_the_association(world, nic_app) -> None:
    await _assess(world, "north", "2025-Q1", 1)
    await _assess(world, "north", "2025-Q3", 3)  # +2 over two quarters: +1/quarter
    await _assess(world, "south", "2025-Q1", 2)
    await _assess(world, "south", "2025-Q2", 2)  # no movement
    await _assess(world, "didt", "2025-Q1", 1)
    await _assess(world, "didt", "2025-Q2", 2)  # +1/quarter
    # Incoming learning links: North 2 (from South's and DIDT's cycles), DIDT 1, South 0;
    # a link within North does not count.
    north, north2 = await _cycle(world, "north", "N1"), await _cycle(world, "north", "N2")
    south, didt = await _cycle(world, "south", "S1"), await _cycle(world, "didt", "D1")
    for source, target in ((south, north), (didt, north2), (north, north2), (south, didt)):
        await record_link(
            world["admin"].ctx,
            LinkCreate(
                source=f"cycle:{source}",
                target=f"cycle:{target}",
                kind="informed",
                date=date(2024, 10, 1),
            ),
        )
    plugins = nic_app.state.plugins
    graph = await community_graph(plugins, [world["community_id"]], None)
    node = graph.nodes[f"team:{world['teams']['north']}"]
    rid = world["rubric_id"]
    assert node[f"rubric{rid}_2025-Q1"] == 1.0 and node[f"rubric{rid}_2025-Q3"] == 3.0
    assert node[f"rubric{rid}_latest"] == 3.0 and node["kind"] == "team"
    # As of a date before the later assessments, only the first period is there.
    early = await community_graph(plugins, [world["community_id"]], date(2025, 3, 1))
    assert f"rubric{rid}_2025-Q3" not in early.nodes[f"team:{world['teams']['north']}"]
    found = await progress.association(world["users"]["rae"].ctx, world["community_id"])
    table = {(r["team_name"], r["incoming_links"], r["per_quarter"]) for r in found["rows"]}
    assert table == {("North SIDT", 2, 1.0), ("Cedar DIDT", 1, 1.0), ("South SIDT", 0, 0.0)}
    # Links 2, 1, 0 rank 3, 2, 1; movement 1, 1, 0 ranks 2.5, 2.5, 1:
    # mean 2 each; sxy = 1*0.5 + 0 + (-1)(-1) = 1.5; sxx = 2; syy = 0.25 + 0.25 + 1 = 1.5.
    # rho = 1.5 / sqrt(3) = 0.866.
    assert found["rho"] == 0.866
    assert "Spearman's rank correlation" in found["statement"] and "0.87" in found["statement"]
    assert "not evidence that links cause movement" in found["statement"]
    # Agenda items through the hook, for the convening after the latest assessments.
    items = await agenda_items(plugins, world["community_id"], date(2025, 4, 1), date(2025, 12, 1))
    mine = [i for i in items if i.source == "rubrics"]
    assert {i.kind for i in mine} == {"rubric_movement", "rubric_stalled"}
    assert any(i.title.startswith("North SIDT: rubric levels moved") for i in mine)
    assert any(i.title.startswith("South SIDT: rubric indicators stalled") for i in mine)


async def test_switched_off_in_a_community_nothing_else_breaks(world, nic_app) -> None:
    cid = world["community_id"]
    await _assess(world, "north", "2025-Q1", 2)
    admin, olu = world["admin"], world["users"]["olu"]
    north = world["teams"]["north"]
    await admin.api.ok(
        "PUT", f"/communities/{cid}/plugins", {"plugin": "rubrics", "enabled": False}
    )
    for url in (
        "/communities/cedar/rubrics",
        "/communities/cedar/rubrics/roll-up",
        f"/communities/cedar/rubrics/teams/{north}",
    ):
        assert (await olu.client.get(url)).status_code == 404
    code, _ = await olu.api.get(f"/rubrics/communities/{cid}")
    assert code == 404
    team = await olu.client.get(f"/communities/cedar/teams/{north}")
    assert team.status_code == 200 and "Implementation rubric" not in team.text
    assert 'href="/communities/cedar/rubrics"' not in (await olu.client.get("/rubrics")).text
    graph = await community_graph(nic_app.state.plugins, [cid], None)
    assert not any(k.startswith("rubric") for k in graph.nodes[f"team:{north}"])
    items = await agenda_items(nic_app.state.plugins, cid, None, date(2026, 1, 1))
    assert not [i for i in items if i.source == "rubrics"]
    for url in ("/communities/cedar", f"/communities/cedar/teams/{north}", "/"):
        assert (await olu.client.get(url)).status_code == 200
    await admin.api.ok("PUT", f"/communities/{cid}/plugins", {"plugin": "rubrics", "enabled": True})
    assert (await olu.client.get("/communities/cedar/rubrics")).status_code == 200


async def test_demo_data_gives_progress_for_every_design_team(world, nic_app) -> None:
    from plugins.rubrics.demo import add_demo, periods

    cid = world["community_id"]
    await add_demo(world["admin"].ctx, [cid])
    rollup = await progress.rollup(world["users"]["olu"].ctx, cid)
    [framework] = [r for r in rollup["rubrics"] if r["rubric_name"] == "Implementation framework"]
    assert {t["subject_name"] for t in framework["subjects"]} == {
        "Cedar DIDT",
        "North SIDT",
        "South SIDT",
    }
    latest = periods(date.today())[-1][0]  # the demo is dated from the day it is built
    assert all(t["period"] == latest and t["movement"] for t in framework["subjects"])
    team = await services.subject_of(f"team:{world['teams']['north']}")
    [report] = await progress.subject_progress(world["users"]["olu"].ctx, team)
    assert [p["period"] for p in report["periods"]] == [p[0] for p in periods(date.today())]
    assert report["targets_set"] == 2
    # Levels never go down in the demo, and no rater scores are made up.
    for row in report["rows"]:
        assert row["cells"] == sorted(row["cells"])
    a = await services.get_assessment(
        world["users"]["olu"].ctx, report["periods"][0]["assessment_id"]
    )
    assert a["sheets"] == [] and len(a["consensus"]) == len(KEYS)


async def test_ids_beyond_the_database_integers_are_not_found(world) -> None:
    big = 2**31  # one past the largest 32-bit id: PostgreSQL would refuse the query
    olu, fay = world["users"]["olu"], world["users"]["fay"]
    for url in ("{}", "assessments/{}", "teams/{}", "organizations/{}"):
        page = await olu.client.get("/communities/cedar/rubrics/" + url.format(big))
        assert page.status_code == 404, url
    for path in (
        "/rubrics/{}",
        "/rubrics/assessments/{}",
        "/rubrics/teams/{}/progress",
        "/rubrics/communities/{}",
        "/rubrics/organizations/{}/progress",
    ):
        assert (await olu.api.get(path.format(big)))[0] == 404, path
    code, _ = await olu.api.get(
        f"/rubrics/communities/{world['community_id']}/assessments", team=big
    )
    assert code == 422
    code, body = await fay.api.post(
        "/rubrics/assessments",
        {
            "team_id": big,
            "rubric_id": world["rubric_id"],
            "period": "2025-Q1",
            "kind": "self_review",
            "held_on": "2025-01-01",
        },
    )
    assert code == 422 and "team_id" in body["error"]["fields"]
