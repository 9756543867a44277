"""What the exports write and read back: checked values, their text and types, dates
restored by attribute name (see :mod:`communities.flow.exports`)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any, TypeAlias

import networkx as nx

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


def checked_value(where: str, name: Any, value: Any) -> Value:
    if not isinstance(value, str | int | float | date):  # bool is an int
        raise TypeError(
            f"{where}: attribute {name!r} holds a {type(value).__name__}; exports take "
            "str, int, float, bool and date values"
        )
    return value


def attribute_items(where: str, data: Mapping[Any, Any]) -> Iterator[tuple[str, Value]]:
    """The attributes worth writing: ``None`` left out, unsupported types refused."""
    for name, value in data.items():
        if value is not None:
            yield str(name), checked_value(where, name, value)


def graph_items(data: Mapping[Any, Any]) -> Iterator[tuple[str, Value | list[Value]]]:
    """Graph metadata: values as for nodes, and lists of them (the community slugs)."""
    for name, value in data.items():
        if isinstance(value, list | tuple):
            yield str(name), [checked_value("graph", name, item) for item in value]
        elif value is not None:
            yield str(name), checked_value("graph", name, value)


def edge_attributes(u: Any, v: Any, key: Any, data: Mapping[Any, Any]) -> dict[str, Value]:
    """An edge's attributes, plus ``key`` when its key is not its kind (``member/2``)."""
    where = f"edge {u!r} -> {v!r} ({key!r})"
    attrs = dict(attribute_items(where, data))
    if "key" in attrs:
        raise ValueError(f"{where}: attribute 'key' clashes with the edge key exports write")
    if key != attrs.get("kind"):
        attrs["key"] = checked_value(where, "key", key)
    return attrs


def value_text(value: Value) -> str:
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


def xsd_type(value: Value) -> str:
    """The XML-schema type name (as GEXF and GraphML spell it) of a value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"  # str, and dates as ISO strings


def parse_typed(name: str, type_name: str, text: str) -> Any:
    """A value from its text and declared type; strings go through :func:`restore_value`."""
    kind = type_name.lower()
    if kind == "boolean":
        return text.strip().lower() in ("true", "1")
    if kind in ("int", "integer", "long", "short", "byte"):
        return int(text.strip())
    if kind in ("float", "double"):
        return float(text.strip())
    return restore_value(name, text)


def rebuild_graph(
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
