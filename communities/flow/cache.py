"""The graph of a community, built once per change of the community and kept.

Each community's graph is kept (:mod:`core.kept`) under the community's stamp, whose change
counter every write raises in its own transaction (``communities.changes``). A request
reads the stamp (one query, none on a page that noted it) and rebuilds only when it moved,
so every app process sharing one database sees a write on its next request. Kept graphs
are frozen: callers that want to change one take ``graph.copy()``.
"""

from __future__ import annotations

from datetime import date

import networkx as nx

from communities.flow.build import build_graph
from communities.kept import community_stamp
from core.kept import kept
from core.plugins import PluginHost

CHARS_PER_ELEMENT = 400
"""About what a node or an edge of a kept graph costs, in the store's characters."""


def graph_size(graph: nx.MultiDiGraph) -> int | None:
    """What a graph costs to keep; ``None`` (not kept) when a plugin failed to contribute,
    so the next request builds it again."""
    if graph.graph.get("incomplete"):
        return None
    return CHARS_PER_ELEMENT * (graph.number_of_nodes() + graph.number_of_edges())


async def _graph(plugins: PluginHost, community_id: int, as_of: date | None) -> nx.MultiDiGraph:
    async def build() -> nx.MultiDiGraph:
        return nx.freeze(await build_graph(plugins, [community_id], as_of=as_of))

    stamp = await community_stamp(community_id)
    return await kept(("graph", id(plugins), community_id, as_of), stamp, build, size=graph_size)


async def community_graph(
    plugins: PluginHost, community_ids: list[int], as_of: date | None = None
) -> nx.MultiDiGraph:
    """The (frozen) graph of one or several communities, kept per community."""
    graphs = [await _graph(plugins, cid, as_of) for cid in community_ids]
    if len(graphs) == 1:
        return graphs[0]
    combined = nx.compose_all(graphs) if graphs else nx.MultiDiGraph()
    combined.graph["communities"] = sorted(
        slug for g in graphs for slug in g.graph.get("communities", [])
    )
    return nx.freeze(combined)
