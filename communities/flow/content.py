"""The content graph: work nodes joined by the edges that carry learning between them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import networkx as nx

from communities.flow.memo import memoized
from communities.flow.schema import is_content_edge, node_date


def content_graph(graph: nx.MultiDiGraph) -> nx.DiGraph:
    """A simple digraph of the content edges (parallel edges of different kinds merged).

    Remembered with a cached graph; callers must not change it.
    """
    return memoized(graph, "content_graph", lambda: _content_graph(graph))


def _content_graph(graph: nx.MultiDiGraph) -> nx.DiGraph:
    content = nx.DiGraph()
    content.add_edges_from((u, v) for u, v, data in graph.edges(data=True) if is_content_edge(data))
    return content


def topological(graph: nx.MultiDiGraph, content: nx.DiGraph) -> list[str]:
    """The content graph's nodes in topological order.

    Links may form a loop when two pieces of work dated the same day informed each other.
    Inside each such loop (a strongly connected component) only the edges that run
    forward in (date, id) order are kept, which breaks every loop the same way each time
    and in linear time, so one odd record cannot stop an analysis.
    """
    try:
        return list(nx.topological_sort(content))
    except nx.NetworkXUnfeasible:
        pass

    def rank(node: str) -> tuple[date, str]:
        return node_date(graph.nodes[node]) or date.min, node

    for component in nx.strongly_connected_components(content):
        if len(component) < 2 and not any(content.has_edge(n, n) for n in component):
            continue
        for u in component:
            for v in [v for v in content.successors(u) if v in component]:
                if rank(v) <= rank(u):
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
    order = topological(graph, content)
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
