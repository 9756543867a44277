"""Readers of the flow exports, for the tests only: networkx's and igraph's own readers,
plus the few steps that undo our shaping (dates by name, keys, neutralised CSV cells)."""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import igraph
import networkx as nx

from communities.flow.exports import FORMULA_STARTS, is_date_attribute, restore_value

# --- restoring what the writers shaped ------------------------------------------------


def _restored(data: Mapping[str, Any]) -> dict[str, Any]:
    """Attributes with ISO dates under date names as dates, ``None`` left out."""
    return {
        name: [restore_value(name, v) for v in value]
        if isinstance(value, list)
        else restore_value(name, value)
        for name, value in data.items()
        if value is not None
    }


def _graph(
    metadata: Mapping[str, Any],
    nodes: Iterable[tuple[Any, dict[str, Any]]],
    edges: Iterable[tuple[Any, Any, Any, dict[str, Any]]],
) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.graph.update(_restored(metadata))
    graph.add_nodes_from((node, _restored(data)) for node, data in nodes)
    graph.add_edges_from((u, v, key, _restored(data)) for u, v, key, data in edges)
    return graph


# --- GEXF, GraphML, JSON through networkx ---------------------------------------------


def read_gexf(data: bytes) -> nx.MultiDiGraph:
    """networkx's GEXF reader; the ``id`` networkx adds to edges, the spells derived from
    ``date`` and a ``label`` that is only the node id are left out. networkx gives a
    simple graph when no two edges join the same nodes, and drops the keys: they are the
    end of the edge ids (``source|target|key``)."""
    found = nx.read_gexf(io.BytesIO(data))
    if not found.is_multigraph():
        found = (
            nx.MultiDiGraph(
                (u, v, attrs["id"][len(f"{u}|{v}|") :], attrs)
                for u, v, attrs in found.edges(data=True)
            )
            if found.number_of_edges()
            else nx.MultiDiGraph(found)
        )
        found.add_nodes_from(nx.read_gexf(io.BytesIO(data)).nodes(data=True))
    nodes = [
        (node, {k: v for k, v in attrs.items() if not (k == "label" and v == node)})
        for node, attrs in found.nodes(data=True)
    ]
    edges = [
        (u, v, key, {k: x for k, x in attrs.items() if k not in ("id", "spells")})
        for u, v, key, attrs in found.edges(keys=True, data=True)
    ]
    return _graph({}, nodes, edges)


def _json_list(text: Any) -> Any:
    if isinstance(text, str) and text.startswith("["):
        return json.loads(text)
    return text


def read_graphml(data: bytes) -> nx.MultiDiGraph:
    """networkx's GraphML reader (keys from the edge ids); lists from their JSON text."""
    found = nx.read_graphml(io.BytesIO(data), edge_key_type=str, force_multigraph=True)
    metadata = {
        k: _json_list(v)
        for k, v in found.graph.items()
        if k not in ("node_default", "edge_default")
    }
    return _graph(metadata, found.nodes(data=True), found.edges(keys=True, data=True))


def read_json(data: str | bytes) -> nx.MultiDiGraph:
    """networkx's node-link reader; ``null`` values are left out."""
    found = nx.node_link_graph(json.loads(data), edges="edges", multigraph=True)
    return _graph(found.graph, found.nodes(data=True), found.edges(keys=True, data=True))


# --- igraph ---------------------------------------------------------------------------


def _on_disk(data: bytes | str, suffix: str, read: Callable[[str], igraph.Graph]) -> igraph.Graph:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export{suffix}"
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return read(str(path))


def igraph_graphml(data: bytes) -> igraph.Graph:
    return _on_disk(data, ".graphml", igraph.Graph.Read_GraphML)


class Network(NamedTuple):
    """What igraph reads from a DL file: vertex names, arcs by name, their weights."""

    names: list[str]
    arcs: list[tuple[str, str]]
    weights: list[float] | None


def igraph_dl(data: bytes | str) -> Network:
    found = _on_disk(data, ".dl", lambda path: igraph.Graph.Read_DL(path, directed=True))
    names = list(found.vs["name"]) if found.vcount() else []
    arcs = [(names[a], names[b]) for a, b in found.get_edgelist()]
    weights = list(found.es["weight"]) if "weight" in found.es.attributes() else None
    return Network(names, arcs, weights)


# --- CSV ------------------------------------------------------------------------------

# Columns read back as text whatever they hold (a label "2024" stays a string).
CSV_TEXT_COLUMNS = frozenset(
    {"id", "source", "target", "key", "kind", "label", "note", "team", "parent", "level"}
    | {"team_kind", "role", "status", "person", "person_label", "team_label"}
)
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"-?(?:[0-9]+\.[0-9]+(?:e[+-]?[0-9]+)?|[0-9]+e[+-]?[0-9]+|INF)|NaN", re.I)


def unneutralised(cell: str) -> str:
    """A cell as it was before the export put a ``'`` before a formula-like start."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def _converter(name: str, cells: list[str]) -> Callable[[str], Any]:
    """How a column's cells become values: text columns stay text, date names give dates,
    others bool, int or float when every filled cell is one."""
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


def table(text: str) -> list[dict[str, str]]:
    """A CSV table's rows, cells un-neutralised."""
    rows = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    return [{unneutralised(k): unneutralised(v or "") for k, v in row.items()} for row in rows]


def _records(text: str, keys: tuple[str, ...]) -> list[tuple[list[str], dict[str, Any]]]:
    rows = table(text)
    columns = [c for c in (rows[0] if rows else {}) if c not in keys]
    convert = {c: _converter(c, [row[c] for row in rows]) for c in columns}
    return [
        ([row[k] for k in keys], {c: convert[c](row[c]) for c in columns if row[c]}) for row in rows
    ]


def read_csv(tables: Mapping[str, str]) -> nx.MultiDiGraph:
    """The graph from the ``nodes`` and ``edges`` tables; the key from the ``key`` column,
    else the kind."""
    nodes = [(keys[0], values) for keys, values in _records(tables["nodes"], ("id",))]
    edges = []
    for (u, v), values in _records(tables.get("edges", ""), ("source", "target")):
        key = values.pop("key", None)
        edges.append((u, v, values.get("kind") if key is None else key, values))
    return _graph({}, nodes, edges)


def read_csv_zip(data: bytes) -> nx.MultiDiGraph:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        tables = {
            name.removesuffix(".csv"): archive.read(name).decode("utf-8-sig")
            for name in archive.namelist()
        }
    return read_csv(tables)
