"""Read models for pages: a fixed number of ``.values()`` queries per page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tortoise.expressions import Q

from communities.changes import note_counter
from communities.models import Artifact, Community, CommunityRole, Cycle, Membership, Team
from communities.permissions import readable_community_ids
from core.context import Actor, ServiceContext
from core.errors import NotFound
from core.prepared import PreparedValues

CYCLE_SUMMARY = (
    "id",
    "title",
    "status",
    "team_id",
    "team__name",
    "planned_start",
    "actual_start",
    "actual_end",
    "updated_at",
)


_COMMUNITY_BY_SLUG = PreparedValues(
    Community,
    lambda slug: Community.filter(slug=slug).values(
        "id", "slug", "name", "description", "method", "time_zone", "created_at", "change_counter"
    ),
)
_ALL_STAMPS = PreparedValues(
    Community, lambda: Community.all().values("id", "created_at", "change_counter")
)
_ROLE_STAMPS = PreparedValues(
    CommunityRole,
    lambda user_id: CommunityRole.filter(user_id=user_id).values(
        id="community_id",
        created_at="community__created_at",
        change_counter="community__change_counter",
    ),
)


async def community_by_slug(ctx: ServiceContext, slug: str) -> dict[str, Any]:
    """The community (with what stamps its cached page fragments), once the actor may read it."""
    rows = await _COMMUNITY_BY_SLUG(slug)
    missing = NotFound(f"There is no community {slug!r}.")
    if not rows:
        raise missing
    row = rows[0]
    # Noted before the role is read, so the role is kept under the stamp.
    note_counter(row["id"], row["created_at"], row["change_counter"])
    await ctx.require_readable(row["id"], missing)
    return dict(row)


async def my_communities(ctx: ServiceContext) -> list[dict[str, Any]]:
    readable = await readable_community_ids(ctx.actor)
    query = Community.all() if readable is None else Community.filter(id__in=readable)
    return list(await query.order_by("name").values("id", "slug", "name", "description"))


def active_on(day: date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


async def team_structure(community_id: int, day: date) -> dict[str, Any]:
    """Teams with their current members, and the people who sit on more than one team."""
    teams = (
        await Team.filter(community_id=community_id)
        .order_by("id")
        .values("id", "name", "kind", "parent_id", "organization__name")
    )
    spells = await Membership.filter(active_on(day), team__community_id=community_id).values(
        "team_id", "person_id", "person__name", "role"
    )
    members: dict[int, list[dict[str, Any]]] = {t["id"]: [] for t in teams}
    teams_of: dict[int, set[int]] = {}
    for spell in spells:
        members[spell["team_id"]].append(spell)
        teams_of.setdefault(spell["person_id"], set()).add(spell["team_id"])
    shared = {person for person, ids in teams_of.items() if len(ids) > 1}
    for team in teams:
        team["members"] = sorted(members[team["id"]], key=lambda s: (s["role"], s["person__name"]))
        team["shared"] = [s for s in team["members"] if s["person_id"] in shared]
    tops = [t for t in teams if t["parent_id"] is None]
    return {"teams": teams, "tops": tops, "shared_count": len(shared)}


async def recent_cycles(filters: Q, limit: int = 10, offset: int = 0) -> list[dict[str, Any]]:
    return list(
        await Cycle.filter(filters)
        .order_by("-updated_at", "-id")
        .offset(offset)
        .limit(limit)
        .values(*CYCLE_SUMMARY)
    )


async def recent_artifacts(community_id: int, limit: int = 10) -> list[dict[str, Any]]:
    return list(
        await Artifact.filter(community_id=community_id)
        .order_by("-created_at", "-id")
        .limit(limit)
        .values("id", "title", "kind", "vetting", "team__name")
    )


async def readable_stamps(actor: Actor) -> list[tuple[int, datetime, int]]:
    """``(id, created_at, change_counter)`` of each community the actor may read, by id."""
    if actor.is_admin:
        rows = await _ALL_STAMPS()
    elif actor.user_id is None:
        return []
    else:
        rows = await _ROLE_STAMPS(actor.user_id)
    return sorted((int(r["id"]), r["created_at"], int(r["change_counter"])) for r in rows)


async def my_teams(actor: Actor, day: date, community_ids: list[int]) -> list[dict[str, Any]]:
    """The actor's teams on ``day`` in these communities (those they may read: a team
    elsewhere would only lead to "Not allowed")."""
    if actor.user_id is None or not community_ids:
        return []
    return list(
        await Membership.filter(
            active_on(day), person__user_id=actor.user_id, team__community_id__in=community_ids
        )
        .order_by("team__name")
        .values("team_id", "team__name", "role", "team__community__slug", "team__community__name")
    )


async def recent_artifacts_of_team(team_id: int, limit: int = 50) -> list[dict[str, Any]]:
    shared = await Artifact.filter(shared_with__id=team_id).values_list("id", flat=True)
    return list(
        await Artifact.filter(Q(team_id=team_id) | Q(id__in=list(shared)))
        .order_by("-created_at", "-id")
        .limit(limit)
        .values("id", "title", "kind", "vetting", "team__name")
    )


async def team_of(team_id: int) -> dict[str, Any]:
    rows = await Team.filter(id=team_id).values(
        "id", "name", "kind", "community__slug", "community__time_zone"
    )
    return dict(rows[0])


async def cycle_dates(cycle_ids: list[int]) -> list[dict[str, Any]]:
    rows = await Cycle.filter(id__in=cycle_ids).values(
        "id", "title", "actual_start", "planned_start"
    )
    return [{**r, "date": r["actual_start"] or r["planned_start"]} for r in rows]
