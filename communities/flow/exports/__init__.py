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

from collections.abc import Callable, Mapping
from datetime import date
from typing import NamedTuple

import networkx as nx

from communities.flow.exports.dl import TwoModeNetwork, dl_label, read_dl, write_dl
from communities.flow.exports.gexf import GEXF_NAMESPACE, read_gexf, write_gexf
from communities.flow.exports.graphml import GRAPHML_NAMESPACE, read_graphml, write_graphml
from communities.flow.exports.nodelink import node_link, read_json, write_json
from communities.flow.exports.tables import (
    CSV_TEXT_COLUMNS,
    EDGE_COLUMNS,
    MEMBERSHIP_COLUMNS,
    NODE_COLUMNS,
    read_csv,
    read_csv_zip,
    write_csv,
    write_csv_zip,
)
from communities.flow.exports.values import (
    DATE_ATTRIBUTES,
    DATE_SUFFIXES,
    Value,
    is_date_attribute,
    restore_value,
)

__all__ = [
    "CSV_TEXT_COLUMNS",
    "DATE_ATTRIBUTES",
    "DATE_SUFFIXES",
    "EDGE_COLUMNS",
    "FORMATS",
    "GEXF_NAMESPACE",
    "GRAPHML_NAMESPACE",
    "MEMBERSHIP_COLUMNS",
    "NODE_COLUMNS",
    "ExportFormat",
    "TwoModeNetwork",
    "Value",
    "dl_label",
    "is_date_attribute",
    "node_link",
    "read_csv",
    "read_csv_zip",
    "read_dl",
    "read_gexf",
    "read_graphml",
    "read_json",
    "restore_value",
    "write_csv",
    "write_csv_zip",
    "write_dl",
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
