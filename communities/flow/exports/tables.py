"""The CSV tables, zipped (see :mod:`communities.flow.exports`)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import networkx as nx

from communities.flow.exports.nodelink import no_clash
from communities.flow.exports.values import (
    Value,
    attribute_items,
    edge_attributes,
    is_date_attribute,
    rebuild_graph,
    restore_value,
    value_text,
)
from communities.flow.schema import MEMBER

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
        no_clash(where, attrs, row)
        row.update((name, value_text(value)) for name, value in attrs.items())
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
        (f"node {node!r}", {"id": str(node)}, dict(attribute_items(f"node {node!r}", data)))
        for node, data in graph.nodes(data=True)
    )
    edge_rows, edge_names = _csv_rows(
        (
            f"edge {u!r} -> {v!r}",
            {"source": str(u), "target": str(v)},
            edge_attributes(u, v, k, data),
        )
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
        memberships.append(
            {k: value_text(value) for k, value in attribute_items("membership", row)}
        )
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
    return rebuild_graph({}, nodes, edges)


def read_csv_zip(data: bytes) -> nx.MultiDiGraph:
    """The graph from the zip of :func:`write_csv_zip`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        tables = {
            name.rpartition("/")[2].removesuffix(".csv"): archive.read(name).decode("utf-8-sig")
            for name in archive.namelist()
            if name.endswith(".csv")
        }
    return read_csv(tables)
