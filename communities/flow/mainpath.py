"""Main path analysis: the backbone along which learning travelled between pieces of work.

Each link of a citation network is weighed by how many source-to-sink paths run
through it (the search path count, SPC: Batagelj 2003, after Hummon & Doreian's 1989
traversal weights SPLC, SPNP and NPPC), then the heaviest links are followed (Hummon &
Doreian's main path; ties go to the lowest node id, where the usual local search follows
every tied link). Here the network is the DAG of content edges between pieces of work
(:func:`~communities.flow.schema.is_content_edge`): cycles that built on cycles,
artifact versions adapted or revised, recorded learning links.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from communities.flow.content import content_graph, topological


@dataclass(frozen=True)
class PathEdge:
    source: str
    target: str
    spc: int


@dataclass(frozen=True)
class MainPath:
    """The local forward main path: its nodes in order, its edges, and their total SPC."""

    nodes: tuple[str, ...]
    edges: tuple[PathEdge, ...]
    weight: int


def content_dag(graph: nx.MultiDiGraph) -> tuple[nx.DiGraph, list[str]]:
    """The content edges of ``graph`` as a simple DAG, and its nodes in topological order.

    Parallel content edges between two nodes (of different kinds) collapse into one;
    nodes with no content edge are left out; a loop (work dated the same day informing
    each other) is broken as :func:`communities.flow.content.topological` describes.
    """
    dag = content_graph(graph)
    return dag, topological(graph, dag)


def search_path_counts(graph: nx.MultiDiGraph) -> dict[tuple[str, str], int]:
    """The search path count (Batagelj 2003) of every content edge.

    *Through which links did the most chains of learning pass?* The SPC of an edge
    ``(u, v)`` is the number of paths from any source (a piece of work that builds on
    nothing) to any sink (one nothing builds on) that use the edge:
    ``SPC(u, v) = N-(u) * N+(v)``, where ``N-(u)`` counts the paths from the sources to
    ``u`` (1 at a source) and ``N+(v)`` the paths from ``v`` to the sinks (1 at a sink);
    Batagelj (2003) gives this linear-time form. Both are computed in one pass each over
    a topological order, so the cost is linear in nodes + edges (the counts are exact
    integers and can grow very large on long chains).

    The DAG is :func:`content_dag`: parallel edges collapse, loops are broken. Keys are
    ``(source, target)`` node ids.
    """
    return _search_path_counts(*content_dag(graph))


def _search_path_counts(dag: nx.DiGraph, order: list[str]) -> dict[tuple[str, str], int]:
    pred, succ = dag.pred, dag.succ
    into: dict[str, int] = {}
    for node in order:
        into[node] = sum(into[p] for p in pred[node]) if pred[node] else 1
    out_of: dict[str, int] = {}
    for node in reversed(order):
        out_of[node] = sum(out_of[s] for s in succ[node]) if succ[node] else 1
    return {(u, v): into[u] * out_of[v] for u, v in dag.edges()}


def main_path(graph: nx.MultiDiGraph) -> MainPath:
    """The local forward main path through the content DAG (Hummon & Doreian 1989).

    *Which single chain of work carried the most learning?* Start on the source edge
    (an edge leaving a node with no incoming content edge) with the highest search path
    count (:func:`search_path_counts`), then from each node follow its outgoing edge
    with the highest SPC until a sink. Ties go to the lowest ``(source, target)`` id for
    the first edge and to the lowest target id afterwards (ids compare as strings), so
    the path is unique and repeatable. A graph without content edges gives an empty
    path (no nodes, no edges, weight 0).

    Being local (greedy), the path need not be the heaviest source-to-sink path.
    """
    dag, order = content_dag(graph)
    spc = _search_path_counts(dag, order)
    if not spc:
        return MainPath(nodes=(), edges=(), weight=0)
    succ = dag.succ
    start = min(
        ((u, v, spc[u, v]) for u in order if not dag.pred[u] for v in succ[u]),
        key=lambda e: (-e[2], e[0], e[1]),
    )
    edges = [PathEdge(*start)]
    node = start[1]
    while succ[node]:
        target = min(succ[node], key=lambda v: (-spc[node, v], v))
        edges.append(PathEdge(node, target, spc[node, target]))
        node = target
    return MainPath(
        nodes=(edges[0].source, *(edge.target for edge in edges)),
        edges=tuple(edges),
        weight=sum(edge.spc for edge in edges),
    )
