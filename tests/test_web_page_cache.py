"""Kept pages and results (the one cache, ``core.kept``): a write shows on the very next
view; nothing of one viewer reaches another (edit controls, CSRF tokens, names); a cold page
renders once however many ask for it at the same time."""

from __future__ import annotations

import asyncio
import re
import warnings
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from communities.changes import community_write, note_counter, noted_counter
from communities.kept import Stamp, community_stamp, remembered
from communities.models import Community, Cycle, Membership
from communities.schemas import (
    CommunityCreate,
    CycleCreate,
    CycleUpdate,
    MembershipCreate,
    MembershipEnd,
    PersonCreate,
    RoleAssign,
    TeamCreate,
)
from communities.services.communities import assign_role, create_community, remove_role
from communities.services.cycles import post_cycle, update_cycle
from communities.services.people import add_membership, create_person, end_membership
from communities.services.teams import create_team
from communities.web.page_cache import CSRF_PLACEHOLDER
from core.auth.users import create_user
from core.context import Actor, ServiceContext
from core.kept import KeptStore, keeping, kept
from core.models import User
from core.request_memory import request_memory
from core.testing import csrf_of, sign_in
from tests.helpers import PASSWORD, count_queries

TITLE = "Huddle with three advisors"


@pytest.fixture
async def fran(app: Any, cedar: dict[str, Any]) -> dict[str, Any]:
    """Fran Facilitator, who may edit every team's cycles."""
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    await create_user("fran@example.org", PASSWORD, name="Fran Facilitator")
    await assign_role(
        ctx, cedar["community_id"], RoleAssign(user_email="fran@example.org", role="facilitator")
    )
    return cedar


