"""Exports of the knowledge-flow graph, each with a reader that rebuilds it.

Formats (:data:`FORMATS` maps each name to its media type, file extension and writer):

``gexf``
    GEXF 1.2 for Gephi, always ``<graph mode="dynamic" timeformat="date">``. A node or edge
    whose ``start``/``end`` are dates carries them as the element's ``start``/``end``
    (Gephi's timeline); one that only has a ``date`` gets a spell from that date on, so a
    learning link appears on the timeline when it was made. Edge ids are
    ``"source|target|key"``, and the key is also the edge's ``kind`` attribute, Gephi's
    edge type (as Gephi's own exporter writes it), so Gephi keeps parallel edges of
    different kinds, and repeated membership spells, apart. ``label`` is the element's
    ``label``; every other attribute is a typed ``attvalue``.
``graphml``
    GraphML with one typed ``<key>`` per attribute name, scope and value type.
``json``
    networkx node-link data (``edges="edges"``) with the graph's metadata (community,
    ``as_of``, ...) under the top-level ``"graph"``; :func:`node_link` gives it as a dict.
``csv``
    A zip of three tables (:func:`write_csv`): ``nodes.csv``, ``edges.csv`` and
    ``memberships.csv``, UTF-8 with a byte-order mark so spreadsheets read é and 中文.
``dl``
    UCINET DL of the two-mode person-by-team membership matrix (:func:`write_dl`).

Values. Node, edge and graph attributes may be ``str``, ``int``, ``float``, ``bool`` or
``datetime.date``; ``None`` counts as absent and other types raise ``TypeError``. Dates are
written as ISO strings (``2024-03-01``), and no format has a date type, so every reader
turns a string back into a ``date`` when the attribute's name says it is one
(:func:`is_date_attribute`: ``start``, ``end``, ``date``, ``as_of`` and names ending in
``_date`` or ``_on``) and the string is an ISO date. A date kept under another name comes
back as its ISO string, and so does a ``datetime``. The graph's metadata may also hold
lists of such values (the builder's ``communities`` slugs).

Edge keys. The key is the kind except for repeated spells of one membership (``member``,
``member/2``, ...). Every format keeps the key: node-link JSON in its ``key`` field, the
others in a ``key`` attribute written only where the key differs from the kind (GEXF
uses the key as Gephi's edge ``kind``), so an edge attribute of its own may not be called
``key`` (``ValueError``); readers take the key from there, else from ``kind``.

What each reader gives back:

* GEXF: ``bool``, ``int`` and ``float`` by the declared attribute type; an attribute
  holding ints on some elements and floats on others is declared ``double`` (its ints come
  back as floats), any other mix ``string``. The graph's metadata goes only into the
  human-readable ``<meta><description>`` and is not read back.
* GraphML: exact types, mixes included (a key per type); graph metadata read back, a
  list from the JSON array it is written as.
* JSON: exact types; graph metadata read back. NaN and infinities are written as
  ``null``, as JavaScript's ``JSON.stringify`` does, and read back as absent.
* CSV: untyped, so the reader infers (:func:`read_csv`). Empty cells are absent values
  (an empty string does not survive); graph metadata is not written.
* DL: only the membership matrix, read back by :func:`read_dl` as labels and ties.

Text. XML cannot hold control characters other than tab, newline and carriage return, nor
lone surrogates; GEXF and GraphML write U+FFFD in their place. Everything else (quotes,
commas, newlines, ``<&>``, any Unicode) round-trips in GEXF, GraphML, JSON and CSV. For DL
see :func:`dl_label`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import Any, Literal, NamedTuple, TypeAlias

import networkx as nx

from communities.flow.schema import MEMBER, PERSON, TEAM, active_on

Value: TypeAlias = str | int | float | bool | date

# --- values ---------------------------------------------------------------------------

DATE_ATTRIBUTES = frozenset({"start", "end", "date", "as_of"})
DATE_SUFFIXES = ("_date", "_on")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_date_attribute(name: str) -> bool:
    """Whether readers turn an ISO-date string under this attribute name into a ``date``."""
    return name in DATE_ATTRIBUTES or name.endswith(DATE_SUFFIXES)


def restore_value(name: str, value: Any) -> Any:
    """A value read from a file, as a ``date`` when it is an ISO date under a date name."""
    if isinstance(value, str) and is_date_attribute(name) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:  # 2024-13-45: not a date after all
            return value
    return value


def _checked(where: str, name: Any, value: Any) -> Value:
    if not isinstance(value, str | int | float | date):  # bool is an int
        raise TypeError(
            f"{where}: attribute {name!r} holds a {type(value).__name__}; exports take "
            "str, int, float, bool and date values"
        )
    return value


def _items(where: str, data: Mapping[Any, Any]) -> Iterator[tuple[str, Value]]:
    """The attributes worth writing: ``None`` left out, unsupported types refused."""
    for name, value in data.items():
        if value is not None:
            yield str(name), _checked(where, name, value)


def _graph_items(data: Mapping[Any, Any]) -> Iterator[tuple[str, Value | list[Value]]]:
    """Graph metadata: values as for nodes, and lists of them (the community slugs)."""
    for name, value in data.items():
        if isinstance(value, list | tuple):
            yield str(name), [_checked("graph", name, item) for item in value]
        elif value is not None:
            yield str(name), _checked("graph", name, value)


def _edge_attrs(u: Any, v: Any, key: Any, data: Mapping[Any, Any]) -> dict[str, Value]:
    """An edge's attributes, plus ``key`` when its key is not its kind (``member/2``)."""
    where = f"edge {u!r} -> {v!r} ({key!r})"
    attrs = dict(_items(where, data))
    if "key" in attrs:
        raise ValueError(f"{where}: attribute 'key' clashes with the edge key exports write")
    if key != attrs.get("kind"):
        attrs["key"] = _checked(where, "key", key)
    return attrs


