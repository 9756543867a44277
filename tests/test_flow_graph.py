"""The knowledge-flow graph built from the database, its cache, and the traces on it."""

from __future__ import annotations

from datetime import date
from typing import Any

import networkx as nx
import pytest

from communities.flow.build import build_graph
from communities.flow.cache import community_graph
from communities.flow.evolution import evolution
from communities.flow.reach import downstream, upstream
from communities.flow.silos import silos
from communities.flow.teamflow import team_flow
from communities.schemas import CycleUpdate, LinkCreate
from communities.services.base import community_id_for_slug
from communities.services.cycles import update_cycle
from communities.services.links import record_link
from core.context import Actor, ServiceContext
from core.hookspecs import hookimpl
from core.kept import KeptStore, keeping
from core.nodes import GraphContribution, NodeInfo, NodeKind
from tests.factories import load_small
from tests.helpers import count_queries


@pytest.fixture
async def small(app: Any) -> int:
    await load_small(app)
    return await community_id_for_slug("cedar-valley")


def by_label(graph: nx.MultiDiGraph) -> dict[str, str]:
    return {data["label"]: node for node, data in graph.nodes(data=True)}


def edges(graph: nx.MultiDiGraph, kind: str) -> set[tuple[str, str]]:
    names = {node: data["label"] for node, data in graph.nodes(data=True)}
    return {(names[u], names[v]) for u, v, d in graph.edges(data=True) if d["kind"] == kind}


async def test_the_small_community_becomes_the_graph_drawn_by_hand(app, small) -> None:
    graph = await build_graph(app.state.plugins, [small])
    names = by_label(graph)
    kinds = {data["kind"] for data in graph.nodes.values()}
    assert kinds == {"team", "person", "cycle", "artifact_version"}
    assert graph.number_of_nodes() == 3 + 3 + 3 + 2
    assert graph.graph["communities"] == ["cedar-valley"]
    didt, north = names["Cedar Valley DIDT"], names["North SIDT"]
    assert graph.nodes[didt]["level"] == "district" and graph.nodes[north]["level"] == "school"
    n1 = graph.nodes[names["Huddle with three advisors"]]
    assert (n1["team"], n1["level"], n1["status"]) == (north, "school", "completed")
    assert (n1["start"], n1["end"]) == (date(2024, 9, 2), date(2024, 9, 30))
    assert "end" not in graph.nodes[names["District huddle protocol pilot"]]

    assert edges(graph, "member") == {
        ("Ana Ruiz", "North SIDT"),
        ("Ana Ruiz", "Cedar Valley DIDT"),
        ("Ben Okafor", "South SIDT"),
        ("Ben Okafor", "Cedar Valley DIDT"),
        ("Cleo Park", "Cedar Valley DIDT"),
    }
    ben = graph.get_edge_data(names["Ben Okafor"], names["South SIDT"])["member"]
    assert (ben["role"], ben["start"], ben["end"]) == (
        "coordinator",
        date(2024, 8, 1),
        date(2025, 6, 30),
    )
    assert "end" not in graph.get_edge_data(names["Ana Ruiz"], north)["member"]
    assert edges(graph, "ran") == {
        ("North SIDT", "Huddle with three advisors"),
        ("North SIDT", "Huddle with all grade 9 advisors"),
        ("Cedar Valley DIDT", "District huddle protocol pilot"),
    }
    assert edges(graph, "authored") == {
        ("Ana Ruiz", "Huddle with three advisors"),
        ("Ana Ruiz", "Huddle with all grade 9 advisors"),
        ("Ana Ruiz", "District huddle protocol pilot"),
        ("Cleo Park", "District huddle protocol pilot"),
        ("Ana Ruiz", "Advisory huddle protocol v1"),
        ("Ben Okafor", "South's huddle protocol v1"),
    }
    # builds_on comes from both the cycle's own field and the recorded link: one edge.
    assert edges(graph, "builds_on") == {
        ("Huddle with three advisors", "Huddle with all grade 9 advisors")
    }
    assert edges(graph, "informed") == {
        ("Huddle with three advisors", "Advisory huddle protocol v1"),
        ("Huddle with all grade 9 advisors", "District huddle protocol pilot"),
    }
    assert edges(graph, "adapted_from") == {
        ("Advisory huddle protocol v1", "South's huddle protocol v1")
    }
    assert edges(graph, "produced") == {
        ("North SIDT", "Advisory huddle protocol v1"),
        ("South SIDT", "South's huddle protocol v1"),
    }


