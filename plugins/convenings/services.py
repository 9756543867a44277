"""Convenings, their date options, availability, invitees, RSVP and attendance.

Every rule lives here (and in :mod:`scheduling`, :mod:`invitees`, :mod:`agenda`,
:mod:`minutes`); pages, the JSON API and the CLI call these. Reading needs ``read`` in
the convening's community; planning needs ``manage`` (facilitators); an invitee
answers availability and RSVP for themselves (the person record linked to their
account). Writes run inside ``community_write`` so the community's change counter
moves with them and the knowledge-flow graph (which holds our nodes) is rebuilt.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from plugins.api import (
    Community,
    InvalidInput,
    Page,
    PermissionDenied,
    Person,
    ServiceContext,
    Team,
    community_write,
    readable_community_ids,
    this_plugin,
)
from plugins.convenings import invitees as derivation
from plugins.convenings.agenda import agenda_of
from plugins.convenings.minutes import decisions_of
from plugins.convenings.models import (
    ANSWERS,
    RSVPS,
    STATUSES,
    Availability,
    Convening,
    ConveningSeries,
    DateOption,
    Invitee,
)
from plugins.convenings.notices import prepare_invitations, send_invitations
from plugins.convenings.records import (
    FIELDS,
    my_person_id,
    planned_convening,
    readable_convening,
)
from plugins.convenings.scheduling import choose, score_options
from plugins.convenings.schemas import (
    AttendanceIn,
    AvailabilityIn,
    ConfirmIn,
    ConveningCreate,
    ConveningUpdate,
    InviteeChange,
    RsvpIn,
)
from plugins.convenings.times import local, shown, to_utc

THIS = this_plugin(__name__)

DEFAULT_TEAM_KINDS = ("district_design_team", "school_design_team")


# --- reading ------------------------------------------------------------------------


async def list_convenings(
    ctx: ServiceContext, community_id: int, page: Page
) -> tuple[list[dict[str, Any]], int]:
    """A community's convenings, latest first (unscheduled ones first of all)."""
    await ctx.authorize("read", community_id=community_id)
    query = Convening.filter(community_id=community_id)
    total = await query.count()
    rows = (
        await query.order_by("-starts_at", "-id")
        .offset(page.offset)
        .limit(page.size)
        .values(*FIELDS, series_name="series__name")
    )
    undated = [r for r in rows if r["starts_at"] is None]
    dated = [r for r in rows if r["starts_at"] is not None]
    result = []
    for row in undated + dated:
        row = dict(row)
        row["status_label"] = STATUSES.get(row["status"], row["status"])
        row["when"] = shown(row["starts_at"], row["time_zone"])
        result.append(row)
    return result, total


