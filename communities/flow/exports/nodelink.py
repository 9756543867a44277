"""networkx node-link JSON with the graph's metadata (see :mod:`communities.flow.exports`)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import networkx as nx

from communities.flow.exports.values import (
    Value,
    attribute_items,
    edge_attributes,
    graph_items,
    rebuild_graph,
    restore_value,
)

# --- node-link JSON -------------------------------------------------------------------


def json_value(value: Value) -> str | int | float | bool | None:
    """A value for JSON: dates as ISO strings, NaN and infinities as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value.isoformat() if isinstance(value, date) else value


def json_list(name: str, text: str) -> Any:
    """A list written as a JSON array (graph metadata in GraphML), else the text itself."""
    if text.startswith("["):
        try:
            found = json.loads(text)
        except ValueError:
            return text
        if isinstance(found, list):
            return [restore_value(name, item) for item in found]
    return text


def _json_values(items: Iterable[tuple[str, Value | list[Value]]]) -> dict[str, Any]:
    return {
        name: [json_value(v) for v in value] if isinstance(value, list) else json_value(value)
        for name, value in items
    }


def no_clash(where: str, attrs: Mapping[str, Any], reserved: Iterable[str]) -> None:
    for name in reserved:
        if name in attrs:
            raise ValueError(f"{where}: attribute {name!r} clashes with a field of the format")


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
        plain.add_node(node, **_json_values(attribute_items(f"node {node!r}", data)))
    for u, v, key, data in graph.edges(keys=True, data=True):
        attrs = edge_attributes(u, v, key, data)
        attrs.pop("key", None)  # node-link data has the key anyway
        no_clash(f"edge {u!r} -> {v!r}", attrs, ("source", "target"))
        plain.add_edges_from([(u, v, key, _json_values(attrs.items()))])
    link_data: dict[str, Any] = nx.node_link_data(plain, edges="edges")
    return link_data


def write_json(graph: nx.MultiDiGraph) -> str:
    """:func:`node_link` as JSON text (non-ASCII kept as is; encode it as UTF-8)."""
    return json.dumps(node_link(graph), ensure_ascii=False)


def read_json(data: str | bytes) -> nx.MultiDiGraph:
    """The graph of :func:`write_json`; ``null`` values are left out."""
    payload = json.loads(data)

    def values(item: Mapping[str, Any], skip: Iterable[str]) -> dict[str, Any]:
        return {
            k: [restore_value(k, x) for x in v] if isinstance(v, list) else restore_value(k, v)
            for k, v in item.items()
            if k not in skip and v is not None
        }

    nodes = [(node["id"], values(node, ("id",))) for node in payload.get("nodes", [])]
    edges = [  # "key" stays in: rebuild_graph takes it out as the edge key
        (edge["source"], edge["target"], values(edge, ("source", "target")))
        for edge in payload.get("edges", [])
    ]
    return rebuild_graph(values(payload.get("graph") or {}, ()), nodes, edges)
