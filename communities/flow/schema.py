"""The shape of the knowledge-flow graph: node and edge kinds and their attributes.

The graph is a ``networkx.MultiDiGraph``. Node ids are the ``kind:id`` strings that
learning links use (``"cycle:12"``, ``"team:3"``, ``"person:7"``,
``"artifact_version:40"``); an edge's key is its kind, so two nodes may be joined by
edges of several kinds but by one edge of each, except memberships: a person who left
a team and came back has one ``member`` edge per spell, keyed ``member``, ``member/2``,
and so on. Read an edge's kind from its ``kind`` attribute, not from its key.

Every node carries ``kind``, ``label`` and ``community`` (the community id). Nodes that
belong to a team carry ``team`` (the team's node id, e.g. ``"team:3"``) and ``level``;
teams carry their own ``level`` and ``team_kind``. Dated nodes carry ``start`` (and
cycles ``end``, ``status``, ``change_idea`` when set) as ``datetime.date``. An attribute
that has no value is left out rather than stored as ``None``.

Every edge carries ``kind``; dated edges carry ``date`` (and memberships ``start``,
``end`` and ``role``). Edges point the way learning moves: from the earlier cycle to
the later one that built on it, from the source of a link to its target, from a team to
the cycles it ran.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

Level = Literal["district", "school", "other"]
LEVELS: tuple[Level, ...] = ("district", "school", "other")

# Node kinds the domain contributes; plugins add their own through nic_graph_contributions.
PERSON, TEAM, CYCLE, ARTIFACT_VERSION = "person", "team", "cycle", "artifact_version"

# Structural edges: who belongs where, who made what.
MEMBER = "member"  # person -> team, with start, end, role
RAN = "ran"  # team -> cycle
PRODUCED = "produced"  # team -> artifact_version
AUTHORED = "authored"  # person -> cycle or artifact_version

# Content edges: learning moving from one piece of work to a later one.
BUILDS_ON = "builds_on"  # earlier cycle -> the cycle that built on it
INFORMED = "informed"  # a recorded learning link
ADAPTED_FROM = "adapted_from"  # source artifact version -> the version adapted from it
REVISED = "revised"  # artifact version n -> version n + 1
SHARED_AT = "shared_at"  # a recorded link: shared at a meeting or event

CONTENT_EDGE_KINDS = frozenset({BUILDS_ON, INFORMED, ADAPTED_FROM, REVISED, SHARED_AT})

TEAM_KIND_LEVELS: dict[str, Level] = {
    "district_design_team": "district",
    "school_design_team": "school",
}
ORGANIZATION_KIND_LEVELS: dict[str, Level] = {"district": "district", "school": "school"}


def node_id(kind: str, object_id: int) -> str:
    return f"{kind}:{object_id}"


def team_level(team_kind: str, organization_kind: str | None) -> Level:
    """District or school by the team's kind, else by its organization's kind."""
    level = TEAM_KIND_LEVELS.get(team_kind)
    if level is None and organization_kind is not None:
        level = ORGANIZATION_KIND_LEVELS.get(organization_kind)
    return level or "other"


def is_content_edge(data: dict[str, Any]) -> bool:
    """Whether an edge carries learning from one piece of work to another.

    Plugin edges count as content when they say so with ``flow=True``.
    """
    return data.get("kind") in CONTENT_EDGE_KINDS or bool(data.get("flow"))


def node_date(data: dict[str, Any]) -> date | None:
    """When a piece of work happened: its start (a cycle's start, a version's date)."""
    value = data.get("start")
    return value if isinstance(value, date) else None


def attributes(**values: Any) -> dict[str, Any]:
    """Keyword arguments without the ``None`` ones (graph attributes are never ``None``)."""
    return {k: v for k, v in values.items() if v is not None}


def active_on(data: dict[str, Any], on: date | None) -> bool:
    """Whether a membership edge holds on a date (``None``: at any time, i.e. ever)."""
    if on is None:
        return True
    start, end = data.get("start"), data.get("end")
    return (start is None or start <= on) and (end is None or end >= on)
