"""The knowledge flow through the JSON API and the ``nic graph`` commands."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from communities.exchange import load_community, read_document
from core.context import Actor, ServiceContext
from tests.flow_readers import igraph_dl, read_csv_zip, read_gexf, read_graphml, read_json
from tests.helpers import SMALL
from tests.scratch import run_nic, scratch_database, sql

RESULT_KEYS = ("computed_at", "as_of_counter", "stale")
"""What every stored flow answer carries beside the analysis's own keys."""
FLOW = "/communities/cedar-valley/flow"


@pytest.fixture
async def world(app: Any, admin, make_user) -> dict[str, Any]:
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    await load_community(ctx, read_document(SMALL), str(SMALL))
    other = read_document(SMALL)
    other["community"] = {**other["community"], "slug": "elm-grove", "name": "Elm Grove"}
    await load_community(ctx, other, "elm-grove")
    communities = {c["slug"]: c["id"] for c in (await admin.ok("GET", "/communities"))["items"]}
    users = {}
    for role in ("researcher", "member", "observer", "facilitator", "outsider"):
        users[role] = await make_user(f"{role}@example.org")
        if role != "outsider":
            body = {"user_email": f"{role}@example.org", "role": role}
            await admin.ok("PUT", f"/communities/{communities['cedar-valley']}/roles", body)
    listing = await admin.get("/cycles", community=communities["cedar-valley"])
    cycles = {c["title"]: c["id"] for c in listing[1]["items"]}
    return {"communities": communities, "cycles": cycles, **users}


async def test_summary_and_graph(world) -> None:
    summary = await world["researcher"].ok("GET", FLOW)
    assert summary["communities"] == ["cedar-valley"]
    assert summary["nodes"] == {"artifact_version": 2, "cycle": 3, "person": 3, "team": 3}
    assert summary["edges"]["member"] == 5 and summary["edges"]["informed"] == 2
    graph = await world["researcher"].ok("GET", FLOW + "/graph")
    ids = {n["id"] for n in graph["nodes"]}
    assert len(ids) == 11
    # Nothing of the other community (loaded from the same file) leaks in.
    assert {n["community"] for n in graph["nodes"]} == {world["communities"]["cedar-valley"]}


async def test_traces(world) -> None:
    n1 = world["cycles"]["Huddle with three advisors"]
    down = await world["member"].ok("GET", FLOW + f"/downstream?node=cycle:{n1}")
    assert [w["label"] for w in down["work"]] == [
        "Advisory huddle protocol v1",
        "Huddle with all grade 9 advisors",
        "South's huddle protocol v1",
        "District huddle protocol pilot",
    ]
    assert {t["label"] for t in down["teams"]} == {"Cedar Valley DIDT", "South SIDT"}
    until = await world["member"].ok("GET", FLOW + f"/downstream?node=cycle:{n1}&until=2024-10-05")
    assert [w["label"] for w in until["work"]] == ["Advisory huddle protocol v1"]
    d1 = world["cycles"]["District huddle protocol pilot"]
    up = await world["member"].ok("GET", FLOW + f"/upstream?node=cycle:{d1}")
    assert [w["label"] for w in up["work"]] == [
        "Huddle with three advisors",
        "Huddle with all grade 9 advisors",
    ]
    graph = await world["researcher"].ok("GET", FLOW + "/graph")
    team = next(n["id"] for n in graph["nodes"] if n["kind"] == "team")
    for node, problem in (
        ("", "required: the work to trace"),
        ("cycle:999999", "is not in this community"),
        (team, "trace work"),
        ("nonsense", "is not in"),
    ):
        status, body = await world["member"].get(FLOW + "/downstream", node=node)
        assert status == 422 and problem in body["error"]["fields"]["node"], (node, body)


