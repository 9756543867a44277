"""The person page and the aim pages over HTTP: timelines, driver diagrams, who sees what."""

from __future__ import annotations

from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any

from communities.changes import community_write
from communities.models import Aim, ChangeIdea, Community, Cycle, Driver, Membership, Person
from communities.web.people_pages import MIN_BAR, timeline
from core.testing import sign_in
from tests.helpers import count_queries

AIM = "Raise ninth-grade on-track rates to 90%"


async def _person(data: dict[str, Any], name: str) -> int:
    person = await Person.get(community_id=data["community_id"], name=name)
    return person.id


async def _aim(data: dict[str, Any]) -> int:
    aim = await Aim.get(community_id=data["community_id"], title=AIM)
    return aim.id


async def _elsewhere() -> dict[str, int]:
    """A second community with a person and an aim (no test user has a role in it)."""
    other = await Community.create(slug="elsewhere", name="Elsewhere")
    person = await Person.create(community=other, name="Zed Else")
    aim = await Aim.create(community=other, title="Another aim")
    return {"person": person.id, "aim": aim.id}


async def _page(client, path: str) -> str:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    return response.text


class ListTree(HTMLParser):
    """The nested lists of a page as a screen reader meets them: items with text and sublists."""

    def __init__(self) -> None:
        super().__init__()
        self.root: list[dict[str, Any]] = []
        self.lists: list[list[dict[str, Any]]] = [self.root]
        self.items: list[dict[str, Any]] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.hidden or dict(attrs).get("aria-hidden") == "true":
            self.hidden += tag not in ("br", "img", "input", "meta", "link")
            return
        if tag == "ul":
            sublist: list[dict[str, Any]] = []
            if self.items:
                self.items[-1]["lists"].append(sublist)
            else:
                self.root.append({"text": "", "lists": [sublist]})
            self.lists.append(sublist)
        elif tag == "li":
            item: dict[str, Any] = {"text": "", "lists": []}
            self.lists[-1].append(item)
            self.items.append(item)

    def handle_endtag(self, tag: str) -> None:
        if self.hidden:
            self.hidden -= 1
            return
        if tag == "ul":
            self.lists.pop()
        elif tag == "li":
            self.items.pop()

    def handle_data(self, data: str) -> None:
        if self.items and not self.hidden and self.items[-1]["lists"] == []:
            self.items[-1]["text"] = " ".join((self.items[-1]["text"] + " " + data).split())


def list_tree(html: str) -> list[dict[str, Any]]:
    parser = ListTree()
    parser.feed(html.split('<ul class="dd-tree">', 1)[1].rsplit("</figure>", 1)[0])
    return parser.root


def _item(items: list[dict[str, Any]], text: str) -> dict[str, Any]:
    found = [item for item in items if text in item["text"]]
    assert len(found) == 1, (text, [item["text"] for item in items])
    return found[0]


# --- the timeline, as a function ---------------------------------------------------------


def test_timeline_places_spells_on_one_axis() -> None:
    today = date(2025, 9, 1)
    spells = [
        {"start_date": date(2024, 9, 1), "end_date": date(2025, 3, 1)},
        {"start_date": date(2024, 9, 1), "end_date": None},
        {"start_date": date(2025, 9, 1), "end_date": date(2025, 9, 1)},
        {"start_date": date(2026, 9, 1), "end_date": None},
    ]
    placed = timeline(spells, today)
    assert placed["start"] == date(2024, 9, 1) and placed["end"] == date(2026, 9, 1)
    states = [s["state"] for s in placed["spells"]]
    assert states == ["ended", "current", "current", "upcoming"]
    ended, open_, one_day, upcoming = placed["spells"]
    assert ended["offset"] == 0 and 24 < ended["span"] < 25
    assert open_["offset"] == 0 and 49 < open_["span"] < 51  # open: ends today
    assert one_day["span"] == MIN_BAR and 49 < one_day["offset"] < 51
    assert upcoming["span"] == MIN_BAR and upcoming["offset"] == 100 - MIN_BAR
    assert [t["label"] for t in placed["ticks"]] == ["2024", "2025", "2026"]
    assert timeline([], today)["spells"] == []
    past = timeline([spells[0]], today)  # all ended: the axis still runs to today
    assert past["end"] == today and past["spells"][0]["span"] < 50


