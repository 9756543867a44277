"""The graph of a community, built once per change of the community.

Each community's graph is cached under the community's change counter, which every
write raises in its own transaction (``communities.changes``). A request reads the
counter (one query) and rebuilds only when it moved, so every app process sharing
one database sees a write on its next request. Cached graphs are frozen: callers
that want to change one take ``graph.copy()``.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date
from weakref import WeakKeyDictionary

import networkx as nx

from communities.changes import change_counter
from communities.flow.build import build_graph
from core.plugins import PluginHost

CacheKey = tuple[int, date | None]


class GraphCache:
    """The most recently used community graphs of one plugin host (bounded)."""

    def __init__(self, max_entries: int = 16) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[CacheKey, tuple[int, nx.MultiDiGraph]] = OrderedDict()
        self.builds = 0

    async def graph(
        self, plugins: PluginHost, community_id: int, as_of: date | None = None
    ) -> nx.MultiDiGraph:
        key = (community_id, as_of)
        counter = await change_counter(community_id)
        cached = self._entries.get(key)
        if cached is not None and cached[0] == counter:
            self._entries.move_to_end(key)
            return cached[1]
        graph = nx.freeze(await build_graph(plugins, [community_id], as_of=as_of))
        self.builds += 1
        if graph.graph.get("incomplete"):
            return graph  # a plugin failed: build again next time rather than keep it
        self._entries[key] = (counter, graph)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return graph

    def clear(self) -> None:
        """Forget every graph (a new database may reuse the ids and change counters)."""
        self._entries.clear()


_caches: WeakKeyDictionary[PluginHost, GraphCache] = WeakKeyDictionary()


def cache_for(plugins: PluginHost) -> GraphCache:
    cache = _caches.get(plugins)
    if cache is None:
        cache = _caches[plugins] = GraphCache()
    return cache


async def community_graph(
    plugins: PluginHost, community_ids: list[int], as_of: date | None = None
) -> nx.MultiDiGraph:
    """The (frozen) graph of one or several communities, from the cache."""
    cache = cache_for(plugins)
    graphs = [await cache.graph(plugins, cid, as_of) for cid in community_ids]
    if len(graphs) == 1:
        return graphs[0]
    combined = nx.compose_all(graphs) if graphs else nx.MultiDiGraph()
    combined.graph["communities"] = sorted(
        slug for g in graphs for slug in g.graph.get("communities", [])
    )
    return nx.freeze(combined)
