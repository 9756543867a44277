"""Innovations (what the community designs) and their numbered versions."""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError

from communities.changes import community_write
from communities.models import Innovation, InnovationVersion
from communities.schemas import InnovationCreate, InnovationUpdate, InnovationVersionCreate
from communities.services.base import Listing, changes_of, community_id_of, get_row
from communities.services.communities import check_community
from core.context import ServiceContext
from core.errors import Conflict, InvalidInput

INNOVATIONS = Listing(
    Innovation,
    "innovation",
    ("id", "community_id", "name", "description"),
    filters={"community": "community_id"},
)
INNOVATION_VERSIONS = Listing(
    InnovationVersion,
    "innovation version",
    ("id", "innovation_id", "number", "summary", "released_on"),
    community_path="innovation__community_id",
    filters={"innovation": "innovation_id"},
    order=("innovation_id", "number"),
)


async def create_innovation(ctx: ServiceContext, data: InnovationCreate) -> dict[str, Any]:
    await check_community(ctx, data.community_id)
    await ctx.authorize("manage", community_id=data.community_id)
    try:
        async with community_write(data.community_id):
            innovation = await Innovation.create(**data.model_dump())
    except IntegrityError:
        raise Conflict("an innovation with that name exists", {"name": "already taken"}) from None
    return await get_row(ctx, INNOVATIONS, innovation.id)


async def update_innovation(
    ctx: ServiceContext, innovation_id: int, data: InnovationUpdate
) -> dict[str, Any]:
    community_id = await community_id_of(
        ctx, Innovation, innovation_id, "community_id", "innovation"
    )
    await ctx.authorize("manage", community_id=community_id)
    changes = changes_of(data, not_null="all")
    try:
        if changes:
            async with community_write(community_id):
                await Innovation.filter(id=innovation_id).update(**changes)
    except IntegrityError:
        raise Conflict("an innovation with that name exists", {"name": "already taken"}) from None
    return await get_row(ctx, INNOVATIONS, innovation_id)


async def delete_innovation(ctx: ServiceContext, innovation_id: int) -> None:
    community_id = await community_id_of(
        ctx, Innovation, innovation_id, "community_id", "innovation"
    )
    await ctx.authorize("manage", community_id=community_id)
    async with community_write(community_id):
        await Innovation.filter(id=innovation_id).delete()


async def add_innovation_version(
    ctx: ServiceContext, innovation_id: int, data: InnovationVersionCreate
) -> dict[str, Any]:
    """Release the next numbered version; its date may not precede the previous one."""
    community_id = await community_id_of(
        ctx, Innovation, innovation_id, "community_id", "innovation"
    )
    await ctx.authorize("manage", community_id=community_id)
    async with community_write(community_id):
        last = (
            await InnovationVersion.filter(innovation_id=innovation_id)
            .order_by("-number")
            .first()
            .values("number", "released_on")
        )
        if last and data.released_on < last["released_on"]:
            raise InvalidInput.field(
                "released_on", f"must not precede version {last['number']} ({last['released_on']})"
            )
        number = (last["number"] if last else 0) + 1
        try:
            version = await InnovationVersion.create(
                innovation_id=innovation_id, number=number, **data.model_dump()
            )
        except IntegrityError:
            raise Conflict("another version was released at the same time; retry") from None
    return await get_row(ctx, INNOVATION_VERSIONS, version.id)