def test_timeline_thins_year_labels_over_long_spans() -> None:
    spells = [{"start_date": date(2001, 1, 1), "end_date": date(2024, 12, 31)}]
    ticks = timeline(spells, date(2025, 1, 1))["ticks"]
    assert 3 <= len(ticks) <= 7 and ticks[0]["label"] == "2001"
    assert all(0 <= t["offset"] <= 100 for t in ticks)


# --- the person page ---------------------------------------------------------------------


async def test_person_page_shows_memberships_over_time_and_cycles_authored(
    client,
    cedar,
) -> None:
    await sign_in(client, "olu@example.org")
    ana = await _person(cedar, "Ana Ruiz")
    page = await _page(client, f"/communities/cedar-valley/people/{ana}")
    assert "<h1>Ana Ruiz</h1>" in page
    assert "Assistant principal" in page and "North High" in page
    memberships = page.split('id="memberships"')[1].split('id="cycles"')[0]
    north, didt = cedar["teams"]["North SIDT"], cedar["teams"]["Cedar Valley DIDT"]
    assert f'href="/communities/cedar-valley/teams/{north}">North SIDT</a>' in memberships
    assert f'href="/communities/cedar-valley/teams/{didt}">Cedar Valley DIDT</a>' in memberships
    assert "coordinator" in memberships and "2024-08-01" in memberships
    assert memberships.count('<span class="badge spell-current">current</span>') == 2
    assert memberships.count('class="tl-bar tl-current"') == 2
    authored = page.split('id="cycles"')[1]
    for title in (
        "Huddle with three advisors",
        "Huddle with all grade 9 advisors",
        "District huddle protocol pilot",
    ):
        assert f'<a href="/cycles/{cedar["cycles"][title]}">{title}</a>' in authored


async def test_person_page_shows_ended_spells_beside_current_ones(client, cedar) -> None:
    ben = await _person(cedar, "Ben Okafor")
    didt = cedar["teams"]["Cedar Valley DIDT"]
    await Membership.create(
        person_id=ben, team_id=didt, role="at_large", start_date=date(2025, 9, 1)
    )
    await sign_in(client, "olu@example.org")
    page = await _page(client, f"/communities/cedar-valley/people/{ben}")
    memberships = page.split('id="memberships"')[1].split('id="cycles"')[0]
    rows = memberships.split("<tr>")[2:]  # after the header row
    assert len(rows) == 3
    assert "South SIDT" in rows[0] and "2025-06-30" in rows[0] and ">ended<" in rows[0]
    assert "Cedar Valley DIDT" in rows[1] and "2025-06-30" in rows[1] and ">ended<" in rows[1]
    assert "at large" in rows[2] and "2025-09-01" in rows[2] and ">current<" in rows[2]
    assert "tl-bar tl-ended" in rows[0] and "tl-bar tl-current" in rows[2]
    assert "has not authored a cycle yet" in page


async def test_person_without_spells_or_cycles_gets_empty_states(client, cedar) -> None:
    loner = await Person.create(community_id=cedar["community_id"], name="Lee Loner")
    await sign_in(client, "ana.ruiz@cedar.example")
    page = await _page(client, f"/communities/cedar-valley/people/{loner.id}")
    assert "Lee Loner is not on any team yet." in page
    assert "Lee Loner has not authored a cycle yet." in page
    assert 'class="tl-bar' not in page


