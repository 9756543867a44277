"""GEXF 1.2 for Gephi (see :mod:`communities.flow.exports`)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NamedTuple

import networkx as nx

from communities.flow.exports.values import (
    Value,
    attribute_items,
    edge_attributes,
    graph_items,
    parse_typed,
    rebuild_graph,
    restore_value,
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

# --- GEXF -----------------------------------------------------------------------------

GEXF_NAMESPACE = "http://www.gexf.net/1.2draft"


class _GexfElement(NamedTuple):
    xml_attrs: dict[str, str]
    attrs: dict[str, Value]
    spell_from: str | None


def _gexf_element(where: str, xml_attrs: dict[str, str], data: Mapping[Any, Any]) -> _GexfElement:
    """Split an element's attributes into XML attributes (label, time) and attvalues."""
    attrs = dict(attribute_items(where, data))
    label = attrs.get("label")
    if isinstance(label, str):
        xml_attrs["label"] = label
        del attrs["label"]
    for name in ("start", "end"):
        value = attrs.get(name)
        if type(value) is date:  # not a datetime: Gephi's "date" format has no time
            xml_attrs[name] = value.isoformat()
            del attrs[name]
    when = attrs.get("date")
    timed = "start" in xml_attrs or "end" in xml_attrs
    spell_from = when.isoformat() if type(when) is date and not timed else None
    return _GexfElement(xml_attrs, attrs, spell_from)


def _gexf_columns(elements: Iterable[_GexfElement], prefix: str) -> dict[str, tuple[str, str]]:
    """Attribute name -> (GEXF attribute id, type); mixed ints and floats are doubles."""
    found: dict[str, set[str]] = {}
    for element in elements:
        for name, value in element.attrs.items():
            found.setdefault(name, set()).add(xsd_type(value))
    columns = {}
    for index, (name, types) in enumerate(found.items()):
        if len(types) == 1:
            (type_name,) = types
        else:
            type_name = "double" if types == {"long", "double"} else "string"
        columns[name] = (f"{prefix}{index}", type_name)
    return columns


def _gexf_lines(
    element: _GexfElement, tag: str, columns: Mapping[str, tuple[str, str]]
) -> list[str]:
    body = []
    if element.attrs:
        body.append("        <attvalues>")
        for name, value in element.attrs.items():
            column, type_name = columns[name]
            if type_name == "double" and isinstance(value, int):
                value = float(value)
            text = value_text(value)
            body.append(
                "          " + xml_tag("attvalue", {"for": column, "value": text}, empty=True)
            )
        body.append("        </attvalues>")
    if element.spell_from is not None:
        body.append("        <spells>")
        body.append("          " + xml_tag("spell", {"start": element.spell_from}, empty=True))
        body.append("        </spells>")
    if not body:
        return ["      " + xml_tag(tag, element.xml_attrs, empty=True)]
    return ["      " + xml_tag(tag, element.xml_attrs), *body, f"      </{tag}>"]


def _gexf_declarations(cls: str, columns: Mapping[str, tuple[str, str]]) -> list[str]:
    if not columns:
        return []
    lines = [f'    <attributes class="{cls}" mode="static">']
    for name, (column, type_name) in columns.items():
        attrs = {"id": column, "title": name, "type": type_name}
        lines.append("      " + xml_tag("attribute", attrs, empty=True))
    lines.append("    </attributes>")
    return lines