@pytest.fixture
async def other(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A second browser (its own session cookie) on the same app."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


def _paths(cycle_id: int, team_id: int) -> tuple[str, str]:
    return f"/cycles/{cycle_id}", f"/communities/cedar-valley/teams/{team_id}"


def _tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', html))


async def test_a_web_form_edit_shows_on_the_very_next_page_views(client, app, fran) -> None:
    cycle = await Cycle.get(id=fran["cycles"][TITLE])
    cycle_path, team_path = _paths(cycle.id, cycle.team_id)
    await sign_in(client, "fran@example.org")
    for _ in range(2):  # the second round comes from the cache
        assert TITLE in (await client.get(cycle_path)).text
        assert TITLE in (await client.get(team_path)).text
    assert app.state.kept.hits >= 2

    token = csrf_of((await client.get(f"{cycle_path}/edit")).text)
    saved = await client.post(
        f"{cycle_path}/edit",
        data={"csrf_token": token, "version": str(cycle.version), "title": "Huddle, renamed"},
    )
    assert saved.status_code == 303, saved.text

    cycle_page = (await client.get(cycle_path)).text
    assert "<h1>Huddle, renamed " in cycle_page and "<title>Huddle, renamed" in cycle_page
    assert TITLE not in cycle_page.split("Edit history")[0]
    team_page = (await client.get(team_path)).text
    assert "Huddle, renamed" in team_page and TITLE not in team_page


async def test_an_api_edit_by_someone_else_shows_on_the_very_next_page_views(
    client, admin, fran
) -> None:
    cycle = await Cycle.get(id=fran["cycles"][TITLE])
    cycle_path, team_path = _paths(cycle.id, cycle.team_id)
    await sign_in(client, "olu@example.org")
    for path in (cycle_path, team_path, "/", cycle_path, team_path, "/"):
        assert TITLE in (await client.get(path)).text

    await admin.ok("PATCH", f"/cycles/{cycle.id}", {"version": cycle.version, "title": "By API"})
    assert "<h1>By API " in (await client.get(cycle_path)).text
    assert "By API" in (await client.get(team_path)).text
    assert "By API" in (await client.get("/")).text  # recent cycles on home

    # A write that is not to the cycle itself: a data point on its measure.
    assert "2 points from" in (await client.get(cycle_path)).text
    measure = (await admin.ok("GET", f"/cycles/{cycle.id}"))["measure_ids"][0]
    body = {"measure_id": measure, "date": "2024-09-20", "value": 91}
    await admin.ok("POST", "/data-points", body, 201)
    assert "3 points from" in (await client.get(cycle_path)).text


async def test_an_observer_never_sees_edit_controls_cached_for_a_facilitator(
    client, other, app, fran
) -> None:
    cycle = await Cycle.get(id=fran["cycles"][TITLE])
    cycle_path, team_path = _paths(cycle.id, cycle.team_id)
    await sign_in(client, "fran@example.org")
    await sign_in(other, "olu@example.org")
    for _ in range(2):
        facilitator_cycle = (await client.get(cycle_path)).text
        facilitator_team = (await client.get(team_path)).text
        assert "Edit this cycle" in facilitator_cycle and "Enter a data point" in facilitator_cycle
        assert "Post a cycle" in facilitator_team

        observed_cycle = (await other.get(cycle_path)).text
        observed_team = (await other.get(team_path)).text
        for page in (observed_cycle, observed_team):
            assert "Edit this cycle" not in page and "Post a cycle" not in page
            assert "Enter a data point" not in page and "Record the link" not in page
            assert "Fran Facilitator" not in page and "Olu Observer" in page
            assert len(_tokens(page)) == 1  # the sign-out form's token only, Olu's own
            assert _tokens(page).isdisjoint(_tokens(facilitator_cycle))
    assert app.state.kept.hits >= 4


async def test_an_observer_first_does_not_hide_the_facilitators_controls(
    client, other, fran
) -> None:
    cycle = await Cycle.get(id=fran["cycles"][TITLE])
    cycle_path, team_path = _paths(cycle.id, cycle.team_id)
    await sign_in(other, "olu@example.org")
    assert "Edit this cycle" not in (await other.get(cycle_path)).text
    assert "Post a cycle" not in (await other.get(team_path)).text
    await sign_in(client, "fran@example.org")
    assert "Edit this cycle" in (await client.get(cycle_path)).text
    assert "Post a cycle" in (await client.get(team_path)).text


async def test_cached_forms_carry_each_viewers_own_csrf_token(client, other, app, fran) -> None:
    cid, cycle_id = fran["community_id"], fran["cycles"][TITLE]
    await sign_in(client, "fran@example.org")
    await sign_in(other, "ana.ruiz@cedar.example")  # a member of the cycle's team
    fran_page = (await client.get(f"/cycles/{cycle_id}")).text
    fragments = [key for key in app.state.kept if key[:3] == ("cycle", cid, cycle_id)]
    ana_page = (await other.get(f"/cycles/{cycle_id}")).text
    assert len(fragments) == 1  # Ana's page came from the same fragment as Fran's
    assert [key for key in app.state.kept if key[:3] == ("cycle", cid, cycle_id)] == fragments
    assert str(CSRF_PLACEHOLDER) not in fran_page and str(CSRF_PLACEHOLDER) not in ana_page
    fran_tokens, ana_tokens = _tokens(fran_page), _tokens(ana_page)
    assert len(fran_tokens) == 1 and len(ana_tokens) == 1 and fran_tokens != ana_tokens
    assert "Ana Ruiz" in ana_page.split("</header>")[0]
    assert "Fran Facilitator" not in ana_page
    measure = re.search(r'<option value="(\d+)">Weekly attendance', ana_page)
    assert measure
    posted = await other.post(
        f"/cycles/{cycle_id}/data",
        data={
            "csrf_token": ana_tokens.pop(),
            "measure_id": measure.group(1),
            "date": "2024-09-20",
            "value": "92",
        },
    )
    assert posted.status_code == 303, posted.text
    assert "3 points from" in (await client.get(f"/cycles/{cycle_id}")).text


async def test_user_text_that_spells_the_placeholder_stays_text(client, admin, fran) -> None:
    cycle = await Cycle.get(id=fran["cycles"][TITLE])
    sneaky = f"x {CSRF_PLACEHOLDER} y"
    await admin.ok("PATCH", f"/cycles/{cycle.id}", {"version": cycle.version, "title": sneaky})
    await sign_in(client, "fran@example.org")
    page = (await client.get(f"/cycles/{cycle.id}")).text
    token = next(iter(_tokens(page)))
    assert "x &lt;!--nic:csrf-token--&gt; y" in page
    assert f"x {token} y" not in page


async def test_the_store_is_bounded_and_keyed_on_the_stamp() -> None:
    store = KeptStore(max_entries=2, max_chars=10)
    stamp = Stamp(1, datetime(2025, 1, 1), 5, date(2025, 1, 2))
    made: list[str] = []

    def make(value: str) -> Any:
        async def compute() -> str:
            made.append(value)
            return value

        return compute

    with keeping(store):
        assert await kept("a", stamp, make("AAAA")) == "AAAA"
        assert await kept("a", stamp, make("other")) == "AAAA" and made == ["AAAA"]
        for newer in (
            Stamp(1, datetime(2025, 1, 1), 6, date(2025, 1, 2)),
            Stamp(1, datetime(2025, 1, 1), 5, date(2025, 1, 3)),
            Stamp(1, datetime(2024, 1, 1), 5, date(2025, 1, 2)),
        ):
            assert await kept("a", newer, make("AAAA")) == "AAAA"
            assert made[-1] == "AAAA" and len(made) > 1
        assert await kept("a", stamp, make("AAAA")) == "AAAA"
        await kept("b", stamp, make("BBBB"))
        await kept("a", stamp, make("x"))  # a is now the most recently used
        await kept("c", stamp, make("CCCC"))
        assert list(store) == ["a", "c"]
        await kept("d", stamp, make("DDDDDDDDD"))  # too big to keep anything else
        assert list(store) == ["d"]
        await kept("e", None, make("E"))  # no stamp: computed, not kept
        assert list(store) == ["d"]


async def test_an_out_of_date_entry_is_let_go_before_its_successor_is_made() -> None:
    """Two of a big graph are never alive at once because of the store."""
    store = KeptStore()
    seen_while_computing: list[bool] = []

    async def successor() -> str:
        seen_while_computing.append("graph" in store)
        return "new graph"

    async def first() -> str:
        return "old graph"

    with keeping(store):
        await kept("graph", 1, first)
        assert "graph" in store
        assert await kept("graph", 2, successor) == "new graph"
    assert seen_while_computing == [False]
    assert "graph" in store


async def test_concurrent_asks_for_one_key_compute_it_once() -> None:
    """Single flight: twenty tasks asking for the same key and stamp wait for one
    computation; a task that is cancelled does not cancel it for the others."""
    store = KeptStore()
    calls: list[int] = []
    release = asyncio.Event()

    async def slow() -> str:
        calls.append(1)
        await release.wait()
        return "made once"

    with keeping(store):
        tasks = [asyncio.ensure_future(kept("page", 1, slow)) for _ in range(20)]
        await asyncio.sleep(0)
        tasks[0].cancel()
        release.set()
        results = await asyncio.gather(*tasks[1:])
    assert results == ["made once"] * 19 and calls == [1] and store.computed == 1

    async def failing() -> str:
        calls.append(2)
        raise ValueError("no")

    with keeping(store):
        outcomes = await asyncio.gather(
            *(kept("bad", 1, failing) for _ in range(5)), return_exceptions=True
        )
    assert all(isinstance(o, ValueError) for o in outcomes) and calls.count(2) == 1
    assert "bad" not in store  # a failure is not kept: the next ask tries again


async def test_twenty_browsers_on_a_cold_page_render_it_once(app, fran) -> None:
    cycle = await Cycle.get(id=fran["cycles"][TITLE])
    cycle_path, team_path = _paths(cycle.id, cycle.team_id)
    transport = httpx.ASGITransport(app=app)
    browsers = [
        httpx.AsyncClient(transport=transport, base_url="http://testserver") for _ in range(20)
    ]
    for browser in browsers:
        await sign_in(browser, "olu@example.org")
    for path in (cycle_path, team_path):
        before, keys = app.state.kept.computed, set(app.state.kept)
        pages = await asyncio.gather(*(browser.get(path) for browser in browsers))
        assert {page.status_code for page in pages} == {200}
        assert all(TITLE in page.text for page in pages)
        made = set(app.state.kept) - keys  # the body, the role, the panels...
        assert any(key[0] in ("cycle", "team") for key in made), made
        assert app.state.kept.computed - before == len(made)  # ...each made once, not 20 times
    for browser in browsers:
        await browser.aclose()


async def test_kept_under_a_community_stamp_until_the_community_changes(app, cedar) -> None:
    cid = cedar["community_id"]
    calls: list[int] = []

    async def compute() -> list[str]:
        calls.append(1)
        return sorted(await Cycle.filter(community_id=cid).values_list("title", flat=True))

    key = ("test", "titles")

    async def keep(community_id: int, key: Any) -> list[str]:
        return await kept(key, await community_stamp(community_id), compute)

    with keeping(KeptStore()):
        first = await keep(cid, key)
        assert await keep(cid, key) is first and len(calls) == 1
        assert await keep(cid, ("test", "other")) == first and len(calls) == 2

        cycle = await Cycle.filter(community_id=cid).first()
        assert cycle is not None
        ctx = ServiceContext(Actor.system(), app.state.plugins)
        await update_cycle(ctx, cycle.id, CycleUpdate(version=cycle.version, title="Renamed"))
        again = await keep(cid, key)
        assert len(calls) == 3 and "Renamed" in again and "Renamed" not in first
        # A community that does not exist has no stamp: nothing is kept for it.
        await keep(999_999, key)
        await keep(999_999, key)
        assert len(calls) == 5


async def test_remembered_still_works_and_says_it_is_deprecated(app, cedar) -> None:
    async def compute() -> str:
        return "<p>panel</p>"

    with keeping(KeptStore()), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert await remembered(cedar["community_id"], ("test", "old"), compute) == "<p>panel</p>"
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)


