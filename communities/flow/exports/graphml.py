"""GraphML through networkx's writer (see :mod:`communities.flow.exports`).

Our code only shapes attributes for ``networkx.write_graphml_xml``: dates become ISO
strings, and a list in the graph's metadata (the community slugs) a JSON array in a
string. networkx writes each edge's key as its GraphML ``id`` (``informed``, ``member/2``
for a second membership spell), which is how networkx's reader gets the key back and
igraph's keeps it as the edge attribute ``id``; edges between different nodes may share
an ``id``.
"""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import networkx as nx

from communities.flow.exports.nodelink import json_value
from communities.flow.exports.values import (
    Value,
    attribute_items,
    edge_attributes,
    graph_items,
    node_id,
)

# --- GraphML --------------------------------------------------------------------------

GRAPHML_NAMESPACE = "http://graphml.graphdrawing.org/xmlns"


def _plain(value: Value | list[Value]) -> str | int | float | bool:
    if isinstance(value, list):
        return json.dumps([json_value(v) for v in value], ensure_ascii=False)
    return value.isoformat() if isinstance(value, date) else value


def write_graphml(graph: nx.MultiDiGraph) -> bytes:
    """GraphML: one ``<key>`` per attribute name, scope and type (see the module doc)."""
    shaped = nx.MultiDiGraph()
    shaped.graph.update((name, _plain(value)) for name, value in graph_items(graph.graph))
    for node, data in graph.nodes(data=True):
        where = f"node {node!r}"
        shaped.add_node(node_id(node), **{k: _plain(v) for k, v in attribute_items(where, data)})
    for u, v, key, data in graph.edges(keys=True, data=True):
        attrs: dict[str, Any] = {k: _plain(x) for k, x in edge_attributes(u, v, key, data).items()}
        attrs.pop("key", None)  # the key is the edge's id
        shaped.add_edges_from([(node_id(u), node_id(v), key, attrs)])
    buffer = io.BytesIO()
    nx.write_graphml_xml(shaped, buffer, encoding="utf-8")
    return buffer.getvalue()