async def test_person_page_refuses_and_hides(client, cedar) -> None:
    ana = await _person(cedar, "Ana Ruiz")
    path = f"/communities/cedar-valley/people/{ana}"
    signed_out = await client.get(path)
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == f"/sign-in?next={path}"
    await sign_in(client, "nobody@example.org")
    refused = await client.get(path)  # no role: as if there were no such community
    assert refused.status_code == 404 and "Ana Ruiz" not in refused.text
    await sign_in(client, "olu@example.org")
    other = await _elsewhere()
    assert (await client.get("/communities/cedar-valley/people/999999")).status_code == 404
    assert (
        await client.get(f"/communities/cedar-valley/people/{other['person']}")
    ).status_code == 404
    assert (await client.get(f"/communities/elsewhere/people/{other['person']}")).status_code == 404
    assert (await client.get(f"/communities/no-such-place/people/{ana}")).status_code == 404


# --- the aim pages -----------------------------------------------------------------------


async def test_aim_page_draws_the_driver_diagram(client, cedar) -> None:
    south = cedar["teams"]["South SIDT"]
    huddle = await ChangeIdea.get(title="Weekly advisory huddle")
    spread = await Cycle.create(
        community_id=cedar["community_id"],
        team_id=south,
        change_idea_id=huddle.id,
        title="South tries the huddle",
        status="doing",
    )
    await sign_in(client, "olu@example.org")
    page = await _page(client, f"/communities/cedar-valley/aims/{await _aim(cedar)}")
    assert f"<h1>{AIM}</h1>" in page
    assert "By June 2026, 90% of ninth graders are on track." in page
    assert "2026-06-30" in page and "The whole community" in page
    assert "1 primary driver, 1 secondary driver" in page
    assert "2 (1 testing, 1 implementing, 0 spreading)" in page
    assert "3 cycles by 2 teams" in page
    diagram = page.split('<ul class="dd-tree">')[1]
    order = [
        AIM,
        "Early warning and response",
        "Spot students who slip",
        "Shared data routines",
        "One-page grade dashboard",
        "Weekly advisory huddle",
    ]
    assert [diagram.index(text) for text in order] == sorted(diagram.index(t) for t in order)
    dashboard = diagram.split("One-page grade dashboard")[1].split("Weekly advisory huddle")[0]
    assert '<span class="badge stage-testing">testing</span>' in dashboard
    assert "No cycles have tested it yet." in dashboard
    north = cedar["teams"]["North SIDT"]
    huddle_part = diagram.split("Weekly advisory huddle")[1]
    assert '<span class="badge stage-implementing">implementing</span>' in huddle_part
    assert "3 cycles in 2 teams" in huddle_part
    by_north = huddle_part.split(f'teams/{north}">North SIDT</a>')[1].split("</li>\n")[0]
    assert '<span class="badge">2 cycles</span>' in by_north
    for title in ("Huddle with three advisors", "Huddle with all grade 9 advisors"):
        assert f'<a href="/cycles/{cedar["cycles"][title]}">{title}</a>' in by_north
    by_south = huddle_part.split(f'teams/{south}">South SIDT</a>')[1]
    assert '<span class="badge">1 cycle</span>' in by_south
    assert f'<a href="/cycles/{spread.id}">South tries the huddle</a>' in by_south
    assert "District huddle protocol pilot" not in page  # a cycle on no change idea


async def test_driver_diagram_reads_as_nested_lists(client, cedar) -> None:
    await sign_in(client, "olu@example.org")
    page = await _page(client, f"/communities/cedar-valley/aims/{await _aim(cedar)}")
    tree = list_tree(page)
    (aim,) = tree
    assert aim["text"].startswith(f"Aim {AIM}")
    (primaries,) = aim["lists"]
    primary = _item(primaries, "Primary driver Early warning and response")
    (secondaries,) = primary["lists"]
    assert len(secondaries) == 2
    secondary = _item(secondaries, "Secondary driver Shared data routines")
    (ideas,) = secondary["lists"]
    idea = _item(ideas, "Change idea One-page grade dashboard")
    assert "Stage: testing" in idea["text"]
    direct = _item(secondaries, "No secondary driver")
    (direct_ideas,) = direct["lists"]
    huddle = _item(direct_ideas, "Change idea Weekly advisory huddle")
    assert "Stage: implementing" in huddle["text"]
    (by_team,) = huddle["lists"]
    north = _item(by_team, "North SIDT 2 cycles")
    (cycles,) = north["lists"]
    assert [c["text"].strip() for c in cycles] == [
        "Huddle with three advisors completed",
        "Huddle with all grade 9 advisors doing",
    ]


