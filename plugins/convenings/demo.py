"""Demo data: a year of quarterly convenings, held, with agendas, minutes and decisions,
and the next one being planned.

For each demo community, four convenings at the end of the last four quarters before
the day the demo is built (the demo lives in the present: ``communities.examples.demo``),
each drafted from the graph as of its date, with attendance, notes on the first items and
one decision resting on the cycles completed before it; and the next quarter's
convening, three proposed dates still open, some invitees' availability given.
Written through the plugin's services (no invitations are mailed).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from plugins.api import Community, Cycle, ServiceContext, community_write
from plugins.convenings import agenda, minutes, services
from plugins.convenings.models import Convening, Invitee
from plugins.convenings.schemas import (
    AgendaEntryUpdate,
    AvailabilityIn,
    ConveningCreate,
    DecisionCreate,
)
from plugins.convenings.times import to_utc

QUARTERS = 4
NOTES = {
    "cycle_completed": "The teams walked through these cycles and what they predicted; the "
    "questions were about trying them beyond the first teachers.",
    "learning_not_at_district": "The DIDT asked the school team for a one-page summary of "
    "this learning before the next convening.",
    "no_shared_member": "The coordinator and a DIDT member agreed to meet before the next "
    "convening.",
    "brokers": "Invited to the next convening.",
}


def _quarter_ends(first: date, last: date, count: int = QUARTERS) -> list[date]:
    """The convening day (a week before the last Tuesday) of each of the last ``count``
    quarters between two dates."""
    found: list[date] = []
    year, quarter = last.year, (last.month - 1) // 3 + 1
    while len(found) < count:
        month = quarter * 3  # the quarter ends with this month (1-based: 3, 6, 9, 12)
        if month == 0:
            year, quarter, month = year - 1, 4, 12
        end = (
            date(year, month % 12 + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
        )
        while end.weekday() != 1:
            end -= timedelta(days=1)
        end -= timedelta(days=7)  # a week before the quarter closes
        if end < first:
            break
        if end <= last:
            found.append(end)
        quarter -= 1
    return sorted(found)


async def demo_data(
    ctx: ServiceContext, community_ids: list[int], today: date | None = None
) -> None:
    today = today or date.today()
    for community_id in community_ids:
        await _community(ctx, community_id, today)
        await _upcoming(ctx, community_id, today)


def _next_quarter_end(today: date) -> date:
    """The convening day (a Tuesday a week before a quarter closes) at least three weeks
    away: time for invitees to answer."""
    found = _quarter_ends(today, today + timedelta(days=200), count=3)
    return next(day for day in found if day >= today + timedelta(days=21))


async def _upcoming(ctx: ServiceContext, community_id: int, today: date) -> None:
    """The next quarter's convening: three dates proposed, availability open, some given."""
    day = _next_quarter_end(today)
    options = [datetime.combine(day + timedelta(days=d), time(16, 0)) for d in (-7, 0, 2)]
    conv = await services.create_convening(
        ctx,
        ConveningCreate(
            community_id=community_id,
            title=f"Quarterly convening {day:%B %Y}",
            place="District office, board room",
            video_url="https://video.example.org/convening",
            options=options,
        ),
    )
    ids = sorted(o["id"] for o in conv["options"])
    people = await Invitee.filter(convening_id=conv["id"]).order_by("person_id")
    for index, invitee in enumerate(people[: len(people) // 2]):
        pattern = ("yes", "maybe", "no") if index % 3 else ("no", "yes", "yes")
        await services.set_availability(
            ctx,
            conv["id"],
            AvailabilityIn(
                answers=dict(zip(ids, pattern, strict=True)),  # type: ignore[arg-type]
                person_id=invitee.person_id,
            ),
        )


async def _community(ctx: ServiceContext, community_id: int, today: date) -> None:
    zones = await Community.filter(id=community_id).values_list("time_zone", flat=True)
    days = [
        d
        for row in await Cycle.filter(community_id=community_id).values_list(
            "actual_end", "planned_end"
        )
        for d in row
        if d
    ]
    if not days or not zones:
        return
    tz = str(zones[0])
    last = min(max(days), today - timedelta(days=1))
    for number, day in enumerate(_quarter_ends(min(days), last), 1):
        local_start = datetime.combine(day, time(16, 0))
        conv = await services.create_convening(
            ctx,
            ConveningCreate(
                community_id=community_id,
                title=f"Quarterly convening {day:%B %Y}",
                place="District office, board room",
                video_url="https://video.example.org/convening",
                options=[local_start],
            ),
        )
        async with community_write(community_id):
            await Convening.filter(id=conv["id"]).update(
                starts_at=to_utc(local_start, tz), status="confirmed"
            )
            await services.refresh_invitees(conv["id"], day)
        entries = await agenda.draft(ctx, conv["id"])
        for entry in entries[:3]:
            note = NOTES.get(entry["kind"], "Discussed; the facilitator follows up.")
            await agenda.update_entry(
                ctx, conv["id"], entry["id"], AgendaEntryUpdate(notes=note, minutes=15)
            )
        completed = [e for e in entries if e["kind"] == "cycle_completed"]
        if completed:
            cycle_ids = [int(ref.split(":")[1]) for ref in completed[0]["refs"]][:4]
            await minutes.add_decision(
                ctx,
                conv["id"],
                DecisionCreate(
                    text=f"Spread what these cycles learned to every school (decision {number}).",
                    cycle_ids=cycle_ids,
                    entry_id=completed[0]["id"],
                ),
            )
        people = await Invitee.filter(convening_id=conv["id"]).values_list("person_id", flat=True)
        came = [p for index, p in enumerate(people) if index % 5 != 4]
        async with community_write(community_id):
            await Invitee.filter(convening_id=conv["id"], person_id__in=came).update(
                rsvp="yes", attended=True
            )
            await Convening.filter(id=conv["id"]).update(status="held")
