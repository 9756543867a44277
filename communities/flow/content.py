"""The content graph: work nodes joined by the edges that carry learning between them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import networkx as nx

from communities.flow.schema import is_content_edge, node_date


def content_graph(graph: nx.MultiDiGraph) -> nx.DiGraph:
    """A simple digraph of the content edges (parallel edges of different kinds merged)."""
    content = nx.DiGraph()
    content.add_edges_from((u, v) for u, v, data in graph.edges(data=True) if is_content_edge(data))
    return content


def topological(content: nx.DiGraph) -> list[str]:
    """Nodes in topological order; links recorded against the calendar (a loop) are
    broken by dropping, within each loop, the edges that point back in the order of
    the nodes' ids, so one bad record cannot stop an analysis."""
    try:
        return list(nx.topological_sort(content))
    except nx.NetworkXUnfeasible:
        for loop in list(nx.simple_cycles(content)):
            for u, v in zip(loop, loop[1:] + loop[:1], strict=True):
                if v < u and content.has_edge(u, v):
                    content.remove_edge(u, v)
        return list(nx.topological_sort(content))


def earliest_descendants(
    graph: nx.MultiDiGraph,
    content: nx.DiGraph,
    group: Callable[[dict[str, Any]], str | None],
    k: int = 2,
) -> dict[str, list[tuple[date, str]]]:
    """For each work node, the earliest dated descendant (itself excluded) in each of up
    to ``k`` distinct groups (``group`` maps a node's attributes to its group or None).

    Dynamic programming over the content graph in reverse topological order: linear in
    its edges times ``k``, never a search per node.
    """
    order = topological(content)
    best: dict[str, list[tuple[date, str]]] = {}
    for node in reversed(order):
        candidates: dict[str, date] = {}
        for child in content.successors(node):
            data = graph.nodes[child]
            own, day = group(data), node_date(data)
            if own is not None and day is not None:
                candidates[own] = min(day, candidates.get(own, date.max))
            for day_below, group_below in best.get(child, ()):
                candidates[group_below] = min(day_below, candidates.get(group_below, date.max))
        best[node] = sorted((day, name) for name, day in candidates.items())[:k]
    return best
