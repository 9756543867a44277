"""UCINET DL of memberships: the two-mode person-by-team network and the one-mode
person-by-person co-membership matrix (see :mod:`communities.flow.exports`).

Both are ``format = edgelist1`` with a ``labels:`` list, the one DL form that UCINET and
igraph's ``Graph.Read_DL`` both read: igraph takes neither ``nr``/``nc`` (two-mode) nor
values other than 0 and 1 in a full matrix, nor labels with spaces or quotes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import date
from itertools import combinations
from typing import Any, Literal

import networkx as nx

from communities.flow.exports.values import clean_text
from communities.flow.schema import MEMBER, PERSON, TEAM, active_on

# --- UCINET DL ------------------------------------------------------------------------

_NOT_IN_LABEL = re.compile(r"[,\"']")


def dl_label(text: str) -> str:
    """A label as both UCINET and igraph read it: one token, no quotes or commas.

    Runs of white space (line breaks and tabs too) become one ``_``; commas, double and
    single quotes are dropped; control characters are stripped. Any other Unicode stays
    (the file is UTF-8). An empty result is ``""``; :func:`write_dl` then uses the node id.
    """
    return "_".join(_NOT_IN_LABEL.sub("", clean_text(text)).split())


def _labels(graph: nx.MultiDiGraph, nodes: list[Any], labels: Literal["label", "id"]) -> list[str]:
    """Labels in node order: an empty one (or ``data:``, which DL reads as a keyword) is
    the node id, and a label two nodes share gets the node id appended (``Ana_[person:1]``)."""
    found = []
    for node in nodes:
        label = graph.nodes[node].get("label") if labels == "label" else None
        text = dl_label(str(label)) if label is not None else ""
        found.append(text if text and text.lower() != "data:" else dl_label(str(node)))
    counts = Counter(found)
    return [
        f"{text}_[{dl_label(str(node))}]" if counts[text] > 1 else text
        for text, node in zip(found, nodes, strict=True)
    ]


def _kind(graph: nx.MultiDiGraph, kind: str) -> list[Any]:
    return [node for node, data in graph.nodes(data=True) if data.get("kind") == kind]


def _memberships(graph: nx.MultiDiGraph, as_of: date | None) -> set[tuple[Any, Any]]:
    """(person, team) pairs with a membership active on ``as_of`` (ever, when ``None``)."""
    return {
        (u, v)
        for u, v, data in graph.edges(data=True)
        if data.get("kind") == MEMBER
        and graph.nodes[u].get("kind") == PERSON
        and graph.nodes[v].get("kind") == TEAM
        and active_on(data, as_of)
    }


def _edgelist(labels: list[str], lines: Iterable[str]) -> str:
    text = [f"dl n={len(labels)}", "format = edgelist1", "labels:", *labels, "data:", *lines]
    return "\r\n".join(text) + "\r\n"


def write_dl(
    graph: nx.MultiDiGraph,
    *,
    as_of: date | None = None,
    labels: Literal["label", "id"] = "label",
) -> str:
    """UCINET DL of the two-mode person-by-team membership network.

    ``n`` is the number of people plus teams; the ``labels:`` list gives every person of
    the graph, then every team, in graph order (isolates included), and each ``data:``
    line ``i j`` is a membership of person ``i`` in team ``j`` (numbered from 1 in that
    list). In UCINET the rows of the people and the columns of the teams are the
    person-by-team matrix; in igraph (``Graph.Read_DL(path, directed=False)``) it is the
    bipartite graph, the first vertices the people. ``as_of`` keeps only memberships
    active that day (:func:`communities.flow.schema.active_on`); ``None`` keeps every
    membership ever. Labels are node labels (:func:`dl_label`) or, with ``labels="id"``,
    node ids. Lines end in CRLF.
    """
    people, teams = _kind(graph, PERSON), _kind(graph, TEAM)
    number = {node: index + 1 for index, node in enumerate(people + teams)}
    ties = _memberships(graph, as_of)
    lines = [f"{number[p]} {number[t]}" for p in people for t in teams if (p, t) in ties]
    return _edgelist(_labels(graph, people + teams, labels), lines)


def write_dl_comembership(
    graph: nx.MultiDiGraph,
    *,
    as_of: date | None = None,
    labels: Literal["label", "id"] = "label",
) -> str:
    """UCINET DL of the one-mode person-by-person co-membership matrix.

    The ``labels:`` list gives every person of the graph in graph order, and each
    ``data:`` line ``i j w`` says that persons ``i`` and ``j`` share ``w`` teams; the
    matrix is symmetric, so each pair is written both ways (``i j w`` and ``j i w``) and
    the diagonal is left out. In igraph, ``Graph.Read_DL(path)`` gives reciprocal arcs
    with the count as ``weight``. ``as_of`` counts teams both belong to that day;
    ``None`` counts teams both were ever members of. Labels as for :func:`write_dl`.
    """
    people = _kind(graph, PERSON)
    number = {node: index + 1 for index, node in enumerate(people)}
    teams_of: dict[Any, set[Any]] = {person: set() for person in people}
    for person, team in _memberships(graph, as_of):
        teams_of[person].add(team)
    lines = []
    for a, b in combinations(people, 2):
        shared = len(teams_of[a] & teams_of[b])
        if shared:
            lines += [f"{number[a]} {number[b]} {shared}", f"{number[b]} {number[a]} {shared}"]
    return _edgelist(_labels(graph, people, labels), lines)
