"""Communities and the roles users hold in them."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from communities.changes import bump, community_write
from communities.models import Community, CommunityRole, Cycle, Person, Team
from communities.schemas import CommunityCreate, CommunityUpdate, RoleAssign
from communities.services.base import Listing, changes_of, get_row
from core.auth.users import find_user
from core.context import ServiceContext
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

COMMUNITIES = Listing(
    Community,
    "community",
    ("id", "slug", "name", "description", "method", "time_zone", "created_at"),
    community_path="id",
    filters={"slug": "slug"},
)
ROLES = Listing(
    CommunityRole,
    "role",
    ("id", "community_id", "user_id", "user__email", "role"),
    filters={"community": "community_id"},
)


async def check_community(ctx: ServiceContext, community_id: int) -> None:
    """Refuse a ``community_id`` in a request body that names no community, or one the
    actor cannot read (in the same words: see ``require_readable``)."""
    exists = await Community.filter(id=community_id).exists()
    missing = InvalidInput.field("community_id", f"no community {community_id}")
    await ctx.require_readable(community_id if exists else None, missing)


def _check_time_zone(name: str | None) -> None:
    if name is None:
        return
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput.field("time_zone", f"unknown time zone {name!r}") from None


async def create_community(ctx: ServiceContext, data: CommunityCreate) -> dict[str, Any]:
    if not ctx.actor.is_admin:
        raise PermissionDenied("only site admins create communities")
    _check_time_zone(data.time_zone)
    try:
        async with in_transaction():
            community = await Community.create(**data.model_dump())
            await bump(community.id)
    except IntegrityError:
        raise Conflict(
            f"a community with slug {data.slug!r} exists", {"slug": "already taken"}
        ) from None
    return await get_row(ctx, COMMUNITIES, community.id)


async def update_community(
    ctx: ServiceContext, community_id: int, data: CommunityUpdate
) -> dict[str, Any]:
    await get_row(ctx, COMMUNITIES, community_id)
    await ctx.authorize("manage", community_id=community_id)
    changes = changes_of(data, not_null="all")
    _check_time_zone(changes.get("time_zone"))
    if changes:
        async with community_write(community_id):
            await Community.filter(id=community_id).update(**changes)
    return await get_row(ctx, COMMUNITIES, community_id)


async def delete_community(ctx: ServiceContext, community_id: int) -> None:
    await get_row(ctx, COMMUNITIES, community_id)  # one they cannot read is missing to them
    if not ctx.actor.is_admin:
        raise PermissionDenied("only site admins delete communities")
    async with in_transaction():
        deleted = await Community.filter(id=community_id).delete()
    if not deleted:
        raise NotFound(f"no community {community_id}")


async def _keep_a_facilitator(community_id: int, user_id: int) -> None:
    """Raise :class:`Conflict` when ``user_id`` is the community's only facilitator: a
    community without one could no longer be managed by its own people."""
    others = await CommunityRole.filter(
        community_id=community_id, role="facilitator", user_id__not=user_id
    ).exists()
    if not others:
        raise Conflict(
            "This is the community's last facilitator: make someone else a facilitator first."
        )


async def assign_role(ctx: ServiceContext, community_id: int, data: RoleAssign) -> dict[str, Any]:
    """Give a user a role in a community (replacing any role they had there)."""
    await get_row(ctx, COMMUNITIES, community_id)
    await ctx.authorize("manage", community_id=community_id)
    try:
        user = await find_user(data.user_email)
    except (InvalidInput, NotFound) as exc:
        problem = next(iter(exc.fields.values()), exc.message)
        raise InvalidInput.field("user_email", problem) from None
    async with community_write(community_id):
        existing = await CommunityRole.filter(community_id=community_id, user_id=user["id"]).first()
        if existing is None:
            existing = await CommunityRole.create(
                community_id=community_id, user_id=user["id"], role=data.role
            )
        else:
            if existing.role == "facilitator" and data.role != "facilitator":
                await _keep_a_facilitator(community_id, user["id"])
            existing.role = data.role
            await existing.save(update_fields=["role"])
    return await get_row(ctx, ROLES, existing.id)


async def remove_role(ctx: ServiceContext, community_id: int, user_id: int) -> None:
    await get_row(ctx, COMMUNITIES, community_id)
    await ctx.authorize("manage", community_id=community_id)
    async with community_write(community_id):
        role = await CommunityRole.filter(community_id=community_id, user_id=user_id).first()
        if role is not None and role.role == "facilitator":
            await _keep_a_facilitator(community_id, user_id)
        deleted = await CommunityRole.filter(community_id=community_id, user_id=user_id).delete()
        if not deleted:
            raise NotFound(f"user {user_id} has no role in community {community_id}")


async def get_community(ctx: ServiceContext, community_id: int) -> dict[str, Any]:
    """The community, if the actor may read it (else :class:`NotFound`)."""
    return await get_row(ctx, COMMUNITIES, community_id)


async def community_counts() -> list[dict[str, Any]]:
    """Every community (the site operator's view): slug, name, and its teams, people and
    cycles counted, one grouped query per kind (no join of the three)."""
    counts: dict[str, dict[int, int]] = {}
    for key, model in (("teams", Team), ("people", Person), ("cycles", Cycle)):
        grouped = model.all().group_by("community_id").annotate(n=Count("id"))
        counts[key] = dict(await grouped.values_list("community_id", "n"))
    rows = await Community.all().order_by("slug").values("id", "slug", "name")
    return [
        {"slug": row["slug"], "name": row["name"]}
        | {key: counts[key].get(row["id"], 0) for key in counts}
        for row in rows
    ]