async def test_a_page_reads_its_community_once_for_its_fragments_panels_and_switches(
    client,
    cedar,
) -> None:
    await sign_in(client, "ana.ruiz@cedar.example")
    north = cedar["teams"]["North SIDT"]
    cycle = cedar["cycles"][TITLE]
    for path in (f"/communities/cedar-valley/teams/{north}", f"/cycles/{cycle}"):
        await client.get(path)  # warm
        with count_queries() as seen:
            assert (await client.get(path)).status_code == 200
        community_reads = [q for q in seen if 'FROM "COMMUNITY"' in q or "COMMUNITY__" in q]
        assert len(community_reads) == 1, (path, community_reads)
        assert not [q for q in seen if "COMMUNITY_PLUGIN" in q], path


async def test_a_noted_counter_lasts_one_request_and_a_write_drops_it(app, cedar) -> None:
    cid = cedar["community_id"]
    row = await Community.get(id=cid)
    counter = (row.created_at, row.change_counter)
    note_counter(cid, *counter)
    assert noted_counter(cid) is None  # outside a request nothing is noted
    calls: list[int] = []

    async def compute() -> int:
        calls.append(1)
        return len(calls)

    async def keep() -> int:
        return await kept(("test", "n"), await community_stamp(cid), compute)

    with request_memory(), keeping(KeptStore()):
        note_counter(cid, *counter)
        assert noted_counter(cid) == counter
        with count_queries() as seen:
            assert await keep() == 1
            assert await keep() == 1
        assert seen == []  # the noted stamp: no query for it
        async with community_write(cid):
            pass
        assert noted_counter(cid) is None
        # The write moved the counter: what was kept is computed again, not served stale.
        assert await keep() == 2
    with request_memory():
        assert noted_counter(cid) is None  # the next request starts with nothing noted