async def get_convening(ctx: ServiceContext, convening_id: int) -> dict[str, Any]:
    """One convening with its teams, options and the best one, invitees, agenda and
    decisions: a fixed number of queries whatever its size."""
    conv = await readable_convening(ctx, convening_id)
    tz = conv["time_zone"]
    teams = list(
        await Team.filter(convenings__id=convening_id)
        .order_by("kind", "name")
        .values("id", "name", "kind")
    )
    options = list(
        await DateOption.filter(convening_id=convening_id)
        .order_by("starts_at")
        .values("id", "starts_at")
    )
    answers = await Availability.filter(option__convening_id=convening_id).values(
        "option_id", "person_id", "answer"
    )
    people = list(
        await Invitee.filter(convening_id=convening_id)
        .order_by("person__name", "id")
        .values(
            "id",
            "person_id",
            "reason",
            "removed",
            "rsvp",
            "attended",
            "invited_at",
            name="person__name",
            email="person__email",
            user_id="person__user_id",
        )
    )
    invited = [p for p in people if not p["removed"]]
    by_option: dict[int, dict[int, str]] = {}
    for a in answers:
        by_option.setdefault(a["option_id"], {})[a["person_id"]] = a["answer"]
    days = {o["id"]: local(o["starts_at"], tz).date() for o in options}
    members = await derivation.team_members_on([t["id"] for t in teams], sorted(set(days.values())))
    scores = score_options(
        {o["id"]: o["starts_at"] for o in options},
        by_option,
        {p["person_id"] for p in invited},
        {oid: members.get(day, {}) for oid, day in days.items()},
        [t["id"] for t in teams],
    )
    names = {t["id"]: t["name"] for t in teams}
    choice = choose(scores, names)
    score_of = {s.option_id: s for s in scores}
    for option in options:
        s = score_of[option["id"]]
        option["when"] = shown(option["starts_at"], tz)
        option["local"] = local(option["starts_at"], tz).strftime("%Y-%m-%dT%H:%M")
        option.update(yes=s.yes, maybe=s.maybe, no=s.no, unanswered=s.unanswered)
        option["missing_teams"] = [names[t] for t in s.missing]
        option["answers"] = by_option.get(option["id"], {})
        option["best"] = choice.best is not None and choice.best.option_id == option["id"]
    for person in people:
        person["rsvp_label"] = RSVPS.get(person["rsvp"] or "", "No answer")
    conv.update(
        teams=teams,
        options=options,
        best_option_id=choice.best.option_id if choice.best else None,
        best_reason=choice.reason,
        invitees=people,
        past=conv["starts_at"] is not None and conv["starts_at"] < datetime.now(UTC),
        local_start=local(conv["starts_at"], tz).strftime("%Y-%m-%dT%H:%M")
        if conv["starts_at"]
        else None,
    )
    conv["agenda"] = await agenda_of(
        convening_id, local(conv["starts_at"], tz) if conv["starts_at"] else None
    )
    conv["decisions"] = await decisions_of(convening_id)
    return conv


# --- planning -----------------------------------------------------------------------


async def _team_kinds(community_id: int, team_ids: list[int] | None) -> dict[int, str]:
    """``{team id: kind}`` of the participating teams; by default the DIDT and SIDTs."""
    if team_ids is None:
        rows = await Team.filter(community_id=community_id, kind__in=DEFAULT_TEAM_KINDS).values(
            "id", "kind"
        )
        return {r["id"]: r["kind"] for r in rows}
    rows = await Team.filter(id__in=team_ids).values("id", "kind", "community_id")
    found = {r["id"]: r for r in rows}
    for team_id in team_ids:
        if team_id not in found or found[team_id]["community_id"] != community_id:
            raise InvalidInput.field("team_ids", f"no team {team_id} in this community")
    return {r["id"]: r["kind"] for r in rows}


def _utc_options(starts: list[datetime], zone_name: str, field: str) -> list[datetime]:
    found = []
    for start in starts:
        try:
            found.append(to_utc(start, zone_name))
        except ValueError as exc:
            raise InvalidInput.field(field, str(exc)) from None
    if len(set(found)) != len(found):
        raise InvalidInput.field(field, "the same time is proposed twice")
    return found


async def refresh_invitees(convening_id: int, on: date) -> None:
    """Re-derive the default invitees for the date ``on`` (inside a transaction):
    people the rule no longer names leave unless a facilitator added them; people a
    facilitator removed stay removed."""
    kinds = dict(
        await Team.filter(convenings__id=convening_id).values_list("id", "kind")  # type: ignore[arg-type]
    )
    derived = await derivation.derive({int(k): str(v) for k, v in kinds.items()}, on)
    existing = {
        r["person_id"]: r
        for r in await Invitee.filter(convening_id=convening_id).values("id", "person_id", "reason")
    }
    gone = [r["id"] for p, r in existing.items() if r["reason"] != "added" and p not in derived]
    if gone:
        await Invitee.filter(id__in=gone).delete()
    await Invitee.bulk_create(
        [
            Invitee(convening_id=convening_id, person_id=p, reason=reason)
            for p, reason in derived.items()
            if p not in existing
        ]
    )