async def test_as_of_leaves_out_what_came_later(app, small) -> None:
    graph = await build_graph(app.state.plugins, [small], as_of=date(2024, 10, 10))
    labels = set(by_label(graph))
    assert "Huddle with all grade 9 advisors" in labels  # started 2024-10-07
    assert "District huddle protocol pilot" not in labels  # planned for 2024-11-04
    assert "South's huddle protocol v1" not in labels  # made 2024-10-20
    assert graph.graph["as_of"] == "2024-10-10"
    # Ben's membership had not ended yet on that day.
    names = by_label(graph)
    assert "end" not in graph.get_edge_data(names["Ben Okafor"], names["South SIDT"])["member"]


async def test_the_build_reads_a_fixed_number_of_queries(app, small, admin) -> None:
    with count_queries() as before:
        await build_graph(app.state.plugins, [small])
    team_id = (await admin.ok("GET", "/teams"))["items"][0]["id"]
    for n in range(12):
        body = {"team_id": team_id, "title": f"Extra {n}", "plan_objective": "More rows."}
        await admin.ok("POST", "/cycles", body, status=201)
    with count_queries() as after:
        await build_graph(app.state.plugins, [small])
    assert len(after) == len(before)
    # The domain's own reads; each built-in plugin adds its contribution's fixed few.
    plugin_tables = ('"RUBRIC_', '"FORUM_', '"CONVENING')
    domain = [q for q in after if not any(table in q.upper() for table in plugin_tables)]
    assert len(domain) <= 10


async def test_the_kept_graph_is_rebuilt_after_any_write(app, small) -> None:
    plugins = app.state.plugins
    store = KeptStore()
    with keeping(store):
        first = await community_graph(plugins, [small])
        built = store.computed
        assert await community_graph(plugins, [small]) is first
        assert store.computed == built
        with pytest.raises(nx.NetworkXError):
            first.add_node("x")  # kept graphs are frozen
        cycle = by_label(first)["Huddle with three advisors"]
        ctx = ServiceContext(Actor.system(), plugins)
        change = CycleUpdate.model_validate({"version": 1, "title": "Renamed"})
        await update_cycle(ctx, int(cycle.split(":")[1]), change)
        second = await community_graph(plugins, [small])
        assert second is not first and second.nodes[cycle]["label"] == "Renamed"
    # Outside an app's request or a command nothing is kept: each call builds anew.
    assert await community_graph(plugins, [small]) is not await community_graph(plugins, [small])


class Meetings:
    """A plugin that adds a meeting node and an edge carrying learning."""

    def __init__(self, community_id: int = 0) -> None:
        self.community_id = community_id

    @hookimpl
    def nic_node_kinds(self) -> list[NodeKind]:
        async def resolve(ids: list[int]) -> dict[int, NodeInfo]:
            info = NodeInfo(self.community_id, date(2024, 10, 15), "Fall convening")
            return {1: info} if 1 in ids else {}

        return [NodeKind("meeting", "Meeting", resolve)]

    @hookimpl
    async def nic_graph_contributions(self, community_ids, as_of):  # type: ignore[no-untyped-def]
        from communities.models import Cycle

        cycles = (
            await Cycle.filter(community_id__in=community_ids)
            .order_by("id")
            .values_list("id", flat=True)
        )
        return GraphContribution(
            nodes=[
                (
                    "meeting:1",
                    {
                        "kind": "meeting",
                        "label": "Fall convening",
                        "start": date(2024, 10, 15),
                        "attendance": 12,
                    },
                )
            ],
            edges=[
                (
                    f"cycle:{cycles[0]}",
                    "meeting:1",
                    {"kind": "shared_at", "flow": True, "date": date(2024, 10, 15)},
                ),
                ("meeting:1", "cycle:999999", {"kind": "shared_at", "flow": True}),
            ],
        )


async def test_plugins_add_nodes_and_edges(app, small) -> None:
    plugins = app.state.plugins
    plugin = Meetings()
    plugins.pm.register(plugin)
    try:
        graph = await build_graph(plugins, [small])
        earlier = await build_graph(plugins, [small], as_of=date(2024, 10, 1))
    finally:
        plugins.pm.unregister(plugin)
    assert graph.nodes["meeting:1"] == {
        "kind": "meeting",
        "label": "Fall convening",
        "start": date(2024, 10, 15),
        "attendance": 12,
    }
    assert [d["kind"] for _, _, d in graph.in_edges("meeting:1", data=True)] == ["shared_at"]
    assert graph.out_degree("meeting:1") == 0  # the edge to a missing cycle is dropped
    assert "meeting:1" not in earlier


