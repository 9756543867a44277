"""The knowledge-flow explorer page and its JSON trace route, over HTTP."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import httpx
import networkx as nx
import pytest

from communities.models import ArtifactVersion, Cycle, Team
from communities.schemas import CommunityCreate, LinkCreate, RoleAssign, TeamCreate, TeamUpdate
from communities.services.communities import assign_role, create_community
from communities.services.links import record_link
from communities.services.teams import create_team, update_team
from communities.web.flow_view import as_of_choices, quarter_end
from communities.web.flowdraw import team_graph_svg
from communities.web.workdraw import WorkItem, WorkRow, work_svg
from core.auth.users import create_user
from core.context import Actor, ServiceContext
from core.testing import sign_in
from tests.factories import load_small
from tests.helpers import PASSWORD

FLOW = "/communities/cedar-valley/flow"
TRACE = FLOW + "/trace"


@pytest.fixture
async def world(app: Any) -> dict[str, Any]:
    """The small community; Olu observes it (read), nobody has no role in it."""
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    summary = await load_small(app)
    cid = summary["community_id"]
    await create_user("olu@example.org", PASSWORD, name="Olu Observer")
    await create_user("nobody@example.org", PASSWORD)
    await assign_role(ctx, cid, RoleAssign(user_email="olu@example.org", role="observer"))
    teams = {t.name: f"team:{t.id}" for t in await Team.filter(community_id=cid)}
    cycles = {c.title: f"cycle:{c.id}" for c in await Cycle.filter(community_id=cid)}
    versions = {
        v.artifact.title: f"artifact_version:{v.id}"
        for v in await ArtifactVersion.filter(artifact__community_id=cid).prefetch_related(
            "artifact"
        )
    }
    return {"ctx": ctx, "community_id": cid, "teams": teams, "cycles": cycles, "versions": versions}


@pytest.fixture
async def olu(client: httpx.AsyncClient, world: dict[str, Any]) -> httpx.AsyncClient:
    await sign_in(client, "olu@example.org")
    return client


def svg(page: str, element_id: str) -> str:
    found = re.search(rf'<svg [^>]*id="{element_id}".*?</svg>', page, re.S)
    assert found, f"no svg #{element_id}"
    return found.group(0)


def team_nodes(page: str) -> dict[str, dict[str, str]]:
    """The team nodes of the team graph: id -> their data-attributes."""
    nodes = {}
    for tag in re.findall(r"<a [^>]*flow-team[^>]*>", svg(page, "flow-teams")):
        data = dict(re.findall(r'data-([a-z]+)="([^"]*)"', tag))
        nodes[data["id"]] = data
    return nodes


def team_edges(page: str) -> dict[tuple[str, str], int]:
    edges = {}
    for tag in re.findall(r'<g class="flow-edge [^>]*>', svg(page, "flow-teams")):
        data = dict(re.findall(r'data-([a-z]+)="([^"]*)"', tag))
        edges[(data["source"], data["target"])] = int(data["weight"])
    return edges


def ids_in(markup: str, css_class: str) -> set[str]:
    return set(re.findall(rf'class="flow-node {css_class}[^"]*" data-id="([^"]+)"', markup))


async def test_the_page_draws_the_team_graph_with_its_weights(olu, world) -> None:
    page = await olu.get(FLOW)
    assert page.status_code == 200
    text = page.text
    teams = world["teams"]
    didt, north, south = teams["Cedar Valley DIDT"], teams["North SIDT"], teams["South SIDT"]
    nodes = team_nodes(text)
    assert set(nodes) == {didt, north, south}
    assert nodes[didt]["level"] == "district" and nodes[didt]["label"] == "Cedar Valley DIDT"
    assert nodes[north]["level"] == nodes[south]["level"] == "school"
    assert (nodes[north]["out"], nodes[north]["in"], nodes[north]["weight"]) == ("2", "0", "2")
    # North's huddle reached the district team (n2 -> d1) and South adapted its protocol.
    assert team_edges(text) == {(north, didt): 1, (north, south): 1}
    graph = svg(text, "flow-teams")
    assert f'data-source="{north}" data-target="{didt}" data-level="school&gt;district"' in graph
    assert "<title>North SIDT \u2192 Cedar Valley DIDT: 1 link</title>" in graph
    assert graph.count("<polygon") == 2  # an arrowhead per edge
    # District teams in the top row, school teams below.
    circle = r'data-id="(team:\d+)"[^>]*><title>[^<]*</title><circle cx="[^"]+" cy="([^"]+)"'
    cy = dict(re.findall(circle, graph))
    assert float(cy[didt]) < float(cy[north]) == float(cy[south])
    # Beside it: the lag, the brokers, the silos, the quarters.
    assert "School → district" in text and "median 31.5 days" in text
    brokers = text.split('id="h-brokers"')[1].split("</section>")[0]
    assert brokers.index("Ana Ruiz") < brokers.index("Cleo Park")  # Ana sits on both levels
    assert "district, school" in brokers
    silos = text.split('id="h-silos"')[1].split("</section>")[0]
    assert "reached no other team within 90 days" in silos
    evolution = text.split('id="h-evolution"')[1].split("</section>")[0]
    assert "2024Q4" in evolution and "<td>2</td><td>50%</td>" in evolution  # one of two crosses
    assert '<script src="/static/flow.js" defer></script>' in text


async def test_a_new_link_shows_on_the_next_visit(olu, world) -> None:
    teams = world["teams"]
    north, south, didt = teams["North SIDT"], teams["South SIDT"], teams["Cedar Valley DIDT"]
    assert team_edges((await olu.get(FLOW)).text) == {(north, didt): 1, (north, south): 1}
    pilot = world["cycles"]["District huddle protocol pilot"]
    link = LinkCreate(source=world["versions"]["South's huddle protocol"], target=pilot)
    await record_link(world["ctx"], link)
    after = (await olu.get(FLOW)).text
    assert team_edges(after) == {(north, didt): 1, (north, south): 1, (south, didt): 1}
    assert "<td>3</td><td>67%</td>" in after.split('id="h-evolution"')[1]


async def test_who_may_see_it(client, world) -> None:
    signed_out = await client.get(FLOW)
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/sign-in")
    await sign_in(client, "nobody@example.org")
    refused = await client.get(FLOW)  # no role: as if there were no such community
    missing = await client.get("/communities/no-such-place/flow")
    assert refused.status_code == missing.status_code == 404
    assert refused.text.replace("cedar-valley", "x") == missing.text.replace("no-such-place", "x")


async def test_the_community_page_links_to_the_explorer(olu, world) -> None:
    page = (await olu.get("/communities/cedar-valley")).text
    assert f'href="{FLOW}"' in page


async def test_drill_down_into_a_team_lists_its_work_and_links(olu, world) -> None:
    north, didt = world["teams"]["North SIDT"], world["teams"]["Cedar Valley DIDT"]
    cycles = world["cycles"]
    page = (await olu.get(FLOW, params={"team": north})).text
    assert "Work of North SIDT" in page
    table = page.split('class="flow-work-table"')[1].split("</table>")[0]
    for title in ("Huddle with three advisors", "Huddle with all grade 9 advisors"):
        number = cycles[title].partition(":")[2]
        assert f'<a href="/cycles/{number}">{title}</a>' in table
    assert "Advisory huddle protocol v1" in table
    assert "District huddle protocol pilot" not in table  # the district's, not North's
    drawing = svg(page, "flow-work")
    ramp = cycles["Huddle with all grade 9 advisors"]
    pilot = cycles["District huddle protocol pilot"]
    assert ids_in(drawing, "flow-work") == {
        cycles["Huddle with three advisors"],
        ramp,
        world["versions"]["Advisory huddle protocol"],
        pilot,
        world["versions"]["South's huddle protocol"],
    }
    assert f'data-source="{ramp}" data-target="{pilot}" data-kind="informed"' in drawing
    # Only links across teams: n1 -> n2 (both North) is not drawn.
    assert drawing.count('class="flow-edge ') == 2
    assert f'data-team="{didt}"' in drawing
    # The kind and the dates narrow it.
    versions = (await olu.get(FLOW, params={"team": north, "kind": "artifact_version"})).text
    table = versions.split('class="flow-work-table"')[1].split("</table>")[0]
    assert "Advisory huddle protocol v1" in table and "Huddle with" not in table
    later = (await olu.get(FLOW, params={"team": north, "from": "2024-10-01"})).text
    table = later.split('class="flow-work-table"')[1].split("</table>")[0]
    assert "Huddle with all grade 9 advisors" in table
    assert "Huddle with three advisors" not in table  # started 2024-09-02
    none = (await olu.get(FLOW, params={"team": north, "to": "2024-01-01"})).text
    assert "North SIDT has no work in these dates." in none


async def test_a_drill_down_too_big_to_draw_is_capped(olu, world, monkeypatch) -> None:
    from communities.web import flow_view

    monkeypatch.setattr(flow_view, "WORK_CAP", 2)
    north = world["teams"]["North SIDT"]
    page = (await olu.get(FLOW, params={"team": north})).text
    assert "Showing 2 of 3 pieces of work, the latest. Narrow the dates" in page
    assert "Huddle with three advisors" not in page.split('class="flow-work-table"')[1]


async def test_trace_returns_the_downstream_work_as_json(olu, world) -> None:
    cycles, versions, teams = world["cycles"], world["versions"], world["teams"]
    start = cycles["Huddle with three advisors"]
    response = await olu.get(TRACE, params={"node": start, "direction": "downstream"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["origin"] == start and body["direction"] == "downstream"
    assert {w["id"] for w in body["work"]} == {
        cycles["Huddle with all grade 9 advisors"],
        cycles["District huddle protocol pilot"],
        versions["Advisory huddle protocol"],
        versions["South's huddle protocol"],
    }
    assert {t["id"] for t in body["teams"]} == {teams["Cedar Valley DIDT"], teams["South SIDT"]}
    up = await olu.get(
        TRACE, params={"node": cycles["District huddle protocol pilot"], "direction": "upstream"}
    )
    assert start in {w["id"] for w in up.json()["work"]}
    until = await olu.get(TRACE, params={"node": start, "until": "2024-10-15"})
    assert {w["id"] for w in until.json()["work"]} == {
        cycles["Huddle with all grade 9 advisors"],
        versions["Advisory huddle protocol"],
    }
    # Before the district's pilot began, North's learning had not reached it.
    early = await olu.get(TRACE, params={"node": start, "as_of": "2024-10-31"})
    assert cycles["District huddle protocol pilot"] not in {w["id"] for w in early.json()["work"]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "node"),
        ({"node": "team:1"}, "node"),
        ({"node": "cycle:999999"}, "node"),
        ({"node": "nonsense"}, "node"),
        ({"node": "CYCLE", "direction": "sideways"}, "direction"),
        ({"node": "CYCLE", "as_of": "last tuesday"}, "as_of"),
    ],
)
async def test_trace_refuses_bad_input_naming_the_field(olu, world, params, field) -> None:
    params = {
        k: world["cycles"]["Huddle with three advisors"] if v == "CYCLE" else v
        for k, v in params.items()
    }
    if params.get("node") == "team:1":
        params["node"] = world["teams"]["North SIDT"]
    response = await olu.get(TRACE, params=params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]


async def test_trace_checks_who_asks(client, world) -> None:
    node = world["cycles"]["Huddle with three advisors"]
    signed_out = await client.get(TRACE, params={"node": node})
    assert signed_out.status_code == 401
    assert signed_out.json()["error"]["code"] == "not_authenticated"
    await sign_in(client, "nobody@example.org")
    refused = await client.get(TRACE, params={"node": node})  # no role: no such community
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"
    missing = await client.get("/communities/no-such-place/flow/trace", params={"node": node})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


async def test_as_of_shows_the_network_as_it_stood(olu, world) -> None:
    teams = world["teams"]
    north, south, didt = teams["North SIDT"], teams["South SIDT"], teams["Cedar Valley DIDT"]
    october = (await olu.get(FLOW, params={"as_of": "2024-10-31"})).text
    # South adapted North's protocol on 2024-10-20; the district's pilot began 2024-11-04.
    assert team_edges(october) == {(north, south): 1}
    assert "as it stood on 2024-10-31" in october
    assert '<option value="2024-10-31" selected>2024-10-31</option>' in october
    drill = (await olu.get(FLOW, params={"as_of": "2024-10-31", "team": didt})).text
    assert "Cedar Valley DIDT has no work." in drill
    september = (await olu.get(FLOW, params={"as_of": "2024-09-30"})).text
    assert 'id="flow-teams"' not in september
    assert "No learning has crossed between teams yet by 2024-09-30." in september
    # The quarters of the whole history are offered, and link to themselves.
    everything = (await olu.get(FLOW)).text
    assert '<option value="2024-12-31">2024Q4 (to 2024-12-31)</option>' in everything
    assert '<option value="" selected>Today (everything)</option>' in everything
    assert 'href="?as_of=2024-12-31"' in everything


async def test_a_community_without_links_between_teams_says_so(olu, world) -> None:
    ctx = world["ctx"]
    quiet = await create_community(ctx, CommunityCreate(slug="quiet-hills", name="Quiet Hills"))
    for name, kind in (
        ("Quiet DIDT", "district_design_team"),
        ("Quiet SIDT", "school_design_team"),
    ):
        await create_team(ctx, TeamCreate(community_id=quiet["id"], name=name, kind=kind))
    await assign_role(ctx, quiet["id"], RoleAssign(user_email="olu@example.org", role="observer"))
    page = await olu.get("/communities/quiet-hills/flow")
    assert page.status_code == 200
    assert "No learning has crossed between teams yet." in page.text
    assert 'id="flow-teams"' not in page.text
    assert "No quarters yet" in page.text and "Nobody sits on a team yet." in page.text
    assert "Quiet SIDT (school)" in page.text  # still offered for a drill-down


async def test_bad_filters_are_named_and_left_out(olu, world) -> None:
    page = await olu.get(
        FLOW, params={"as_of": "soon", "team": "team:999999", "kind": "meeting", "from": "x"}
    )
    assert page.status_code == 200
    alert = page.text.split('role="alert"')[1].split("</div>")[0]
    for name in ("as_of", "team", "kind", "from"):
        assert f"<li>{name}: " in alert
    assert 'id="flow-teams"' in page.text and "Work of" not in page.text


async def test_user_text_is_escaped(olu, world) -> None:
    south = int(world["teams"]["South SIDT"].partition(":")[2])
    await update_team(world["ctx"], south, TeamUpdate(name="<script>alert(1)</script>"))
    for params in ({}, {"team": world["teams"]["North SIDT"]}):
        page = (await olu.get(FLOW, params=params)).text
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    graph = svg(page, "flow-teams")
    assert 'data-label="&lt;script&gt;alert(1)&lt;/script&gt;"' in graph
    assert "<title>North SIDT \u2192 &lt;script&gt;alert(1)&lt;/script&gt;: 1 link</title>" in graph


# --- The drawings and helpers without the database -------------------------------------------


def test_quarter_ends_and_choices() -> None:
    assert quarter_end("2024Q1") == date(2024, 3, 31)
    assert quarter_end("2024Q4") == date(2024, 12, 31)
    choices = as_of_choices(["2024Q4", "2025Q1"], None, date(2025, 2, 10))
    assert [c["value"] for c in choices] == ["2024-12-31", "2025-02-10", ""]
    assert choices[-1]["selected"]


def test_team_graph_layers_wrap_and_escape() -> None:
    teams = nx.DiGraph()
    teams.add_node("team:1", label="District <one>", level="district")
    for i in range(2, 12):
        teams.add_node(f"team:{i}", label=f"School {i}", level="school")
    teams.add_node("team:99", label="Network hub", level="other")
    teams.add_edge("team:2", "team:1", weight=3)
    teams.add_edge("team:1", "team:3", weight=1)
    drawing = team_graph_svg(teams)
    assert drawing.count('class="flow-node flow-team') == 12
    assert "District &lt;one&gt;" in drawing and "<one>" not in drawing
    rows = sorted({float(y) for y in re.findall(r'<circle cx="[^"]+" cy="([^"]+)"', drawing)})
    assert len(rows) == 4  # district, two rows of school teams (7 + 3), other
    widths = re.findall(r'class="flow-line" d="[^"]+" stroke-width="([^"]+)"', drawing)
    assert sorted(float(w) for w in widths) == [pytest.approx(1.5 + 7 / 3, abs=0.1), 8.5]


def test_work_drawing_stays_readable_at_two_thousand_cycles() -> None:
    start = date(2020, 1, 1)
    items = [
        WorkItem(f"cycle:{i}", f"Cycle {i}", "cycle", "team:1", start + timedelta(days=i // 3))
        for i in range(2000)
    ]
    drawing = work_svg([WorkRow("team:1", "A team", "school", items[-300:])], [], "team:1")
    width = float(re.search(r'width="(\d+)"', drawing).group(1))  # type: ignore[union-attr]
    assert drawing.count('class="flow-node flow-work') == 300 and width <= 5000
    assert "2021Q4" in drawing  # quarter ticks


async def test_only_the_strongest_team_flows_are_drawn_and_listed(olu, world) -> None:
    page = (await olu.get(FLOW, params={"top": "1"})).text
    assert re.search(r"Showing the 1 strongest of [2-9]\d* arrows", page), page
    table = page.split('class="sortable flow-edge-table"')[1].split("</table>")[0]
    assert table.count("<tr><td>") == 1
    assert page.count('class="flow-edge ') == 1  # one arrow drawn
