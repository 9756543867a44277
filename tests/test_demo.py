"""The demo communities load through the services and have the shape DESIGN.md §1 describes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from communities.examples.demo import TODAY, demo_communities
from communities.exchange import export_community, load_community
from communities.models import Community
from core.context import Actor, ServiceContext
from tests.scratch import run_nic, scratch_database, sql

ON = date(2025, 3, 3)  # a school day in the first demo year (of the demo built on its TODAY)


def _active(spell: dict[str, Any], day: date) -> bool:
    return spell["start"] <= day and (spell["end"] is None or spell["end"] >= day)


async def test_demo_communities_load_and_follow_the_pattern(app: Any) -> None:
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    documents = demo_communities(TODAY)
    assert len(documents) == 2
    for document in documents:
        summary = await load_community(ctx, document, "demo")
        assert summary["cycles"] >= 40 and summary["links"] >= 40
        exported = await export_community(ctx, document["community"]["slug"])

        teams = {t["name"]: t for t in exported["teams"]}
        didt = next(t for t in exported["teams"] if t["kind"] == "district_design_team")
        sidts = [t for t in exported["teams"] if t["kind"] == "school_design_team"]
        assert len(sidts) == 3 and all(t["parent"] == didt["name"] for t in sidts)

        members: dict[str, list[tuple[str, str]]] = {name: [] for name in teams}
        for person in exported["people"]:
            for spell in person["memberships"]:
                if _active(spell, ON):
                    members[spell["team"]].append((person["key"], spell["role"]))
        didt_people = {key for key, _ in members[didt["name"]]}
        didt_roles = [role for _, role in members[didt["name"]]]
        assert didt_roles.count("researcher") == 3
        assert 3 <= didt_roles.count("central_office") <= 5
        assert 5 <= didt_roles.count("at_large") <= 6
        assert "liaison" in didt_roles
        for sidt in sidts:
            roles = members[sidt["name"]]
            coordinators = {key for key, role in roles if role == "coordinator"}
            plain = [key for key, role in roles if role == "member"]
            assert 5 <= len(plain) <= 7, sidt["name"]
            # Overlapping membership: every coordinator also sits on the DIDT.
            assert coordinators and coordinators <= didt_people, sidt["name"]

        ended = [s for p in exported["people"] for s in p["memberships"] if s["end"]]
        assert ended, "memberships change over time"
        ramps = [c for c in exported["cycles"] if c["builds_on"]]
        assert len(ramps) >= 10
        team_of = {c["key"]: c["team"] for c in exported["cycles"]}
        up = [
            link
            for link in exported["links"]
            if link["source"].startswith("cycle:")
            and link["target"].startswith("cycle:")
            and teams[team_of[link["source"][6:]]]["kind"] == "school_design_team"
            and team_of[link["target"][6:]] == didt["name"]
        ]
        assert up, "learning travels from school teams to the district team"
        assert any(a["derived_from"] for a in exported["artifacts"])


def test_nic_demo_builds_a_database_and_prints_how_to_sign_in(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as unused:
        result = run_nic(
            "demo",
            "--no-serve",
            "--database",
            str(tmp_path / "demo.sqlite3"),
            database=unused,
            cwd=tmp_path,
        )
    assert "admin@demo.example" in result.stdout and "API token nic_" in result.stdout
    # Nothing is served: no address to open and no curl line for a port nobody listens on.
    assert "curl" not in result.stdout and "8000" not in result.stdout
    assert "To serve it: NIC_DATABASE_URL=sqlite://" in result.stdout
    assert (tmp_path / "demo.sqlite3").stat().st_size > 100_000
    # Every plugin's demo data is there: none failed (the convenings drafted its agendas
    # from the graph, computed by the command itself, with no worker to wait for).
    assert "failed in nic_demo_data" not in result.stderr, result.stderr
    demo = f"sqlite://{tmp_path / 'demo.sqlite3'}"
    assert sql(demo, [], "SELECT count(*) FROM convening_agenda_entry")[0][0] > 0


def test_nic_demo_fills_an_empty_database_given_by_url_and_refuses_a_used_one(
    tmp_path: Path,
) -> None:
    """``--database`` also takes a URL (PostgreSQL when the suite runs on it): the demo
    fills that empty database, and refuses to load itself into one that holds communities."""
    with scratch_database(tmp_path) as url:
        built = run_nic("demo", "--no-serve", "--database", url, database=url, cwd=tmp_path)
        assert "facilitator@demo.example" in built.stdout
        again = run_nic(
            "demo", "--no-serve", "--database", url, database=url, cwd=tmp_path, check=False
        )
        assert again.returncode == 1
        assert "already holds communities" in again.stderr and "--database" in again.stderr
        exported = run_nic("export", "harrow-creek-hs-network", database=url, cwd=tmp_path)
        assert "Wrenfield SIDT" in exported.stdout
    refused = run_nic(
        "demo",
        "--no-serve",
        "--database",
        "mysql://db/nic",
        database=url,
        cwd=tmp_path,
        check=False,
    )
    assert refused.returncode == 1 and "--database: give a SQLite file" in refused.stderr


def test_nic_demo_prints_a_teacher_and_a_coordinator_whose_tokens_write_for_their_teams(
    tmp_path: Path,
) -> None:
    """The teacher's token posts a cycle for its school team (201) and is refused on
    another school team (403); the coordinator's posts for the district team too."""
    import re

    import httpx

    from tests.browser.conftest import served

    with scratch_database(tmp_path) as url:
        built = run_nic("demo", "--no-serve", "--database", url, database=url, cwd=tmp_path)
        tokens = dict(
            re.findall(r"(\S+@demo\.example)\s+password \S+\s+API token (\S+)", built.stdout)
        )
        assert {"teacher@demo.example", "coordinator@demo.example"} <= set(tokens)
        teacher_team = re.search(r"a teacher on (.+?) in ", built.stdout).group(1)  # type: ignore[union-attr]
        assert "also on the district team" in built.stdout
        with served(url, tmp_path) as base:
            for who in ("teacher", "coordinator"):
                api = httpx.Client(
                    base_url=base + "/api/v1",
                    headers={"Authorization": f"Bearer {tokens[who + '@demo.example']}"},
                )
                me = api.get("/me").json()
                assert me["email"] == f"{who}@demo.example"
                community = api.get("/communities").json()["items"][0]["id"]
                teams = api.get("/teams", params={"community": community, "per_page": 100}).json()
                kinds = {t["name"]: t["kind"] for t in teams["items"]}
                ids = {t["name"]: t["id"] for t in teams["items"]}
                schools = [n for n, k in kinds.items() if k == "school_design_team"]
                people = api.get("/people", params={"community": community, "per_page": 200})
                person = next(p for p in people.json()["items"] if p["user_id"] == me["id"])
                spells = api.get("/memberships", params={"person": person["id"]}).json()["items"]
                mine = {s["team_id"] for s in spells if s["end_date"] is None}
                own = (
                    ids[teacher_team]
                    if who == "teacher"
                    else next(ids[n] for n in schools if ids[n] in mine)
                )
                other = next(ids[n] for n in schools if ids[n] not in mine)
                cycle = {"title": "Demo account try", "plan_objective": "Post for my team."}
                assert api.post("/cycles", json={**cycle, "team_id": own}).status_code == 201
                refused = api.post("/cycles", json={**cycle, "team_id": other})
                assert refused.status_code == 403, refused.text
                if who == "coordinator":
                    didt = next(ids[n] for n, k in kinds.items() if k == "district_design_team")
                    assert didt in mine
                    assert api.post("/cycles", json={**cycle, "team_id": didt}).status_code == 201