async def test_analyses(world) -> None:
    api = world["researcher"]
    flow = await api.ok("GET", FLOW + "/team-flow")
    assert {(e["source"], e["target"], e["weight"]) for e in flow["edges"]} == {
        (t["id"], u["id"], 1)
        for t in flow["teams"]
        for u in flow["teams"]
        if (t["label"], u["label"])
        in {("North SIDT", "South SIDT"), ("North SIDT", "Cedar Valley DIDT")}
    }
    assert flow["school_to_district"] == 1 and flow["school_to_school"] == 1
    brokers = await api.ok("GET", FLOW + "/brokers?limit=2")
    assert [b["label"] for b in brokers["items"]] == ["Ana Ruiz", "Ben Okafor"]
    assert brokers["items"][0]["levels"] == ["district", "school"]
    silos = await api.ok("GET", FLOW + "/silos?within_days=30&as_of=2026-01-01")
    assert silos["within_days"] == 30
    resilience = await api.ok("GET", FLOW + "/resilience")
    assert resilience["fragmentation"]["before"] == 0.0
    path = await api.ok("GET", FLOW + "/main-path")
    # n1 starts two chains of one path each (to the protocols, to the district pilot): a
    # tie, which goes to the lower node id ("artifact_version:..." < "cycle:...").
    assert [n["label"] for n in path["nodes"]] == [
        "Huddle with three advisors",
        "Advisory huddle protocol v1",
        "South's huddle protocol v1",
    ]
    assert path["weight"] == 2
    quarters = await api.ok("GET", FLOW + "/evolution")
    assert [q["quarter"] for q in quarters["quarters"]] == ["2024Q4"]
    for path_, field in (
        ("/brokers?limit=0", "limit"),
        ("/silos?within_days=-1", "within_days"),
        ("/resilience?leaving=person:999999", "leaving"),
        ("/team-flow?as_of=yesterday", "as_of"),
        ("/team-flow?colour=red", "colour"),
    ):
        status, body = await api.call("GET", FLOW + path_)
        assert status == 422 and field in body["error"]["fields"], (path_, body)


async def test_as_of_changes_the_graph(world) -> None:
    early = await world["researcher"].ok("GET", FLOW + "?as_of=2024-09-15")
    assert early["as_of"] == "2024-09-15" and early["nodes"]["cycle"] == 1


async def test_permissions(world, admin) -> None:
    missing = await admin.get("/communities/no-such-place/flow")
    assert missing[0] == 404 and missing[1]["error"]["fields"] == {"community": "no such community"}
    # A community you have no role in answers as if it did not exist.
    unreadable = await world["outsider"].get(FLOW)
    assert unreadable == (
        404,
        {"error": {**missing[1]["error"], "message": "no community 'cedar-valley'"}},
    )
    status, _ = await world["member"].get("/communities/elm-grove/flow")
    assert status == 404
    # Members may explore but only facilitators and researchers download exports.
    status, _ = await world["member"].get(FLOW + "/export/gexf")
    assert status == 403
    status, body = await world["researcher"].get(FLOW + "/export/pdf")
    assert status == 422 and "gexf" in body["error"]["fields"]["format"]


async def test_the_whole_graph_needs_the_export_permission(world, admin) -> None:
    """``/flow/graph`` is the JSON export's document (with when it was computed):
    facilitators, researchers and admins get it; members and observers keep the
    aggregated views."""
    export = await world["researcher"].ok("GET", FLOW + "/export/json")
    for who in (world["researcher"], world["facilitator"], admin):
        graph = await who.ok("GET", FLOW + "/graph")
        assert {key: graph.pop(key) for key in RESULT_KEYS}["stale"] is False
        assert graph == export
    for who in ("member", "observer"):
        status, body = await world[who].get(FLOW + "/graph")
        assert status == 403 and body["error"]["message"] == "you may not export", body
        status, _ = await world[who].get(FLOW + "/export/json")
        assert status == 403
        for view in ("", "/team-flow", "/brokers", "/silos", "/main-path", "/evolution"):
            status, body = await world[who].get(FLOW + view)
            assert status == 200, (who, view, body)


async def test_every_export_reads_back_with_the_same_nodes_and_edges(world, client) -> None:
    api = world["researcher"]
    graph = read_json(json.dumps(await api.ok("GET", FLOW + "/graph")))
    expected = (set(graph.nodes), set(graph.edges(keys=True)))
    readers = {"gexf": read_gexf, "graphml": read_graphml, "json": read_json, "csv": read_csv_zip}
    for name, reader in readers.items():
        response = await client.get("/api/v1" + FLOW + f"/export/{name}", headers=api.headers)
        assert response.status_code == 200, name
        assert "attachment" in response.headers["content-disposition"]
        back = reader(response.content)
        assert (set(back.nodes), set(back.edges(keys=True))) == expected, name
    response = await client.get("/api/v1" + FLOW + "/export/dl", headers=api.headers)
    network = igraph_dl(response.content)
    assert len(network.names) == 6 and len(network.arcs) == 5  # 3 people, 3 teams
    response = await client.get("/api/v1" + FLOW + "/export/dl-comembership", headers=api.headers)
    assert 'filename="cedar-valley-flow.comembership.dl"' in response.headers["content-disposition"]
    assert len(igraph_dl(response.content).names) == 3


