"""UCINET DL of the two-mode membership matrix (see :mod:`communities.flow.exports`)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any, Literal, NamedTuple

import networkx as nx

from communities.flow.schema import MEMBER, PERSON, TEAM, active_on

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
