"""Evolution: how the team-to-team flow network grows quarter by quarter.

**Question.** Is the network getting denser, more reciprocal, less dependent on one
team, and more connected across the school/district line?

**Measure.** For each calendar quarter, on the team flow graph of every content edge
dated up to the quarter's end (cumulative): density (ties over n(n-1)), reciprocity,
and Freeman's degree centralization of the undirected team graph,
Σ(max degree - degree) / ((n-1)(n-2)) (Freeman 1979); and, over the content edges
dated within the quarter that join two teams, how many there were and the share that
join teams of different levels (school, district or other).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import networkx as nx

from communities.flow.schema import TEAM, is_content_edge, node_date


@dataclass(frozen=True)
class QuarterMeasures:
    quarter: str
    teams: int
    ties: int
    density: float
    reciprocity: float
    centralization: float
    links_in_quarter: int
    cross_level_share: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def degree_centralization(graph: nx.Graph) -> float:
    """Freeman's degree centralization of an undirected graph (0 for fewer than 3 nodes)."""
    n = graph.number_of_nodes()
    if n < 3:
        return 0.0
    degrees = [d for _, d in graph.degree()]
    top = max(degrees)
    return sum(top - d for d in degrees) / ((n - 1) * (n - 2))


def _next(quarter: tuple[int, int]) -> tuple[int, int]:
    year, q = quarter
    return (year + 1, 1) if q == 4 else (year, q + 1)


def evolution(graph: nx.MultiDiGraph) -> list[QuarterMeasures]:
    nodes = graph.nodes
    teams = [n for n, d in graph.nodes(data=True) if d.get("kind") == TEAM]
    dated: list[tuple[tuple[int, int], str, str]] = []
    for u, v, data in graph.edges(data=True):
        if not is_content_edge(data):
            continue
        a, b = nodes[u].get("team"), nodes[v].get("team")
        day = data.get("date") or node_date(nodes[v])
        if a and b and a != b and day is not None:
            dated.append((quarter_of(day), a, b))
    if not dated:
        return []
    dated.sort()
    ties = nx.DiGraph()
    ties.add_nodes_from(teams)
    result = []
    quarter, last, index = dated[0][0], dated[-1][0], 0
    while quarter <= last:
        in_quarter: Counter[bool] = Counter()
        while index < len(dated) and dated[index][0] == quarter:
            _, a, b = dated[index]
            ties.add_edge(a, b)
            in_quarter[nodes[a].get("level") != nodes[b].get("level")] += 1
            index += 1
        count = in_quarter[True] + in_quarter[False]
        result.append(
            QuarterMeasures(
                quarter=f"{quarter[0]}Q{quarter[1]}",
                teams=ties.number_of_nodes(),
                ties=ties.number_of_edges(),
                density=nx.density(ties),
                reciprocity=nx.reciprocity(ties) if ties.number_of_edges() else 0.0,
                centralization=degree_centralization(ties.to_undirected()),
                links_in_quarter=count,
                cross_level_share=in_quarter[True] / count if count else None,
            )
        )
        quarter = _next(quarter)
    return result