def _text(value: Value) -> str:
    """A value as text: ``true``/``false``, ISO dates, floats exact (``INF``, ``NaN``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "INF" if value > 0 else "-INF"
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _type_name(value: Value) -> str:
    """The XML-schema type name (as GEXF and GraphML spell it) of a value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"  # str, and dates as ISO strings


def _parse_typed(name: str, type_name: str, text: str) -> Any:
    """A value from its text and declared type; strings go through :func:`restore_value`."""
    kind = type_name.lower()
    if kind == "boolean":
        return text.strip().lower() in ("true", "1")
    if kind in ("int", "integer", "long", "short", "byte"):
        return int(text.strip())
    if kind in ("float", "double"):
        return float(text.strip())
    return restore_value(name, text)


def _build(
    graph_attrs: Mapping[str, Any],
    nodes: Iterable[tuple[Any, dict[str, Any]]],
    edges: Iterable[tuple[Any, Any, dict[str, Any]]],
) -> nx.MultiDiGraph:
    """A graph from read parts. An edge's key is its ``key`` entry, taken out of its
    attributes, or else its ``kind`` (networkx numbers edges that have neither)."""
    graph = nx.MultiDiGraph()
    graph.graph.update(graph_attrs)
    graph.add_nodes_from(nodes)  # (node, attrs) pairs: attribute names cannot clash
    for u, v, attrs in edges:
        key = attrs.pop("key", None)
        graph.add_edges_from([(u, v, attrs.get("kind") if key is None else key, attrs)])
    return graph


# --- XML (GEXF and GraphML) -----------------------------------------------------------

