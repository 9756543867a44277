"""The explorer at scale, over HTTP: districts first, a district opened, a team's
neighbourhood, the threshold and top-k, the search, clusters, and downloads of exactly
what is shown."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from typing import Any

import httpx
import networkx as nx
import pytest

from communities.exchange.load import load_community
from communities.models import Team
from communities.schemas import RoleAssign
from communities.services.communities import assign_role
from core.auth.users import create_user
from core.context import Actor, ServiceContext
from core.testing import sign_in
from tests.gexf_rules import gexf_problems
from tests.helpers import PASSWORD

FLOW = "/communities/wide-net/flow"
DISTRICTS = 3
SCHOOLS = 11  # per district: 36 teams, more than the explorer draws one by one


def wide_network() -> dict[str, Any]:
    """Three districts of a DIDT and eleven SIDTs; every school's cycle informs its own
    district's cycle, the first two schools of each district also inform the next
    district's first school (so districts exchange), and each district answers back."""
    start = date(2025, 1, 6)
    organizations, teams, cycles, links = [], [], [], []
    for d in range(1, DISTRICTS + 1):
        organizations.append({"name": f"Wide USD {d}", "kind": "district"})
        didt = f"Wide {d} DIDT"
        teams.append(
            {"name": didt, "kind": "district_design_team", "organization": f"Wide USD {d}"}
        )
        cycles.append(_cycle(f"d{d}", didt, start + timedelta(days=60)))
        for s in range(1, SCHOOLS + 1):
            school = f"Wide {d} School {s}"
            organizations.append({"name": school, "kind": "school"})
            teams.append(
                {"name": f"{school} SIDT", "kind": "school_design_team", "organization": school,
                 "parent": didt}
            )  # fmt: skip
            cycles.append(_cycle(f"s{d}-{s}", f"{school} SIDT", start + timedelta(days=s)))
            links.append(_link(f"s{d}-{s}", f"d{d}", start + timedelta(days=61)))
            cycles.append(_cycle(f"r{d}-{s}", f"{school} SIDT", start + timedelta(days=90)))
            links.append(_link(f"d{d}", f"r{d}-{s}", start + timedelta(days=91)))
        nxt = d % DISTRICTS + 1
        for s in (1, 2):
            links.append(_link(f"s{d}-{s}", f"r{nxt}-1", start + timedelta(days=92)))
    people = [
        {"key": "maya", "name": "Maya Quist", "memberships": [
            {"team": "Wide 2 School 7 SIDT", "role": "coordinator", "start": "2024-08-01"},
            {"team": "Wide 2 DIDT", "role": "member", "start": "2024-08-01"}]},
    ]  # fmt: skip
    return {
        "format": "nic-community/1",
        "community": {"slug": "wide-net", "name": "Wide Network", "method": "PDSA"},
        "organizations": organizations,
        "teams": teams,
        "people": people,
        "cycles": cycles,
        "links": links,
    }


def _cycle(key: str, team: str, day: date) -> dict[str, Any]:
    return {"key": key, "title": f"Cycle {key}", "team": team, "status": "completed",
            "plan": {"objective": "Try it."}, "do": {"what_happened": "Tried."},
            "study": {"results": "Learned."}, "act": {"decision": "adopt"},
            "planned_start": day.isoformat(), "actual_start": day.isoformat(),
            "actual_end": (day + timedelta(days=14)).isoformat()}  # fmt: skip


def _link(source: str, target: str, day: date) -> dict[str, Any]:
    return {"source": f"cycle:{source}", "target": f"cycle:{target}", "kind": "informed",
            "date": day.isoformat()}  # fmt: skip


@pytest.fixture
async def wide(app: Any, client: httpx.AsyncClient) -> dict[str, str]:
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    summary = await load_community(ctx, wide_network(), "wide-network")
    await create_user("olu@example.org", PASSWORD, name="Olu Observer")
    await assign_role(
        ctx, summary["community_id"], RoleAssign(user_email="olu@example.org", role="observer")
    )
    await sign_in(client, "olu@example.org", PASSWORD)
    return {t.name: f"team:{t.id}" for t in await Team.filter(community_id=summary["community_id"])}


