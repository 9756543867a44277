"""Learning spaces and their sessions: every rule lives here; pages and the CLI call these.

Reading needs ``read`` in the space's community, writing needs ``write`` (the
domain's ``nic_permission`` gives both by community role). Writes run inside
``community_write`` so the community's change counter moves with them, and the
knowledge-flow graph (which holds our session nodes) is rebuilt on its next read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from nic_learning_spaces.models import CADENCES, KINDS, LearningSession, LearningSpace, MonthlyFocus
from nic_learning_spaces.schemas import SessionCreate, SpaceCreate
from plugins.api import (
    Conflict,
    Cycle,
    InvalidInput,
    Membership,
    NotFound,
    Person,
    ServiceContext,
    community_write,
    readable_community_ids,
)

SCHOOL_YEAR_STARTS = 8
"""The scope and sequence is shown from August to July."""

SPACE_FIELDS = (
    "id", "community_id", "name", "kind", "cadence", "description", "facilitator_id",
    "facilitator__name",
)  # fmt: skip
CYCLE_CHOICES = 200
"""How many of a community's latest cycles the session form offers."""


def school_year_position(month: int) -> int:
    return (month - SCHOOL_YEAR_STARTS) % 12


def _labelled(row: dict[str, Any]) -> dict[str, Any]:
    row["kind_label"] = KINDS.get(row["kind"], row["kind"])
    row["cadence_label"] = CADENCES.get(row["cadence"], row["cadence"])
    return row


async def _space_row(space_id: int) -> dict[str, Any]:
    rows = await LearningSpace.filter(id=space_id).values(
        *SPACE_FIELDS, community_slug="community__slug", community_name="community__name"
    )
    if not rows:
        raise NotFound(f"no learning space {space_id}")
    return _labelled(dict(rows[0]))


# --- reading ------------------------------------------------------------------------


async def list_spaces(
    ctx: ServiceContext, community_id: int, today: date | None = None
) -> list[dict[str, Any]]:
    """A community's spaces by name, with their session count, last session and the
    focus of this month: three queries."""
    await ctx.authorize("read", community_id=community_id)
    return await spaces_of_community(community_id, today)


async def spaces_of_community(community_id: int, today: date | None = None) -> list[dict[str, Any]]:
    """:func:`list_spaces` without the permission check (for the community's own page)."""
    month = (today or date.today()).month
    spaces = [
        _labelled(dict(row))
        for row in await LearningSpace.filter(community_id=community_id)
        .order_by("name", "id")
        .values(*SPACE_FIELDS)
    ]
    held = await LearningSession.filter(space__community_id=community_id).values_list(
        "space_id", "held_on"
    )
    focus = dict(
        await MonthlyFocus.filter(space__community_id=community_id, month=month).values_list(
            "space_id", "focus"
        )
    )
    for space in spaces:
        dates = [day for space_id, day in held if space_id == space["id"]]
        space["session_count"] = len(dates)
        space["last_held_on"] = max(dates) if dates else None
        space["focus_now"] = focus.get(space["id"])
    return spaces


async def get_space(ctx: ServiceContext, space_id: int) -> dict[str, Any]:
    """One space with its participants, scope and sequence, and sessions (newest first),
    each session with its month's focus and the cycles shared at it: five queries."""
    space = await _space_row(space_id)
    # A space of a community the actor cannot read is missing to them: the same 404.
    await ctx.require_readable(space["community_id"], NotFound(f"no learning space {space_id}"))
    space["participants"] = list(
        await Person.filter(learning_spaces__id=space_id).order_by("name").values("id", "name")
    )
    scope = await MonthlyFocus.filter(space_id=space_id).values("month", "focus")
    space["scope"] = sorted(scope, key=lambda entry: school_year_position(entry["month"]))
    by_month = {entry["month"]: entry["focus"] for entry in scope}
    sessions = (
        await LearningSession.filter(space_id=space_id)
        .order_by("-held_on", "-id")
        .values("id", "held_on", "notes")
    )
    shared = (
        await Cycle.filter(learning_sessions__space_id=space_id)
        .order_by("id")
        .values("id", "title", "team__name", session_id="learning_sessions__id")
    )
    for session in sessions:
        session["focus"] = by_month.get(session["held_on"].month)
        session["cycles"] = [c for c in shared if c["session_id"] == session["id"]]
    space["sessions"] = list(sessions)
    return space


async def spaces_for(ctx: ServiceContext) -> list[dict[str, Any]]:
    """Spaces of every community the actor may read, by community and name."""
    readable = await readable_community_ids(ctx.actor)
    query = (
        LearningSpace.all() if readable is None else LearningSpace.filter(community_id__in=readable)
    )
    rows = await query.order_by("community__name", "name").values(
        "id", "name", "kind", "cadence", "community__slug", "community__name"
    )
    return [_labelled(dict(row)) for row in rows]


