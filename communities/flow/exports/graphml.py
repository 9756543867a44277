"""GraphML with typed keys (see :mod:`communities.flow.exports`)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

import networkx as nx

from communities.flow.exports.nodelink import json_list, json_value
from communities.flow.exports.values import (
    Value,
    attribute_items,
    edge_attributes,
    graph_items,
    parse_typed,
    rebuild_graph,
    value_text,
    xsd_type,
)
from communities.flow.exports.xmltext import (
    XSI,
    parse_xml,
    xml_child,
    xml_children,
    xml_escape,
    xml_tag,
)

# --- GraphML --------------------------------------------------------------------------

GRAPHML_NAMESPACE = "http://graphml.graphdrawing.org/xmlns"


def write_graphml(graph: nx.MultiDiGraph) -> bytes:
    """GraphML: one ``<key>`` per attribute name, scope and type; dates as ISO strings.

    An edge whose key is not its kind (a second membership spell, ``member/2``) carries a
    ``key`` attribute, as networkx's GraphML reader expects. A list in the graph's
    metadata (the community slugs) is written as a JSON array in a string.
    """
    keys: dict[tuple[str, str, str], str] = {}

    def data_lines(scope: str, items: Iterable[tuple[str, Value | list[Value]]]) -> list[str]:
        lines = []
        for name, value in items:
            if isinstance(value, list):
                type_name, text = "string", json.dumps([json_value(v) for v in value])
            else:
                type_name, text = xsd_type(value), value_text(value)
            key = keys.setdefault((scope, name, type_name), f"d{len(keys)}")
            indent = "    " if scope == "graph" else "      "
            lines.append(f'{indent}<data key="{key}">{xml_escape(text)}</data>')
        return lines

    def element_lines(tag: str, attrs: dict[str, str], data: list[str]) -> list[str]:
        if not data:
            return ["    " + xml_tag(tag, attrs, empty=True)]
        return ["    " + xml_tag(tag, attrs), *data, f"    </{tag}>"]

    body = data_lines("graph", graph_items(graph.graph))
    for node, data in graph.nodes(data=True):
        attrs = data_lines("node", attribute_items(f"node {node!r}", data))
        body += element_lines("node", {"id": str(node)}, attrs)
    for index, (u, v, key, data) in enumerate(graph.edges(keys=True, data=True)):
        attrs = data_lines("edge", edge_attributes(u, v, key, data).items())
        body += element_lines(
            "edge", {"id": f"e{index}", "source": str(u), "target": str(v)}, attrs
        )
    header = {
        "xmlns": GRAPHML_NAMESPACE,
        "xmlns:xsi": XSI,
        "xsi:schemaLocation": f"{GRAPHML_NAMESPACE} {GRAPHML_NAMESPACE}/1.0/graphml.xsd",
    }
    declarations = [
        "  "
        + xml_tag(
            "key", {"id": key, "for": scope, "attr.name": name, "attr.type": type_name}, empty=True
        )
        for (scope, name, type_name), key in keys.items()
    ]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        xml_tag("graphml", header),
        *declarations,
        '  <graph id="G" edgedefault="directed">',
        *body,
        "  </graph>",
        "</graphml>",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def read_graphml(data: bytes | str) -> nx.MultiDiGraph:
    """The graph of :func:`write_graphml` (key defaults and nested graphs are not read)."""
    root = parse_xml(data)
    keys = {
        key.get("id", ""): (
            key.get("attr.name") or key.get("id") or "",
            key.get("attr.type", "string"),
        )
        for key in xml_children(root, "key")
    }

    def values(element: ET.Element) -> dict[str, Any]:
        found = {}
        for item in xml_children(element, "data"):
            key = item.get("key", "")
            if key not in keys:
                raise ValueError(f"GraphML data for an undeclared key {key!r}")
            name, type_name = keys[key]
            found[name] = parse_typed(name, type_name, item.text or "")
        return found

    graph_element = xml_child(root, "graph")
    if graph_element is None:
        raise ValueError("GraphML without a <graph> element")
    nodes = [(node.get("id"), values(node)) for node in xml_children(graph_element, "node")]
    edges = [
        (edge.get("source"), edge.get("target"), values(edge))
        for edge in xml_children(graph_element, "edge")
    ]
    metadata = {
        name: json_list(name, value) if isinstance(value, str) else value
        for name, value in values(graph_element).items()
    }
    return rebuild_graph(metadata, nodes, edges)
