"""ICS download and feed, pages and forms, JSON API, CLI, and the per-community switch."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar

from core.testing import csrf_of, page_clients
from plugins.convenings import services
from plugins.convenings.schemas import ConfirmIn, ConveningCreate, ConveningUpdate


async def _confirmed(world: dict[str, Any], title: str, start: str) -> dict[str, Any]:
    fran = world["users"]["fran"].ctx
    conv = await services.create_convening(
        fran,
        ConveningCreate(
            community_id=world["community_id"],
            title=title,
            place="Library",
            video_url="https://video.example.org/x",
            options=[datetime.fromisoformat(start)],
        ),
    )
    return await services.confirm(fran, conv["id"], ConfirmIn(option_id=conv["options"][0]["id"]))


async def test_ics_download_and_feed_keep_local_time_across_dst(world, nic_app) -> None:
    winter = await _confirmed(world, "Winter", "2025-03-04T16:00")  # EST, UTC-5
    spring = await _confirmed(world, "Spring", "2025-03-11T16:00")  # EDT, UTC-4
    ana, fran = world["users"]["ana"], world["users"]["fran"]
    got = await ana.client.get(f"/communities/cedar/convenings/{winter['id']}.ics")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/calendar")
    assert b"\r\n" in got.content
    cal = Calendar.from_ical(got.content)
    assert cal["METHOD"] == "PUBLISH" and cal["VERSION"] == "2.0"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]
    (event,) = cal.walk("VEVENT")
    assert event["UID"] == f"convening-{winter['id']}@convenings.nic-platform"
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2025, 3, 4, 21, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=180)
    assert int(event["SEQUENCE"]) == 0 and "Library" in str(event["LOCATION"])
    # The feed: made by a facilitator, readable without signing in, both sides of the DST change.
    page = await fran.client.get("/communities/cedar/convenings")
    made = await fran.client.post(
        "/communities/cedar/convenings/feed", data={"csrf_token": csrf_of(page.text)}
    )
    assert made.status_code == 303
    listing = (await fran.client.get("/communities/cedar/convenings")).text
    url = re.search(r"<code>http://testserver(/convenings/feed/[^<]+\.ics)</code>", listing)[1]
    assert "Calendar feed" not in (await ana.client.get("/communities/cedar/convenings")).text
    async with page_clients(nic_app) as open_client:
        anonymous = await open_client()  # signed out
        feed = await anonymous.get(url)
        assert feed.status_code == 200
        events = {e["SUMMARY"]: e for e in Calendar.from_ical(feed.content).walk("VEVENT")}
        assert events["Winter"].decoded("DTSTART").astimezone(UTC).hour == 21
        assert events["Spring"].decoded("DTSTART").astimezone(UTC).hour == 20
        assert events["Spring"].decoded("DTSTART").hour == 16  # same wall-clock hour
        assert b"ATTENDEE" not in feed.content and b"@cedar.example" not in feed.content
        assert b"REFRESH-INTERVAL;VALUE=DURATION:PT6H" in feed.content
        # A change raises SEQUENCE; the UID stays.
        await services.update_convening(fran.ctx, spring["id"], ConveningUpdate(place="Gym"))
        again = Calendar.from_ical((await anonymous.get(url)).content)
        moved = next(e for e in again.walk("VEVENT") if e["SUMMARY"] == "Spring")
        assert int(moved["SEQUENCE"]) == 1 and moved["UID"] == events["Spring"]["UID"]
        assert (await anonymous.get("/convenings/feed/not-a-token.ics")).status_code == 404
        # A new address revokes the old one.
        page = await fran.client.get("/communities/cedar/convenings")
        await fran.client.post(
            "/communities/cedar/convenings/feed", data={"csrf_token": csrf_of(page.text)}
        )
        assert (await anonymous.get(url)).status_code == 404


async def test_pages_plan_answer_and_show_errors_beside_fields(world) -> None:
    fran, ana, rita = world["users"]["fran"], world["users"]["ana"], world["users"]["rita"]
    form = await fran.client.get("/communities/cedar/convenings/new")
    assert form.status_code == 200 and "North SIDT" in form.text
    token = csrf_of(form.text)
    bad = await fran.client.post(
        "/communities/cedar/convenings/new",
        data={"csrf_token": token, "title": "", "options": "2025-03-09T02:30"},
    )
    assert bad.status_code == 422 and 'id="e-title"' in bad.text
    sent = await fran.client.post(
        "/communities/cedar/convenings/new",
        data={
            "csrf_token": token,
            "title": "Spring <convening>",
            "time_zone": "America/New_York",
            "team_ids": [str(t) for t in world["teams"].values()],
            "options": ["2025-04-08T16:00", "2025-04-10T16:00"],
        },
    )
    assert sent.status_code == 303
    url = sent.headers["location"]
    page = await ana.client.get(url)
    assert page.status_code == 200 and "Spring &lt;convening&gt;" in page.text
    assert "When can you come?" in page.text and "Confirm and send" not in page.text
    options = re.findall(r'name="answer_(\d+)"', page.text)
    answered = await ana.client.post(
        f"{url}/availability",
        data={
            "csrf_token": csrf_of(page.text),
            f"answer_{options[0]}": "yes",
            f"answer_{options[-1]}": "no",
        },
    )
    assert answered.status_code == 303
    # Ana may not confirm; a researcher reads but sees no forms.
    assert (
        await ana.client.post(
            f"{url}/confirm", data={"csrf_token": csrf_of(page.text), "option_id": options[0]}
        )
    ).status_code == 403
    seen = await rita.client.get(url)
    assert seen.status_code == 200 and "When can you come?" not in seen.text
    planner = await fran.client.get(url)
    assert 'class="best"' in planner.text and "Confirm and send invitations" in planner.text
    lee = str(world["people"]["lee"])
    for_lee = await fran.client.post(
        f"{url}/availability",
        data={
            "csrf_token": csrf_of(planner.text),
            "person_id": lee,
            f"answer_{options[0]}": "maybe",
        },
    )
    assert for_lee.status_code == 303
    planner = await fran.client.get(url)
    grid = planner.text.split('id="answers-grid"')[1].split("</table>")[0]
    assert "<td>If need be</td>" in grid
    assert "Ana Ruiz" in grid and "<td>Yes</td>" in grid and "<td>No</td>" in grid
    wrong = await fran.client.post(
        f"{url}/confirm", data={"csrf_token": csrf_of(planner.text), "option_id": "999999"}
    )
    assert wrong.status_code == 422 and "no date option 999999" in wrong.text
    forged = await fran.client.post(f"{url}/confirm", data={"option_id": options[0]})
    assert forged.status_code == 403
    changed = await fran.client.post(
        f"{url}/details",
        data={
            "csrf_token": csrf_of(planner.text),
            "title": "Spring convening",
            "place": "Gym",
            "duration_minutes": "5",
            "status": "planning",
        },
    )
    assert changed.status_code == 422 and 'id="e-duration_minutes"' in changed.text
    changed = await fran.client.post(
        f"{url}/details",
        data={
            "csrf_token": csrf_of(planner.text),
            "title": "Spring <convening>",
            "place": "Gym",
            "duration_minutes": "120",
            "status": "planning",
        },
    )
    assert changed.status_code == 303
    assert "Place: Gym" in (await rita.client.get(url)).text
    listing = await rita.client.get("/communities/cedar/convenings")
    assert "Spring &lt;convening&gt;" in listing.text
    panel = await rita.client.get("/communities/cedar")
    assert "All convenings" in panel.text and 'href="/convenings"' in panel.text
    mine = await ana.client.get("/convenings")
    assert "Cedar Valley" in mine.text and "invited" in mine.text


async def test_json_api_plans_and_answers(world) -> None:
    fran, ana = world["users"]["fran"].api, world["users"]["ana"].api
    cid = world["community_id"]
    status, body = await fran.post("/convenings", {"community_id": cid, "title": ""})
    assert status == 422 and "title" in body["error"]["fields"]
    conv = await fran.ok(
        "POST",
        "/convenings",
        {"community_id": cid, "title": "API convening", "options": ["2025-05-06T16:00"]},
        201,
    )
    option = conv["options"][0]["id"]
    await ana.ok("PUT", f"/convenings/{conv['id']}/availability", {"answers": {str(option): "yes"}})
    got = await ana.ok("GET", f"/convenings/{conv['id']}")
    assert got["best_option_id"] == option and got["options"][0]["yes"] == 1
    status, _ = await ana.post(f"/convenings/{conv['id']}/confirm", {"option_id": option})
    assert status == 403
    confirmed = await fran.ok("POST", f"/convenings/{conv['id']}/confirm", {"option_id": option})
    assert confirmed["status"] == "confirmed"
    listed = await ana.ok("GET", f"/communities/{cid}/convenings")
    assert listed["total"] == 1 and listed["items"][0]["title"] == "API convening"
    drafted = await fran.ok("POST", f"/convenings/{conv['id']}/agenda/draft")
    assert [i["kind"] for i in drafted["items"]] == ["brokers", "rubric_movement"]
    entry = drafted["items"][1]["id"]
    moved = await fran.ok(
        "PATCH", f"/convenings/{conv['id']}/agenda/{entry}", {"position": 1, "minutes": 25}
    )
    assert moved["number"] == 1 and moved["minutes"] == 25 and moved["at"] == "16:00"
    status, body = await fran.patch(f"/convenings/{conv['id']}/agenda/{entry}", {"minutes": 0})
    assert status == 422 and "minutes" in body["error"]["fields"]
    status, _ = await ana.patch(f"/convenings/{conv['id']}/agenda/{entry}", {"notes": "x"})
    assert status == 403
    decided = await fran.ok(
        "POST",
        f"/convenings/{conv['id']}/decisions",
        {"text": "Keep going", "entry_id": entry},
        201,
    )
    assert decided["entry_title"].startswith("Rubric movement")
    document = await ana.ok("GET", "/openapi.json")
    assert "confirmConvening" in str(document["paths"]["/api/v1/convenings/{id}/confirm"])
    assert "answers" in document["components"]["schemas"]["AvailabilityIn"]["properties"]


async def test_cli_plans_drafts_and_exports(world, nic_cli) -> None:
    code, out = await nic_cli(
        "convenings",
        "plan",
        "cedar",
        "CLI convening",
        "--option",
        "2025-02-04T16:00",
        "--place",
        "Board room",
    )
    assert code == 0 and "Planned convening" in out and "EST" in out and "Ana Ruiz" in out
    convening_id = out.split()[2].rstrip(":")
    code, out = await nic_cli("convenings", "agenda", convening_id, "--draft")
    assert code == 0 and "Rubric movement" in out
    code, out = await nic_cli("convenings", "ics", convening_id)
    assert code == 1 and "no confirmed date" in out
    fran = world["users"]["fran"].ctx
    conv = await services.get_convening(fran, int(convening_id))
    await services.confirm(fran, conv["id"], ConfirmIn(option_id=conv["options"][0]["id"]))
    code, out = await nic_cli("convenings", "ics", convening_id)
    assert (
        code == 0
        and "BEGIN:VTIMEZONE" in out
        and "DTSTART;TZID=America/New_York:20250204T160000" in out
    )


async def test_switched_off_in_a_community_its_pages_and_api_answer_404(world) -> None:
    conv = await _confirmed(world, "Winter", "2025-02-04T16:00")
    api, cid = world["admin"].api, world["community_id"]
    ana = world["users"]["ana"]
    await api.ok("PUT", f"/communities/{cid}/plugins", {"plugin": "convenings", "enabled": False})
    assert (await ana.client.get("/communities/cedar/convenings")).status_code == 404
    assert (await ana.client.get(f"/communities/cedar/convenings/{conv['id']}")).status_code == 404
    assert (await ana.api.get(f"/convenings/{conv['id']}"))[0] == 404
    community = await ana.client.get("/communities/cedar")
    assert community.status_code == 200 and "All convenings" not in community.text
    assert "Winter" not in (await ana.client.get("/convenings")).text
    summary = await api.ok("GET", "/communities/cedar/flow")
    assert "convening" not in summary["nodes"]
    await api.ok("PUT", f"/communities/{cid}/plugins", {"plugin": "convenings", "enabled": True})
    assert (await ana.client.get("/communities/cedar/convenings")).status_code == 200
