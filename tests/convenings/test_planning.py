"""Planning a convening through the services: the best date, invitees from dated
memberships, availability, RSVP, attendance, invitations and who may do what."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from plugins.api import InvalidInput, PermissionDenied
from plugins.convenings import services
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
from tests.helpers import count_queries


def test_the_best_option_covers_every_team_before_counting_heads() -> None:
    t1, t2 = datetime(2025, 2, 4, 21), datetime(2025, 2, 6, 21)
    members = {1: {10: {1}, 20: {2}}, 2: {10: {1}, 20: {2}}}
    answers = {1: {1: "yes", 3: "yes", 4: "yes"}, 2: {1: "yes", 2: "maybe"}}
    scores = score_options({1: t1, 2: t2}, answers, {1, 2, 3, 4}, members, [10, 20])
    choice = choose(scores, {10: "DIDT", 20: "South"})
    assert choice.best is not None and choice.best.option_id == 2
    assert "only date on which every participating team" in choice.reason
    assert scores[1].missing == (20,) and scores[1].yes == 3
    # No date covers every team: the most available wins and the reason names who is missing.
    answers = {1: {1: "yes", 3: "yes"}, 2: {1: "yes"}}
    choice = choose(
        score_options({1: t1, 2: t2}, answers, {1, 2, 3}, members, [10, 20]), {20: "South"}
    )
    assert choice.best.option_id == 1 and "nobody from South is available" in choice.reason
    assert choose([], {}).best is None


async def _plan(world, *options: str) -> dict:
    fran = world["users"]["fran"]
    return await services.create_convening(
        fran.ctx,
        ConveningCreate(
            community_id=world["community_id"],
            title="Winter convening",
            place="Cedar High library",
            options=[datetime.fromisoformat(o) for o in options],
        ),
    )


def _invited(conv: dict) -> set[int]:
    return {p["person_id"] for p in conv["invitees"] if not p["removed"]}


async def test_invitees_come_from_the_memberships_on_the_meeting_date(world) -> None:
    p = world["people"]
    conv = await _plan(world, "2024-11-12T16:00", "2025-02-04T16:00")
    # Defaults as of the earliest proposed date: Pat still coordinates South then.
    assert _invited(conv) == {p["ana"], p["lee"], p["pat"]}
    reasons = {i["person_id"]: i["reason"] for i in conv["invitees"]}
    assert reasons[p["ana"]] == "coordinator" and reasons[p["lee"]] == "district_team"
    assert {t["name"] for t in conv["teams"]} == {"Cedar DIDT", "North SIDT", "South SIDT"}
    fran = world["users"]["fran"].ctx
    await services.change_invitee(fran, conv["id"], InviteeChange(person_id=p["nia"]))
    await services.change_invitee(
        fran, conv["id"], InviteeChange(person_id=p["lee"], invited=False)
    )
    february = next(o for o in conv["options"] if o["local"] == "2025-02-04T16:00")
    confirmed = await services.confirm(fran, conv["id"], ConfirmIn(option_id=february["id"]))
    # On the confirmed date Sam has replaced Pat; Nia (added) stays, Lee (removed) stays off.
    assert _invited(confirmed) == {p["ana"], p["sam"], p["nia"]}
    assert confirmed["status"] == "confirmed" and confirmed["when"].endswith("EST")
    assert confirmed["starts_at"].hour == 21  # 16:00 in New York in winter is 21:00 UTC


async def test_availability_picks_the_date_that_covers_every_team(world) -> None:
    p, fran, ana = world["people"], world["users"]["fran"].ctx, world["users"]["ana"].ctx
    conv = await _plan(world, "2025-02-04T16:00", "2025-02-06T16:00")
    first, second = conv["options"]
    # Ana (North and DIDT) answers for herself; the facilitator records Sam's answers.
    await services.set_availability(
        ana, conv["id"], AvailabilityIn(answers={first["id"]: "yes", second["id"]: "yes"})
    )
    await services.set_availability(
        fran,
        conv["id"],
        AvailabilityIn(person_id=p["sam"], answers={first["id"]: "no", second["id"]: "maybe"}),
    )
    await services.set_availability(
        fran,
        conv["id"],
        AvailabilityIn(person_id=p["lee"], answers={first["id"]: "yes", second["id"]: "no"}),
    )
    got = await services.get_convening(ana, conv["id"])
    assert got["best_option_id"] == second["id"]
    assert "every participating team" in got["best_reason"]
    by_id = {o["id"]: o for o in got["options"]}
    assert by_id[first["id"]]["missing_teams"] == ["South SIDT"] and by_id[first["id"]]["yes"] == 2
    assert by_id[second["id"]]["best"] and by_id[second["id"]]["maybe"] == 1
    with pytest.raises(InvalidInput) as bad:
        await services.set_availability(ana, conv["id"], AvailabilityIn(answers={999999: "yes"}))
    assert "answers" in bad.value.fields


async def test_rsvp_attendance_and_who_may_do_what(world, nic_outbox) -> None:
    p, users = world["people"], world["users"]
    fran, ana, rita = users["fran"].ctx, users["ana"].ctx, users["rita"].ctx
    conv = await _plan(world, "2025-02-04T16:00")
    option = conv["options"][0]["id"]
    with pytest.raises(PermissionDenied):
        await services.confirm(ana, conv["id"], ConfirmIn(option_id=option))
    with pytest.raises(PermissionDenied):  # a researcher reads but is not invited
        await services.set_rsvp(rita, conv["id"], RsvpIn(answer="yes"))
    assert (await services.get_convening(rita, conv["id"]))["title"] == "Winter convening"
    with pytest.raises(PermissionDenied):  # a member answers only for herself
        await services.set_rsvp(ana, conv["id"], RsvpIn(answer="yes", person_id=p["lee"]))
    with pytest.raises(InvalidInput) as early:  # no RSVP before the date is confirmed
        await services.set_rsvp(ana, conv["id"], RsvpIn(answer="yes"))
    assert "answer" in early.value.fields
    await services.confirm(fran, conv["id"], ConfirmIn(option_id=option))
    # Invitations: a mail of their own to every invitee, with a METHOD:REQUEST calendar.
    assert sorted(m.to[0] for m in nic_outbox) == [
        "ana@cedar.example",
        "lee@cedar.example",
        "sam@cedar.example",
    ]
    mail = next(m for m in nic_outbox if m.to == ("ana@cedar.example",))
    name, _kind, body = mail.attachments[0]
    assert name == "invitation.ics" and b"METHOD:REQUEST" in body
    assert b"ana@cedar.example" in body and b"lee@cedar.example" not in body
    assert mail.subject == "Invitation: Winter convening"
    notices = await users["ana"].client.get("/notifications")
    assert "Winter convening" in notices.text
    await services.set_rsvp(ana, conv["id"], RsvpIn(answer="yes"))
    with pytest.raises(InvalidInput):
        await services.record_attendance(fran, conv["id"], AttendanceIn(attended=[p["nia"]]))
    done = await services.record_attendance(
        fran, conv["id"], AttendanceIn(attended=[p["ana"], p["sam"]])
    )
    assert done == {"attended": [p["ana"], p["sam"]], "invited": 3}
    with pytest.raises(InvalidInput) as again:  # a held convening keeps its date
        await services.confirm(fran, conv["id"], ConfirmIn(option_id=option))
    assert "option_id" in again.value.fields
    got = await services.get_convening(ana, conv["id"])
    seen = {i["person_id"]: (i["rsvp"], i["attended"]) for i in got["invitees"]}
    assert seen[p["ana"]] == ("yes", True) and seen[p["lee"]] == (None, False)
    assert got["status"] == "held"


async def test_times_and_teams_are_checked(world) -> None:
    fran = world["users"]["fran"].ctx
    with pytest.raises(InvalidInput) as gap:  # 02:30 does not exist on 9 March 2025 in New York
        await _plan(world, "2025-03-09T02:30")
    assert "options" in gap.value.fields
    with pytest.raises(InvalidInput) as team:
        await services.create_convening(
            fran, ConveningCreate(community_id=world["community_id"], title="X", team_ids=[999999])
        )
    assert "team_ids" in team.value.fields
    with pytest.raises(ValueError):
        ConveningCreate(community_id=world["community_id"], title="X", time_zone="Mars/Olympus")


async def test_a_change_or_cancellation_tells_the_invitees_again(world, nic_outbox) -> None:
    fran = world["users"]["fran"].ctx
    conv = await _plan(world, "2025-02-04T16:00")
    await services.confirm(fran, conv["id"], ConfirmIn(option_id=conv["options"][0]["id"]))
    nic_outbox.clear()
    moved = await services.update_convening(fran, conv["id"], ConveningUpdate(place="Gym"))
    assert moved["sequence"] == 1 and len(nic_outbox) == 3
    assert nic_outbox[0].subject == "Updated invitation: Winter convening"
    nic_outbox.clear()
    await services.update_convening(fran, conv["id"], ConveningUpdate(status="cancelled"))
    assert len(nic_outbox) == 3 and nic_outbox[0].subject == "Cancelled: Winter convening"
    body = nic_outbox[0].attachments[0][2]
    assert b"METHOD:CANCEL" in body and b"STATUS:CANCELLED" in body and b"SEQUENCE:2" in body


async def test_reading_a_convening_takes_the_same_queries_whatever_its_size(world) -> None:
    p, fran = world["people"], world["users"]["fran"].ctx
    conv = await _plan(world, "2025-02-04T16:00")

    async def queries() -> int:
        with count_queries() as seen:
            await services.get_convening(fran, conv["id"])
        return len(seen)

    before = await queries()
    for day in (5, 6, 7, 10):
        await services.add_option(fran, conv["id"], datetime(2025, 2, day, 16))
    for person in ("nia", "fran", "pat"):
        await services.change_invitee(fran, conv["id"], InviteeChange(person_id=p[person]))
    got = await services.get_convening(fran, conv["id"])
    answers = {o["id"]: "yes" for o in got["options"]}
    for person in ("ana", "nia", "lee"):
        await services.set_availability(
            fran, conv["id"], AvailabilityIn(person_id=p[person], answers=answers)
        )
    assert await queries() == before


async def test_attendance_waits_for_the_day_and_status_for_a_date(world) -> None:
    fran = world["users"]["fran"].ctx
    start = (datetime.now() + timedelta(days=30)).replace(
        hour=16, minute=0, second=0, microsecond=0
    )
    conv = await _plan(world, start.isoformat())
    with pytest.raises(InvalidInput) as held:
        await services.update_convening(fran, conv["id"], ConveningUpdate(status="held"))
    assert "status" in held.value.fields
    await services.confirm(fran, conv["id"], ConfirmIn(option_id=conv["options"][0]["id"]))
    with pytest.raises(InvalidInput) as early:
        await services.record_attendance(fran, conv["id"], AttendanceIn(attended=[]))
    assert "on the day" in early.value.fields["attended"]
