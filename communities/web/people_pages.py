"""The person page: who someone is, their team memberships over time, the cycles they wrote."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tortoise.expressions import Q

from communities.models import Membership, Person
from communities.web import queries
from communities.web.account_pages import account_context
from communities.web.page_cache import kept_page
from core.errors import NotFound
from core.web.context import signed_in_context

MIN_BAR = 0.8
"""The narrowest bar (in percent of the timeline), so a one-day spell stays visible."""
MAX_TICKS = 6
"""At most this many year labels on the axis (every n-th year when the spells span more)."""


def spell_state(spell: dict[str, Any], today: date) -> str:
    """``current``, ``ended`` or ``upcoming`` on ``today``."""
    if spell["start_date"] > today:
        return "upcoming"
    if spell["end_date"] is not None and spell["end_date"] < today:
        return "ended"
    return "current"


def timeline(spells: list[dict[str, Any]], today: date) -> dict[str, Any]:
    """Place every spell on one time axis: ``offset`` and ``span`` in percent of its width.

    The axis runs from the earliest start to today, or to the latest end if that is later
    (an open spell ends today, or at its start if that is later). ``ticks`` label years on
    it: the first year when there is room, then the year boundaries inside it.
    """
    if not spells:
        return {"start": None, "end": None, "ticks": [], "spells": []}
    ends = [s["end_date"] or max(today, s["start_date"]) for s in spells]
    start = min(s["start_date"] for s in spells)
    end = max(*ends, today)
    days = max((end - start).days, 1)

    def at(day: date) -> float:
        return round((day - start).days / days * 100, 2)

    placed = []
    for spell, spell_end in zip(spells, ends, strict=True):
        offset = at(spell["start_date"])
        span = max(round(at(spell_end) - offset, 2), MIN_BAR)
        offset = min(offset, round(100 - span, 2))
        placed.append({**spell, "state": spell_state(spell, today), "offset": offset, "span": span})
    step = max(1, -(-(end.year - start.year) // MAX_TICKS))
    ticks: list[dict[str, Any]] = [
        {"label": str(year), "offset": at(date(year, 1, 1))}
        for year in range(start.year + step, end.year + 1, step)
    ]
    if not ticks or ticks[0]["offset"] >= 15:
        ticks.insert(0, {"label": str(start.year), "offset": 0.0})
    return {"start": start, "end": end, "ticks": ticks, "spells": placed}


async def person_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await queries.community_by_slug(ctx, request.path_params["slug"])
    person_id = request.path_params["person_id"]
    around = await account_context(ctx, community["id"], {"id": person_id})
    return await kept_page(
        request,
        "communities/person.html",
        community,
        (person_id,),
        lambda: _person_context(community, person_id),
        subject="person",
        panels_for="person",
        around=around,
    )


async def _person_context(community: dict[str, Any], person_id: int) -> dict[str, Any]:
    rows = await Person.filter(id=person_id, community_id=community["id"]).values(
        "id", "name", "title", "organization_id", "organization__name"
    )
    if not rows:
        raise NotFound("There is no such person in this community.")
    person = dict(rows[0])
    spells = (
        await Membership.filter(person_id=person["id"])
        .order_by("start_date", "id")
        .values("id", "team_id", "team__name", "team__kind", "role", "start_date", "end_date")
    )
    cycles = await queries.recent_cycles(
        Q(authors__id=person["id"], community_id=community["id"]), limit=200
    )
    today = date.today()
    return {
        "community": community,
        "person": person,
        "today": today,
        "timeline": timeline(list(spells), today),
        "cycles": cycles,
    }


ROUTES = [
    Route("/communities/{slug}/people/{person_id:int}", person_page),
]
