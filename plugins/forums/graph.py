"""Threads in the knowledge-flow graph: a node kind, and nodes and edges for the graph.

A thread is a node ``forum_thread:ID``, carrying the team it speaks for (its board's
team, else its author's team when it was opened) and that team's level. A reference
``#cycle-12`` in a post gives an edge ``cycle:12 -> forum_thread:ID`` of kind
``referenced_in`` that carries learning (``flow=True``); ``#artifact-4`` gives one from
the artifact's version current at the time of the post. So a thread of team A that
refers to a cycle of team B is a step of learning from B to A in the team flow. The
team is joined to its thread by a structural ``discussed_in`` edge.

The graph is built per community with no viewer and exported to researchers: only
threads of boards visible to the whole community, and not hidden, are in it; posts
hidden by a facilitator contribute no reference.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tortoise.expressions import Q

from plugins.api import (
    ArtifactVersion,
    GraphContribution,
    LearningLink,
    NodeInfo,
    NodeKind,
    Team,
)
from plugins.forums.models import Reference, Thread

KIND = "forum_thread"
REFERENCED_IN = "referenced_in"
DISCUSSED_IN = "discussed_in"
_TEAM_LEVELS = {"district_design_team": "district", "school_design_team": "school"}
_ORGANIZATION_LEVELS = {"district": "district", "school": "school"}


def _day(moment: datetime | date) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _public() -> dict[str, Any]:
    return {"hidden": False, "board__visibility": "community"}


async def resolve_threads(ids: list[int]) -> dict[int, NodeInfo]:
    """The threads among ``ids`` that may be in the graph, in one query."""
    rows = await Thread.filter(id__in=ids, **_public()).values(
        "id", "title", "community_id", "team_id", "created_at"
    )
    return {
        r["id"]: NodeInfo(
            community_id=r["community_id"],
            date=_day(r["created_at"]),
            label=r["title"],
            team_id=r["team_id"],
        )
        for r in rows
    }


NODE_KIND = NodeKind(KIND, "Forum thread", resolve_threads)


async def contributions(community_ids: list[int], as_of: date | None) -> GraphContribution:
    """Every public thread of these communities, what it refers to, and the learning
    links recorded to or from it: five queries.

    ``as_of`` is left to the graph: it drops what is dated after it."""
    threads = await Thread.filter(community_id__in=community_ids, **_public()).values(
        "id", "title", "community_id", "team_id", "created_at", "is_question", "resolved"
    )
    if not threads:
        return GraphContribution()
    team_ids = sorted({t["team_id"] for t in threads if t["team_id"]})
    levels = {
        r["id"]: _TEAM_LEVELS.get(r["kind"]) or _ORGANIZATION_LEVELS.get(r["org"] or "", "other")
        for r in await Team.filter(id__in=team_ids).values("id", "kind", org="organization__kind")
    }
    refs = await Reference.filter(
        thread__community_id__in=community_ids,
        thread__hidden=False,
        thread__board__visibility="community",
        post__hidden=False,
    ).values("thread_id", "kind", "target_id", "created_at")
    artifact_ids = sorted({r["target_id"] for r in refs if r["kind"] == "artifact"})
    versions: dict[int, list[tuple[date, int]]] = {}
    for v in await ArtifactVersion.filter(artifact_id__in=artifact_ids).values(
        "id", "artifact_id", "created_on"
    ):
        versions.setdefault(v["artifact_id"], []).append((v["created_on"], v["id"]))
    nodes: list[tuple[str, dict[str, Any]]] = []
    edges: list[tuple[str, str, dict[str, Any]]] = []
    for t in threads:
        node = f"{KIND}:{t['id']}"
        data: dict[str, Any] = {
            "kind": KIND,
            "label": t["title"],
            "community": t["community_id"],
            "start": _day(t["created_at"]),
            "question": t["is_question"],
            "resolved": t["resolved"],
        }
        if t["team_id"]:
            data["team"] = f"team:{t['team_id']}"
            data["level"] = levels.get(t["team_id"], "other")
            edges.append((data["team"], node, {"kind": DISCUSSED_IN, "date": data["start"]}))
        nodes.append((node, data))
    for r in refs:
        day = _day(r["created_at"])
        if r["kind"] == "cycle":
            source = f"cycle:{r['target_id']}"
        else:
            chain = sorted(versions.get(r["target_id"], []))
            if not chain:
                continue
            earlier = [vid for made, vid in chain if made <= day]
            source = f"artifact_version:{earlier[-1] if earlier else chain[0][1]}"
        edges.append(
            (source, f"{KIND}:{r['thread_id']}", {"kind": REFERENCED_IN, "flow": True, "date": day})
        )
    edges.extend(await _recorded_links(community_ids))
    return GraphContribution(nodes=nodes, edges=edges)


async def _recorded_links(community_ids: list[int]) -> list[tuple[str, str, dict[str, Any]]]:
    """Learning links recorded by hand to or from a thread: one query.

    The graph adds recorded links before plugin nodes exist, so it drops those that
    touch a plugin's node; we add them again here, once our nodes are in (an edge's
    key is its kind, so should the graph keep them itself one day, nothing doubles)."""
    links = await LearningLink.filter(
        Q(source__startswith=f"{KIND}:") | Q(target__startswith=f"{KIND}:"),
        community_id__in=community_ids,
    ).values("source", "target", "kind", "date", "note")
    return [
        (
            r["source"],
            r["target"],
            {"kind": r["kind"], "date": r["date"], **({"note": r["note"]} if r["note"] else {})},
        )
        for r in links
    ]