def drawn(page: str, kind: str) -> list[str]:
    """The labels of the nodes of one kind (team or group) in the picture."""
    svg = page.split('id="flow-teams"')[1].split("</svg>")[0]
    return re.findall(rf'data-id="[^"]+" data-kind="{kind}"[^>]*data-label="([^"]+)"', svg)


def arrows(page: str) -> int:
    svg = page.split('id="flow-teams"')[1].split("</svg>")[0]
    return svg.count('class="flow-edge ')


async def test_a_big_community_opens_by_district(client, wide) -> None:
    page = (await client.get(FLOW)).text
    assert "The community by district" in page
    assert sorted(drawn(page, "group")) == ["Wide 1 DIDT", "Wide 2 DIDT", "Wide 3 DIDT"]
    assert drawn(page, "team") == []
    # District 1's first two schools informed district 2: 2 links, all school -> school.
    table = page.split('class="sortable flow-edge-table"')[1].split("</table>")[0]
    assert re.search(
        r"<td>Wide 1 DIDT</td><td>Wide 2 DIDT</td><td>2</td><td>0</td><td>0</td><td>2</td>", table
    ), table
    nodes = page.split('class="sortable flow-node-table"')[1].split("</table>")[0]
    # Inside district 1: 11 school -> district links and 11 district -> school.
    assert re.search(
        r"<td>Wide 1 DIDT</td><td>group</td><td>2</td><td>2</td><td>12</td><td>22</td>", nodes
    ), nodes


async def test_a_district_opens_to_its_teams_and_a_team_to_its_neighbourhood(client, wide) -> None:
    opened = (await client.get(FLOW, params={"open": wide["Wide 2 DIDT"]})).text
    assert "Teams of Wide 2 DIDT" in opened
    assert len(drawn(opened, "team")) == 1 + SCHOOLS
    assert sorted(drawn(opened, "group")) == ["Wide 1 DIDT", "Wide 3 DIDT"]
    # A team's link leads to its neighbourhood.
    school = wide["Wide 2 School 1 SIDT"]
    assert f'href="?open={school.replace(":", "%3A")}' not in opened
    focus = (await client.get(FLOW, params={"focus": school})).text
    assert "Neighbourhood of Wide 2 School 1 SIDT" in focus
    # It learned from its district and from district 1's first two schools; it informed
    # its district and district 3's first school.
    assert sorted(drawn(focus, "team")) == sorted(
        ["Wide 2 School 1 SIDT", "Wide 2 DIDT", "Wide 1 School 1 SIDT", "Wide 1 School 2 SIDT",
         "Wide 3 School 1 SIDT"]
    )  # fmt: skip
    svg = focus.split('id="flow-teams"')[1]
    assert 'data-drill="?focus=' in svg and "team=" in svg  # the focus drills into its work


