"""Results remembered with a cached graph: computed once per change of the community.

Cached graphs are frozen and replaced, never changed, when their community changes, so
a result keyed on the graph object lives exactly as long as the graph it was computed
from. Graphs that are not frozen (built by hand, in a notebook) are never remembered.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import networkx as nx

T = TypeVar("T")

_results: WeakKeyDictionary[nx.MultiDiGraph, dict[Hashable, Any]] = WeakKeyDictionary()


def memoized(graph: nx.MultiDiGraph, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, remembered with a cached (frozen) graph until the graph is replaced:
    an analysis runs once per change of the community, not once per request."""
    if not nx.is_frozen(graph):
        return compute()
    results = _results.setdefault(graph, {})
    if key not in results:
        results[key] = compute()
    return results[key]
