"""Sessions in the knowledge-flow graph: a node kind, and nodes and edges for the graph.

A session is a node ``learning_session:ID`` (so learning links may point at it: "what
we heard at the data dive informed this cycle"). Each cycle shared at a session
gives an edge ``cycle -> learning_session`` of kind ``shared_at`` that carries
learning (``flow=True``): traces, team flow and silos follow it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nic_learning_spaces.models import LearningSession
from plugins.api import GraphContribution, NodeInfo, NodeKind

KIND = "learning_session"
SHARED_AT = "shared_at"


def session_label(space_name: str, held_on: date) -> str:
    return f"{space_name}, {held_on.isoformat()}"


async def resolve_sessions(ids: list[int]) -> dict[int, NodeInfo]:
    """The sessions among ``ids`` that exist, in one query."""
    rows = await LearningSession.filter(id__in=ids).values(
        "id", "held_on", "space__name", "space__community_id"
    )
    return {
        r["id"]: NodeInfo(
            community_id=r["space__community_id"],
            date=r["held_on"],
            label=session_label(r["space__name"], r["held_on"]),
        )
        for r in rows
    }


NODE_KIND = NodeKind(KIND, "Learning session", resolve_sessions)


async def contributions(community_ids: list[int], as_of: date | None) -> GraphContribution:
    """Every session of these communities and the cycles shared at it: two queries.

    ``as_of`` is left to the graph: it drops what is dated after it."""
    sessions = await LearningSession.filter(space__community_id__in=community_ids).values(
        "id", "held_on", "space_id", "space__name", "space__kind", "space__community_id"
    )
    shared = await LearningSession.filter(
        space__community_id__in=community_ids, shared_cycles__id__not_isnull=True
    ).values("id", "held_on", cycle_id="shared_cycles__id")
    nodes: list[tuple[str, dict[str, Any]]] = [
        (
            f"{KIND}:{r['id']}",
            {
                "kind": KIND,
                "label": session_label(r["space__name"], r["held_on"]),
                "community": r["space__community_id"],
                "start": r["held_on"],
                "space": r["space_id"],
                "space_kind": r["space__kind"],
            },
        )
        for r in sessions
    ]
    edges: list[tuple[str, str, dict[str, Any]]] = [
        (
            f"cycle:{r['cycle_id']}",
            f"{KIND}:{r['id']}",
            {"kind": SHARED_AT, "flow": True, "date": r["held_on"]},
        )
        for r in shared
    ]
    return GraphContribution(nodes=nodes, edges=edges)
