"""Team flow: the team-to-team graph of learning, and how long school learning takes to
reach the district team.

**Question.** Which teams learn from which, does learning travel from school teams up to
the district team and back down, and how long does that take?

**Measure.** Each content edge between work of two different teams adds one to the
weight of ``team → team``. Reciprocity is the share of ties that go both ways, weights
ignored (networkx ``reciprocity``, Wasserman & Faust 1994, §13.2). The lag of a school
cycle is the number of days from its end (its start when it has no end) to the earliest
district-team work downstream of it along content edges, any path, not only
time-respecting ones (0 when the district used it before the cycle ended); the median is
over school cycles the district used.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from statistics import median
from typing import Any

import networkx as nx

from communities.flow.content import content_graph, earliest_descendants
from communities.flow.schema import CYCLE, TEAM, is_content_edge, node_date


@dataclass(frozen=True)
class TeamFlow:
    graph: nx.DiGraph
    school_to_district: int
    district_to_school: int
    school_to_school: int
    reciprocity: float
    median_lag_days: float | None
    lag_count: int
    median_lag_back_days: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "teams": [
                {"id": n, **{k: d[k] for k in ("label", "level") if k in d}}
                for n, d in sorted(self.graph.nodes(data=True))
            ],
            "edges": [
                {"source": u, "target": v, "weight": d["weight"]}
                for u, v, d in sorted(self.graph.edges(data=True))
            ],
            "school_to_district": self.school_to_district,
            "district_to_school": self.district_to_school,
            "school_to_school": self.school_to_school,
            "reciprocity": self.reciprocity,
            "median_lag_days": self.median_lag_days,
            "lag_count": self.lag_count,
            "median_lag_back_days": self.median_lag_back_days,
        }


def team_pairs(graph: nx.MultiDiGraph) -> Counter[tuple[str, str]]:
    """How many content edges run from each team's work to another team's work."""
    pairs: Counter[tuple[str, str]] = Counter()
    nodes = graph.nodes
    for u, v, data in graph.edges(data=True):
        if not is_content_edge(data):
            continue
        a, b = nodes[u].get("team"), nodes[v].get("team")
        if a and b and a != b:
            pairs[(a, b)] += 1
    return pairs


def team_graph(graph: nx.MultiDiGraph, pairs: Counter[tuple[str, str]]) -> nx.DiGraph:
    teams = nx.DiGraph()
    teams.add_nodes_from(
        (n, {"label": d.get("label", n), "level": d.get("level", "other")})
        for n, d in graph.nodes(data=True)
        if d.get("kind") == TEAM
    )
    teams.add_weighted_edges_from((a, b, w) for (a, b), w in pairs.items())
    return teams


def _lags(graph: nx.MultiDiGraph, content: nx.DiGraph, source: str, target: str) -> list[int]:
    firsts = earliest_descendants(
        graph, content, lambda d: "hit" if d.get("level") == target else None, k=1
    )
    lags = []
    for node, found in firsts.items():
        data = graph.nodes[node]
        if data.get("kind") != CYCLE or data.get("level") != source or not found:
            continue
        ended = data.get("end") or node_date(data)
        if ended is not None:
            lags.append(max(0, (found[0][0] - ended).days))
    return lags


def _median(values: list[int]) -> float | None:
    return float(median(values)) if values else None


def team_flow(graph: nx.MultiDiGraph) -> TeamFlow:
    """The aggregated team → team graph of a community and its school/district summary."""
    pairs = team_pairs(graph)
    teams = team_graph(graph, pairs)
    level = nx.get_node_attributes(teams, "level")
    by_levels: Counter[tuple[str, str]] = Counter()
    for (a, b), weight in pairs.items():
        by_levels[(level.get(a, "other"), level.get(b, "other"))] += weight
    content = content_graph(graph)
    lags = _lags(graph, content, "school", "district")
    back = _lags(graph, content, "district", "school")
    return TeamFlow(
        graph=teams,
        school_to_district=by_levels[("school", "district")],
        district_to_school=by_levels[("district", "school")],
        school_to_school=by_levels[("school", "school")],
        reciprocity=nx.reciprocity(teams) if teams.number_of_edges() else 0.0,
        median_lag_days=_median(lags),
        lag_count=len(lags),
        median_lag_back_days=_median(back),
    )
