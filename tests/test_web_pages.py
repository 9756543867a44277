"""Read pages of the domain over HTTP: who sees what, and what the pages show."""

from __future__ import annotations

from datetime import timedelta

import httpx

from core.models import User
from core.testing import sign_in
from core.web.session import VISIT_GAP


async def test_pages_need_sign_in(client: httpx.AsyncClient, cedar) -> None:
    for path in (
        "/communities",
        "/communities/cedar-valley",
        f"/cycles/{cedar['cycles']['Huddle with three advisors']}",
    ):
        response = await client.get(path)
        assert (
            response.status_code == 303 and response.headers["location"] == f"/sign-in?next={path}"
        )


async def test_home_shows_my_teams_and_recent_cycles(client, cedar) -> None:
    await sign_in(client, "ana.ruiz@cedar.example")
    home = (await client.get("/")).text
    assert "My teams" in home and "North SIDT" in home and "Cedar Valley DIDT" in home
    assert "Recent cycles" in home and "Huddle with all grade 9 advisors" in home
    assert 'href="/communities"' in home


async def test_community_page_draws_the_didt_above_its_sidts(client, cedar) -> None:
    await sign_in(client, "olu@example.org")
    page = await client.get("/communities/cedar-valley")
    assert page.status_code == 200
    text = page.text
    assert text.index("Cedar Valley DIDT") < text.index("North SIDT") < text.index("South SIDT")
    assert "Also on other teams</th>" in text and ">Ana Ruiz</a> (coordinator)" in text
    assert "Advisory huddle protocol" in text
    assert "1 person sits on more than one team" in text


async def test_team_page_lists_members_with_dates_and_cycles_by_status(client, cedar) -> None:
    await sign_in(client, "olu@example.org")
    north = cedar["teams"]["North SIDT"]
    page = (await client.get(f"/communities/cedar-valley/teams/{north}")).text
    assert "Ana Ruiz" in page and "coordinator" in page and "2024-08-01" in page
    assert "Completed (1)" in page and "Doing (1)" in page
    assert "Weekly attendance of the pilot group" in page
    south = cedar["teams"]["South SIDT"]
    south_page = (await client.get(f"/communities/cedar-valley/teams/{south}")).text
    assert "2025-06-30" in south_page  # Ben's membership ended
    assert "has not posted a cycle yet" in south_page
    assert (await client.get("/communities/cedar-valley/teams/999999")).status_code == 404


async def test_cycle_page_shows_phases_links_and_run_chart(client, cedar) -> None:
    await sign_in(client, "olu@example.org")
    base = cedar["cycles"]["Huddle with three advisors"]
    page = (await client.get(f"/cycles/{base}")).text
    assert "Test a 15-minute weekly huddle with three advisors." in page
    assert "Decision: adapt." in page
    assert "Advisory huddle protocol v1" in page  # what it informed
    assert "Huddle with all grade 9 advisors" in page
    assert "<svg" in page and "Weekly attendance of the pilot group" in page
    ramp = cedar["cycles"]["Huddle with all grade 9 advisors"]
    ramp_page = (await client.get(f"/cycles/{ramp}")).text
    assert "Huddle with three advisors" in ramp_page.split("What informed this cycle")[1]
    assert "Not yet." in ramp_page  # study and act are still empty


async def test_people_without_a_role_are_refused(client, cedar) -> None:
    await sign_in(client, "nobody@example.org")
    assert (await client.get("/communities/cedar-valley")).status_code == 404
    cycle = cedar["cycles"]["Huddle with three advisors"]
    refused = await client.get(f"/cycles/{cycle}")  # as if there were no such cycle
    missing = await client.get("/cycles/999999")
    assert refused.status_code == 404 and "Huddle" not in refused.text
    assert refused.text.replace(str(cycle), "N") == missing.text.replace("999999", "N")
    listing = (await client.get("/communities")).text
    assert "Cedar Valley" not in listing and "no role in any community" in listing
    assert (await client.get("/communities/no-such-place")).status_code == 404


async def test_user_text_is_escaped(client, cedar, admin) -> None:
    north = cedar["teams"]["North SIDT"]
    status, _ = await admin.post(
        "/cycles",
        {"team_id": north, "title": "<script>alert(1)</script>", "plan_objective": "<b>x</b>"},
    )
    assert status == 201
    await sign_in(client, "olu@example.org")
    page = (await client.get(f"/communities/cedar-valley/teams/{north}")).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


async def test_home_tells_what_changed_since_the_last_visit(client, cedar, admin) -> None:
    await sign_in(client, "olu@example.org")
    first = (await client.get("/")).text
    assert "This is your first visit" in first
    assert "Nothing has changed since" in (await client.get("/")).text
    north = cedar["teams"]["North SIDT"]
    await admin.ok(
        "POST",
        "/cycles",
        {"team_id": north, "title": "Brand new test", "plan_objective": "See it appear."},
        201,
    )
    later = (await client.get("/")).text
    assert "1 cycle changed since" in later and "Brand new test" in later


async def test_team_page_pages_through_many_cycles(client, cedar, admin) -> None:
    from communities.web.pages import TEAM_CYCLES_PER_PAGE

    north = cedar["teams"]["North SIDT"]
    for n in range(TEAM_CYCLES_PER_PAGE):
        await admin.ok(
            "POST",
            "/cycles",
            {"team_id": north, "title": f"Bulk {n:03d}", "plan_objective": "Fill the page."},
            201,
        )
    await sign_in(client, "olu@example.org")
    first = (await client.get(f"/communities/cedar-valley/teams/{north}")).text
    assert "Page 1 of 2" in first and "Older cycles" in first and "Bulk 099" in first
    second = (await client.get(f"/communities/cedar-valley/teams/{north}?page=2")).text
    assert "Huddle with three advisors" in second and "Bulk 099" not in second
    assert "Newer cycles" in second
    junk = await client.get(f"/communities/cedar-valley/teams/{north}?page=abc")
    assert junk.status_code == 200 and "Page 1 of 2" in junk.text


async def test_reloading_home_within_a_visit_writes_nothing(client, cedar) -> None:
    await sign_in(client, "olu@example.org")
    await client.get("/")
    first = (await User.get(email="olu@example.org")).last_seen_at
    assert first is not None
    await client.get("/")
    assert (await User.get(email="olu@example.org")).last_seen_at == first
    earlier = first - VISIT_GAP - timedelta(seconds=1)
    await User.filter(email="olu@example.org").update(last_seen_at=earlier)
    page = (await client.get("/")).text
    assert f"since {earlier:%Y-%m-%d %H:%M} UTC" in page
    assert (await User.get(email="olu@example.org")).last_seen_at > first
