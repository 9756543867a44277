"""Aims and their driver diagrams: primary and secondary drivers, change ideas."""

from __future__ import annotations

from typing import Any

from communities.changes import community_write
from communities.models import Aim, ChangeIdea, Driver, Team
from communities.schemas import (
    AimCreate,
    AimUpdate,
    ChangeIdeaCreate,
    ChangeIdeaUpdate,
    DriverCreate,
    DriverUpdate,
)
from communities.services.base import (
    Listing,
    changes_of,
    check_reference,
    community_id_of,
    get_row,
    referenced_community_id,
)
from communities.services.communities import check_community
from core.context import ServiceContext
from core.errors import InvalidInput

AIMS = Listing(
    Aim,
    "aim",
    ("id", "community_id", "team_id", "title", "statement", "target_date"),
    filters={"community": "community_id", "team": "team_id"},
)
DRIVERS = Listing(
    Driver,
    "driver",
    ("id", "aim_id", "parent_id", "title", "description"),
    community_path="aim__community_id",
    filters={"community": "aim__community_id", "aim": "aim_id", "parent": "parent_id"},
)
CHANGE_IDEAS = Listing(
    ChangeIdea,
    "change idea",
    ("id", "driver_id", "team_id", "title", "description", "stage"),
    community_path="driver__aim__community_id",
    filters={
        "community": "driver__aim__community_id",
        "aim": "driver__aim_id",
        "driver": "driver_id",
        "team": "team_id",
        "stage": "stage",
    },
)


async def create_aim(ctx: ServiceContext, data: AimCreate) -> dict[str, Any]:
    await check_community(ctx, data.community_id)
    await ctx.authorize("manage", community_id=data.community_id)
    await check_reference(Team, data.team_id, data.community_id, "team_id", what="team")
    async with community_write(data.community_id):
        aim = await Aim.create(**data.model_dump())
    return await get_row(ctx, AIMS, aim.id)


async def update_aim(ctx: ServiceContext, aim_id: int, data: AimUpdate) -> dict[str, Any]:
    community_id = await community_id_of(ctx, Aim, aim_id, "community_id", "aim")
    await ctx.authorize("manage", community_id=community_id)
    changes = changes_of(data, not_null=("title", "statement"))
    await check_reference(Team, changes.get("team_id"), community_id, "team_id", what="team")
    if changes:
        async with community_write(community_id):
            await Aim.filter(id=aim_id).update(**changes)
    return await get_row(ctx, AIMS, aim_id)


async def delete_aim(ctx: ServiceContext, aim_id: int) -> None:
    community_id = await community_id_of(ctx, Aim, aim_id, "community_id", "aim")
    await ctx.authorize("manage", community_id=community_id)
    async with community_write(community_id):
        await Aim.filter(id=aim_id).delete()


async def create_driver(ctx: ServiceContext, data: DriverCreate) -> dict[str, Any]:
    community_id = await referenced_community_id(
        ctx, Aim, data.aim_id, "community_id", "aim", "aim_id"
    )
    await ctx.authorize("manage", community_id=community_id)
    if data.parent_id is not None:
        parent = await Driver.filter(id=data.parent_id).values("aim_id", "parent_id")
        if not parent or parent[0]["aim_id"] != data.aim_id:  # another aim may be elsewhere
            raise InvalidInput.field("parent_id", f"no driver {data.parent_id} under this aim")
        if parent[0]["parent_id"] is not None:
            raise InvalidInput.field("parent_id", "must be a primary driver")
    async with community_write(community_id):
        driver = await Driver.create(**data.model_dump())
    return await get_row(ctx, DRIVERS, driver.id)


async def update_driver(ctx: ServiceContext, driver_id: int, data: DriverUpdate) -> dict[str, Any]:
    community_id = await community_id_of(ctx, Driver, driver_id, "aim__community_id", "driver")
    await ctx.authorize("manage", community_id=community_id)
    changes = changes_of(data, not_null=("title", "description"))
    if changes:
        async with community_write(community_id):
            await Driver.filter(id=driver_id).update(**changes)
    return await get_row(ctx, DRIVERS, driver_id)


async def delete_driver(ctx: ServiceContext, driver_id: int) -> None:
    community_id = await community_id_of(ctx, Driver, driver_id, "aim__community_id", "driver")
    await ctx.authorize("manage", community_id=community_id)
    async with community_write(community_id):
        await Driver.filter(id=driver_id).delete()


async def create_change_idea(ctx: ServiceContext, data: ChangeIdeaCreate) -> dict[str, Any]:
    community_id = await referenced_community_id(
        ctx, Driver, data.driver_id, "aim__community_id", "driver", "driver_id"
    )
    await ctx.authorize("manage", community_id=community_id)
    await check_reference(Team, data.team_id, community_id, "team_id", what="team")
    async with community_write(community_id):
        idea = await ChangeIdea.create(**data.model_dump())
    return await get_row(ctx, CHANGE_IDEAS, idea.id)


async def update_change_idea(
    ctx: ServiceContext, idea_id: int, data: ChangeIdeaUpdate
) -> dict[str, Any]:
    community_id = await community_id_of(
        ctx, ChangeIdea, idea_id, "driver__aim__community_id", "change idea"
    )
    await ctx.authorize("manage", community_id=community_id)
    changes = changes_of(data, not_null=("title", "description", "stage"))
    await check_reference(Team, changes.get("team_id"), community_id, "team_id", what="team")
    if changes:
        async with community_write(community_id):
            await ChangeIdea.filter(id=idea_id).update(**changes)
    return await get_row(ctx, CHANGE_IDEAS, idea_id)


async def delete_change_idea(ctx: ServiceContext, idea_id: int) -> None:
    community_id = await community_id_of(
        ctx, ChangeIdea, idea_id, "driver__aim__community_id", "change idea"
    )
    await ctx.authorize("manage", community_id=community_id)
    async with community_write(community_id):
        await ChangeIdea.filter(id=idea_id).delete()
