"""Convenings at the edges (issue 18): times outside the window of years are refused before
anything is written; a convening holding one from before that rule (or a title with a line
break) still reads, changes zone, confirms and exports; and a confirmation whose invitations
cannot be made changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from icalendar import Calendar

from communities.models import Person
from core.models import Notification
from plugins.convenings.models import Convening, DateOption


async def _convening(world: dict[str, Any], **extra: Any) -> dict[str, Any]:
    body = {
        "community_id": world["community_id"],
        "title": "Spring convening",
        "options": ["2025-05-06T16:00"],
        **extra,
    }
    return await world["users"]["fran"].api.ok("POST", "/convenings", body, 201)


async def test_times_outside_the_window_are_refused_and_nothing_is_made(world) -> None:
    fran = world["users"]["fran"].api
    cid = world["community_id"]
    for options in (["0001-01-01T00:30:00"], ["2025-05-06T16:00", "9999-12-31T23:30:00"]):
        status, body = await fran.post(
            "/convenings", {"community_id": cid, "title": "Early", "options": options}
        )
        assert status == 422 and "1900 and 2200" in str(body["error"]["fields"]), body
    assert await Convening.all().count() == 0
    conv = await _convening(world)
    status, body = await fran.post(
        f"/convenings/{conv['id']}/options", {"starts_at": "0001-01-01T00:30:00"}
    )
    assert status == 422 and "starts_at" in body["error"]["fields"]
    assert await DateOption.filter(convening_id=conv["id"]).count() == 1


async def test_a_title_with_a_line_break_is_refused_and_nothing_changes(world) -> None:
    fran = world["users"]["fran"].api
    conv = await _convening(world)
    for change in ({"title": "Spring\nconvening"}, {"title": "Ok", "place": "Gym\r\nB"}):
        status, body = await fran.patch(f"/convenings/{conv['id']}", change)
        assert status == 422, body
    assert (await fran.ok("GET", f"/convenings/{conv['id']}"))["title"] == "Spring convening"


async def test_a_stored_time_beyond_a_zone_reads_and_changes_zone(world) -> None:
    """A time stored before the window was enforced: in UTC at 00:30 on 1 January of year
    1, New York's wall clock would be in year 0, which Python cannot hold."""
    fran = world["users"]["fran"]
    conv = await _convening(world, time_zone="UTC", options=[])
    await DateOption.create(convening_id=conv["id"], starts_at=datetime(1, 1, 1, 0, 30, tzinfo=UTC))
    changed = await fran.api.ok(
        "PATCH", f"/convenings/{conv['id']}", {"time_zone": "America/New_York"}
    )
    assert changed["time_zone"] == "America/New_York"
    (option,) = (await fran.api.ok("GET", f"/convenings/{conv['id']}"))["options"]
    assert option["when"].endswith("UTC")  # shown in UTC: there is no New York time for it
    page = await fran.client.get(f"/communities/cedar/convenings/{conv['id']}")
    assert page.status_code == 200
    listing = await fran.client.get("/communities/cedar/convenings")
    assert listing.status_code == 200
    confirmed = await fran.api.ok(
        "POST", f"/convenings/{conv['id']}/confirm", {"option_id": option["id"]}
    )
    assert confirmed["status"] == "confirmed"
    ics = await fran.client.get(f"/communities/cedar/convenings/{conv['id']}.ics")
    assert ics.status_code == 200


async def test_a_stored_title_with_line_breaks_confirms_and_exports_on_one_line(world) -> None:
    fran = world["users"]["fran"]
    conv = await _convening(world)
    await Convening.filter(id=conv["id"]).update(title="Spring\nconvening\x0b", place="Gym\r\nB")
    option = conv["options"][0]["id"]
    confirmed = await fran.api.ok(
        "POST", f"/convenings/{conv['id']}/confirm", {"option_id": option}
    )
    assert confirmed["status"] == "confirmed"
    ics = await fran.client.get(f"/communities/cedar/convenings/{conv['id']}.ics")
    assert ics.status_code == 200
    cal = Calendar.from_ical(ics.content)
    assert cal["X-WR-CALNAME"] == "Spring convening"
    (event,) = cal.walk("VEVENT")
    assert event["SUMMARY"] == "Spring convening" and event["LOCATION"] == "Gym B"
    note = await Notification.filter(kind="invitation").first()
    assert note is not None and "Spring convening on" in note.text


async def test_a_confirmation_whose_invitations_cannot_be_made_changes_nothing(world) -> None:
    """An invitee's address stored before addresses were checked cannot be mailed: the
    confirmation answers 422 naming it, and the convening stays as it was, unnotified."""
    fran = world["users"]["fran"].api
    conv = await _convening(world)
    await Person.filter(id=world["people"]["ana"]).update(email="ana at cedar")
    option = conv["options"][0]["id"]
    status, body = await fran.post(f"/convenings/{conv['id']}/confirm", {"option_id": option})
    assert status == 422 and "to" in body["error"]["fields"], body
    after = await fran.ok("GET", f"/convenings/{conv['id']}")
    assert (after["status"], after["starts_at"], after["sequence"]) == ("planning", None, 0)
    assert await Notification.filter(kind="invitation").count() == 0
    ics = await world["users"]["fran"].client.get(f"/communities/cedar/convenings/{conv['id']}.ics")
    assert ics.status_code == 404  # no confirmed date: nothing to put in a calendar