async def test_a_recorded_link_may_end_at_a_plugins_node(app, small) -> None:
    plugins = app.state.plugins
    plugin = Meetings(small)
    plugins.pm.register(plugin)
    try:
        ctx = ServiceContext(Actor.system(), plugins)
        late = by_label(await build_graph(plugins, [small]))["District huddle protocol pilot"]
        await record_link(ctx, LinkCreate(source="meeting:1", target=late, note="From the meeting"))
        graph = await build_graph(plugins, [small])
    finally:
        plugins.pm.unregister(plugin)
    link = graph.get_edge_data("meeting:1", late)
    assert link is not None and link["informed"]["note"] == "From the meeting"


# --- traces on graphs drawn by hand ----------------------------------------------------

D = date
MARCH, APRIL = D(2025, 3, 1), D(2025, 4, 1)


def flow_graph(*, b_date: D = MARCH, c_date: D = APRIL) -> nx.MultiDiGraph:
    """Two school teams and the district team.

    s1 (school A, Jan) --informed--> s2 (school B, b_date) --informed--> d1 (district, c_date)
    Pat sits on school A and the district from 2025-02-01 to 2025-05-31.
    Quinn sits on school B (all along) and school A from 2025-06-01.
    """
    g = nx.MultiDiGraph()
    for team, level in (("team:A", "school"), ("team:B", "school"), ("team:D", "district")):
        g.add_node(team, kind="team", label=team, level=level)
    g.add_node("person:pat", kind="person", label="Pat")
    g.add_node("person:quinn", kind="person", label="Quinn")
    for person, team, start, end in (
        ("person:pat", "team:A", D(2025, 2, 1), D(2025, 5, 31)),
        ("person:pat", "team:D", D(2025, 2, 1), D(2025, 5, 31)),
        ("person:quinn", "team:B", D(2024, 1, 1), None),
        ("person:quinn", "team:A", D(2025, 6, 1), None),
    ):
        data = {"kind": "member", "start": start, **({"end": end} if end else {})}
        g.add_edge(person, team, key="member", **data)
    for node, team, level, start in (
        ("cycle:s1", "team:A", "school", D(2025, 1, 10)),
        ("cycle:s2", "team:B", "school", b_date),
        ("cycle:d1", "team:D", "district", c_date),
    ):
        g.add_node(
            node,
            kind="cycle",
            label=node,
            team=team,
            level=level,
            start=start,
            end=start,
            status="completed",
        )
        g.add_edge(team, node, key="ran", kind="ran", date=start)
    g.add_edge("cycle:s1", "cycle:s2", key="informed", kind="informed")
    g.add_edge("cycle:s2", "cycle:d1", key="informed", kind="informed")
    return g


def test_downstream_follows_links_forward_in_time_and_people_while_members() -> None:
    trace = downstream(flow_graph(), "cycle:s1")
    assert trace.work == {"cycle:s2": D(2025, 3, 1), "cycle:d1": D(2025, 4, 1)}
    # Pat carries it from A to the district on 2025-02-01, when she joins both, which is
    # earlier than the link chain gets there (2025-04-01); school B gets it through s2.
    assert trace.teams["team:D"].date == D(2025, 2, 1)
    assert trace.teams["team:D"].carrier == "person:pat"
    assert trace.teams["team:B"].date == D(2025, 3, 1) and trace.teams["team:B"].carrier is None
    assert "team:A" not in trace.teams  # the origin's own team


def test_swapping_two_dates_breaks_the_chain() -> None:
    # d1 now comes before s2: s1 -> s2 -> d1 goes back in time, so d1 is not reached
    # through the links.
    trace = downstream(flow_graph(b_date=D(2025, 4, 1), c_date=D(2025, 3, 1)), "cycle:s1")
    assert trace.work == {"cycle:s2": D(2025, 4, 1)}
    assert "cycle:d1" not in trace.work


def test_until_stops_the_trace() -> None:
    trace = downstream(flow_graph(), "cycle:s1", until=D(2025, 3, 15))
    assert set(trace.work) == {"cycle:s2"}
    assert set(trace.teams) == {"team:D", "team:B"}
    trace = downstream(flow_graph(), "cycle:s1", until=D(2025, 1, 31))
    assert trace.work == {} and trace.teams == {}


def test_a_person_carries_learning_only_while_on_both_teams() -> None:
    g = flow_graph()
    # Without a link from s1, school B can only hear from Quinn, who joins A on
    # 2025-06-01, well after s1; the district hears from Pat from 2025-02-01.
    g.remove_edge("cycle:s1", "cycle:s2", key="informed")
    trace = downstream(g, "cycle:s1")
    assert trace.work == {}
    assert trace.teams["team:B"] == type(trace.teams["team:B"])(D(2025, 6, 1), "person:quinn")
    # Pat left both teams on 2025-05-31: a cycle of A in July reaches the district only
    # through a member who sits on both: Quinn sits on A and B, not D. So no district.
    g.add_node(
        "cycle:s3", kind="cycle", label="s3", team="team:A", level="school", start=D(2025, 7, 1)
    )
    later = downstream(g, "cycle:s3")
    assert set(later.teams) == {"team:B"}


