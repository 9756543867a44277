"""The community page over HTTP: teams grouped under their district team with counts,
folded past a few dozen teams, filtered by name, recent cycles in pages."""

from __future__ import annotations

import re
from datetime import date

from communities.web.pages import COMMUNITY_CYCLES_PER_PAGE
from communities.web.team_overview import COLLAPSE_BEYOND, quarter_of
from core.testing import sign_in
from tests.helpers import count_queries

PAGE = "/communities/cedar-valley"


def body(queries: list[str]) -> list[str]:
    return [q for q in queries if "COMMUNITY_PLUGIN" not in q]


def rows(html: str) -> dict[str, list[str]]:
    """Each team row of the page by team name: its cells as text."""
    found: dict[str, list[str]] = {}
    for row in re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</tr>", html, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.split(r"</t[hd]>", row)]
        name = re.sub(r"\s+", " ", cells[0]).split(" school design")[0].split(" district")[0]
        found[name] = [" ".join(c.split()) for c in cells[1:-1]]
    return found


async def test_teams_are_grouped_under_their_district_team_with_counts(
    client, cedar, admin
) -> None:
    today = date.today()
    await admin.ok(
        "POST",
        "/cycles",
        {
            "team_id": cedar["teams"]["South SIDT"],
            "title": "A cycle of this quarter",
            "plan_objective": "Be counted.",
            "planned_start": today.isoformat(),
        },
        201,
    )
    await sign_in(client, "olu@example.org")
    html = (await client.get(PAGE)).text
    assert html.index("<h3>Cedar Valley DIDT</h3>") < html.index(">North SIDT<")
    assert html.index(">North SIDT<") < html.index(">South SIDT<")
    found = rows(html)
    # members today, cycles started this quarter, last activity, also on other teams
    assert found["Cedar Valley DIDT"][:2] == ["2", "0"]
    assert found["North SIDT"][:2] == ["1", "0"]
    assert found["South SIDT"][:3] == ["0", "1", today.isoformat()]  # Ben left in 2025
    assert re.search(r"Cedar Valley DIDT.*?Ana Ruiz</a> \(member\)", html, re.S)
    assert re.search(r"North SIDT.*?Ana Ruiz</a> \(coordinator\)", html, re.S)
    assert f"3 teams · 2 people · 1 cycle this quarter · last activity {today}" in html
    first, last = quarter_of(today)
    assert f"({first} to {last})" in html
    assert "1 person sits on more than one team" in html
    assert "<details" not in html  # a small community is shown open
    assert '<label for="f-q">Find teams by name</label>' in html
    assert '<th scope="col" class="num">Members today</th>' in html


async def test_the_filter_keeps_matching_teams_under_their_group(client, cedar) -> None:
    await sign_in(client, "olu@example.org")
    html = (await client.get(PAGE, params={"q": "  NORTH "})).text
    assert list(rows(html)) == ["North SIDT"]
    assert "<h3>Cedar Valley DIDT</h3>" in html and "3 teams · 2 people" in html
    assert "1 of 3 teams match “NORTH”" in html and 'value="NORTH"' in html
    assert 'href="/communities/cedar-valley">Show all teams</a>' in html
    none = (await client.get(PAGE, params={"q": "<zz>"})).text
    assert rows(none) == {} and "No team name holds “&lt;zz&gt;”" in none
    assert len(rows((await client.get(PAGE, params={"q": ""})).text)) == 3


async def test_recent_cycles_come_in_pages(client, cedar, admin) -> None:
    north = cedar["teams"]["North SIDT"]
    for n in range(COMMUNITY_CYCLES_PER_PAGE):
        await admin.ok(
            "POST",
            "/cycles",
            {"team_id": north, "title": f"Bulk {n:03d}", "plan_objective": "Fill the page."},
            201,
        )
    await sign_in(client, "olu@example.org")
    first = (await client.get(PAGE)).text
    assert "Page 1 of 2 (13 cycles)" in first and "Bulk 009" in first
    assert f'href="{PAGE}?page=2#recent-cycles" rel="next">Older cycles' in first
    assert "Huddle with three advisors" not in first.split("recent-cycles")[1]
    second = (await client.get(PAGE, params={"page": "2"})).text
    assert "Page 2 of 2" in second and "Huddle with three advisors" in second
    assert "Bulk 009" not in second and "Newer cycles" in second and "Older cycles" not in second
    filtered = (await client.get(PAGE, params={"page": "2", "q": "south"})).text
    assert f'href="{PAGE}?q=south&amp;page=1#recent-cycles"' in filtered
    beyond = (await client.get(PAGE, params={"page": "9"})).text
    assert "There are fewer cycles than this page number" in beyond
    junk = await client.get(PAGE, params={"page": "abc"})
    assert junk.status_code == 200 and "Page 1 of 2" in junk.text