async def spaces_of_team(team_id: int, today: date | None = None) -> list[dict[str, Any]]:
    """Spaces that the team's current members facilitate or take part in, each with
    those members' names: three queries (no permission check: for the team's page)."""
    day = today or date.today()
    members = await Membership.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day), team_id=team_id, start_date__lte=day
    ).values_list("person_id", flat=True)
    people = list(set(members))
    if not people:
        return []
    spaces = [
        _labelled(dict(row))
        for row in await LearningSpace.filter(
            Q(facilitator_id__in=people) | Q(participants__id__in=people)
        )
        .distinct()
        .order_by("name", "id")
        .values(*SPACE_FIELDS, community_slug="community__slug")
    ]
    taking_part = await Person.filter(
        id__in=people, learning_spaces__id__in=[s["id"] for s in spaces]
    ).values("name", space_id="learning_spaces__id")
    for space in spaces:
        names = {p["name"] for p in taking_part if p["space_id"] == space["id"]}
        if space["facilitator_id"] in people:
            names.add(space["facilitator__name"])
        space["members"] = sorted(names)
    return spaces


async def cycle_choices(community_id: int) -> list[dict[str, Any]]:
    """The community's latest cycles, for the session form."""
    return list(
        await Cycle.filter(community_id=community_id)
        .order_by("-updated_at", "-id")
        .limit(CYCLE_CHOICES)
        .values("id", "title", "team__name")
    )


# --- writing ------------------------------------------------------------------------


async def _check_people(community_id: int, data: SpaceCreate) -> None:
    wanted = [*data.participant_ids, *([data.facilitator_id] if data.facilitator_id else [])]
    found = dict(await Person.filter(id__in=wanted).values_list("id", "community_id"))
    for name, ids in (
        ("facilitator_id", [data.facilitator_id] if data.facilitator_id else []),
        ("participant_ids", data.participant_ids),
    ):
        for person_id in ids:
            if found.get(person_id) != community_id:
                raise InvalidInput.field(name, f"no person {person_id} in this community")


async def create_space(ctx: ServiceContext, data: SpaceCreate) -> dict[str, Any]:
    """A new space with its participants and scope and sequence."""
    community_id = data.community_id
    await ctx.authorize("write", community_id=community_id)
    await _check_people(community_id, data)
    if await LearningSpace.filter(community_id=community_id, name=data.name).exists():
        raise Conflict(f"this community already has a space named {data.name!r}")
    try:
        async with community_write(community_id):
            space = await LearningSpace.create(
                community_id=community_id,
                name=data.name,
                kind=data.kind,
                cadence=data.cadence,
                description=data.description,
                facilitator_id=data.facilitator_id,
            )
            if data.participant_ids:
                people = await Person.filter(id__in=data.participant_ids)
                await space.participants.add(*people)
            await MonthlyFocus.bulk_create(
                [MonthlyFocus(space=space, month=e.month, focus=e.focus) for e in data.scope]
            )
    except IntegrityError as exc:  # a space of the same name, made in between
        raise Conflict(f"this community already has a space named {data.name!r}") from exc
    return await get_space(ctx, space.id)


async def add_session(ctx: ServiceContext, space_id: int, data: SessionCreate) -> dict[str, Any]:
    """Record a session and the cycles shared at it (cycles of the space's community)."""
    space = await _space_row(space_id)
    missing = NotFound(f"no learning space {space_id}")
    community_id = await ctx.require_readable(space["community_id"], missing)
    await ctx.authorize("write", community_id=community_id)  # 403: a space they may read
    cycle_ids = sorted(set(data.cycle_ids))
    found = dict(await Cycle.filter(id__in=cycle_ids).values_list("id", "community_id"))
    for cycle_id in cycle_ids:
        if found.get(cycle_id) != community_id:
            raise InvalidInput.field("cycle_ids", f"no cycle {cycle_id} in this community")
    async with community_write(community_id):
        session = await LearningSession.create(
            space_id=space_id, held_on=data.held_on, notes=data.notes
        )
        if cycle_ids:
            await session.shared_cycles.add(*await Cycle.filter(id__in=cycle_ids))
    focus = await MonthlyFocus.filter(space_id=space_id, month=data.held_on.month).values_list(
        "focus", flat=True
    )
    return {
        "id": session.id,
        "space_id": space_id,
        "community_id": community_id,
        "held_on": data.held_on,
        "notes": data.notes,
        "focus": focus[0] if focus else None,
        "cycle_ids": cycle_ids,
    }