def test_the_demo_moves_to_the_day_it_is_built_by_whole_weeks() -> None:
    built = demo_communities(date(2027, 1, 13))[0]
    written = demo_communities(TODAY)[0]
    shift = built["cycles"][0]["planned_start"] - written["cycles"][0]["planned_start"]
    assert shift.days % 7 == 0 and abs((date(2027, 1, 13) - TODAY - shift).days) < 7
    latest = max(point["date"] for m in built["measures"] for point in m["data"])
    assert date(2027, 1, 13) - latest < timedelta(days=14), "data runs to this week"
    under_way = [c for c in built["cycles"] if c.get("actual_start") and not c.get("actual_end")]
    assert under_way and all(c["actual_start"] <= date(2027, 1, 13) for c in under_way)
    # Dates in its texts move with it: no aim "by June 2026" in a demo built in 2027.
    statement = built["aims"][0]["statement"]
    assert "2026" not in statement
    assert f"By {built['aims'][0]['target_date']:%B %Y}" in statement


async def test_the_demo_built_today_lives_in_the_present(app: Any) -> None:
    """Plugins date their demo data from the day it is built: a convening to come with
    its availability open, past ones with minutes, forum posts over weeks, a rubric
    adopted before it was first used."""
    from plugins.convenings.models import Availability, Convening, DateOption, Decision
    from plugins.forums.models import Post
    from plugins.rubrics.models import Assessment, RubricVersion

    ctx = ServiceContext(Actor.system(), app.state.plugins)
    document = demo_communities()[0]
    await load_community(ctx, document, "demo")
    community = (await Community.get(slug=document["community"]["slug"])).id
    await app.state.plugins.call(
        "nic_demo_data", ctx=ctx, community_ids=[community], today=date.today()
    )
    now = datetime.now(UTC)

    upcoming = await Convening.filter(community_id=community, status="planning")
    assert len(upcoming) == 1 and upcoming[0].starts_at is None
    options = await DateOption.filter(convening_id=upcoming[0].id).values_list(
        "starts_at", flat=True
    )
    assert len(options) == 3 and all(o > now + timedelta(days=7) for o in options)
    assert await Availability.filter(option__convening_id=upcoming[0].id).exists()
    held = await Convening.filter(community_id=community, status="held").order_by("starts_at")
    assert held and all(c.starts_at is not None and c.starts_at < now for c in held)
    assert await Decision.filter(convening_id__in=[c.id for c in held]).exists()
    assert now - held[-1].starts_at < timedelta(days=100), "the last one, last quarter"

    posted = sorted(
        await Post.filter(thread__board__community_id=community).values_list(
            "created_at", flat=True
        )
    )
    assert len(posted) >= 3 and posted[-1] - posted[0] >= timedelta(days=14)
    assert len({p.replace(second=0, microsecond=0) for p in posted}) == len(posted)
    assert all(p <= now for p in posted)

    versions = await RubricVersion.filter(rubric__community_id=community).values_list(
        "created_at", flat=True
    )
    first_held = min(
        await Assessment.filter(community_id=community).values_list("held_on", flat=True)
    )
    assert versions and all(v.date() < first_held for v in versions)
    assert first_held < date.today()