def test_upstream_is_the_mirror() -> None:
    trace = upstream(flow_graph(), "cycle:d1")
    assert trace.work == {"cycle:s2": D(2025, 3, 1), "cycle:s1": D(2025, 1, 10)}
    # School A could have informed the district through Pat by 2025-04-01 (d1's date).
    assert trace.teams["team:A"].date == D(2025, 4, 1)
    assert trace.teams["team:A"].carrier == "person:pat"
    swapped = upstream(flow_graph(b_date=D(2025, 4, 1), c_date=D(2025, 3, 1)), "cycle:d1")
    assert swapped.work == {}


def test_traces_refuse_unknown_nodes_and_teams() -> None:
    with pytest.raises(KeyError, match="cycle:nope"):
        downstream(flow_graph(), "cycle:nope")
    with pytest.raises(ValueError, match="is a team"):
        upstream(flow_graph(), "team:A")


def test_team_flow_weights_reciprocity_and_lag() -> None:
    g = flow_graph()
    # And back down: the district's d1 informs a school A cycle ten days later.
    g.add_node(
        "cycle:s4", kind="cycle", label="s4", team="team:A", level="school", start=D(2025, 4, 11)
    )
    g.add_edge("cycle:d1", "cycle:s4", key="informed", kind="informed")
    flow = team_flow(g)
    weights = {(u, v): d["weight"] for u, v, d in flow.graph.edges(data=True)}
    assert weights == {("team:A", "team:B"): 1, ("team:B", "team:D"): 1, ("team:D", "team:A"): 1}
    assert (flow.school_to_district, flow.district_to_school, flow.school_to_school) == (1, 1, 1)
    assert flow.reciprocity == 0.0
    # s1 ended 2025-01-10, first district use 2025-04-01: 81 days; s2 ended 2025-03-01:
    # 31 days. The median of [81, 31] is 56. Back down: d1 (2025-04-01) -> s4 (04-11): 10.
    assert (flow.median_lag_days, flow.lag_count, flow.median_lag_back_days) == (56.0, 2, 10.0)


def test_silos_are_cycles_whose_learning_stayed_home() -> None:
    g = flow_graph()
    g.add_node(
        "cycle:lonely",
        kind="cycle",
        label="lonely",
        team="team:D",
        level="district",
        start=D(2025, 1, 5),
        end=D(2025, 1, 20),
        status="completed",
    )
    result = silos(g, within_days=40, today=D(2025, 12, 31))
    # s1 -> s2 (school B) 50 days after s1 ended: too late for 40 days; s2 -> d1 (the
    # district) after 31 days is in time; d1 and lonely reach nobody.
    assert result.cycles == ["cycle:d1", "cycle:lonely", "cycle:s1"]
    assert result.teams == ["team:A", "team:D"]
    wider = silos(g, within_days=60, today=D(2025, 12, 31))
    assert wider.cycles == ["cycle:d1", "cycle:lonely"] and wider.teams == ["team:D"]
    # On 2025-03-25 the 60-day windows of s1 (to 03-11) and lonely (to 03-21) have
    # closed; those of s2 and d1 have not.
    young = silos(g, within_days=60, today=D(2025, 3, 25))
    assert (young.judged, young.pending) == (2, 2)
    with pytest.raises(ValueError, match="within_days"):
        silos(g, within_days=-1)


def test_evolution_by_quarter() -> None:
    g = flow_graph()
    for u, v, key, day in (
        ("cycle:s1", "cycle:s2", "informed", D(2025, 3, 1)),
        ("cycle:s2", "cycle:d1", "informed", D(2025, 4, 1)),
    ):
        g.edges[u, v, key]["date"] = day
    quarters = evolution(g)
    assert [q.quarter for q in quarters] == ["2025Q1", "2025Q2"]
    first, second = quarters
    # Q1: one tie A -> B among 3 teams: density 1/6; undirected degrees 1,1,0: max 1,
    # centralization (0 + 0 + 1) / (2 * 1) = 0.5; the one link is school -> school.
    assert (first.ties, round(first.density, 4), first.centralization) == (1, 0.1667, 0.5)
    assert (first.links_in_quarter, first.cross_level_share) == (1, 0.0)
    # Q2 adds B -> D: a path A - B - D, degrees 1,2,1: (1 + 0 + 1) / 2 = 1.0.
    assert (second.ties, second.centralization, second.cross_level_share) == (2, 1.0, 1.0)
    assert evolution(nx.MultiDiGraph()) == []
