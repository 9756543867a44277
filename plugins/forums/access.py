"""Who sees which board: the one place the forums' visibility rule lives.

A board is seen by

- ``community``: everyone with a role in the community;
- ``team``: people on the board's team today (their person record's membership) and
  the community's facilitators;
- ``facilitators``: the community's facilitators.

Site admins see everything. Everything on a board (threads, posts, references,
search results, notifications, panels) is seen by exactly the people who see the
board; hidden threads only by facilitators. The knowledge-flow graph, built with no
viewer and exported to researchers, only ever holds threads of ``community`` boards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.expressions import Q

from plugins.api import Actor, Membership, ServiceContext, ServiceError, role_of

POSTING_ROLES = frozenset({"facilitator", "member"})


@dataclass(frozen=True)
class Viewer:
    """An actor as the forums of one community see them."""

    community_id: int
    user_id: int | None
    role: str | None
    admin: bool
    team_ids: frozenset[int]

    @property
    def moderates(self) -> bool:
        return self.admin or self.role == "facilitator"

    def sees(self, visibility: str, team_id: int | None) -> bool:
        if self.moderates:
            return True
        if self.role is None:
            return False
        if visibility == "community":
            return True
        return visibility == "team" and team_id is not None and team_id in self.team_ids

    def sees_board(self, board: dict[str, Any]) -> bool:
        return self.sees(board["visibility"], board["team_id"])

    def may_post(self, board: dict[str, Any]) -> bool:
        return self.sees_board(board) and (self.moderates or self.role in POSTING_ROLES)

    def board_q(self, prefix: str = "") -> Q:
        """A filter for the boards (or, with ``prefix="board__"``, the threads) seen."""
        if self.moderates:
            return Q()
        if self.role is None:
            return Q(**{f"{prefix}id": -1})
        return Q(**{f"{prefix}visibility": "community"}) | Q(
            **{f"{prefix}visibility": "team", f"{prefix}team_id__in": sorted(self.team_ids)}
        )


async def teams_of_user(
    user_id: int | None, community_id: int, day: date | None = None
) -> set[int]:
    """Teams the user's person records belong to on ``day`` (today by default)."""
    if user_id is None:
        return set()
    day = day or date.today()
    rows = await Membership.filter(
        person__user_id=user_id, team__community_id=community_id, start_date__lte=day
    ).values_list("team_id", "end_date")
    return {int(team_id) for team_id, end in rows if end is None or end >= day}


async def viewer_for(actor: Actor, community_id: int) -> Viewer:
    """The actor's view, without checking they may read the community."""
    role = None if actor.is_admin else await role_of(actor, community_id)
    teams = await teams_of_user(actor.user_id, community_id)
    return Viewer(community_id, actor.user_id, role, actor.is_admin, frozenset(teams))


async def viewer(
    ctx: ServiceContext, community_id: int, missing: ServiceError | None = None
) -> Viewer:
    """The actor's view, after checking they may read the community.

    For a record asked for by id, ``missing`` is the error its absence gives: a community
    the actor cannot read answers that too (``require_readable``), so its records cannot
    be probed. Without it (the community itself was named and checked), a 403."""
    if missing is None:
        await ctx.authorize("read", community_id=community_id)
    else:
        await ctx.require_readable(community_id, missing)
    return await viewer_for(ctx.actor, community_id)


async def users_who_see(
    user_ids: Iterable[int], community_id: int, visibility: str, team_id: int | None
) -> set[int]:
    """Which of these accounts see a board (for notifications): a role lookup each, and
    one query for the team's members."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return set()
    roles = {uid: await role_of(Actor(uid, ""), community_id) for uid in wanted}
    on_team: set[int] = set()
    if visibility == "team" and team_id is not None:
        day = date.today()
        rows = await Membership.filter(
            person__user_id__in=wanted, team_id=team_id, start_date__lte=day
        ).values_list("person__user_id", "end_date")
        on_team = {int(uid) for uid, end in rows if end is None or end >= day}
    return {
        uid
        for uid, role in roles.items()
        if Viewer(
            community_id, uid, role, False, frozenset([team_id] if uid in on_team else [])
        ).sees(visibility, team_id)
    }