async def create_convening(ctx: ServiceContext, data: ConveningCreate) -> dict[str, Any]:
    """A new convening in a series (made on first use), with its teams, proposed dates
    and default invitees (as of the earliest proposed date, or today)."""
    cid = data.community_id
    zones = await Community.filter(id=cid).values_list("time_zone", flat=True)
    missing = InvalidInput.field("community_id", f"no community {cid}")
    await ctx.require_readable(cid if zones else None, missing)
    await ctx.authorize("manage", community_id=cid)
    tz = data.time_zone or str(zones[0])
    kinds = await _team_kinds(cid, data.team_ids)
    starts = _utc_options(data.options, tz, "options")
    async with community_write(cid):
        series, _ = await ConveningSeries.get_or_create(community_id=cid, name=data.series)
        conv = await Convening.create(
            series_id=series.id,
            community_id=cid,
            title=data.title,
            place=data.place,
            video_url=data.video_url,
            time_zone=tz,
            duration_minutes=data.duration_minutes,
        )
        if kinds:
            await conv.teams.add(*await Team.filter(id__in=list(kinds)))
        await DateOption.bulk_create([DateOption(convening=conv, starts_at=s) for s in starts])
        first = min(starts) if starts else datetime.now(UTC)
        await refresh_invitees(conv.id, local(first, tz).date())
    return await get_convening(ctx, conv.id)


async def update_convening(
    ctx: ServiceContext, convening_id: int, data: ConveningUpdate
) -> dict[str, Any]:
    """Change what a facilitator sent; a change to a confirmed meeting's time, place or
    status raises its iCalendar SEQUENCE so calendars replace the old copy."""
    conv = await planned_convening(ctx, convening_id)
    values = {k: getattr(data, k) for k in data.model_fields_set if k != "team_ids"}
    if values.get("status") in ("confirmed", "held") and conv["starts_at"] is None:
        raise InvalidInput.field("status", "confirm one of the proposed dates first")
    for name in ("title", "place", "video_url", "time_zone", "duration_minutes", "status"):
        if name in values and values[name] is None:
            values.pop(name)
    kinds = (
        await _team_kinds(conv["community_id"], data.team_ids)
        if "team_ids" in data.model_fields_set and data.team_ids is not None
        else None
    )
    noticed = {"place", "video_url", "time_zone", "duration_minutes", "status", "title"}
    changed = {k for k, v in values.items() if conv.get(k) != v}
    tell = (
        conv["starts_at"] is not None and conv["status"] == "confirmed" and bool(changed & noticed)
    )
    if conv["starts_at"] is not None and changed & noticed:
        values["sequence"] = conv["sequence"] + 1
    async with community_write(conv["community_id"]):
        if values:
            await Convening.filter(id=convening_id).update(**values)
        if kinds is not None:
            record = await Convening.get(id=convening_id)
            await record.teams.clear()
            if kinds:
                await record.teams.add(*await Team.filter(id__in=list(kinds)))
            day = local(conv["starts_at"] or datetime.now(UTC), conv["time_zone"]).date()
            await refresh_invitees(convening_id, day)
        prepared = None
        if tell:  # invitees' calendars replace their copy (same UID, higher SEQUENCE)
            method = "CANCEL" if values.get("status") == "cancelled" else "REQUEST"
            prepared = await prepare_invitations(convening_id, method)
    if prepared is not None:
        await send_invitations(ctx, prepared)
    return await get_convening(ctx, convening_id)


async def add_option(ctx: ServiceContext, convening_id: int, starts_at: datetime) -> dict[str, Any]:
    conv = await planned_convening(ctx, convening_id)
    (start,) = _utc_options([starts_at], conv["time_zone"], "starts_at")
    if await DateOption.filter(convening_id=convening_id, starts_at=start).exists():
        raise InvalidInput.field("starts_at", "this time is already proposed")
    async with community_write(conv["community_id"]):
        option = await DateOption.create(convening_id=convening_id, starts_at=start)
    return {"id": option.id, "convening_id": convening_id, "starts_at": start}


