"""Exports of the knowledge-flow graph, written for the tools researchers use.

Formats (:data:`FORMATS` maps each name to its media type, file extension and writer):

``gexf``
    GEXF 1.2 by networkx's writer, valid against the GEXF 1.2 schema, for Gephi. Dynamic
    (``timeformat="date"``) when any element has a date: a node or edge whose
    ``start``/``end`` are dates carries them as the element's ``start``/``end`` (Gephi's
    timeline); one that only has a ``date`` gets a spell from that date on, so a learning
    link appears on the timeline when it was made. ``label`` is the node's ``label``,
    ``weight`` the edge's ``weight``; every other attribute, ``kind`` included, is a typed
    ``attvalue``; the edge key is the ``networkx_key`` attvalue (networkx's reader makes
    it the key again) and edge ids are ``source|target|key``. See :mod:`.gexf`.
``graphml``
    GraphML by networkx's writer, one typed ``<key>`` per attribute name, scope and type;
    the edge key is the edge's ``id``. Reads in networkx (``read_graphml(...,
    edge_key_type=str)``), igraph (``Graph.Read_GraphML``) and yEd. See :mod:`.graphml`.
``json``
    networkx node-link data (``edges="edges"``) with the graph's metadata (community,
    ``as_of``, ...) under the top-level ``"graph"``; :func:`node_link` gives it as a dict.
``csv``
    A zip of three tables (:func:`write_csv`): ``nodes.csv``, ``edges.csv`` and
    ``memberships.csv``, UTF-8 with a byte-order mark so spreadsheets read é and 中文.
    A cell a spreadsheet would run as a formula is neutralised (:func:`neutralised`).
``dl``
    UCINET DL of the two-mode person-by-team memberships (:func:`write_dl`).
``dl-comembership``
    UCINET DL of the one-mode person-by-person co-membership matrix, the number of teams
    two people share (:func:`write_dl_comembership`).

Both DL files hold the memberships active on the graph's ``as_of`` and read in UCINET and
in igraph (``Graph.Read_DL``).

Values. Node, edge and graph attributes may be ``str``, ``int``, ``float``, ``bool`` or
``datetime.date``; ``None`` counts as absent and other types raise ``TypeError``. Dates are
written as ISO strings (``2024-03-01``): no format has a date type, so a reader turns a
string back into a ``date`` when the attribute's name says it is one
(:func:`is_date_attribute`: ``start``, ``end``, ``date``, ``as_of`` and names ending in
``_date`` or ``_on``; :func:`restore_value` does it). The graph's metadata may also hold
lists of such values (the builder's ``communities`` slugs): a JSON array in GraphML, a
list in JSON, the ``<description>`` text in GEXF.

Edge keys. The key is the kind except for repeated spells of one membership (``member``,
``member/2``, ...). GEXF, GraphML and JSON keep it where networkx's readers find it; CSV
has a ``key`` column where some key differs from the kind. An edge attribute of its own
may therefore not be called ``key`` (``ValueError``).

Text. Control characters other than tab, newline and carriage return (and lone
surrogates) are stripped from every export (:func:`clean_text`). Everything else (quotes,
commas, newlines, ``<&>``, any Unicode) is kept in GEXF, GraphML, JSON and CSV; for DL
labels see :func:`dl_label`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import NamedTuple

import networkx as nx

from communities.flow.exports.dl import dl_label, write_dl, write_dl_comembership
from communities.flow.exports.gexf import GEXF_NAMESPACE, write_gexf
from communities.flow.exports.graphml import GRAPHML_NAMESPACE, write_graphml
from communities.flow.exports.nodelink import node_link, write_json
from communities.flow.exports.tables import (
    EDGE_COLUMNS,
    FORMULA_STARTS,
    MEMBERSHIP_COLUMNS,
    NODE_COLUMNS,
    neutralised,
    write_csv,
    write_csv_zip,
)
from communities.flow.exports.values import (
    DATE_ATTRIBUTES,
    DATE_SUFFIXES,
    Value,
    clean_text,
    is_date_attribute,
    restore_value,
)

__all__ = [
    "DATE_ATTRIBUTES",
    "DATE_SUFFIXES",
    "EDGE_COLUMNS",
    "FORMATS",
    "FORMULA_STARTS",
    "GEXF_NAMESPACE",
    "GRAPHML_NAMESPACE",
    "MEMBERSHIP_COLUMNS",
    "NODE_COLUMNS",
    "ExportFormat",
    "Value",
    "clean_text",
    "dl_label",
    "is_date_attribute",
    "neutralised",
    "node_link",
    "restore_value",
    "write_csv",
    "write_csv_zip",
    "write_dl",
    "write_dl_comembership",
    "write_gexf",
    "write_graphml",
    "write_json",
]

# --- formats for the API and the CLI --------------------------------------------------


class ExportFormat(NamedTuple):
    media_type: str
    extension: str  # without the dot
    write: Callable[[nx.MultiDiGraph], bytes]


def _json_bytes(graph: nx.MultiDiGraph) -> bytes:
    return write_json(graph).encode("utf-8")


def _as_of(graph: nx.MultiDiGraph) -> date | None:
    """The graph's ``as_of`` (a date or an ISO string, as the graph builder stores it)."""
    as_of = restore_value("as_of", graph.graph.get("as_of"))
    return as_of if isinstance(as_of, date) else None


def _dl_bytes(graph: nx.MultiDiGraph) -> bytes:
    """The two-mode DL of memberships active on the graph's ``as_of`` (every one without)."""
    return write_dl(graph, as_of=_as_of(graph)).encode("utf-8")


def _comembership_bytes(graph: nx.MultiDiGraph) -> bytes:
    """The co-membership DL on the graph's ``as_of`` (teams ever shared without)."""
    return write_dl_comembership(graph, as_of=_as_of(graph)).encode("utf-8")


FORMATS: Mapping[str, ExportFormat] = {
    "gexf": ExportFormat("application/gexf+xml", "gexf", write_gexf),
    "graphml": ExportFormat("application/graphml+xml", "graphml", write_graphml),
    "json": ExportFormat("application/json", "json", _json_bytes),
    "csv": ExportFormat("application/zip", "zip", write_csv_zip),
    "dl": ExportFormat("text/plain; charset=utf-8", "dl", _dl_bytes),
    "dl-comembership": ExportFormat(
        "text/plain; charset=utf-8", "comembership.dl", _comembership_bytes
    ),
}
