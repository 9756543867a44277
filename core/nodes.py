"""Nodes that learning links address as ``kind:id``, and the kinds plugins register."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.bounds import id_or_none

_REF = re.compile(r"^([a-z][a-z0-9_]*):([1-9][0-9]*)$")


@dataclass(frozen=True)
class NodeRef:
    kind: str
    id: int

    @classmethod
    def parse(cls, text: str) -> NodeRef:
        """Parse ``"cycle:12"``; raises ``ValueError`` with a readable message."""
        match = _REF.match(text.strip()) if isinstance(text, str) else None
        ident = id_or_none(match.group(2)) if match else None
        if match is None or ident is None:
            raise ValueError(f"expected kind:id such as cycle:12, got {text!r}")
        return cls(match.group(1), ident)

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class NodeInfo:
    """What the kernel needs to know of a node to validate a link to it."""

    community_id: int
    date: date | None
    label: str
    team_id: int | None = None


Resolver = Callable[[list[int]], Awaitable[dict[int, NodeInfo]]]


@dataclass(frozen=True)
class NodeKind:
    """A kind of node: its name in ``kind:id``, a label, and how to look nodes up.

    ``resolve`` takes ids and returns the ones that exist, in one query. A node's label may
    change only with a write that raises its community's change counter: pages and graphs
    that show it are kept under that counter (``docs/plugins.md``, ``nic_node_kinds``).
    """

    name: str
    label: str
    resolve: Resolver


@dataclass(frozen=True)
class GraphContribution:
    """Nodes and edges a plugin adds to the knowledge-flow graph.

    ``nodes`` are ``(node_id, attributes)`` and ``edges`` ``(source, target,
    attributes)``; every attribute dict has a ``kind``, and an edge whose
    attributes say ``flow=True`` carries learning (the traces follow it). Dates are
    ``datetime.date`` under ``start`` (nodes) and ``date`` (edges); the graph leaves
    out what is dated after the date it is built for. An edge whose ends are not in
    the graph is dropped.

    ``node_attributes`` are ``(node_id, attributes)`` merged into nodes already in
    the graph (a team's rubric level by period, say) after every plugin's nodes and
    edges are in; a node not in the graph is skipped and ``kind`` is never
    overwritten. Keep the values scalars (numbers, strings, booleans) so the graph
    still exports to GEXF and GraphML.
    """

    nodes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    edges: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    node_attributes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