async def test_home_panels_are_kept_until_one_of_my_communities_changes(client, app, cedar) -> None:
    """Home keeps its panels rendered under the stamps of the communities the viewer reads:
    a warm view makes two queries (who is signed in, those stamps); a new community with a
    role in it, a team joined there, a cycle posted there each show on the very next view;
    a team in a community the viewer may not read is not listed as theirs."""
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    await sign_in(client, "ana.ruiz@cedar.example")
    await client.get("/")  # warm
    with count_queries() as seen:
        home = (await client.get("/")).text
    assert len(seen) == 2, seen
    assert "North SIDT" in home and "Huddle with all grade 9 advisors" in home

    other = await create_community(ctx, CommunityCreate(slug="birch", name="Birch Hills"))
    team = await create_team(
        ctx, TeamCreate(community_id=other["id"], name="Birch SIDT", kind="school_design_team")
    )
    ana = await User.get(email="ana.ruiz@cedar.example")
    person = await create_person(
        ctx, PersonCreate(community_id=other["id"], name="Ana Ruiz", user_id=ana.id)
    )
    await add_membership(
        ctx,
        MembershipCreate(
            person_id=person["id"], team_id=team["id"], role="member", start_date=date(2024, 1, 1)
        ),
    )
    await post_cycle(
        ctx, CycleCreate(team_id=team["id"], title="Birch exit tickets", plan_objective="Try.")
    )
    home = (await client.get("/")).text
    assert "Birch SIDT" not in home and "Birch exit tickets" not in home  # no role there
    app.state.kept.clear()  # nor when the panels are made afresh
    home = (await client.get("/")).text
    assert "Birch SIDT" not in home and "Birch exit tickets" not in home

    await assign_role(
        ctx, other["id"], RoleAssign(user_email="ana.ruiz@cedar.example", role="member")
    )
    home = (await client.get("/")).text
    assert "Birch SIDT" in home.split("My teams")[1].split("Recent cycles")[0]
    assert "Birch exit tickets" in home.split("Recent cycles")[1]

    await post_cycle(
        ctx, CycleCreate(team_id=team["id"], title="Birch warm calls", plan_objective="Try.")
    )
    assert "Birch warm calls" in (await client.get("/")).text