async def test_a_new_community_says_it_has_no_teams_and_no_cycles(client, admin) -> None:
    await admin.ok("POST", "/communities", {"slug": "empty", "name": "Empty"}, 201)
    await sign_in(client, "admin@example.org")
    html = (await client.get("/communities/empty")).text
    assert "No teams yet." in html and "No cycles yet." in html
    assert 'name="q"' not in html and "Older cycles" not in html


async def _big_community(admin, districts: int, schools: int) -> int:
    community = await admin.ok("POST", "/communities", {"slug": "big", "name": "Big"}, 201)
    cid = community["id"]
    for d in range(1, districts + 1):
        head = await admin.ok(
            "POST",
            "/teams",
            {"community_id": cid, "name": f"District {d} DIDT", "kind": "district_design_team"},
            201,
        )
        for s in range(1, schools + 1):
            await admin.ok(
                "POST",
                "/teams",
                {
                    "community_id": cid,
                    "name": f"School {d}-{s} SIDT",
                    "kind": "school_design_team",
                    "parent_id": head["id"],
                },
                201,
            )
    await admin.ok(
        "POST", "/teams", {"community_id": cid, "name": "Data group", "kind": "working_group"}, 201
    )
    return int(cid)


async def test_past_a_few_dozen_teams_the_groups_are_folded(client, admin) -> None:
    districts, schools = 3, 10
    assert districts * (schools + 1) + 1 > COLLAPSE_BEYOND
    cid = await _big_community(admin, districts, schools)
    await sign_in(client, "admin@example.org")
    html = (await client.get("/communities/big")).text
    assert html.count('<details class="team-group">') == districts + 1
    assert "<summary><h3>District 2 DIDT</h3>" in html
    assert "11 teams · 0 people · 0 cycles this quarter · no cycles yet" in html
    assert "<h3>Other teams</h3>" in html and ">Data group<" in html
    assert html.index("School 1-9 SIDT") < html.index("School 1-10 SIDT")  # natural order
    assert "Also on other teams" not in html and "more than one team" not in html
    found = (await client.get("/communities/big", params={"q": "school 2-1"})).text
    assert found.count('<details class="team-group" open>') == 1
    assert list(rows(found)) == ["School 2-1 SIDT", "School 2-10 SIDT"]

    # The page reads as many rows at 34 teams as at 45, with cycles and members on them.
    with count_queries() as before:
        await client.get("/communities/big", params={"q": "x"})
    team = await admin.ok(
        "POST",
        "/teams",
        {"community_id": cid, "name": "Late school", "kind": "school_design_team"},
        201,
    )
    person = await admin.ok("POST", "/people", {"community_id": cid, "name": "Pat"}, 201)
    await admin.ok(
        "POST",
        "/memberships",
        {
            "person_id": person["id"],
            "team_id": team["id"],
            "role": "member",
            "start_date": "2024-01-01",
        },
        201,
    )
    for n in range(3):
        await admin.ok(
            "POST", "/cycles", {"team_id": team["id"], "title": f"C{n}", "plan_objective": "."}, 201
        )
    with count_queries() as after:
        html = (await client.get("/communities/big", params={"q": "x"})).text
    # (whether plugins are switched off is read once in a while, kept apart): the user,
    # the community, 7 for the body (3 for the teams), a plugin panel
    assert len(body(after)) == len(body(before)) == 10
    assert "Late school" not in rows(html) and ">C2</a>" in html