async def test_many_cycles_of_a_team_fold_into_a_disclosure(client, cedar) -> None:
    north = cedar["teams"]["North SIDT"]
    dashboard = await ChangeIdea.get(title="One-page grade dashboard")
    for n in range(5):
        await Cycle.create(
            community_id=cedar["community_id"],
            team_id=north,
            change_idea_id=dashboard.id,
            title=f"Dashboard try {n}",
            planned_start=date(2024, 9, 1) + timedelta(days=n),
        )
    await sign_in(client, "olu@example.org")
    page = await _page(client, f"/communities/cedar-valley/aims/{await _aim(cedar)}")
    part = page.split("One-page grade dashboard")[1].split("Weekly advisory huddle")[0]
    assert '<span class="badge">5 cycles</span>' in part
    shown, folded = part.split("<details>")
    assert all(f"Dashboard try {n}" in shown for n in range(3))
    assert "<summary>2 more from North SIDT</summary>" in folded
    assert "Dashboard try 3" in folded and "Dashboard try 4" in folded


async def test_aim_pages_show_empty_states(client, cedar) -> None:
    cid = cedar["community_id"]
    bare = await Aim.create(community_id=cid, title="A bare aim")
    await sign_in(client, "olu@example.org")
    page = await _page(client, f"/communities/cedar-valley/aims/{bare.id}")
    assert "No drivers yet." in page and "0 primary drivers, 0 secondary drivers" in page
    assert "0 cycles" in page
    # Written as the services write: with the community's counter raised, which the kept
    # pages are stamped with.
    async with community_write(cid):
        primary = await Driver.create(aim=bare, title="A lone driver")
    page = await _page(client, f"/communities/cedar-valley/aims/{bare.id}")
    assert "No secondary drivers or change ideas yet." in page
    async with community_write(cid):
        await Driver.create(aim=bare, parent=primary, title="A lone secondary")
    page = await _page(client, f"/communities/cedar-valley/aims/{bare.id}")
    assert "No change ideas yet." in page
    async with community_write(cid):
        await Aim.filter(community_id=cid).delete()
    listing = await _page(client, "/communities/cedar-valley/aims")
    assert "This community has not set an aim yet." in listing


async def test_aims_list_summarizes_every_aim(client, cedar) -> None:
    north = cedar["teams"]["North SIDT"]
    team_aim = await Aim.create(
        community_id=cedar["community_id"], team_id=north, title="North's own aim"
    )
    await sign_in(client, "ana.ruiz@cedar.example")
    page = await _page(client, "/communities/cedar-valley/aims")
    aim = await _aim(cedar)
    assert f'<a href="/communities/cedar-valley/aims/{aim}">{AIM}</a>' in page
    assert "1 primary driver, 1 secondary driver," in page
    assert "2 change ideas (1 testing, 1 implementing, 0 spreading)," in page
    assert "2 cycles." in page and "by 2026-06-30" in page
    assert f'<a href="/communities/cedar-valley/aims/{team_aim.id}">North&#39;s own aim</a>' in page
    assert f'<a href="/communities/cedar-valley/teams/{north}">North SIDT</a>' in page
    assert "0 primary drivers, 0 secondary drivers,\n    0 change ideas,\n    0 cycles." in page


