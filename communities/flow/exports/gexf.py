"""GEXF 1.2 for Gephi through networkx's writer (see :mod:`communities.flow.exports`).

Our code only shapes attributes for ``networkx.readwrite.gexf.GEXFWriter``: dates become
ISO strings (``start``/``end`` on the element, so Gephi's timeline reads them; an element
with only a ``date`` gets a spell from that day on), an attribute that mixes ints and
floats becomes floats and any other mix strings (GEXF declares one type per attribute),
and edge ids are ``source|target|key``. Two things networkx writes that GEXF 1.2's schema
has no place for are set right after it writes: the ``name`` attribute of ``<graph>``
(GEXF 1.3 has it) and its creator; the graph's metadata goes in ``<description>``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date
from typing import Any
from xml.etree.ElementTree import SubElement

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from communities.flow.exports.values import (
    Value,
    attribute_items,
    edge_attributes,
    graph_items,
    no_clash,
    node_id,
    value_text,
)

# --- GEXF -----------------------------------------------------------------------------

GEXF_NAMESPACE = "http://www.gexf.net/1.2draft"

# Names networkx's writer takes for itself (the element's XML attributes, viz, spells...).
_NODE_RESERVED = ("id", "pid", "viz", "parents", "spells")
_EDGE_RESERVED = ("id", "type", "viz", "spells")


def _timed(where: str, attrs: dict[str, Value]) -> dict[str, Any]:
    """``start``/``end`` as ISO dates on the element, a spell from ``date`` otherwise."""
    shaped: dict[str, Any] = dict(attrs)
    for name in ("start", "end"):
        if name in shaped:
            value = shaped[name]
            if type(value) is not date:  # a datetime has no place in timeformat="date"
                raise ValueError(
                    f"{where}: GEXF {name!r} must be a date (Gephi's timeline), not {value!r}"
                )
            shaped[name] = value.isoformat()
    when = shaped.get("date")
    if type(when) is date and "start" not in shaped and "end" not in shaped:
        shaped["spells"] = [(when.isoformat(), None)]
    return shaped


def _one_type(elements: list[dict[str, Any]]) -> None:
    """Give each attribute name one type across elements: ints and floats become floats,
    any other mix strings; dates become ISO strings."""
    found: dict[str, set[type]] = {}
    for data in elements:
        for name, value in data.items():
            if name not in ("start", "end", "spells"):
                found.setdefault(name, set()).add(type(value))
    for data in elements:
        for name, value in list(data.items()):
            types = found.get(name)
            if types is None:
                continue
            if isinstance(value, date):
                data[name] = value.isoformat()
            elif len(types) > 1:
                data[name] = float(value) if types == {int, float} else value_text(value)


def _shaped(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    shaped = nx.MultiDiGraph()
    nodes = []
    for node, data in graph.nodes(data=True):
        where = f"node {node!r}"
        no_clash(where, data, _NODE_RESERVED)
        attrs = _timed(where, dict(attribute_items(where, data)))
        nodes.append((node_id(node), attrs))
    edges = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        where = f"edge {u!r} -> {v!r} ({key!r})"
        no_clash(where, data, _EDGE_RESERVED)
        attrs = _timed(where, edge_attributes(u, v, key, data))
        attrs.pop("key", None)  # networkx writes the key itself, as networkx_key
        weight = attrs.get("weight")
        if weight is not None and (isinstance(weight, bool) or not isinstance(weight, int | float)):
            raise ValueError(f"{where}: GEXF 'weight' must be a number, not {weight!r}")
        edges.append((node_id(u), node_id(v), str(key), attrs))
    _one_type([attrs for _, attrs in nodes])
    _one_type([attrs for *_, attrs in edges])
    shaped.add_nodes_from(nodes)
    seen: set[str] = set()
    for u, v, key, attrs in edges:
        edge_id = f"{u}|{v}|{key}"
        while edge_id in seen:  # only node ids holding "|" could collide
            edge_id += "'"
        seen.add(edge_id)
        shaped.add_edges_from([(u, v, key, {**attrs, "id": edge_id})])
    return shaped


def _description(metadata: Mapping[Any, Any]) -> str:
    return "; ".join(
        ["NIC Platform knowledge-flow graph"]
        + [
            f"{k}: {', '.join(map(value_text, v)) if isinstance(v, list) else value_text(v)}"
            for k, v in graph_items(metadata)
        ]
    )


def write_gexf(graph: nx.MultiDiGraph) -> bytes:
    """GEXF 1.2 by networkx's writer, dynamic (``timeformat="date"``) when any element
    has a date, valid against the GEXF 1.2 schema (see the module doc)."""
    writer = GEXFWriter(version="1.2draft", prettyprint=True)
    writer.add_graph(_shaped(graph))
    writer.graph_element.attrib.pop("name", None)  # not in GEXF 1.2's schema
    meta = writer.xml.find("meta")
    if meta is not None:
        creator = meta.find("creator")
        if creator is not None:
            creator.text = f"NIC Platform (networkx {nx.__version__})"
        SubElement(meta, "description").text = _description(graph.graph)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
