"""Artifacts: shared tools, protocols and routines; versions, adaptation and vetting."""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError

from communities.changes import community_write
from communities.models import Artifact, ArtifactVersion, Person, Team
from communities.schemas import (
    ArtifactCreate,
    ArtifactShare,
    ArtifactUpdate,
    ArtifactVersionCreate,
)
from communities.services.base import (
    Listing,
    changes_of,
    check_reference,
    check_references,
    get_row,
    list_rows,
    related_ids,
)
from communities.services.communities import check_community
from communities.services.links import forget_nodes
from core.context import ServiceContext
from core.errors import Conflict, InvalidInput

ARTIFACTS = Listing(
    Artifact,
    "artifact",
    (
        "id",
        "community_id",
        "team_id",
        "derived_from_id",
        "title",
        "kind",
        "description",
        "vetting",
        "created_at",
    ),
    filters={
        "community": "community_id",
        "team": "team_id",
        "kind": "kind",
        "vetting": "vetting",
        "derived_from": "derived_from_id",
    },
)
ARTIFACT_VERSIONS = Listing(
    ArtifactVersion,
    "artifact version",
    ("id", "artifact_id", "number", "summary", "content", "url", "created_on", "author_id"),
    community_path="artifact__community_id",
    filters={"artifact": "artifact_id", "author": "author_id"},
    order=("artifact_id", "number"),
)


async def _attach_shares(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    shares = await related_ids(Artifact, [r["id"] for r in rows], "shared_with__id")
    for row in rows:
        row["shared_with_ids"] = shares.get(row["id"], [])
    return rows


async def get_artifact(ctx: ServiceContext, artifact_id: int) -> dict[str, Any]:
    return (await _attach_shares([await get_row(ctx, ARTIFACTS, artifact_id)]))[0]


async def list_artifacts(
    ctx: ServiceContext, filters: dict[str, Any], page: Any
) -> tuple[list[dict[str, Any]], int]:
    rows, total = await list_rows(ctx, ARTIFACTS, filters, page)
    return await _attach_shares(rows), total


async def _authorize_artifact(ctx: ServiceContext, community_id: int, team_id: int | None) -> None:
    if team_id is None:
        await ctx.authorize("write", community_id=community_id)
    else:
        await ctx.authorize("write_team", community_id=community_id, team_id=team_id)


async def create_artifact(ctx: ServiceContext, data: ArtifactCreate) -> dict[str, Any]:
    await check_community(ctx, data.community_id)
    await check_reference(Team, data.team_id, data.community_id, "team_id", what="team")
    await _authorize_artifact(ctx, data.community_id, data.team_id)
    if data.vetting == "known_good":
        await ctx.authorize("manage", community_id=data.community_id)
    await check_reference(
        Artifact, data.derived_from_id, data.community_id, "derived_from_id", what="artifact"
    )
    async with community_write(data.community_id):
        artifact = await Artifact.create(**data.model_dump())
    return await get_artifact(ctx, artifact.id)


async def update_artifact(
    ctx: ServiceContext, artifact_id: int, data: ArtifactUpdate
) -> dict[str, Any]:
    current = await get_artifact(ctx, artifact_id)
    await _authorize_artifact(ctx, current["community_id"], current["team_id"])
    changes = changes_of(data, not_null="all")
    vetting = changes.get("vetting")
    if "known_good" in {vetting, current["vetting"]} and vetting not in {None, current["vetting"]}:
        # Vouching that something is "known good" (or no longer) is the community's call.
        await ctx.authorize("manage", community_id=current["community_id"])
    if changes:
        async with community_write(current["community_id"]):
            await Artifact.filter(id=artifact_id).update(**changes)
    row = await get_artifact(ctx, artifact_id)
    if vetting and vetting != "draft" and current["vetting"] == "draft":
        await ctx.emit(
            "artifact_shared",
            artifact=row,
            team_ids=row["shared_with_ids"],
            community_id=row["community_id"],
        )
    return row


async def delete_artifact(ctx: ServiceContext, artifact_id: int) -> None:
    current = await get_artifact(ctx, artifact_id)
    await _authorize_artifact(ctx, current["community_id"], current["team_id"])
    async with community_write(current["community_id"]):
        versions = await ArtifactVersion.filter(artifact_id=artifact_id).values_list(
            "id", flat=True
        )
        await forget_nodes([f"artifact_version:{v}" for v in versions])
        await Artifact.filter(id=artifact_id).delete()


async def share_artifact(
    ctx: ServiceContext, artifact_id: int, data: ArtifactShare
) -> dict[str, Any]:
    """Share an artifact with teams; a draft becomes shared."""
    current = await get_artifact(ctx, artifact_id)
    await _authorize_artifact(ctx, current["community_id"], current["team_id"])
    team_ids = sorted(set(data.team_ids))
    await check_references(Team, team_ids, current["community_id"], "team_ids", "team")
    async with community_write(current["community_id"]):
        artifact = await Artifact.get(id=artifact_id)
        new = [t for t in team_ids if t not in current["shared_with_ids"]]
        if new:
            await artifact.shared_with.add(*await Team.filter(id__in=new))
        if artifact.vetting == "draft":
            artifact.vetting = "shared"
            await artifact.save(update_fields=["vetting"])
    row = await get_artifact(ctx, artifact_id)
    if new or current["vetting"] == "draft":
        await ctx.emit(
            "artifact_shared", artifact=row, team_ids=new, community_id=row["community_id"]
        )
    return row


async def add_artifact_version(
    ctx: ServiceContext, artifact_id: int, data: ArtifactVersionCreate
) -> dict[str, Any]:
    """Add the next numbered version; versions never go back in time."""
    current = await get_artifact(ctx, artifact_id)
    await _authorize_artifact(ctx, current["community_id"], current["team_id"])
    await check_reference(
        Person, data.author_id, current["community_id"], "author_id", what="person"
    )
    async with community_write(current["community_id"]):
        last = (
            await ArtifactVersion.filter(artifact_id=artifact_id)
            .order_by("-number")
            .first()
            .values("number", "created_on")
        )
        if last and data.created_on < last["created_on"]:
            raise InvalidInput.field(
                "created_on", f"must not precede version {last['number']} ({last['created_on']})"
            )
        try:
            version = await ArtifactVersion.create(
                artifact_id=artifact_id,
                number=(last["number"] if last else 0) + 1,
                **data.model_dump(),
            )
        except IntegrityError:
            raise Conflict("another version was added at the same time; retry") from None
    return await get_row(ctx, ARTIFACT_VERSIONS, version.id)