async def _answering_for(ctx: ServiceContext, conv: dict[str, Any], person_id: int | None) -> int:
    """Whose answer this is: the actor's own (an invitee), or anyone's for a facilitator."""
    cid = conv["community_id"]  # readable: the caller checked
    mine = await my_person_id(ctx, cid)
    target = person_id or mine
    if target is None:
        raise PermissionDenied("only invitees answer; your account is not linked to a person here")
    if target != mine:
        await ctx.authorize("manage", community_id=cid)
    invited = await Invitee.filter(
        convening_id=conv["id"], person_id=target, removed=False
    ).exists()
    if not invited:
        if target == mine and not await ctx.allowed("manage", community_id=cid):
            raise PermissionDenied("you are not invited to this convening")
        raise InvalidInput.field("person_id", f"person {target} is not invited")
    return target


async def set_availability(
    ctx: ServiceContext, convening_id: int, data: AvailabilityIn
) -> dict[str, Any]:
    """Record whether an invitee can come on each proposed date (yes, if need be, no)."""
    conv = await readable_convening(ctx, convening_id)
    person = await _answering_for(ctx, conv, data.person_id)
    if conv["status"] != "planning":
        raise InvalidInput.field("answers", "the date is already confirmed")
    known = set(await DateOption.filter(convening_id=convening_id).values_list("id", flat=True))
    for option_id in data.answers:
        if option_id not in known:
            raise InvalidInput.field("answers", f"no date option {option_id} in this convening")
    async with community_write(conv["community_id"]):
        await Availability.filter(option_id__in=list(data.answers), person_id=person).delete()
        await Availability.bulk_create(
            [Availability(option_id=o, person_id=person, answer=a) for o, a in data.answers.items()]
        )
    return {"person_id": person, "answers": {o: ANSWERS[a] for o, a in data.answers.items()}}


async def confirm(ctx: ServiceContext, convening_id: int, data: ConfirmIn) -> dict[str, Any]:
    """Fix the date to one option, re-derive invitees for that date and invite them."""
    conv = await planned_convening(ctx, convening_id)
    if conv["status"] in ("held", "cancelled"):
        raise InvalidInput.field("option_id", f"the convening is {conv['status']}")
    rows = await DateOption.filter(id=data.option_id, convening_id=convening_id).values("starts_at")
    if not rows:
        raise InvalidInput.field("option_id", f"no date option {data.option_id} in this convening")
    start = rows[0]["starts_at"]
    sequence = conv["sequence"] + (1 if conv["starts_at"] is not None else 0)
    async with community_write(conv["community_id"]):
        await Convening.filter(id=convening_id).update(
            starts_at=start, status="confirmed", sequence=sequence
        )
        await refresh_invitees(convening_id, local(start, conv["time_zone"]).date())
        # Made before the write commits: an invitation that cannot be made undoes it.
        prepared = await prepare_invitations(convening_id)
    await send_invitations(ctx, prepared)
    return await get_convening(ctx, convening_id)


async def set_rsvp(ctx: ServiceContext, convening_id: int, data: RsvpIn) -> dict[str, Any]:
    conv = await readable_convening(ctx, convening_id)
    person = await _answering_for(ctx, conv, data.person_id)
    if conv["status"] != "confirmed":
        raise InvalidInput.field("answer", "answer once the date is confirmed")
    async with community_write(conv["community_id"]):
        await Invitee.filter(convening_id=convening_id, person_id=person).update(rsvp=data.answer)
    return {"person_id": person, "rsvp": data.answer}