def write_gexf(graph: nx.MultiDiGraph) -> bytes:
    """GEXF 1.2, dynamic with ``timeformat="date"``, for Gephi's timeline (see module doc)."""
    nodes = [
        _gexf_element(f"node {node!r}", {"id": str(node)}, data)
        for node, data in graph.nodes(data=True)
    ]
    edges = []
    edge_ids: set[str] = set()
    for u, v, key, data in graph.edges(keys=True, data=True):
        edge_id = f"{u}|{v}|{key}"
        while edge_id in edge_ids:  # only node ids holding "|" could collide
            edge_id += "'"
        edge_ids.add(edge_id)
        # Gephi's edge type is the key, so Gephi keeps every edge, repeated spells too.
        xml_attrs = {"id": edge_id, "source": str(u), "target": str(v), "kind": str(key)}
        attrs = edge_attributes(u, v, key, data)
        attrs.pop("key", None)
        if attrs.get("kind") == key and isinstance(key, str):
            del attrs["kind"]
        edges.append(_gexf_element(f"edge {u!r} -> {v!r} ({key!r})", xml_attrs, attrs))
    node_columns = _gexf_columns(nodes, "n")
    edge_columns = _gexf_columns(edges, "e")
    description = "; ".join(
        ["NIC Platform knowledge-flow graph"]
        + [
            f"{k}: {', '.join(map(value_text, v)) if isinstance(v, list) else value_text(v)}"
            for k, v in graph_items(graph.graph)
        ]
    )
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        xml_tag(
            "gexf",
            {
                "xmlns": GEXF_NAMESPACE,
                "xmlns:xsi": XSI,
                "xsi:schemaLocation": f"{GEXF_NAMESPACE} {GEXF_NAMESPACE}/gexf.xsd",
                "version": "1.2",
            },
        ),
        "  " + xml_tag("meta", {"lastmodifieddate": date.today().isoformat()}),
        "    <creator>NIC Platform</creator>",
        f"    <description>{xml_escape(description)}</description>",
        "  </meta>",
        '  <graph mode="dynamic" defaultedgetype="directed" timeformat="date">',
        *_gexf_declarations("node", node_columns),
        *_gexf_declarations("edge", edge_columns),
        "    <nodes>",
        *(line for node in nodes for line in _gexf_lines(node, "node", node_columns)),
        "    </nodes>",
        "    <edges>",
        *(line for edge in edges for line in _gexf_lines(edge, "edge", edge_columns)),
        "    </edges>",
        "  </graph>",
        "</gexf>",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _gexf_values(
    element: ET.Element, columns: Mapping[str, tuple[str, str]], names: Iterable[str]
) -> dict[str, Any]:
    """An element's attvalues (typed) and the named XML attributes (dates restored)."""
    values: dict[str, Any] = {}
    for name in names:
        text = element.get(name)
        if text is not None:
            values[name] = restore_value(name, text)
    for attvalue in xml_children(xml_child(element, "attvalues"), "attvalue"):
        column = columns.get(attvalue.get("for", ""))
        if column is None:
            raise ValueError(f"GEXF attvalue for an undeclared attribute {attvalue.get('for')!r}")
        title, type_name = column
        values[title] = parse_typed(title, type_name, attvalue.get("value", ""))
    return values


def read_gexf(data: bytes | str) -> nx.MultiDiGraph:
    """The graph of :func:`write_gexf`: edge keys from Gephi's ``kind``, ``kind`` from
    its attvalue when it differs; spells are derived from ``date`` and not read."""
    graph_element = xml_child(parse_xml(data), "graph")
    if graph_element is None:
        raise ValueError("GEXF without a <graph> element")
    columns: dict[str, dict[str, tuple[str, str]]] = {"node": {}, "edge": {}}
    for block in xml_children(graph_element, "attributes"):
        declared = columns.setdefault(block.get("class", "node"), {})
        for attribute in xml_children(block, "attribute"):
            title = attribute.get("title") or attribute.get("id") or ""
            declared[attribute.get("id", "")] = (title, attribute.get("type", "string"))
    nodes = [
        (element.get("id"), _gexf_values(element, columns["node"], ("label", "start", "end")))
        for element in xml_children(xml_child(graph_element, "nodes"), "node")
    ]
    edges = []
    for element in xml_children(xml_child(graph_element, "edges"), "edge"):
        attrs = _gexf_values(element, columns["edge"], ("label", "start", "end"))
        key = element.get("kind")
        if key is not None:
            attrs.setdefault("kind", key)
            attrs["key"] = key
        edges.append((element.get("source"), element.get("target"), attrs))
    return rebuild_graph({}, nodes, edges)
