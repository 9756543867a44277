"""People and their memberships in teams (dated, overlapping across teams)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery

from communities.changes import community_write
from communities.models import Membership, Organization, Person, Team
from communities.schemas import (
    MembershipCreate,
    MembershipEnd,
    MembershipUpdate,
    PersonCreate,
    PersonUpdate,
)
from communities.services.accounts import link_person, user_id_for_email
from communities.services.base import (
    Listing,
    changes_of,
    check_reference,
    community_id_of,
    get_row,
    list_rows,
    referenced_community_id,
)
from communities.services.communities import check_community
from core.api.calls import Page
from core.context import ServiceContext
from core.errors import Conflict, InvalidInput
from core.models import User

PEOPLE = Listing(
    Person,
    "person",
    ("id", "community_id", "organization_id", "user_id", "name", "email", "title"),
    filters={
        "community": "community_id",
        "organization": "organization_id",
        # a subquery, not a join: a person with several spells in a team is one person
        "team": lambda team_id: Q(
            id__in=Subquery(Membership.filter(team_id=team_id).values("person_id"))
        ),
    },
)
MEMBERSHIPS = Listing(
    Membership,
    "membership",
    ("id", "person_id", "team_id", "role", "start_date", "end_date"),
    community_path="team__community_id",
    filters={
        "community": "team__community_id",
        "team": "team_id",
        "person": "person_id",
        "role": "role",
        "active_on": lambda day: (
            Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))
        ),
    },
)


async def _check_person(community_id: int, values: dict[str, Any]) -> None:
    await check_reference(
        Organization,
        values.get("organization_id"),
        community_id,
        "organization_id",
        what="organization",
    )
    user_id = values.get("user_id")
    if user_id is not None and not await User.filter(id=user_id).exists():
        raise InvalidInput.field("user_id", f"no user {user_id}")


def _email_taken() -> Conflict:
    return Conflict("a person with that email is in this community", {"email": "already taken"})


async def create_person(ctx: ServiceContext, data: PersonCreate) -> dict[str, Any]:
    await check_community(ctx, data.community_id)
    await ctx.authorize("manage", community_id=data.community_id)
    values = data.model_dump()
    if values["email"]:
        values["email"] = values["email"].lower()
    await _check_person(data.community_id, values)
    try:
        async with community_write(data.community_id):
            person = await Person.create(**values)
    except IntegrityError:
        raise _email_taken() from None
    return await get_row(ctx, PEOPLE, person.id)


async def update_person(ctx: ServiceContext, person_id: int, data: PersonUpdate) -> dict[str, Any]:
    """Change a person; a new ``user_id`` (or ``user_email``) links their account, which
    gets the role ``member`` in the community unless it holds one."""
    community_id = await community_id_of(ctx, Person, person_id, "community_id", "person")
    await ctx.authorize("manage", community_id=community_id)
    changes = changes_of(data, not_null=("name", "title", "user_email"))
    if changes.get("email"):
        changes["email"] = changes["email"].lower()
    if "user_email" in changes:
        if "user_id" in changes:
            raise InvalidInput.field("user_email", "give user_id or user_email, not both")
        changes["user_id"] = await user_id_for_email(changes.pop("user_email"))
    await _check_person(community_id, changes)
    user_id = changes.pop("user_id", None) if changes.get("user_id") else None
    try:
        if changes or user_id:
            async with community_write(community_id):
                if changes:
                    await Person.filter(id=person_id).update(**changes)
                if user_id:
                    await link_person(community_id, person_id, user_id, "member")
    except IntegrityError:
        raise _email_taken() from None
    return await get_row(ctx, PEOPLE, person_id)


async def delete_person(ctx: ServiceContext, person_id: int) -> None:
    community_id = await community_id_of(ctx, Person, person_id, "community_id", "person")
    await ctx.authorize("manage", community_id=community_id)
    async with community_write(community_id):
        await Person.filter(id=person_id).delete()


def _check_dates(start: date, end: date | None) -> None:
    if end is not None and end < start:
        raise InvalidInput.field("end_date", "must not be before start_date")


async def _check_overlap(
    person_id: int, team_id: int, start: date, end: date | None, exclude: int | None = None
) -> None:
    spells = await Membership.filter(person_id=person_id, team_id=team_id).values_list(
        "id", "start_date", "end_date"
    )
    for spell_id, other_start, other_end in spells:
        if spell_id == exclude:
            continue
        if (end is None or other_start <= end) and (other_end is None or start <= other_end):
            raise Conflict(
                f"person {person_id} is already a member of team {team_id} in that period",
                {"start_date": f"overlaps membership {spell_id}"},
            )


async def add_membership(ctx: ServiceContext, data: MembershipCreate) -> dict[str, Any]:
    community_id = await referenced_community_id(
        ctx, Team, data.team_id, "community_id", "team", "team_id"
    )
    await ctx.authorize("manage", community_id=community_id)
    await check_reference(Person, data.person_id, community_id, "person_id", what="person")
    _check_dates(data.start_date, data.end_date)
    async with community_write(community_id):
        await _check_overlap(data.person_id, data.team_id, data.start_date, data.end_date)
        membership = await Membership.create(**data.model_dump())
    row = await get_row(ctx, MEMBERSHIPS, membership.id)
    await ctx.emit("membership_changed", membership=row, change="added", community_id=community_id)
    return row


async def update_membership(
    ctx: ServiceContext, membership_id: int, data: MembershipUpdate
) -> dict[str, Any]:
    current = await get_row(ctx, MEMBERSHIPS, membership_id)
    community_id = await community_id_of(ctx, Team, current["team_id"], "community_id", "team")
    await ctx.authorize("manage", community_id=community_id)
    changes = changes_of(data, not_null=("role", "start_date"))
    merged = {**current, **changes}
    _check_dates(merged["start_date"], merged["end_date"])
    async with community_write(community_id):
        await _check_overlap(
            current["person_id"],
            current["team_id"],
            merged["start_date"],
            merged["end_date"],
            exclude=membership_id,
        )
        if changes:
            await Membership.filter(id=membership_id).update(**changes)
    row = await get_row(ctx, MEMBERSHIPS, membership_id)
    await ctx.emit(
        "membership_changed", membership=row, change="updated", community_id=community_id
    )
    return row


async def end_membership(
    ctx: ServiceContext, membership_id: int, data: MembershipEnd
) -> dict[str, Any]:
    current = await get_row(ctx, MEMBERSHIPS, membership_id)
    community_id = await community_id_of(ctx, Team, current["team_id"], "community_id", "team")
    await ctx.authorize("manage", community_id=community_id)
    _check_dates(current["start_date"], data.end_date)
    if current["end_date"] is not None:
        raise Conflict(
            f"membership {membership_id} already ended on {current['end_date']}",
            {"end_date": "already ended"},
        )
    async with community_write(community_id):
        await Membership.filter(id=membership_id).update(end_date=data.end_date)
    row = await get_row(ctx, MEMBERSHIPS, membership_id)
    await ctx.emit("membership_changed", membership=row, change="ended", community_id=community_id)
    return row


async def delete_membership(ctx: ServiceContext, membership_id: int) -> None:
    current = await get_row(ctx, MEMBERSHIPS, membership_id)
    community_id = await community_id_of(ctx, Team, current["team_id"], "community_id", "team")
    await ctx.authorize("manage", community_id=community_id)
    async with community_write(community_id):
        await Membership.filter(id=membership_id).delete()
    await ctx.emit(
        "membership_changed", membership=current, change="deleted", community_id=community_id
    )


async def get_person(ctx: ServiceContext, person_id: int) -> dict[str, Any]:
    """The person, if the actor may read their community (else :class:`NotFound`)."""
    return await get_row(ctx, PEOPLE, person_id)


async def list_people(
    ctx: ServiceContext, filters: dict[str, Any], page: Page
) -> tuple[list[dict[str, Any]], int]:
    """People the actor may read (``community``, ``organization``, ``team``), and the total."""
    return await list_rows(ctx, PEOPLE, filters, page)


async def list_memberships(
    ctx: ServiceContext, filters: dict[str, Any], page: Page
) -> tuple[list[dict[str, Any]], int]:
    """Memberships the actor may read (``community``, ``team``, ``person``, ``role``,
    ``active_on``), and the total."""
    return await list_rows(ctx, MEMBERSHIPS, filters, page)
