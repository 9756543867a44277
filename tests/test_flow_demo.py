"""The flow analyses on the demo community, each checked against its definition computed the
slow, obvious way (brute force over the graph), not against numbers copied from a run."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import networkx as nx
import pytest

from communities.examples.demo import TODAY, demo_communities
from communities.exchange import load_community
from communities.flow.build import build_graph
from communities.flow.mainpath import main_path, search_path_counts
from communities.flow.reach import downstream, upstream
from communities.flow.resilience import cut_people
from communities.flow.schema import is_content_edge, node_date
from communities.flow.silos import silos
from communities.flow.teamflow import team_flow
from communities.services.base import community_id_for_slug
from core.context import Actor, ServiceContext


@pytest.fixture
async def demo(app: Any) -> nx.MultiDiGraph:
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    document = demo_communities(TODAY)[0]  # as written: the dates below are its own
    await load_community(ctx, document, "demo")
    community = await community_id_for_slug(document["community"]["slug"])
    return await build_graph(app.state.plugins, [community])


def content_successors(graph: nx.MultiDiGraph, node: str) -> set[str]:
    return {v for _, v, d in graph.out_edges(node, data=True) if is_content_edge(d)}


def forward_paths_reach(graph: nx.MultiDiGraph, origin: str) -> set[str]:
    """Every node at the end of a content path from ``origin`` whose dates never go back."""
    found: set[str] = set()
    stack = [(origin, node_date(graph.nodes[origin]))]
    seen = set()
    while stack:
        node, day = stack.pop()
        for nxt in content_successors(graph, node):
            when = node_date(graph.nodes[nxt]) or day
            if day is not None and when is not None and when < day:
                continue
            if (nxt, when) not in seen:
                seen.add((nxt, when))
                found.add(nxt)
                stack.append((nxt, when))
    return found


async def test_traces_match_the_definition_on_every_demo_cycle(demo) -> None:
    cycles = [n for n, d in demo.nodes(data=True) if d["kind"] == "cycle"]
    assert len(cycles) >= 40
    reached_any = 0
    for origin in cycles:
        trace = downstream(demo, origin)
        assert set(trace.work) == forward_paths_reach(demo, origin) - {origin}
        for node, day in trace.work.items():
            assert day >= demo.nodes[origin]["start"]
            assert origin in upstream(demo, node).work  # the mirror finds its way back
        for team, reach in trace.teams.items():
            if reach.carrier is not None:  # a person on both teams on that day carried it
                spells = [
                    d
                    for _, t, d in demo.out_edges(reach.carrier, data=True)
                    if d["kind"] == "member" and t == team
                ]
                assert any(s["start"] <= reach.date <= s.get("end", date.max) for s in spells)
        reached_any += bool(trace.work)
    assert reached_any > len(cycles) // 2


async def test_team_flow_counts_every_cross_team_link(demo) -> None:
    expected: Counter[tuple[str, str]] = Counter()
    for u, v, d in demo.edges(data=True):
        a, b = demo.nodes[u].get("team"), demo.nodes[v].get("team")
        if is_content_edge(d) and a and b and a != b:
            expected[(a, b)] += 1
    flow = team_flow(demo)
    assert {(u, v): w for u, v, w in flow.graph.edges(data="weight")} == dict(expected)
    levels = {t: demo.nodes[t]["level"] for t in flow.graph}
    up = sum(
        w for (a, b), w in expected.items() if (levels[a], levels[b]) == ("school", "district")
    )
    assert flow.school_to_district == up > 0
    # The lag: for each school cycle the district used, the days from its end to the first
    # district work downstream of it, found here by plain reachability.
    lags = []
    content = content_only(demo)
    for node, d in demo.nodes(data=True):
        if d["kind"] != "cycle" or d["level"] != "school" or node not in content:
            continue
        later = [
            demo.nodes[n]["start"]
            for n in nx.descendants(content, node)
            if demo.nodes[n].get("level") == "district"
        ]
        if later:
            lags.append(max(0, (min(later) - (d.get("end") or d["start"])).days))
    assert flow.lag_count == len(lags)
    lags.sort()
    middle = len(lags) // 2
    median = lags[middle] if len(lags) % 2 else (lags[middle - 1] + lags[middle]) / 2
    assert flow.median_lag_days == median


def content_only(graph: nx.MultiDiGraph) -> nx.DiGraph:
    return nx.DiGraph([(u, v) for u, v, d in graph.edges(data=True) if is_content_edge(d)])


async def test_silos_match_a_search_within_the_window(demo) -> None:
    today = date(2026, 12, 31)
    found = silos(demo, within_days=60, today=today)
    content = content_only(demo)
    expected = []
    for node, d in demo.nodes(data=True):
        if d["kind"] != "cycle" or d["status"] == "abandoned":
            continue
        ended = d.get("end") or d["start"]
        others = [
            n
            for n in (nx.descendants(content, node) if node in content else ())
            if demo.nodes[n].get("team") not in (None, d["team"])
            and demo.nodes[n]["start"] <= ended + timedelta(days=60)
        ]
        if not others:
            expected.append(node)
    assert found.cycles == sorted(expected)
    assert found.judged == sum(
        1 for _, d in demo.nodes(data=True) if d["kind"] == "cycle" and d["status"] != "abandoned"
    )


async def test_cut_people_are_exactly_those_whose_leaving_cuts_a_school_off(demo) -> None:
    members = nx.Graph((u, v) for u, v, d in demo.edges(data=True) if d["kind"] == "member")
    district = {n for n in members if demo.nodes[n].get("level") == "district"}
    schools = {n for n in members if demo.nodes[n].get("level") == "school"}

    def cut_off(graph: nx.Graph) -> set[str]:
        reach = set().union(*(nx.node_connected_component(graph, t) for t in district))
        return schools - reach

    before = cut_off(members)
    expected = set()
    for person in (n for n in members if n.startswith("person:")):
        without = members.copy()
        without.remove_node(person)
        if cut_off(without) - before:
            expected.add(person)
    assert {c.person for c in cut_people(demo)} == expected


async def test_the_main_path_follows_the_highest_search_path_counts(demo) -> None:
    counts = search_path_counts(demo)
    content = content_only(demo)
    # SPC by brute force: the source-to-sink paths through each edge, on the DAG.
    sources = [n for n in content if content.in_degree(n) == 0]
    sinks = {n for n in content if content.out_degree(n) == 0}
    through: Counter[tuple[str, str]] = Counter()
    for source in sources:
        for path in nx.all_simple_paths(content, source, sinks):
            through.update(pairwise(path))
    assert counts == dict(through)
    path = main_path(demo)
    assert path.weight == sum(e.spc for e in path.edges) > 0
    for step in path.edges[1:]:
        best = max(counts[(step.source, v)] for v in content.successors(step.source))
        assert step.spc == best
