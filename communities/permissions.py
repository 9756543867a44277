"""Who may do what in a community. The kernel asks through ``nic_permission``.

Actions and their scope:

- ``read`` (community_id): any role in the community.
- ``export`` (community_id): facilitators and researchers.
- ``manage`` (community_id): facilitators: the community, its organizations, teams,
  people, memberships, aims, innovations and roles.
- ``write`` (community_id): facilitators and members: community-wide records such as
  artifacts without a team and learning links.
- ``write_team`` (community_id, team_id): facilitators, and members who belong to the
  team today (a member of one school team cannot change another team's cycles).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from communities.kept import kept_if_noted
from communities.models import CommunityRole, Membership
from core.context import Actor
from core.hookspecs import hookimpl
from core.prepared import PreparedValues

READ_ROLES = frozenset({"facilitator", "member", "researcher", "observer"})
RULES: dict[str, frozenset[str]] = {
    "read": READ_ROLES,
    "export": frozenset({"facilitator", "researcher"}),
    "manage": frozenset({"facilitator"}),
    "write": frozenset({"facilitator", "member"}),
}


_ROLE = PreparedValues(
    CommunityRole,
    lambda user_id, community_id: CommunityRole.filter(
        user_id=user_id, community_id=community_id
    ).values("role"),
)


_READABLE = PreparedValues(
    CommunityRole,
    lambda user_id: CommunityRole.filter(user_id=user_id).values("community_id"),
)


async def role_of(actor: Actor, community_id: int) -> str | None:
    if actor.user_id is None:
        return None
    user_id = actor.user_id

    async def read() -> str | None:
        rows = await _ROLE(user_id, community_id)
        return str(rows[0]["role"]) if rows else None

    return await kept_if_noted(community_id, ("role", user_id, community_id), read)


async def current_team_ids(actor: Actor, community_id: int, on: date | None = None) -> set[int]:
    """Teams the actor's person records belong to on ``on`` (today by default)."""
    if actor.user_id is None:
        return set()
    day = on or date.today()
    user_id = actor.user_id

    async def read() -> frozenset[int]:
        rows = await Membership.filter(
            person__user_id=user_id, team__community_id=community_id, start_date__lte=day
        ).values_list("team_id", "end_date")
        return frozenset(team_id for team_id, end in rows if end is None or end >= day)

    key = ("teams", user_id, community_id, day)
    return set(await kept_if_noted(community_id, key, read))


async def readable_community_ids(actor: Actor) -> list[int] | None:
    """Communities the actor may read; ``None`` means all (a site admin)."""
    if actor.is_admin:
        return None
    if actor.user_id is None:
        return []
    return [int(row["community_id"]) for row in await _READABLE(actor.user_id)]


@hookimpl
async def nic_permission(actor: Actor, action: str, scope: dict[str, Any]) -> bool | None:
    community_id = scope.get("community_id")
    if community_id is None:
        return None
    role = await role_of(actor, community_id)
    if role is None:
        return False
    if action == "write_team":
        if role == "facilitator":
            return True
        if role != "member":
            return False
        return scope.get("team_id") in await current_team_ids(actor, community_id)
    allowed = RULES.get(action)
    if allowed is None:
        return None
    return role in allowed