_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    """Text escaped for an XML attribute or element; newlines and tabs as references."""
    text = _XML_ILLEGAL.sub("\ufffd", text)
    for char, reference in (
        ("&", "&amp;"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ('"', "&quot;"),
        ("\r", "&#13;"),
        ("\n", "&#10;"),
        ("\t", "&#9;"),
    ):
        text = text.replace(char, reference)
    return text


def _tag(name: str, attrs: Mapping[str, str], *, empty: bool = False) -> str:
    inner = "".join(f' {key}="{_xml(value)}"' for key, value in attrs.items())
    return f"<{name}{inner}{'/' if empty else ''}>"


def _parse_xml(data: bytes | str) -> ET.Element:
    return ET.fromstring(data.encode("utf-8") if isinstance(data, str) else data)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(element: ET.Element | None, name: str) -> list[ET.Element]:
    """Child elements by local name, whatever the namespace (GEXF 1.2draft, 1.2, 1.3)."""
    if element is None:
        return []
    return [child for child in element if _local(child.tag) == name]


def _child(element: ET.Element | None, name: str) -> ET.Element | None:
    found = _children(element, name)
    return found[0] if found else None


# --- GEXF -----------------------------------------------------------------------------

GEXF_NAMESPACE = "http://www.gexf.net/1.2draft"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"


class _GexfElement(NamedTuple):
    xml_attrs: dict[str, str]
    attrs: dict[str, Value]
    spell_from: str | None


def _gexf_element(where: str, xml_attrs: dict[str, str], data: Mapping[Any, Any]) -> _GexfElement:
    """Split an element's attributes into XML attributes (label, time) and attvalues."""
    attrs = dict(_items(where, data))
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
            found.setdefault(name, set()).add(_type_name(value))
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
            text = _text(value)
            body.append("          " + _tag("attvalue", {"for": column, "value": text}, empty=True))
        body.append("        </attvalues>")
    if element.spell_from is not None:
        body.append("        <spells>")
        body.append("          " + _tag("spell", {"start": element.spell_from}, empty=True))
        body.append("        </spells>")
    if not body:
        return ["      " + _tag(tag, element.xml_attrs, empty=True)]
    return ["      " + _tag(tag, element.xml_attrs), *body, f"      </{tag}>"]


def _gexf_declarations(cls: str, columns: Mapping[str, tuple[str, str]]) -> list[str]:
    if not columns:
        return []
    lines = [f'    <attributes class="{cls}" mode="static">']
    for name, (column, type_name) in columns.items():
        attrs = {"id": column, "title": name, "type": type_name}
        lines.append("      " + _tag("attribute", attrs, empty=True))
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
        attrs = _edge_attrs(u, v, key, data)
        attrs.pop("key", None)
        if attrs.get("kind") == key and isinstance(key, str):
            del attrs["kind"]
        edges.append(_gexf_element(f"edge {u!r} -> {v!r} ({key!r})", xml_attrs, attrs))
    node_columns = _gexf_columns(nodes, "n")
    edge_columns = _gexf_columns(edges, "e")
    description = "; ".join(
        ["NIC Platform knowledge-flow graph"]
        + [
            f"{k}: {', '.join(map(_text, v)) if isinstance(v, list) else _text(v)}"
            for k, v in _graph_items(graph.graph)
        ]
    )
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        _tag(
            "gexf",
            {
                "xmlns": GEXF_NAMESPACE,
                "xmlns:xsi": _XSI,
                "xsi:schemaLocation": f"{GEXF_NAMESPACE} {GEXF_NAMESPACE}/gexf.xsd",
                "version": "1.2",
            },
        ),
        "  " + _tag("meta", {"lastmodifieddate": date.today().isoformat()}),
        "    <creator>NIC Platform</creator>",
        f"    <description>{_xml(description)}</description>",
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
    for attvalue in _children(_child(element, "attvalues"), "attvalue"):
        column = columns.get(attvalue.get("for", ""))
        if column is None:
            raise ValueError(f"GEXF attvalue for an undeclared attribute {attvalue.get('for')!r}")
        title, type_name = column
        values[title] = _parse_typed(title, type_name, attvalue.get("value", ""))
    return values


def read_gexf(data: bytes | str) -> nx.MultiDiGraph:
    """The graph of :func:`write_gexf`: edge keys from Gephi's ``kind``, ``kind`` from
    its attvalue when it differs; spells are derived from ``date`` and not read."""
    graph_element = _child(_parse_xml(data), "graph")
    if graph_element is None:
        raise ValueError("GEXF without a <graph> element")
    columns: dict[str, dict[str, tuple[str, str]]] = {"node": {}, "edge": {}}
    for block in _children(graph_element, "attributes"):
        declared = columns.setdefault(block.get("class", "node"), {})
        for attribute in _children(block, "attribute"):
            title = attribute.get("title") or attribute.get("id") or ""
            declared[attribute.get("id", "")] = (title, attribute.get("type", "string"))
    nodes = [
        (element.get("id"), _gexf_values(element, columns["node"], ("label", "start", "end")))
        for element in _children(_child(graph_element, "nodes"), "node")
    ]
    edges = []
    for element in _children(_child(graph_element, "edges"), "edge"):
        attrs = _gexf_values(element, columns["edge"], ("label", "start", "end"))
        key = element.get("kind")
        if key is not None:
            attrs.setdefault("kind", key)
            attrs["key"] = key
        edges.append((element.get("source"), element.get("target"), attrs))
    return _build({}, nodes, edges)


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
                type_name, text = "string", json.dumps([_json_value(v) for v in value])
            else:
                type_name, text = _type_name(value), _text(value)
            key = keys.setdefault((scope, name, type_name), f"d{len(keys)}")
            indent = "    " if scope == "graph" else "      "
            lines.append(f'{indent}<data key="{key}">{_xml(text)}</data>')
        return lines

    def element_lines(tag: str, attrs: dict[str, str], data: list[str]) -> list[str]:
        if not data:
            return ["    " + _tag(tag, attrs, empty=True)]
        return ["    " + _tag(tag, attrs), *data, f"    </{tag}>"]

    body = data_lines("graph", _graph_items(graph.graph))
    for node, data in graph.nodes(data=True):
        attrs = data_lines("node", _items(f"node {node!r}", data))
        body += element_lines("node", {"id": str(node)}, attrs)
    for index, (u, v, key, data) in enumerate(graph.edges(keys=True, data=True)):
        attrs = data_lines("edge", _edge_attrs(u, v, key, data).items())
        body += element_lines(
            "edge", {"id": f"e{index}", "source": str(u), "target": str(v)}, attrs
        )
    header = {
        "xmlns": GRAPHML_NAMESPACE,
        "xmlns:xsi": _XSI,
        "xsi:schemaLocation": f"{GRAPHML_NAMESPACE} {GRAPHML_NAMESPACE}/1.0/graphml.xsd",
    }
    declarations = [
        "  "
        + _tag(
            "key", {"id": key, "for": scope, "attr.name": name, "attr.type": type_name}, empty=True
        )
        for (scope, name, type_name), key in keys.items()
    ]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        _tag("graphml", header),
        *declarations,
        '  <graph id="G" edgedefault="directed">',
        *body,
        "  </graph>",
        "</graphml>",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def read_graphml(data: bytes | str) -> nx.MultiDiGraph:
    """The graph of :func:`write_graphml` (key defaults and nested graphs are not read)."""
    root = _parse_xml(data)
    keys = {
        key.get("id", ""): (
            key.get("attr.name") or key.get("id") or "",
            key.get("attr.type", "string"),
        )
        for key in _children(root, "key")
    }

    def values(element: ET.Element) -> dict[str, Any]:
        found = {}
        for item in _children(element, "data"):
            key = item.get("key", "")
            if key not in keys:
                raise ValueError(f"GraphML data for an undeclared key {key!r}")
            name, type_name = keys[key]
            found[name] = _parse_typed(name, type_name, item.text or "")
        return found

    graph_element = _child(root, "graph")
    if graph_element is None:
        raise ValueError("GraphML without a <graph> element")
    nodes = [(node.get("id"), values(node)) for node in _children(graph_element, "node")]
    edges = [
        (edge.get("source"), edge.get("target"), values(edge))
        for edge in _children(graph_element, "edge")
    ]
    metadata = {
        name: _json_list(name, value) if isinstance(value, str) else value
        for name, value in values(graph_element).items()
    }
    return _build(metadata, nodes, edges)


# --- node-link JSON -------------------------------------------------------------------


def _json_value(value: Value) -> str | int | float | bool | None:
    """A value for JSON: dates as ISO strings, NaN and infinities as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value.isoformat() if isinstance(value, date) else value


def _json_list(name: str, text: str) -> Any:
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
        name: [_json_value(v) for v in value] if isinstance(value, list) else _json_value(value)
        for name, value in items
    }


def _no_clash(where: str, attrs: Mapping[str, Any], reserved: Iterable[str]) -> None:
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
    plain.graph.update(_json_values(_graph_items(graph.graph)))
    for node, data in graph.nodes(data=True):
        _no_clash(f"node {node!r}", data, ("id",))
        plain.add_node(node, **_json_values(_items(f"node {node!r}", data)))
    for u, v, key, data in graph.edges(keys=True, data=True):
        attrs = _edge_attrs(u, v, key, data)
        attrs.pop("key", None)  # node-link data has the key anyway
        _no_clash(f"edge {u!r} -> {v!r}", attrs, ("source", "target"))
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
    edges = [  # "key" stays in: _build takes it out as the edge key
        (edge["source"], edge["target"], values(edge, ("source", "target")))
        for edge in payload.get("edges", [])
    ]
    return _build(values(payload.get("graph") or {}, ()), nodes, edges)


# --- CSV ------------------------------------------------------------------------------

NODE_COLUMNS = ("id", "kind", "label", "team", "level", "start", "end")
EDGE_COLUMNS = ("source", "target", "kind", "date", "start", "end", "role")
MEMBERSHIP_COLUMNS = ("person", "person_label", "team", "team_label", "role", "start", "end")

# Columns read back as text whatever they hold (a label "2024" stays a string).
CSV_TEXT_COLUMNS = frozenset(
    {"id", "source", "target", "key", "kind", "label", "note", "team", "parent", "level"}
    | {"team_kind", "role", "status", "person", "person_label", "team_label"}
)

_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"-?(?:[0-9]+\.[0-9]+(?:e[+-]?[0-9]+)?|[0-9]+e[+-]?[0-9]+|INF)|NaN", re.I)


def _csv_text(rows: Iterable[Mapping[str, str]], columns: Iterable[str]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _csv_rows(
    items: Iterable[tuple[str, dict[str, str], Mapping[str, Value]]],
) -> tuple[list[dict[str, str]], list[str]]:
    """Rows of text cells (key cells first), and the attribute names met."""
    rows: list[dict[str, str]] = []
    names: dict[str, None] = {}
    for where, row, attrs in items:
        _no_clash(where, attrs, row)
        row.update((name, _text(value)) for name, value in attrs.items())
        names.update(dict.fromkeys(attrs))
        rows.append(row)
    return rows, list(names)


def write_csv(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Three CSV tables by name: ``nodes``, ``edges`` and ``memberships``.

    ``nodes``: id, kind, label, team, level, start, end, then every other attribute in
    alphabetical order. ``edges``: source, target, kind, date, start, end, role, then the
    others, among them ``key`` when some edge's key is not its kind (``member/2``).
    ``memberships``: one row per ``member`` edge (per spell), with person, person_label,
    team, team_label, role, start, end. Cells: booleans ``true``/``false``, dates ISO,
    floats exact (``INF``, ``NaN``), absent values empty. Node attributes cannot be
    called ``id``, edge attributes ``source``, ``target`` or ``key``.
    """
    node_rows, node_names = _csv_rows(
        (f"node {node!r}", {"id": str(node)}, dict(_items(f"node {node!r}", data)))
        for node, data in graph.nodes(data=True)
    )
    edge_rows, edge_names = _csv_rows(
        (f"edge {u!r} -> {v!r}", {"source": str(u), "target": str(v)}, _edge_attrs(u, v, k, data))
        for u, v, k, data in graph.edges(keys=True, data=True)
    )
    memberships = []
    for u, v, data in graph.edges(data=True):
        if data.get("kind") != MEMBER:
            continue
        row = {
            "person": str(u),
            "person_label": graph.nodes[u].get("label"),
            "team": str(v),
            "team_label": graph.nodes[v].get("label"),
            "role": data.get("role"),
            "start": data.get("start"),
            "end": data.get("end"),
        }
        memberships.append({k: _text(value) for k, value in _items("membership", row)})
    node_columns = list(NODE_COLUMNS) + sorted(set(node_names) - set(NODE_COLUMNS))
    edge_columns = list(EDGE_COLUMNS) + sorted(set(edge_names) - set(EDGE_COLUMNS))
    return {
        "nodes": _csv_text(node_rows, node_columns),
        "edges": _csv_text(edge_rows, edge_columns),
        "memberships": _csv_text(memberships, MEMBERSHIP_COLUMNS),
    }


def write_csv_zip(graph: nx.MultiDiGraph) -> bytes:
    """:func:`write_csv`'s tables as ``nodes.csv``, ``edges.csv``, ``memberships.csv``
    in a zip, encoded UTF-8 with a byte-order mark (Excel needs it for non-ASCII text)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in write_csv(graph).items():
            archive.writestr(f"{name}.csv", text.encode("utf-8-sig"))
    return buffer.getvalue()


def _csv_converter(name: str, cells: list[str]) -> Callable[[str], Any]:
    """How a column's cells become values (see :func:`read_csv`)."""
    if name in CSV_TEXT_COLUMNS:
        return str
    if is_date_attribute(name):
        return lambda text: restore_value(name, text)
    filled = [cell for cell in cells if cell]
    if filled and all(cell in ("true", "false") for cell in filled):
        return lambda text: text == "true"
    if filled and all(_INT.fullmatch(cell) for cell in filled):
        return int
    if filled and all(_INT.fullmatch(cell) or _FLOAT.fullmatch(cell) for cell in filled):
        return float
    return str


def _csv_records(text: str, key_columns: tuple[str, ...]) -> list[tuple[list[str], dict[str, Any]]]:
    """Each row's key cells and its other, non-empty cells converted."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    rows = list(reader)
    columns = [c for c in reader.fieldnames or [] if c not in key_columns]
    convert = {c: _csv_converter(c, [row.get(c) or "" for row in rows]) for c in columns}
    records = []
    for row in rows:
        keys = [row.get(column) or "" for column in key_columns]
        values = {c: convert[c](row[c]) for c in columns if row.get(c)}
        records.append((keys, values))
    return records


def read_csv(tables: Mapping[str, str]) -> nx.MultiDiGraph:
    """The graph from the ``nodes`` and ``edges`` tables of :func:`write_csv`.

    CSV has no types, so each column is read as follows (empty cells are absent values):
    the key columns and :data:`CSV_TEXT_COLUMNS` stay strings; date-named columns
    (:func:`is_date_attribute`) give ``date`` for ISO dates and strings otherwise; any
    other column becomes ``bool`` when all its filled cells are ``true``/``false``,
    ``int`` when all are integers, ``float`` when all are numbers (ints included, so a
    column mixing ints and floats reads back as floats), and stays ``str`` otherwise — a
    plugin's text attribute whose every value looks like a number comes back a number.
    """
    nodes = [(keys[0], values) for keys, values in _csv_records(tables["nodes"], ("id",))]
    edge_records = _csv_records(tables.get("edges", ""), ("source", "target"))
    edges = [(keys[0], keys[1], values) for keys, values in edge_records]
    return _build({}, nodes, edges)


def read_csv_zip(data: bytes) -> nx.MultiDiGraph:
    """The graph from the zip of :func:`write_csv_zip`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        tables = {
            name.rpartition("/")[2].removesuffix(".csv"): archive.read(name).decode("utf-8-sig")
            for name in archive.namelist()
            if name.endswith(".csv")
        }
    return read_csv(tables)


# --- UCINET DL ------------------------------------------------------------------------


class TwoModeNetwork(NamedTuple):
    """A two-mode network read from DL: row labels, column labels, (row, column) ties."""

    rows: list[str]
    cols: list[str]
    ties: set[tuple[str, str]]


def dl_label(text: str) -> str:
    """A label as DL holds it: in double quotes, which DL labels cannot contain.

    Double quotes become single quotes, and line breaks, tabs and runs of white space
    become one space (labels are space-separated, one line each). Commas, ``=`` and any
    Unicode stay inside the quotes; the file is UTF-8.
    """
    return '"' + " ".join(text.replace('"', "'").split()) + '"'


def _dl_labels(
    graph: nx.MultiDiGraph, nodes: list[Any], labels: Literal["label", "id"]
) -> list[str]:
    """Quoted labels; an empty one falls back to the node id, a shared one gets it appended."""
    quoted = []
    for node in nodes:
        label = graph.nodes[node].get("label") if labels == "label" else None
        text = dl_label(str(label)) if label is not None else '""'
        quoted.append(text if text != '""' else dl_label(str(node)))
    counts = Counter(quoted)
    return [
        dl_label(f"{text[1:-1]} [{node}]") if counts[text] > 1 else text
        for text, node in zip(quoted, nodes, strict=True)
    ]


def write_dl(
    graph: nx.MultiDiGraph,
    *,
    as_of: date | None = None,
    labels: Literal["label", "id"] = "label",
) -> str:
    """UCINET DL of the two-mode person-by-team membership network.

    ``format = fullmatrix`` with ``row labels embedded`` and ``column labels embedded``:
    after ``data:`` one line of team labels, then one line per person, its label and a 0/1
    cell per team. Every person (rows) and team (columns) of the graph is listed, in graph
    order, isolates included. ``as_of`` keeps only the memberships active on that date
    (:func:`communities.flow.schema.active_on`); ``None`` keeps every membership ever.
    Labels are node labels by default (see :func:`dl_label`; a label two nodes share gets
    the node id appended) or node ids with ``labels="id"``. Lines end in CRLF.
    """
    people = [node for node, data in graph.nodes(data=True) if data.get("kind") == PERSON]
    teams = [node for node, data in graph.nodes(data=True) if data.get("kind") == TEAM]
    row_of = {node: index for index, node in enumerate(people)}
    col_of = {node: index for index, node in enumerate(teams)}
    ties = {
        (row_of[u], col_of[v])
        for u, v, data in graph.edges(data=True)
        if data.get("kind") == MEMBER and u in row_of and v in col_of and active_on(data, as_of)
    }
    lines = [
        f"dl nr={len(people)} nc={len(teams)}",
        "format = fullmatrix",
        "row labels embedded",
        "column labels embedded",
        "data:",
        " ".join(_dl_labels(graph, teams, labels)),
    ]
    for row, label in enumerate(_dl_labels(graph, people, labels)):
        cells = ("1" if (row, col) in ties else "0" for col in range(len(teams)))
        lines.append(" ".join([label, *cells]))
    return "\r\n".join(lines) + "\r\n"


_DL_TOKEN = re.compile(r'"([^"]*)"|\'([^\']*)\'|([^\s,]+)')


def read_dl(data: str | bytes) -> TwoModeNetwork:
    """Rows, columns and ties (non-zero cells) of a DL full matrix such as :func:`write_dl`'s.

    Reads ``n``/``nr``/``nc``, ``format = fullmatrix`` and embedded labels (rows and
    columns numbered from 1 when not embedded); other DL formats raise ``ValueError``.
    """
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    match = re.search(r"^\s*data\s*:", text, re.I | re.M)
    if match is None:
        raise ValueError("DL without a data: section")
    header = " ".join(text[: match.start()].lower().split())
    if not header.startswith("dl"):
        raise ValueError("DL must start with 'dl'")

    def dimension(name: str) -> int | None:
        found = re.search(rf"\b{name}\s*=\s*(\d+)", header)
        return int(found.group(1)) if found else None

    n = dimension("n")
    nr, nc = dimension("nr") or n or 0, dimension("nc") or n or 0
    layout = re.search(r"\bformat\s*=\s*(\w+)", header)
    if layout is not None and layout.group(1) != "fullmatrix":
        raise ValueError(f"DL format {layout.group(1)!r} is not read, only fullmatrix")
    both = "labels embedded" in re.sub(r"\b(row|col|column)\s+labels\s+embedded", "", header)
    rows_embedded = both or re.search(r"\brow\s+labels\s+embedded", header) is not None
    cols_embedded = both or re.search(r"\bcol(umn)?\s+labels\s+embedded", header) is not None

    tokens = [
        next(group for group in m.groups() if group is not None)
        for m in _DL_TOKEN.finditer(text[match.end() :])
    ]
    position = 0

    def take(count: int) -> list[str]:
        nonlocal position
        if position + count > len(tokens):
            raise ValueError("DL data ends early")
        taken = tokens[position : position + count]
        position += count
        return taken

    cols = take(nc) if cols_embedded else [str(i + 1) for i in range(nc)]
    rows, ties = [], set()
    for index in range(nr):
        label = take(1)[0] if rows_embedded else str(index + 1)
        rows.append(label)
        for col, cell in zip(cols, take(nc), strict=True):
            if float(cell) != 0:
                ties.add((label, col))
    return TwoModeNetwork(rows, cols, ties)


# --- formats for the API and the CLI --------------------------------------------------


class ExportFormat(NamedTuple):
    media_type: str
    extension: str  # without the dot
    write: Callable[[nx.MultiDiGraph], bytes]


def _json_bytes(graph: nx.MultiDiGraph) -> bytes:
    return write_json(graph).encode("utf-8")


def _dl_bytes(graph: nx.MultiDiGraph) -> bytes:
    """The DL of memberships active on the graph's ``as_of`` (a date or an ISO string, as
    the graph builder stores it); of every membership when the graph has none."""
    as_of = restore_value("as_of", graph.graph.get("as_of"))
    return write_dl(graph, as_of=as_of if isinstance(as_of, date) else None).encode("utf-8")


FORMATS: Mapping[str, ExportFormat] = {
    "gexf": ExportFormat("application/gexf+xml", "gexf", write_gexf),
    "graphml": ExportFormat("application/graphml+xml", "graphml", write_graphml),
    "json": ExportFormat("application/json", "json", _json_bytes),
    "csv": ExportFormat("application/zip", "zip", write_csv_zip),
    "dl": ExportFormat("text/plain; charset=utf-8", "dl", _dl_bytes),
}
