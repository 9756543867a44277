"""The node kinds the domain registers: cycles and artifact versions."""

from __future__ import annotations

from communities.models import ArtifactVersion, Cycle
from core.nodes import NodeInfo, NodeKind


async def resolve_cycles(ids: list[int]) -> dict[int, NodeInfo]:
    rows = await Cycle.filter(id__in=ids).values(
        "id", "community_id", "team_id", "title", "actual_start", "planned_start"
    )
    return {
        r["id"]: NodeInfo(
            community_id=r["community_id"],
            date=r["actual_start"] or r["planned_start"],
            label=r["title"],
            team_id=r["team_id"],
        )
        for r in rows
    }


async def resolve_artifact_versions(ids: list[int]) -> dict[int, NodeInfo]:
    rows = await ArtifactVersion.filter(id__in=ids).values(
        "id",
        "number",
        "created_on",
        "artifact__community_id",
        "artifact__team_id",
        "artifact__title",
    )
    return {
        r["id"]: NodeInfo(
            community_id=r["artifact__community_id"],
            date=r["created_on"],
            label=f"{r['artifact__title']} v{r['number']}",
            team_id=r["artifact__team_id"],
        )
        for r in rows
    }


NODE_KINDS = (
    NodeKind("cycle", "PDSA cycle", resolve_cycles),
    NodeKind("artifact_version", "Artifact version", resolve_artifact_versions),
)
