"""Convenings and decisions in the knowledge-flow graph.

Node kinds ``convening`` and ``decision`` (so learning links may address them as
``convening:ID`` and ``decision:ID``). Edges, all carrying learning (``flow=True``),
dated on the convening's local day:

- ``cycle -> convening`` (``shared_at``): a cycle a decision rests on, or one that was
  on the agenda of a convening that was held;
- ``convening -> decision`` (``decided``);
- ``decision -> artifact_version`` (``informed``): the version the decision led to,
  dated on the version's day (the same edge a recorded learning link would give).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from plugins.api import GraphContribution, NodeInfo, NodeKind, NodeRef
from plugins.convenings.models import AgendaEntry, Convening, Decision
from plugins.convenings.times import local

CONVENING, DECISION = "convening", "decision"
SHARED_AT, DECIDED, INFORMED = "shared_at", "decided", "informed"
LABEL_LIMIT = 80


def _day(row: dict[str, Any], prefix: str = "") -> date:
    return local(row[f"{prefix}starts_at"], row[f"{prefix}time_zone"]).date()


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


async def resolve_convenings(ids: list[int]) -> dict[int, NodeInfo]:
    rows = await Convening.filter(id__in=ids, starts_at__not_isnull=True).values(
        "id", "community_id", "title", "starts_at", "time_zone"
    )
    return {r["id"]: NodeInfo(r["community_id"], _day(r), r["title"]) for r in rows}


async def resolve_decisions(ids: list[int]) -> dict[int, NodeInfo]:
    rows = await Decision.filter(id__in=ids).values(
        "id",
        "text",
        community_id="convening__community_id",
        starts_at="convening__starts_at",
        time_zone="convening__time_zone",
    )
    return {
        r["id"]: NodeInfo(r["community_id"], _day(r) if r["starts_at"] else None, _short(r["text"]))
        for r in rows
    }


NODE_KINDS = [
    NodeKind(CONVENING, "Convening", resolve_convenings),
    NodeKind(DECISION, "Decision", resolve_decisions),
]


def _cycle_refs(refs: list[str] | None) -> list[str]:
    found = []
    for ref in refs or ():
        try:
            node = NodeRef.parse(ref)
        except ValueError:
            continue
        if node.kind == "cycle":
            found.append(str(node))
    return found


async def contributions(community_ids: list[int], as_of: date | None) -> GraphContribution:
    """Dated, not cancelled convenings of these communities, their decisions, and the
    edges above: four queries. ``as_of`` is left to the graph."""
    convenings = (
        await Convening.filter(community_id__in=community_ids, starts_at__not_isnull=True)
        .exclude(status="cancelled")
        .values("id", "community_id", "title", "starts_at", "time_zone", "status")
    )
    days = {r["id"]: _day(r) for r in convenings}
    decisions = await Decision.filter(convening_id__in=list(days)).values(
        "id",
        "convening_id",
        "text",
        "artifact_version_id",
        version_day="artifact_version__created_on",
    )
    rested = await Decision.filter(convening_id__in=list(days), cycles__id__not_isnull=True).values(
        "convening_id", cycle_id="cycles__id"
    )
    held = [r["id"] for r in convenings if r["status"] == "held"]
    agenda = await AgendaEntry.filter(convening_id__in=held).values("convening_id", "refs")
    community = {r["id"]: r["community_id"] for r in convenings}
    nodes: list[tuple[str, dict[str, Any]]] = [
        (
            f"{CONVENING}:{r['id']}",
            {
                "kind": CONVENING,
                "label": r["title"],
                "community": r["community_id"],
                "start": days[r["id"]],
            },
        )
        for r in convenings
    ]
    edges: list[tuple[str, str, dict[str, Any]]] = []
    shared: set[tuple[str, int]] = {(f"cycle:{r['cycle_id']}", r["convening_id"]) for r in rested}
    for row in agenda:
        shared.update((ref, row["convening_id"]) for ref in _cycle_refs(row["refs"]))
    for cycle, convening_id in sorted(shared):
        edges.append(
            (
                cycle,
                f"{CONVENING}:{convening_id}",
                {"kind": SHARED_AT, "flow": True, "date": days[convening_id]},
            )
        )
    for r in decisions:
        node, day = f"{DECISION}:{r['id']}", days[r["convening_id"]]
        nodes.append(
            (
                node,
                {
                    "kind": DECISION,
                    "label": _short(r["text"]),
                    "community": community[r["convening_id"]],
                    "start": day,
                },
            )
        )
        edges.append(
            (f"{CONVENING}:{r['convening_id']}", node, {"kind": DECIDED, "flow": True, "date": day})
        )
        if r["artifact_version_id"]:
            edges.append(
                (
                    node,
                    f"artifact_version:{r['artifact_version_id']}",
                    {"kind": INFORMED, "flow": True, "date": r["version_day"] or day},
                )
            )
    return GraphContribution(nodes=nodes, edges=edges)
