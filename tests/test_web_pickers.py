"""The cycle form's pickers over HTTP: what informed a cycle (JSON choices grouped by team,
the no-script checkboxes with their Find field) and the people to mention, and mentions
shown as links on the cycle page."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from communities.models import Community, Cycle, LearningLink, Person, Team
from core.testing import csrf_of, sign_in

CHOICES = "/communities/cedar-valley/cycles/choices"
PEOPLE = "/communities/cedar-valley/people/choices"


@pytest.fixture
async def elsewhere(cedar: dict[str, Any]) -> dict[str, Any]:
    """A second community with a team, a cycle and a person, none of them readable by Ana."""
    community = await Community.create(slug="elsewhere", name="Elsewhere")
    team = await Team.create(community=community, name="Far SIDT", kind="school_design_team")
    cycle = await Cycle.create(
        community=community, team=team, title="Far away huddle", plan_objective="x"
    )
    person = await Person.create(community=community, name="Ana Faraway")
    return {"cycle": cycle.id, "person": person.id, **cedar}


async def _many_cycles(cedar: dict[str, Any], count: int) -> None:
    """``count`` more cycles on North SIDT, "Extra cycle 1" posted first."""
    await Cycle.bulk_create(
        [
            Cycle(
                community_id=cedar["community_id"],
                team_id=cedar["teams"]["North SIDT"],
                title=f"Extra cycle {n}",
                plan_objective="x",
                planned_start=date(2024, 12, 1),
            )
            for n in range(1, count + 1)
        ]
    )


async def test_choices_are_grouped_by_team_with_date_and_phase(client, cedar) -> None:
    await sign_in(client, "ana.ruiz@cedar.example")
    answer = await client.get(CHOICES)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    page = answer.json()
    assert [g["team"] for g in page["groups"]] == ["Cedar Valley DIDT", "North SIDT", "South SIDT"]
    assert (page["total"], page["shown"], page["next_offset"]) == (5, 5, None)
    north = {item["title"]: item for item in page["groups"][1]["items"]}
    n1 = cedar["cycles"]["Huddle with three advisors"]
    assert north["Huddle with three advisors"] == {
        "value": f"cycle:{n1}",
        "kind": "cycle",
        "title": "Huddle with three advisors",
        "team": "North SIDT",
        "date": "2024-09-02",
        "phase": "completed",
    }
    assert north["Huddle with all grade 9 advisors"]["phase"] == "doing"
    version = north["Advisory huddle protocol v1"]
    assert version["kind"] == "artifact_version" and version["date"] == "2024-10-01"
    assert version["value"].startswith("artifact_version:")
    # Cycles first, most recently posted first; artifact versions after them.
    assert [item["kind"] for item in page["groups"][1]["items"]] == [
        "cycle",
        "cycle",
        "artifact_version",
    ]
    south = page["groups"][2]["items"]
    assert [item["title"] for item in south] == ["South's huddle protocol v1"]


async def test_choices_search_every_word_in_titles_and_team_names(client, cedar) -> None:
    await sign_in(client, "ana.ruiz@cedar.example")
    page = (await client.get(CHOICES, params={"q": "PILOT district"})).json()
    assert page["total"] == 1
    assert page["groups"][0]["items"][0]["title"] == "District huddle protocol pilot"
    page = (await client.get(CHOICES, params={"q": "south"})).json()  # the team's name
    assert [g["team"] for g in page["groups"]] == ["South SIDT"]
    page = (await client.get(CHOICES, params={"q": "no such thing"})).json()
    assert (page["total"], page["groups"]) == (0, [])
    this = cedar["cycles"]["Huddle with three advisors"]
    page = (await client.get(CHOICES, params={"q": "huddle", "exclude": this})).json()
    values = [item["value"] for g in page["groups"] for item in g["items"]]
    assert f"cycle:{this}" not in values and len(values) == 4


async def test_choices_come_a_bounded_page_at_a_time(client, cedar) -> None:
    await _many_cycles(cedar, 60)
    await sign_in(client, "ana.ruiz@cedar.example")
    first = (await client.get(CHOICES)).json()
    assert (first["total"], first["shown"], first["next_offset"]) == (65, 20, 20)
    titles = [item["title"] for item in first["groups"][0]["items"]]
    assert titles[:2] == ["Extra cycle 60", "Extra cycle 59"]  # the most recent first
    seen = []
    offset: int | None = 0
    while offset is not None:
        page = (await client.get(CHOICES, params={"limit": 50, "offset": offset})).json()
        assert page["shown"] <= 50
        seen += [item["value"] for g in page["groups"] for item in g["items"]]
        offset = page["next_offset"]
    assert len(seen) == len(set(seen)) == 65
    assert sum(value.startswith("artifact_version:") for value in seen) == 2
    for bad in ({"limit": "51"}, {"limit": "0"}, {"limit": "ten"}, {"offset": "-1"}):
        answer = await client.get(CHOICES, params=bad)
        assert answer.status_code == 422, bad
        assert answer.json()["error"]["fields"] == {next(iter(bad)): "not valid"}


async def test_choices_answer_readers_only_and_hide_other_communities(client, elsewhere) -> None:
    answer = await client.get(CHOICES)
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "not_authenticated"
    await sign_in(client, "olu@example.org")  # an observer reads
    assert (await client.get(CHOICES)).status_code == 200
    assert (await client.get(PEOPLE)).status_code == 200
    await sign_in(client, "nobody@example.org")  # no role: as if the community did not exist
    for path in (CHOICES, PEOPLE):
        refused = await client.get(path)
        missing = await client.get(path.replace("cedar-valley", "no-such-place"))
        assert refused.status_code == missing.status_code == 404
        assert refused.text == missing.text.replace("no-such-place", "cedar-valley")
    await sign_in(client, "ana.ruiz@cedar.example")
    foreign = await client.get("/communities/elsewhere/cycles/choices")
    assert foreign.status_code == 404
    mine = (await client.get(CHOICES, params={"q": "far away"})).json()
    assert mine["total"] == 0  # another community's cycles are never offered


async def test_people_to_mention(client, elsewhere) -> None:
    await sign_in(client, "ana.ruiz@cedar.example")
    ana = await Person.get(email="ana.ruiz@cedar.example")
    found = (await client.get(PEOPLE, params={"q": "an"})).json()
    assert found == {
        "items": [
            {
                "id": ana.id,
                "name": "Ana Ruiz",
                "teams": ["Cedar Valley DIDT", "North SIDT"],
                "mention": f"@[Ana Ruiz](person:{ana.id})",
            }
        ],
        "total": 1,  # not Ana Faraway, of another community
    }
    assert "email" not in (await client.get(PEOPLE)).text
    everyone = (await client.get(PEOPLE)).json()
    assert [p["name"] for p in everyone["items"]] == ["Ana Ruiz", "Ben Okafor", "Cleo Park"]
    one = (await client.get(PEOPLE, params={"limit": 1})).json()
    assert (len(one["items"]), one["total"]) == (1, 3)
    assert (await client.get(PEOPLE, params={"limit": 21})).status_code == 422
    assert (await client.get("/communities/elsewhere/people/choices")).status_code == 404


def _checked(html: str) -> list[str]:
    return re.findall(r'name="informed_by" value="([^"]+)" checked', html)


def _offered(html: str) -> list[str]:
    return re.findall(r'name="informed_by" value="([^"]+)">', html)


async def test_the_form_without_script_lists_recent_choices_by_team(client, cedar) -> None:
    await _many_cycles(cedar, 40)
    north = cedar["teams"]["North SIDT"]
    await sign_in(client, "ana.ruiz@cedar.example")
    html = (await client.get(f"/communities/cedar-valley/teams/{north}/cycles/new")).text
    assert "<legend>What informed this cycle</legend>" in html
    assert "<legend>North SIDT</legend>" in html
    assert len(_offered(html)) == 30  # not all 45: the Find field reaches the others
    assert "The 30 most recently posted of 45 are listed; use Find for the others." in html
    assert 'Extra cycle 40 <span class="muted">(planning, 2024-12-01)</span>' in html
    assert "Huddle with three advisors" not in html  # an older one
    found = await client.get(
        f"/communities/cedar-valley/teams/{north}/cycles/new", params={"informed_q": "three"}
    )
    assert 'Huddle with three advisors <span class="muted">(completed, 2024-09-02)</span>' in (
        found.text
    )
    assert len(_offered(found.text)) == 1


async def test_find_keeps_what_was_typed_and_chosen_then_posting_stores_the_links(
    client, cedar
) -> None:
    north = cedar["teams"]["North SIDT"]
    path = f"/communities/cedar-valley/teams/{north}/cycles/new"
    await sign_in(client, "ana.ruiz@cedar.example")
    token = csrf_of((await client.get(path)).text)
    n1 = f"cycle:{cedar['cycles']['Huddle with three advisors']}"
    d1 = f"cycle:{cedar['cycles']['District huddle protocol pilot']}"
    typed = {"csrf_token": token, "title": "Huddles in grade 10", "plan_objective": "Try it."}
    before = await Cycle.all().count()
    found = await client.post(
        path, data={**typed, "informed_by": n1, "informed_q": "district", "find": "1"}
    )
    assert found.status_code == 200 and await Cycle.all().count() == before
    assert 'value="Huddles in grade 10"' in found.text and "Try it." in found.text
    assert _checked(found.text) == [n1]  # chosen, though the search does not match it
    assert _offered(found.text) == [d1]
    assert "<legend>Chosen (1)</legend>" in found.text
    assert "1 match “district”." in found.text
    # A problem elsewhere on the form: it comes back with both still chosen.
    wrong = await client.post(
        path, data={**typed, "plan_objective": "", "informed_by": [n1, d1], "informed_q": "x"}
    )
    assert wrong.status_code == 422 and sorted(_checked(wrong.text)) == sorted([n1, d1])
    posted = await client.post(path, data={**typed, "informed_by": [n1, d1]})
    assert posted.status_code == 303
    cycle = await Cycle.get(title="Huddles in grade 10")
    stored = await LearningLink.filter(target=f"cycle:{cycle.id}").values_list("source", "kind")
    assert sorted(stored) == sorted([(n1, "informed"), (d1, "informed")])
    page = (await client.get(f"/cycles/{cycle.id}")).text
    assert "Huddle with three advisors" in page and "District huddle protocol pilot" in page


async def test_choosing_what_does_not_exist_is_refused_beside_the_picker(client, elsewhere) -> None:
    north = elsewhere["teams"]["North SIDT"]
    path = f"/communities/cedar-valley/teams/{north}/cycles/new"
    await sign_in(client, "ana.ruiz@cedar.example")
    token = csrf_of((await client.get(path)).text)
    before = await Cycle.all().count()
    for source in (f"cycle:{elsewhere['cycle']}", "cycle:987654321", "person:1", "nonsense"):
        answer = await client.post(
            path,
            data={"csrf_token": token, "title": "T", "plan_objective": "O", "informed_by": source},
        )
        assert answer.status_code == 422, source
        assert 'id="e-informed_by"' in answer.text, source
    assert await Cycle.all().count() == before
    assert not await LearningLink.filter(source=f"cycle:{elsewhere['cycle']}").exists()


async def test_mentions_in_a_cycle_are_links_to_people_of_the_community(client, elsewhere) -> None:
    north = elsewhere["teams"]["North SIDT"]
    path = f"/communities/cedar-valley/teams/{north}/cycles/new"
    await sign_in(client, "ana.ruiz@cedar.example")
    form = (await client.get(path)).text
    assert 'data-mention-source="/communities/cedar-valley/people/choices"' in form
    assert 'id="mention-hint"' in form and "@[Their Name](person:7)" in form
    ana = await Person.get(email="ana.ruiz@cedar.example")
    cleo = await Person.get(name="Cleo Park")
    far = elsewhere["person"]
    objective = (
        f"Ask @[<b>Someone</b>](person:{ana.id}) and @person-{cleo.id} <i>first</i>; "
        f"not @[Ana Faraway](person:{far})."
    )
    posted = await client.post(
        path, data={"csrf_token": csrf_of(form), "title": "Mentions", "plan_objective": objective}
    )
    assert posted.status_code == 303
    stored = await Cycle.get(title="Mentions")
    assert stored.plan_objective == objective  # stored as typed
    page = (await client.get(posted.headers["location"])).text
    assert (
        f'<a class="mention" href="/communities/cedar-valley/people/{ana.id}">@Ana Ruiz</a>' in page
    )
    assert (
        f'<a class="mention" href="/communities/cedar-valley/people/{cleo.id}">@Cleo Park</a>'
        in page
    )
    assert "&lt;i&gt;first&lt;/i&gt;" in page and "<b>Someone" not in page
    assert f"not @[Ana Faraway](person:{far})." in page  # another community's: plain text
    edit = (await client.get(f"/cycles/{stored.id}/edit")).text
    assert 'data-mention-source="/communities/cedar-valley/people/choices"' in edit