async def test_threshold_and_top_k_cut_arrows_but_not_nodes(client, wide) -> None:
    every = (await client.get(FLOW, params={"view": "teams"})).text
    assert len(drawn(every, "team")) == DISTRICTS * (1 + SCHOOLS)
    total = arrows(every)
    assert total == DISTRICTS * SCHOOLS * 2 + DISTRICTS * 2  # each school both ways, and across
    strong = (await client.get(FLOW, params={"view": "teams", "min": "2"})).text
    assert arrows(strong) == 0 and len(drawn(strong, "team")) == DISTRICTS * (1 + SCHOOLS)
    top = (await client.get(FLOW, params={"view": "teams", "top": "5"})).text
    assert arrows(top) == 5
    assert f"Showing the 5 strongest of {total} arrows" in top

    def places(page: str) -> dict[str, str]:
        return dict(re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', page))

    assert places(top) == places(every)  # nodes stay where they were


async def test_a_level_keeps_its_teams_and_the_arrows_between_them(client, wide) -> None:
    schools = (await client.get(FLOW, params={"view": "teams", "level": "school"})).text
    assert len(drawn(schools, "team")) == DISTRICTS * SCHOOLS
    assert "DIDT" not in " ".join(drawn(schools, "team"))
    assert arrows(schools) == DISTRICTS * 2  # the school -> school links across districts
    districts = (await client.get(FLOW, params={"view": "teams", "level": "district"})).text
    assert sorted(drawn(districts, "team")) == ["Wide 1 DIDT", "Wide 2 DIDT", "Wide 3 DIDT"]
    assert arrows(districts) == 0
    bad = (await client.get(FLOW, params={"level": "county"})).text
    assert "level: must be one of school, district" in bad


async def test_search_finds_a_team_or_a_person(client, wide) -> None:
    one = (await client.get(FLOW, params={"q": "wide 3 school 11"})).text
    assert "Neighbourhood of Wide 3 School 11 SIDT" in one
    person = (await client.get(FLOW, params={"q": "maya"})).text
    assert "Maya Quist" in person and "Wide 2 School 7 SIDT" in person
    assert f"?focus={wide['Wide 2 School 7 SIDT'].replace(':', '%3A')}" in person
    none = (await client.get(FLOW, params={"q": "nowhere"})).text
    assert "0 teams, 0 people" in none


async def test_clusters_group_and_colour_the_teams(client, wide) -> None:
    grouped = (await client.get(FLOW, params={"group": "cluster"})).text
    assert "The community by cluster" in grouped
    clusters = drawn(grouped, "group")
    assert clusters and all(label.startswith("Cluster ") for label in clusters)
    again = (await client.get(FLOW, params={"group": "cluster", "min": "1"})).text
    assert drawn(again, "group") == clusters  # seeded: the same clusters every time
    coloured = (await client.get(FLOW, params={"view": "teams", "colour": "cluster"})).text
    assert re.search(r'class="flow-node flow-team level-school cluster-\d"', coloured)


async def test_bad_levels_are_reported_and_left_out(client, wide) -> None:
    page = await client.get(FLOW, params={"open": "team:999999", "focus": "x" * 50, "top": "0"})
    assert page.status_code == 200
    text = page.text
    assert "open: &#39;team:999999&#39; is not a group of this community" in text
    assert "focus: " in text and "top: must be a whole number from 1 to 1000" in text
    assert "The community by district" in text


async def test_downloads_are_exactly_what_is_shown(client, wide) -> None:
    params = {"open": wide["Wide 1 DIDT"], "top": "4"}
    page = (await client.get(FLOW, params=params)).text
    link = re.search(r'href="(/communities/wide-net/flow/view\.edges\.csv[^"]*)"', page)
    assert link is not None
    edges = await client.get(link.group(1).replace("&amp;", "&"))
    assert edges.status_code == 200 and edges.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(edges.text)))
    assert len(rows) == 4 == arrows(page)
    nodes = await client.get("/communities/wide-net/flow/view.nodes.csv", params=params)
    labels = {row["label"] for row in csv.DictReader(io.StringIO(nodes.text))}
    assert labels == set(drawn(page, "team")) | set(drawn(page, "group"))
    gexf = await client.get("/communities/wide-net/flow/view.gexf", params=params)
    assert gexf_problems(gexf.content) == []
    graph = nx.read_gexf(io.BytesIO(gexf.content))
    assert graph.number_of_nodes() == len(labels) and graph.number_of_edges() == 4
    assert ET.fromstring(gexf.content).tag.endswith("gexf")
    bad = await client.get("/communities/wide-net/flow/view.xlsx", params=params)
    assert bad.status_code == 404 and "nodes.csv" in bad.json()["error"]["message"]


async def test_downloads_need_a_reader_of_the_community(app, client, wide) -> None:
    await create_user("nobody@example.org", PASSWORD)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=str(client.base_url)
    ) as stranger:
        await sign_in(stranger, "nobody@example.org", PASSWORD)
        answer = await stranger.get("/communities/wide-net/flow/view.gexf")
        assert answer.status_code in (403, 404)
