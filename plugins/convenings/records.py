"""Reading one convening's own row, and the permission checks every module shares."""

from __future__ import annotations

from typing import Any

from plugins.api import NotFound, Person, ServiceContext
from plugins.convenings.models import STATUSES, Convening
from plugins.convenings.times import shown

FIELDS = (
    "id", "series_id", "community_id", "title", "status", "place", "video_url", "time_zone",
    "starts_at", "duration_minutes", "sequence", "created_at", "updated_at",
)  # fmt: skip
"""A convening's own columns, as the JSON API shows them."""


async def convening_row(convening_id: int) -> dict[str, Any]:
    """A convening's columns with its series and community names (no permission check)."""
    rows = await Convening.filter(id=convening_id).values(
        *FIELDS,
        series_name="series__name",
        community_slug="community__slug",
        community_name="community__name",
    )
    if not rows:
        raise NotFound(f"no convening {convening_id}")
    row = dict(rows[0])
    row["status_label"] = STATUSES.get(row["status"], row["status"])
    row["when"] = shown(row["starts_at"], row["time_zone"])
    return row


async def readable_convening(ctx: ServiceContext, convening_id: int) -> dict[str, Any]:
    """The convening, if the actor may read its community (else the same NotFound as for
    a missing one: other communities' convenings cannot be probed)."""
    row = await convening_row(convening_id)
    await ctx.require_readable(row["community_id"], NotFound(f"no convening {convening_id}"))
    return row


async def planned_convening(ctx: ServiceContext, convening_id: int) -> dict[str, Any]:
    """The convening after checking the actor may plan it (facilitators)."""
    row = await readable_convening(ctx, convening_id)
    await ctx.authorize("manage", community_id=row["community_id"])
    return row


async def my_person_id(ctx: ServiceContext, community_id: int) -> int | None:
    """The person record of the signed-in actor in this community, if any."""
    if ctx.actor.user_id is None:
        return None
    found = await Person.filter(community_id=community_id, user_id=ctx.actor.user_id).values_list(
        "id", flat=True
    )
    return int(str(found[0])) if found else None


async def previous_convening(conv: dict[str, Any]) -> dict[str, Any] | None:
    """The latest earlier dated convening of the same series (not cancelled)."""
    if conv["starts_at"] is None:
        query = Convening.filter(series_id=conv["series_id"], starts_at__not_isnull=True)
    else:
        query = Convening.filter(series_id=conv["series_id"], starts_at__lt=conv["starts_at"])
    rows = (
        await query.exclude(id=conv["id"])
        .exclude(status="cancelled")
        .order_by("-starts_at")
        .limit(1)
        .values("id", "starts_at", "time_zone", "title")
    )
    return dict(rows[0]) if rows else None