async def record_attendance(
    ctx: ServiceContext, convening_id: int, data: AttendanceIn
) -> dict[str, Any]:
    """Who came (every other invitee did not); the convening counts as held."""
    conv = await planned_convening(ctx, convening_id)
    if conv["starts_at"] is None:
        raise InvalidInput.field("attended", "confirm the date before recording attendance")
    day = local(conv["starts_at"], conv["time_zone"]).date()
    if day > local(datetime.now(UTC), conv["time_zone"]).date():
        raise InvalidInput.field("attended", f"record attendance on the day ({day}) or after")
    invited = set(
        await Invitee.filter(convening_id=convening_id, removed=False).values_list(
            "person_id", flat=True
        )
    )
    for person in data.attended:
        if person not in invited:
            raise InvalidInput.field("attended", f"person {person} is not invited")
    came = sorted(set(data.attended))
    async with community_write(conv["community_id"]):
        await Invitee.filter(convening_id=convening_id, person_id__in=came).update(attended=True)
        await (
            Invitee.filter(convening_id=convening_id)
            .exclude(person_id__in=came)
            .update(attended=False)
        )
        await Convening.filter(id=convening_id).update(status="held")
    return {"attended": came, "invited": len(invited)}


async def change_invitee(
    ctx: ServiceContext, convening_id: int, data: InviteeChange
) -> dict[str, Any]:
    """Add a person of the community to the invitees, or take one off."""
    conv = await planned_convening(ctx, convening_id)
    found = await Person.filter(id=data.person_id, community_id=conv["community_id"]).exists()
    if not found:
        raise InvalidInput.field("person_id", f"no person {data.person_id} in this community")
    async with community_write(conv["community_id"]):
        row = await Invitee.get_or_none(convening_id=convening_id, person_id=data.person_id)
        if data.invited and row is None:
            await Invitee.create(convening_id=convening_id, person_id=data.person_id)
        elif row is not None:
            row.removed = not data.invited
            await row.save(update_fields=["removed"])
    return {"person_id": data.person_id, "invited": data.invited}


async def people_of(community_id: int) -> list[dict[str, Any]]:
    """The community's people by name, for the invitee and presenter choices."""
    return list(
        await Person.filter(community_id=community_id).order_by("name", "id").values("id", "name")
    )


async def default_team_choices(community_id: int) -> list[dict[str, Any]]:
    """The community's teams for the planning form, the DIDT and SIDTs ticked."""
    rows = (
        await Team.filter(community_id=community_id)
        .order_by("kind", "name")
        .values("id", "name", "kind")
    )
    return [dict(r, default=r["kind"] in DEFAULT_TEAM_KINDS) for r in rows]


ACROSS_SHOWN = 100
"""How many convenings the page of all your communities' convenings shows."""


async def convenings_for(ctx: ServiceContext) -> list[dict[str, Any]]:
    """The latest convenings of every community the actor may read where the plugin is
    on, each marked ``invited`` when the actor is invited: three queries and a check
    per community."""
    readable = await readable_community_ids(ctx.actor)
    query = Convening.all() if readable is None else Convening.filter(community_id__in=readable)
    rows = list(
        await query.exclude(status="cancelled")
        .order_by("-starts_at", "-id")
        .limit(ACROSS_SHOWN)
        .values(
            "id",
            "title",
            "status",
            "starts_at",
            "time_zone",
            "community_id",
            community_slug="community__slug",
            community_name="community__name",
        )
    )
    enabled = await THIS.on_in(ctx, {r["community_id"] for r in rows})
    mine: set[int] = set()
    if ctx.actor.user_id is not None and rows:
        mine = set(
            await Invitee.filter(
                convening_id__in=[r["id"] for r in rows],
                person__user_id=ctx.actor.user_id,
                removed=False,
            ).values_list("convening_id", flat=True)
        )
    found = []
    for row in rows:
        if row["community_id"] not in enabled:
            continue
        row["when"] = shown(row["starts_at"], row["time_zone"])
        row["status_label"] = STATUSES.get(row["status"], row["status"])
        row["invited"] = row["id"] in mine
        found.append(row)
    return found
