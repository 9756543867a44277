"""networkx node-link JSON with the graph's metadata (see :mod:`communities.flow.exports`)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from datetime import date
from typing import Any

import networkx as nx

from communities.flow.exports.values import (
    Value,
    attribute_items,
    edge_attributes,
    graph_items,
    no_clash,
    node_id,
)

# --- node-link JSON -------------------------------------------------------------------


def json_value(value: Value) -> str | int | float | bool | None:
    """A value for JSON: dates as ISO strings, NaN and infinities as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value.isoformat() if isinstance(value, date) else value


def _json_values(items: Iterable[tuple[str, Value | list[Value]]]) -> dict[str, Any]:
    return {
        name: [json_value(v) for v in value] if isinstance(value, list) else json_value(value)
        for name, value in items
    }


def node_link(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """networkx node-link data (``edges="edges"``) ready for ``json.dumps``: dates as ISO
    strings, NaN and infinities as ``None``; the JSON API serves it as it is.

    The top-level ``"graph"`` holds the graph's metadata (community, ``as_of``, ...).
    Node attributes cannot be called ``id``, edge attributes ``source``, ``target`` or
    ``key`` (``ValueError``).
    """
    plain = nx.MultiDiGraph()
    plain.graph.update(_json_values(graph_items(graph.graph)))
    for node, data in graph.nodes(data=True):
        no_clash(f"node {node!r}", data, ("id",))
        plain.add_node(node_id(node), **_json_values(attribute_items(f"node {node!r}", data)))
    for u, v, key, data in graph.edges(keys=True, data=True):
        attrs = edge_attributes(u, v, key, data)
        attrs.pop("key", None)  # node-link data has the key anyway
        no_clash(f"edge {u!r} -> {v!r}", attrs, ("source", "target"))
        plain.add_edges_from([(node_id(u), node_id(v), key, _json_values(attrs.items()))])
    link_data: dict[str, Any] = nx.node_link_data(plain, edges="edges")
    return link_data


def write_json(graph: nx.MultiDiGraph) -> str:
    """:func:`node_link` as JSON text (non-ASCII kept as is; encode it as UTF-8)."""
    return json.dumps(node_link(graph), ensure_ascii=False)
