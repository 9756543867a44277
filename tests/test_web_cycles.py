"""Posting and editing cycles in the browser (over HTTP): forms, permissions, conflicts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from communities.models import Community, Cycle, DataPoint, LearningLink, Person, Team
from communities.schemas import MembershipCreate, PersonCreate, RoleAssign
from communities.services.communities import assign_role
from communities.services.people import add_membership, create_person
from core.auth.users import create_user
from core.context import Actor, ServiceContext
from core.testing import csrf_of, sign_in
from tests.helpers import PASSWORD


@pytest.fixture
async def sam(app: Any, cedar: dict[str, Any]) -> dict[str, Any]:
    """A member user on South SIDT only."""
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    user, _ = await create_user("sam@example.org", PASSWORD, name="Sam South")
    await assign_role(
        ctx, cedar["community_id"], RoleAssign(user_email="sam@example.org", role="member")
    )
    person = await create_person(
        ctx, PersonCreate(community_id=cedar["community_id"], name="Sam South", user_id=user["id"])
    )
    await add_membership(
        ctx,
        MembershipCreate(
            person_id=person["id"],
            team_id=cedar["teams"]["South SIDT"],
            role="member",
            start_date=date(2024, 8, 1),
        ),
    )
    return cedar


async def _form(client, path: str) -> str:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


async def test_member_posts_a_cycle_with_what_informed_it(client, cedar) -> None:
    north = cedar["teams"]["North SIDT"]
    await sign_in(client, "ana.ruiz@cedar.example")
    team_page = (await client.get(f"/communities/cedar-valley/teams/{north}")).text
    assert "Post a cycle" in team_page
    path = f"/communities/cedar-valley/teams/{north}/cycles/new"
    token = await _form(client, path)
    ana = await Person.get(email="ana.ruiz@cedar.example")
    source = f"cycle:{cedar['cycles']['Huddle with three advisors']}"
    response = await client.post(
        path,
        data={
            "csrf_token": token,
            "title": "Huddle in grade 10",
            "plan_objective": "Try grade 10.",
            "planned_start": "2024-11-04",
            "author_ids": str(ana.id),
            "informed_by": source,
        },
    )
    assert response.status_code == 303, response.text
    cycle = await Cycle.get(title="Huddle in grade 10")
    assert response.headers["location"] == f"/cycles/{cycle.id}"
    assert await LearningLink.filter(source=source, target=f"cycle:{cycle.id}").exists()
    page = (await client.get(f"/cycles/{cycle.id}")).text
    assert "Try grade 10." in page and "Huddle with three advisors" in page
    assert "Move to doing" in page
    # The next page confirms it, once; the page shows the authors ticked on the form.
    status = page.split('class="flashes" role="status">')[1].split("</div>")[0]
    assert "Your cycle is posted with 1 source of learning: Huddle in grade 10." in status
    assert "Ana Ruiz" in page.split("Authors</dt>")[1].split("</dd>")[0]
    again = (await client.get(f"/cycles/{cycle.id}")).text
    assert "Your cycle is posted" not in again


async def test_new_cycle_form_shows_errors_beside_fields(client, cedar) -> None:
    north = cedar["teams"]["North SIDT"]
    await sign_in(client, "ana.ruiz@cedar.example")
    path = f"/communities/cedar-valley/teams/{north}/cycles/new"
    token = await _form(client, path)
    before = await Cycle.all().count()
    response = await client.post(
        path,
        data={
            "csrf_token": token,
            "title": "No objective",
            "planned_start": "2024-11-04",
            "planned_end": "2024-10-01",
        },
    )
    assert response.status_code == 422
    assert 'id="e-plan_objective"' in response.text
    assert 'value="No objective"' in response.text  # what was typed is kept
    response = await client.post(
        path,
        data={
            "csrf_token": token,
            "title": "Backwards",
            "plan_objective": "x",
            "planned_start": "2024-11-04",
            "planned_end": "2024-10-01",
        },
    )
    assert response.status_code == 422 and 'id="e-planned_end"' in response.text
    assert await Cycle.all().count() == before
    refused = await client.post(path, data={"title": "x", "plan_objective": "y"})
    assert refused.status_code == 403 and await Cycle.all().count() == before


async def test_members_of_other_teams_and_observers_cannot_write(client, sam) -> None:
    north_cycle = sam["cycles"]["Huddle with three advisors"]
    north = sam["teams"]["North SIDT"]
    await sign_in(client, "sam@example.org")
    assert (await client.get(f"/cycles/{north_cycle}/edit")).status_code == 403
    assert (
        await client.get(f"/communities/cedar-valley/teams/{north}/cycles/new")
    ).status_code == 403
    page = await client.get(f"/cycles/{north_cycle}")
    token = csrf_of(page.text)
    assert "Edit this cycle" not in page.text
    cycle = await Cycle.get(id=north_cycle)
    for path, data in [
        (f"/cycles/{north_cycle}/edit", {"version": str(cycle.version), "title": "Mine now"}),
        (f"/cycles/{north_cycle}/advance", {"version": str(cycle.version)}),
    ]:
        response = await client.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 403, path
    assert (await Cycle.get(id=north_cycle)).title == cycle.title

    await client.post("/sign-out", data={"csrf_token": token})
    await sign_in(client, "olu@example.org")
    for path in (f"/cycles/{north_cycle}", f"/communities/cedar-valley/teams/{north}"):
        text = (await client.get(path)).text
        assert "Edit this cycle" not in text and "Post a cycle" not in text
        assert "Move to" not in text and "Record the link" not in text


async def test_a_stale_edit_shows_both_versions_and_saves_nothing(client, admin, cedar) -> None:
    cycle_id = cedar["cycles"]["Huddle with all grade 9 advisors"]
    await sign_in(client, "ana.ruiz@cedar.example")
    edit = await client.get(f"/cycles/{cycle_id}/edit")
    token = csrf_of(edit.text)
    version = (await Cycle.get(id=cycle_id)).version
    await admin.ok(
        "PATCH",
        f"/cycles/{cycle_id}",
        {"version": version, "do_what_happened": "Nine of nine advisors joined."},
    )
    response = await client.post(
        f"/cycles/{cycle_id}/edit",
        data={
            "csrf_token": token,
            "version": str(version),
            "title": "Huddle with all advisors",
            "plan_objective": "Spread the huddle.",
            "do_what_happened": "Seven joined.",
        },
    )
    assert response.status_code == 409
    assert "Someone else saved this cycle" in response.text
    assert "Nine of nine advisors joined." in response.text and "Seven joined." in response.text
    stored = await Cycle.get(id=cycle_id)
    assert stored.do_what_happened == "Nine of nine advisors joined."
    assert stored.title == "Huddle with all grade 9 advisors"
    # Saving again from the conflict page (it carries the new version) works.
    response = await client.post(
        f"/cycles/{cycle_id}/edit",
        data={
            "csrf_token": token,
            "version": str(stored.version),
            "title": "Huddle with all advisors",
            "plan_objective": "Spread the huddle.",
            "do_what_happened": "Seven joined.",
        },
    )
    assert response.status_code == 303
    assert (await Cycle.get(id=cycle_id)).title == "Huddle with all advisors"


async def test_advancing_through_the_phases(client, cedar) -> None:
    cycle_id = cedar["cycles"]["District huddle protocol pilot"]  # DIDT, planning; Ana is on it
    await sign_in(client, "ana.ruiz@cedar.example")
    token = csrf_of((await client.get(f"/cycles/{cycle_id}")).text)
    version = (await Cycle.get(id=cycle_id)).version
    moved = await client.post(
        f"/cycles/{cycle_id}/advance", data={"csrf_token": token, "version": str(version)}
    )
    assert moved.status_code == 303
    assert "The cycle moved to doing." in (await client.get(moved.headers["location"])).text
    cycle = await Cycle.get(id=cycle_id)
    assert cycle.status == "doing" and cycle.actual_start == date.today()
    refused = await client.post(
        f"/cycles/{cycle_id}/advance", data={"csrf_token": token, "version": str(cycle.version)}
    )
    assert refused.status_code == 422
    assert "do_what_happened" in refused.text and "required" in refused.text
    stale = await client.post(
        f"/cycles/{cycle_id}/advance", data={"csrf_token": token, "version": str(version)}
    )
    assert stale.status_code == 409
    assert (await Cycle.get(id=cycle_id)).status == "doing"


async def test_entering_data_and_recording_links(client, cedar) -> None:
    cycle_id = cedar["cycles"]["Huddle with three advisors"]
    await sign_in(client, "ana.ruiz@cedar.example")
    page = await client.get(f"/cycles/{cycle_id}")
    token = csrf_of(page.text)
    measure = (await DataPoint.filter(cycle_id=cycle_id).first()).measure_id  # type: ignore[union-attr]
    before = await DataPoint.filter(measure_id=measure).count()
    added = await client.post(
        f"/cycles/{cycle_id}/data",
        data={
            "csrf_token": token,
            "measure_id": str(measure),
            "date": "2024-09-20",
            "value": "91.5",
        },
    )
    assert added.status_code == 303
    assert await DataPoint.filter(measure_id=measure).count() == before + 1
    shown = (await client.get(f"/cycles/{cycle_id}")).text
    assert "The data point of 20 Sep 2024 is added to the chart." in shown
    bad = await client.post(
        f"/cycles/{cycle_id}/data",
        data={
            "csrf_token": token,
            "measure_id": str(measure),
            "date": "2024-09-27",
            "value": "lots",
        },
    )
    assert bad.status_code == 422 and "value" in bad.text
    assert await DataPoint.filter(measure_id=measure).count() == before + 1

    target = cedar["cycles"]["District huddle protocol pilot"]
    north = await Team.get(name="North SIDT")
    assert north.id == cedar["teams"]["North SIDT"]
    page = await client.get(f"/cycles/{target}")
    linked = await client.post(
        f"/cycles/{target}/links",
        data={"csrf_token": token, "source": f"cycle:{cycle_id}", "note": "From North"},
    )
    assert linked.status_code == 303
    shown = (await client.get(f"/cycles/{target}")).text
    assert "From North" in shown and "The link is recorded" in shown
    older = await client.post(
        f"/cycles/{cycle_id}/links", data={"csrf_token": token, "source": f"cycle:{target}"}
    )
    assert older.status_code == 422 and "learning only flows forward in time" in older.text


async def test_the_cycle_page_shows_its_edit_history(client, admin, cedar) -> None:
    cycle_id = cedar["cycles"]["Huddle with all grade 9 advisors"]
    version = (await Cycle.get(id=cycle_id)).version
    await admin.ok(
        "PATCH", f"/cycles/{cycle_id}", {"version": version, "title": "Huddle, all advisors"}
    )
    await admin.ok("POST", f"/cycles/{cycle_id}/advance", {"version": version + 1})
    await sign_in(client, "ana.ruiz@cedar.example")
    token = csrf_of((await client.get(f"/cycles/{cycle_id}/edit")).text)
    edited = await client.post(
        f"/cycles/{cycle_id}/edit",
        data={"csrf_token": token, "version": str(version + 2), "title": "Huddle, every advisor"},
    )
    assert edited.status_code == 303
    await sign_in(client, "olu@example.org")
    page = (await client.get(f"/cycles/{cycle_id}")).text
    # No internal version number: how often, when and by whom, in words.
    facts = page.split("Edits</dt>")[1].split("</dd>")[0]
    assert "edited 3 times, last on" in facts and "Ana Ruiz" in facts
    assert "Version" not in page.split("Edit history")[0]
    history = page.split("Edit history")[1]
    assert "Huddle with all grade 9 advisors → Huddle, all advisors" in history
    assert "doing → studying" in history
    # Names, never emails; times in a <time> element, with the community's zone.
    assert "@" not in history and "Ana Ruiz" in history and "an unnamed user" in history
    assert history.index("Ana Ruiz") < history.index("an unnamed user")  # newest first
    assert history.count('<time datetime="') == 3
    zone = (await Community.get(slug="cedar-valley")).time_zone
    assert f" {datetime.now(ZoneInfo(zone)).tzname()}</time>" in history


async def test_abandoning_asks_first_and_stands_apart(client, cedar) -> None:
    cycle_id = cedar["cycles"]["District huddle protocol pilot"]
    await sign_in(client, "ana.ruiz@cedar.example")
    page = (await client.get(f"/cycles/{cycle_id}")).text
    token = csrf_of(page)
    # Not a button beside "Move to ...": its own section, with a box to tick.
    actions = page.split('class="actions card">')[1].split("</div>")[0]
    assert "Move to doing" in actions and "bandon" not in actions
    zone = page.split('id="abandon"')[1].split("</details>")[0]
    assert 'name="confirm" value="yes" required' in zone and "Yes, abandon this cycle" in zone
    version = str((await Cycle.get(id=cycle_id)).version)
    unticked = await client.post(
        f"/cycles/{cycle_id}/advance",
        data={"csrf_token": token, "version": version, "to": "abandoned"},
    )
    assert unticked.status_code == 422 and "tick “Yes, abandon this cycle”" in unticked.text
    assert (await Cycle.get(id=cycle_id)).status == "planning"
    ticked = await client.post(
        f"/cycles/{cycle_id}/advance",
        data={"csrf_token": token, "version": version, "to": "abandoned", "confirm": "yes"},
    )
    assert ticked.status_code == 303
    assert (await Cycle.get(id=cycle_id)).status == "abandoned"
    assert "The cycle is abandoned." in (await client.get(f"/cycles/{cycle_id}")).text