async def test_aim_pages_refuse_and_hide(client, cedar) -> None:
    aim = await _aim(cedar)
    for path in ("/communities/cedar-valley/aims", f"/communities/cedar-valley/aims/{aim}"):
        signed_out = await client.get(path)
        assert signed_out.status_code == 303
        assert signed_out.headers["location"] == f"/sign-in?next={path}"
    await sign_in(client, "nobody@example.org")
    for path in ("/communities/cedar-valley/aims", f"/communities/cedar-valley/aims/{aim}"):
        refused = await client.get(path)  # no role: as if there were no such community
        assert refused.status_code == 404 and "Not found" in refused.text
    await sign_in(client, "olu@example.org")
    other = await _elsewhere()
    assert (await client.get("/communities/cedar-valley/aims/999999")).status_code == 404
    assert (await client.get(f"/communities/cedar-valley/aims/{other['aim']}")).status_code == 404
    assert (await client.get(f"/communities/elsewhere/aims/{other['aim']}")).status_code == 404
    assert (await client.get("/communities/elsewhere/aims")).status_code == 404
    assert (await client.get("/communities/no-such-place/aims")).status_code == 404


async def test_user_text_is_escaped(client, cedar) -> None:
    evil = "<script>alert(1)</script>"
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    ana = await _person(cedar, "Ana Ruiz")
    await Person.filter(id=ana).update(name=evil, title="<b>AP</b>")
    aim = await _aim(cedar)
    await Aim.filter(id=aim).update(statement=evil)
    await Driver.filter(title="Shared data routines").update(title=evil, description=evil)
    await ChangeIdea.filter(title="Weekly advisory huddle").update(title=evil, description=evil)
    await Cycle.filter(title="Huddle with three advisors").update(title=evil)
    await sign_in(client, "olu@example.org")
    for path in (
        f"/communities/cedar-valley/people/{ana}",
        f"/communities/cedar-valley/aims/{aim}",
        "/communities/cedar-valley/aims",
    ):
        page = await _page(client, path)
        assert evil not in page and "<b>AP</b>" not in page, path
        assert escaped in page, path


async def test_query_counts_do_not_grow_with_the_data(client, app, cedar) -> None:
    cid, aim = cedar["community_id"], await _aim(cedar)
    ana = await _person(cedar, "Ana Ruiz")
    paths = (
        f"/communities/cedar-valley/aims/{aim}",
        "/communities/cedar-valley/aims",
        f"/communities/cedar-valley/people/{ana}",
    )
    await sign_in(client, "olu@example.org")

    async def counts() -> list[int]:
        """Queries of each page rendered afresh (a kept page makes two)."""
        found = []
        for path in paths:
            await _page(client, path)  # warm up
            app.state.kept.clear()
            with count_queries() as queries:
                await _page(client, path)
            found.append(len(queries))
        return found

    before = await counts()
    teams = list(cedar["teams"].values())
    async with community_write(cid):  # as the services write: the counter raised
        await _grow(cid, aim, ana, teams)
    page = await _page(client, paths[0])
    assert "Primary 3" in page and "Secondary 3" in page and "Cycle" in page
    assert page.count('href="/cycles/') == 2 + 4 * 2 * len(teams)
    after = await counts()
    assert before == after, (before, after)
    assert max(after) <= 12, after


async def _grow(cid: int, aim: int, ana: int, teams: list[int]) -> None:
    """Four more drivers of each kind, their ideas, a cycle per idea and team, aims and
    memberships."""
    for n in range(4):
        primary = await Driver.create(aim_id=aim, title=f"Primary {n}")
        secondary = await Driver.create(aim_id=aim, parent=primary, title=f"Secondary {n}")
        for driver in (primary, secondary):
            idea = await ChangeIdea.create(
                driver=driver, title=f"Idea {driver.id}", stage="testing"
            )
            for m, team in enumerate(teams):
                cycle = await Cycle.create(
                    community_id=cid, team_id=team, change_idea=idea, title=f"Cycle {idea.id}.{m}"
                )
                await cycle.authors.add(await Person.get(id=ana))
        await Aim.create(community_id=cid, title=f"Aim {n}")
        await Membership.create(
            person_id=ana, team_id=teams[n % 3], role="member", start_date=date(2023, 1, n + 1)
        )
