"""What an assessment or a target is of: a team (``team:5``) or an organization
(``organization:3``), found by key, and who may rate it."""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.expressions import Q

from plugins.api import (
    InvalidInput,
    Membership,
    Organization,
    PermissionDenied,
    ServiceContext,
    Team,
    id_or_none,
)
from plugins.rubrics.schemas import AssessmentCreate


def subject_key(row: dict[str, Any]) -> str:
    """``team:5`` or ``organization:3``: what an assessment or a target is of."""
    return (
        f"team:{row['team_id']}" if row.get("team_id") else f"organization:{row['organization_id']}"
    )


def subject_path(key: str) -> str:
    """The subject's progress page below the community's rubrics: ``teams/5``."""
    kind, _, ident = key.partition(":")
    return f"{'teams' if kind == 'team' else 'organizations'}/{ident}"


async def subject_of(
    key: str, field: str = "subject", ctx: ServiceContext | None = None
) -> dict[str, Any]:
    """The team or organization ``key`` names, with its name and community; with ``ctx``,
    one in a community the actor cannot read is missing to them (the same error)."""
    kind, _, ident = key.partition(":")
    model = {"team": Team, "organization": Organization}.get(kind)
    number = id_or_none(ident)
    rows = (
        await model.filter(id=number).values("id", "name", "community_id")
        if model is not None and number is not None
        else []
    )
    missing = InvalidInput.field(field, f"no {kind or 'subject'} {ident}")
    if not rows:
        raise missing
    if ctx is not None:
        await ctx.require_readable(rows[0]["community_id"], missing)
    return {**rows[0], "kind": kind, "key": key, "path": subject_path(key)}


def subject_filter(key: str) -> dict[str, int]:
    kind, _, ident = key.partition(":")
    return {"team_id" if kind == "team" else "organization_id": int(ident)}


async def active_members(filters: dict[str, Any]) -> list[int]:
    day = date.today()
    rows = await Membership.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day, **filters
    ).values_list("person__user_id", flat=True)
    return [int(str(u)) for u in rows if u is not None]


async def may_rate(ctx: ServiceContext, subject: dict[str, Any]) -> bool:
    """Whether the actor may score, record consensus on and set targets for ``subject``."""
    cid = subject["community_id"]
    if subject["kind"] == "team":
        return await ctx.allowed("write_team", community_id=cid, team_id=subject["id"])
    if await ctx.allowed("manage", community_id=cid):
        return True
    if not await ctx.allowed("write", community_id=cid) or ctx.actor.user_id is None:
        return False
    members = await active_members(
        {"team__organization_id": subject["id"], "person__user_id": ctx.actor.user_id}
    )
    return bool(members)


async def authorize_rater(ctx: ServiceContext, subject: dict[str, Any]) -> None:
    await ctx.authorize("read", community_id=subject["community_id"])
    if not await may_rate(ctx, subject):
        raise PermissionDenied(
            f"only facilitators and members of {subject['name']} may rate it"
            if subject["kind"] == "team"
            else f"only facilitators and members of {subject['name']}'s teams may rate it"
        )


def subject_of_input(data: AssessmentCreate) -> str:
    if (data.team_id is None) == (data.organization_id is None):
        raise InvalidInput.field("team_id", "choose a team or an organization (one of them)")
    return f"team:{data.team_id}" if data.team_id else f"organization:{data.organization_id}"
