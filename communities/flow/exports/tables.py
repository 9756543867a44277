"""The CSV tables, zipped, with formula-like cells neutralised (see
:mod:`communities.flow.exports`)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence

import networkx as nx

from communities.flow.exports.values import (
    Value,
    attribute_items,
    edge_attributes,
    no_clash,
    node_id,
    value_text,
)
from communities.flow.schema import MEMBER

# --- CSV ------------------------------------------------------------------------------

NODE_COLUMNS = ("id", "kind", "label", "team", "level", "start", "end")
EDGE_COLUMNS = ("source", "target", "kind", "date", "start", "end", "role")
MEMBERSHIP_COLUMNS = ("person", "person_label", "team", "team_label", "role", "start", "end")

# What a spreadsheet runs as a formula when a cell starts with it (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralised(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula: one that starts with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return gets a leading ``'`` (the OWASP rule), unless
    it is a plain decimal number (``-4``, ``-0.5``, ``1e-3``), which a spreadsheet reads as
    that number and nothing else."""
    if cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def csv_text(rows: Iterable[Mapping[str, str]], columns: Sequence[str]) -> str:
    """A CSV table (with its header row) whose every cell is :func:`neutralised`."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralised(column) for column in columns])
    writer.writerows([neutralised(row.get(column, "")) for column in columns] for row in rows)
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
    floats exact (``INF``, ``NaN``), absent values empty, formula-like text neutralised
    (:func:`neutralised`). Node attributes cannot be called ``id``, edge attributes
    ``source``, ``target`` or ``key``.
    """
    node_rows, node_names = _csv_rows(
        (f"node {node!r}", {"id": node_id(node)}, dict(attribute_items(f"node {node!r}", data)))
        for node, data in graph.nodes(data=True)
    )
    edge_rows, edge_names = _csv_rows(
        (
            f"edge {u!r} -> {v!r}",
            {"source": node_id(u), "target": node_id(v)},
            edge_attributes(u, v, k, data),
        )
        for u, v, k, data in graph.edges(keys=True, data=True)
    )
    memberships = []
    for u, v, data in graph.edges(data=True):
        if data.get("kind") != MEMBER:
            continue
        row = {
            "person": node_id(u),
            "person_label": graph.nodes[u].get("label"),
            "team": node_id(v),
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
        "nodes": csv_text(node_rows, node_columns),
        "edges": csv_text(edge_rows, edge_columns),
        "memberships": csv_text(memberships, MEMBERSHIP_COLUMNS),
    }


def write_csv_zip(graph: nx.MultiDiGraph) -> bytes:
    """:func:`write_csv`'s tables as ``nodes.csv``, ``edges.csv``, ``memberships.csv``
    in a zip, encoded UTF-8 with a byte-order mark (Excel needs it for non-ASCII text)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in write_csv(graph).items():
            archive.writestr(f"{name}.csv", text.encode("utf-8-sig"))
    return buffer.getvalue()