def test_graph_commands(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        run_nic("migrate", database=url, cwd=tmp_path)
        run_nic("load", str(SMALL), database=url, cwd=tmp_path)
        report = run_nic("graph", "report", "cedar-valley", database=url, cwd=tmp_path)
        assert "school->district 1" in report.stdout
        assert "Ana Ruiz" in report.stdout and "Main path" in report.stdout
        data = json.loads(
            run_nic("graph", "report", "cedar-valley", "--json", database=url, cwd=tmp_path).stdout
        )
        assert data["summary"]["nodes"]["cycle"] == 3
        nodes = {n["label"]: n["id"] for n in data["main_path"]["nodes"]}
        first = nodes["Huddle with three advisors"]
        trace = run_nic("graph", "trace", "cedar-valley", first, database=url, cwd=tmp_path)
        assert "District huddle protocol pilot" in trace.stdout
        run_nic(
            "graph",
            "export",
            "cedar-valley",
            "--format",
            "csv",
            "-o",
            "flow.zip",
            database=url,
            cwd=tmp_path,
        )
        with zipfile.ZipFile(io.BytesIO((tmp_path / "flow.zip").read_bytes())) as bundle:
            assert sorted(bundle.namelist()) == ["edges.csv", "memberships.csv", "nodes.csv"]
        missing = run_nic("graph", "report", "nowhere", database=url, cwd=tmp_path, check=False)
        assert missing.returncode != 0 and "no community 'nowhere'" in missing.stderr
        bad = run_nic(
            "graph",
            "trace",
            "cedar-valley",
            "cycle:999999",
            database=url,
            cwd=tmp_path,
            check=False,
        )
        assert bad.returncode != 0 and "not in this community" in bad.stderr

        # The notebook entry point, from a plain script and from inside a running event
        # loop (as in Jupyter); in a process of its own, as a notebook would be.
        result = subprocess.run(
            [sys.executable, "-c", NOTEBOOK, url], capture_output=True, text=True, check=True
        )
        assert json.loads(result.stdout) == {
            "communities": ["cedar-valley"],
            "nodes": 11,
            "early_cycles": ["Huddle with three advisors"],
            "missing": "no community 'nowhere'",
        }


NOTEBOOK = """
import asyncio, json, sys
from datetime import date
from communities.flow import load_graph

url = sys.argv[1]
graph = load_graph(url, "cedar-valley")

async def in_a_notebook():
    return load_graph(url, ["cedar-valley"], as_of=date(2024, 9, 15))

early = asyncio.run(in_a_notebook())
try:
    load_graph(url, "nowhere")
except LookupError as error:
    missing = str(error)
print(json.dumps({
    "communities": graph.graph["communities"], "nodes": graph.number_of_nodes(),
    "early_cycles": [d["label"] for _, d in early.nodes(data=True) if d["kind"] == "cycle"],
    "missing": missing,
}))
"""


async def test_a_title_a_spreadsheet_would_run_is_exported_as_text(world, admin, client) -> None:
    cycle = world["cycles"]["Huddle with three advisors"]
    row = await admin.ok("GET", f"/cycles/{cycle}")
    title = '=HYPERLINK("http://attacker.example","click")'
    await admin.ok("PATCH", f"/cycles/{cycle}", {"version": row["version"], "title": title})
    api = world["researcher"]

    response = await client.get("/api/v1" + FLOW + "/export/csv", headers=api.headers)

    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
        nodes = bundle.read("nodes.csv").decode("utf-8-sig")
    labels = {row["id"]: row["label"] for row in csv.DictReader(io.StringIO(nodes))}
    assert labels[f"cycle:{cycle}"] == "'" + title


def test_graph_report_tells_apart_work_of_the_same_title(tmp_path: Path) -> None:
    """Two teams' artifacts of one title on the main path: each carries its team's name."""
    with scratch_database(tmp_path) as url:
        run_nic("migrate", database=url, cwd=tmp_path)
        run_nic("load", str(SMALL), database=url, cwd=tmp_path)
        sql(
            url,
            [
                "UPDATE artifact SET title = 'Advisory huddle protocol'"
                " WHERE title = 'South''s huddle protocol'"
            ],
        )
        report = run_nic("graph", "report", "cedar-valley", database=url, cwd=tmp_path)
        path = report.stdout.split("Main path")[1].splitlines()[0]
        assert "Advisory huddle protocol v1 (North SIDT)" in path
        assert "Advisory huddle protocol v1 (South SIDT)" in path
        data = json.loads(
            run_nic("graph", "report", "cedar-valley", "--json", database=url, cwd=tmp_path).stdout
        )
        labels = [n["label"] for n in data["main_path"]["nodes"]]
        assert len(set(labels)) == len(labels) == 3
        # A title no other work shares stays as it is.
        assert "Huddle with three advisors" in labels
