"""Organizations and teams."""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError

from communities.changes import community_write
from communities.choices import CORE_TEAM_KINDS
from communities.models import Cycle, Organization, Team
from communities.schemas import OrganizationCreate, OrganizationUpdate, TeamCreate, TeamUpdate
from communities.services.base import (
    Listing,
    changes_of,
    check_reference,
    community_id_of,
    get_row,
    list_rows,
)
from communities.services.communities import check_community
from communities.services.links import forget_nodes
from core.api.calls import Page
from core.context import ServiceContext
from core.errors import Conflict, InvalidInput

ORGANIZATIONS = Listing(
    Organization,
    "organization",
    ("id", "community_id", "name", "kind"),
    filters={"community": "community_id", "kind": "kind"},
)
TEAMS = Listing(
    Team,
    "team",
    ("id", "community_id", "organization_id", "parent_id", "name", "kind", "description"),
    filters={"community": "community_id", "kind": "kind", "parent": "parent_id"},
)


async def team_kinds(ctx: ServiceContext) -> dict[str, str]:
    """Core team kinds plus those plugins add through ``nic_team_kinds``."""
    kinds = dict(CORE_TEAM_KINDS)
    for contribution in await ctx.plugins.call("nic_team_kinds"):
        kinds.update(dict(contribution))
    return kinds


async def create_organization(ctx: ServiceContext, data: OrganizationCreate) -> dict[str, Any]:
    await check_community(ctx, data.community_id)
    await ctx.authorize("manage", community_id=data.community_id)
    try:
        async with community_write(data.community_id):
            org = await Organization.create(**data.model_dump())
    except IntegrityError:
        raise Conflict(
            f"an organization named {data.name!r} exists", {"name": "already taken"}
        ) from None
    return await get_row(ctx, ORGANIZATIONS, org.id)


async def update_organization(
    ctx: ServiceContext, org_id: int, data: OrganizationUpdate
) -> dict[str, Any]:
    community_id = await community_id_of(ctx, Organization, org_id, "community_id", "organization")
    await ctx.authorize("manage", community_id=community_id)
    changes = changes_of(data, not_null="all")
    try:
        if changes:
            async with community_write(community_id):
                await Organization.filter(id=org_id).update(**changes)
    except IntegrityError:
        raise Conflict("an organization with that name exists", {"name": "already taken"}) from None
    return await get_row(ctx, ORGANIZATIONS, org_id)


async def delete_organization(ctx: ServiceContext, org_id: int) -> None:
    community_id = await community_id_of(ctx, Organization, org_id, "community_id", "organization")
    await ctx.authorize("manage", community_id=community_id)
    async with community_write(community_id):
        await Organization.filter(id=org_id).delete()


async def _check_team(
    ctx: ServiceContext, community_id: int, values: dict[str, Any], team_id: int | None = None
) -> None:
    if "kind" in values:
        kinds = await team_kinds(ctx)
        if values["kind"] not in kinds:
            raise InvalidInput.field("kind", f"must be one of {', '.join(kinds)}")
    await check_reference(
        Organization,
        values.get("organization_id"),
        community_id,
        "organization_id",
        what="organization",
    )
    parent_id = values.get("parent_id")
    await check_reference(Team, parent_id, community_id, "parent_id", what="team")
    # A team may not supervise itself, directly or through its ancestors.
    seen = {team_id}
    while parent_id is not None and team_id is not None:
        if parent_id in seen:
            raise InvalidInput.field("parent_id", "would make a team supervise itself")
        seen.add(parent_id)
        parents = await Team.filter(id=parent_id).values_list("parent_id", flat=True)
        parent_id = parents[0] if parents else None


async def create_team(ctx: ServiceContext, data: TeamCreate) -> dict[str, Any]:
    await check_community(ctx, data.community_id)
    await ctx.authorize("manage", community_id=data.community_id)
    values = data.model_dump()
    await _check_team(ctx, data.community_id, values)
    try:
        async with community_write(data.community_id):
            team = await Team.create(**values)
    except IntegrityError:
        raise Conflict(f"a team named {data.name!r} exists", {"name": "already taken"}) from None
    return await get_row(ctx, TEAMS, team.id)


async def update_team(ctx: ServiceContext, team_id: int, data: TeamUpdate) -> dict[str, Any]:
    community_id = await community_id_of(ctx, Team, team_id, "community_id", "team")
    await ctx.authorize("manage", community_id=community_id)
    changes = changes_of(data, not_null=("name", "kind", "description"))
    await _check_team(ctx, community_id, changes, team_id)
    try:
        if changes:
            async with community_write(community_id):
                await Team.filter(id=team_id).update(**changes)
    except IntegrityError:
        raise Conflict("a team with that name exists", {"name": "already taken"}) from None
    return await get_row(ctx, TEAMS, team_id)


async def delete_team(ctx: ServiceContext, team_id: int) -> None:
    community_id = await community_id_of(ctx, Team, team_id, "community_id", "team")
    await ctx.authorize("manage", community_id=community_id)
    async with community_write(community_id):
        # The team's cycles go with it; so do the learning links that point at them.
        cycle_ids = await Cycle.filter(team_id=team_id).values_list("id", flat=True)
        await forget_nodes([f"cycle:{c}" for c in cycle_ids])
        await Team.filter(id=team_id).delete()


async def get_team(ctx: ServiceContext, team_id: int) -> dict[str, Any]:
    """The team, if the actor may read its community (else :class:`NotFound`)."""
    return await get_row(ctx, TEAMS, team_id)


async def list_teams(
    ctx: ServiceContext, filters: dict[str, Any], page: Page
) -> tuple[list[dict[str, Any]], int]:
    """Teams the actor may read (filters ``community``, ``kind``, ``parent``), and the total."""
    return await list_rows(ctx, TEAMS, filters, page)