async def test_each_app_keeps_its_own_results(app, cedar) -> None:
    """What a panel keeps may be markup of its app's templates: two apps in one process
    (tests, the benchmark) each compute their own; outside an app nothing is kept."""
    cid = cedar["community_id"]
    calls: list[str] = []

    def compute(name: str) -> Any:
        async def run() -> str:
            calls.append(name)
            return f"<p>{name}</p>"

        return run

    async def keep(name: str) -> str:
        return await kept(("test", "panel"), await community_stamp(cid), compute(name))

    first, second = KeptStore(), KeptStore()
    for _ in range(2):
        with keeping(first):
            assert await keep("first") == "<p>first</p>"
        with keeping(second):
            assert await keep("second") == "<p>second</p>"
    assert calls == ["first", "second"] and len(first) == 1 and len(second) == 1
    assert await keep("outside") == "<p>outside</p>"
    assert await keep("outside") == "<p>outside</p>"
    assert calls == ["first", "second", "outside", "outside"]


async def test_a_warm_page_knows_its_viewers_role_and_a_change_shows_at_once(
    client, app, fran
) -> None:
    """On a community's own pages the viewer's role and teams are kept under the stamp the
    page read with its community: a warm team or cycle page makes two queries (who is signed
    in, the community), and a role given, changed or taken, or a membership ended, shows on
    the very next view."""
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    cid = fran["community_id"]
    cycle = await Cycle.get(id=fran["cycles"][TITLE])
    cycle_path, team_path = _paths(cycle.id, cycle.team_id)
    await sign_in(client, "olu@example.org")  # an observer
    for path in (cycle_path, team_path):
        await client.get(path)  # warm
        with count_queries() as seen:
            page = (await client.get(path)).text
        assert len(seen) == 2, (path, seen)
        assert "Edit this cycle" not in page and "Post a cycle" not in page

    await assign_role(ctx, cid, RoleAssign(user_email="olu@example.org", role="facilitator"))
    assert "Edit this cycle" in (await client.get(cycle_path)).text
    assert "Post a cycle" in (await client.get(team_path)).text
    await assign_role(ctx, cid, RoleAssign(user_email="olu@example.org", role="observer"))
    assert "Edit this cycle" not in (await client.get(cycle_path)).text
    olu = await User.get(email="olu@example.org")
    await remove_role(ctx, cid, olu.id)
    assert (await client.get(cycle_path)).status_code == 404  # no role: as if none there
    assert (await client.get(team_path)).status_code == 404

    await sign_in(client, "ana.ruiz@cedar.example")  # a member of the cycle's team
    assert "Edit this cycle" in (await client.get(cycle_path)).text
    assert "Post a cycle" in (await client.get(team_path)).text
    ana = "ana.ruiz@cedar.example"
    spell = await Membership.get(team_id=cycle.team_id, person__user__email=ana)
    await end_membership(ctx, spell.id, MembershipEnd(end_date=date.today() - timedelta(days=1)))
    assert "Edit this cycle" not in (await client.get(cycle_path)).text
    assert "Post a cycle" not in (await client.get(team_path)).text


async def test_a_kept_body_reaches_the_page_whole(client, fran) -> None:
    """A kept body is in the page exactly once, with no placeholder left, and a
    Content-Length that fits."""
    cycle = await Cycle.get(id=fran["cycles"][TITLE])
    await sign_in(client, "fran@example.org")
    for path in _paths(cycle.id, cycle.team_id) * 2:  # rendered, then from the cache
        response = await client.get(path)
        assert int(response.headers["content-length"]) == len(response.content)
        text = response.text
        assert "nic:encoded" not in text and str(CSRF_PLACEHOLDER) not in text
        assert text.count("<main") == 1 and text.count("</html>") == 1
        assert text.count("Huddle with three advisors") >= 1 and "·" in text


async def test_a_big_entry_let_go_is_freed_at_once_cycles_and_all() -> None:
    """A graph refers to itself through its views: the store collects it when it lets a
    big one go, before the next is built, so two are never alive at once."""
    import weakref

    import networkx as nx

    store = KeptStore(max_chars=10**12)
    alive: list[bool] = []

    async def old() -> nx.MultiDiGraph:
        graph = nx.MultiDiGraph([(1, 2)])
        graph.nodes  # noqa: B018 - the cached view that makes a reference cycle
        return graph

    with keeping(store):
        first = weakref.ref(await kept("graph", 1, old, size=lambda g: 20_000_000))

        async def successor() -> nx.MultiDiGraph:
            alive.append(first() is not None)
            return nx.MultiDiGraph()

        await kept("graph", 2, successor, size=lambda g: 20_000_000)
    assert alive == [False]
