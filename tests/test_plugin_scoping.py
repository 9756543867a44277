"""Plugins switched on and off per community: the facilitators' setting, and the host
leaving a switched-off plugin out of every hook called for that community only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from typing import Any

import httpx
import pytest

from communities.agenda import AgendaItem
from communities.changes import change_counter
from communities.flow.build import build_graph
from core.context import Actor, ServiceContext
from core.errors import NotFound
from core.hookspecs import hookimpl
from core.nodes import GraphContribution
from core.testing import csrf_of, page_clients
from core.web.render import NavItem, Panel
from plugins.api import plugin_enabled, this_plugin
from plugins.convenings.agenda import agenda_items
from tests.factories import UserFactory
from tests.helpers import count_queries

PLUGIN = "scoped"


class Scoped:
    """A plugin with a team panel, a navigation item, a graph node per community, an
    agenda item and an ear for posted cycles."""

    def __init__(self) -> None:
        self.posted: list[int] = []

    @hookimpl
    def nic_panels(self, page: str, subject: dict[str, Any]) -> list[Panel] | None:
        if page != "team":
            return None
        return [Panel("Scoped panel", "<p>scoped-panel-body</p>")]

    @hookimpl
    def nic_nav_items(self, actor: Actor | None) -> list[NavItem]:
        return [NavItem("Scoped nav", "/scoped-nav")]

    @hookimpl
    def nic_graph_contributions(self, community_ids: list[int], as_of: date | None) -> Any:
        nodes = [
            (f"scoped:{cid}", {"kind": "scoped", "label": f"Scoped {cid}", "community": cid})
            for cid in community_ids
        ]
        return GraphContribution(nodes=nodes, edges=[])

    @hookimpl
    def nic_agenda_items(self, community_id: int) -> list[AgendaItem]:
        return [AgendaItem(f"Scoped for {community_id}", "scoped")]

    @hookimpl
    def nic_cycle_posted(self, cycle: dict[str, Any]) -> None:
        self.posted.append(cycle["community_id"])


class Broken:
    """A plugin whose panel always fails."""

    @hookimpl
    def nic_panels(self, page: str) -> list[Panel]:
        raise RuntimeError("the panel broke")


@pytest.fixture
async def scoped(app: Any) -> AsyncIterator[Scoped]:
    plugin = Scoped()
    app.state.plugins.pm.register(plugin, name=PLUGIN)
    app.state.kept.clear()  # what was kept was made without this plugin
    try:
        yield plugin
    finally:
        app.state.plugins.pm.unregister(plugin)


Browser = Callable[[str], Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def browser(app: Any) -> AsyncIterator[Browser]:
    """``await browser(email)``: a client signed in to the pages as ``email``."""
    async with page_clients(app) as open_client:
        yield open_client


@pytest.fixture
async def world(admin: Any, make_user: UserFactory) -> dict[str, Any]:
    """Communities alpha and beta, a team and a cycle in each; in alpha Fay facilitates,
    Mo is a member and Obi observes; Mo is a member of beta too."""
    world: dict[str, Any] = {"admin": admin}
    users = {
        "fay": await make_user("fay@example.org"),
        "mo": await make_user("mo@example.org"),
        "obi": await make_user("obi@example.org"),
    }
    world["users"] = users
    for slug in ("alpha", "beta"):
        community = await admin.ok("POST", "/communities", {"slug": slug, "name": slug}, 201)
        cid = community["id"]
        team = await admin.ok(
            "POST", "/teams", {"community_id": cid, "name": "Hub", "kind": "working_group"}, 201
        )
        await admin.ok(
            "POST", "/cycles", {"team_id": team["id"], "title": "First", "plan_objective": "x"}, 201
        )
        world[slug] = {"id": cid, "team": team["id"]}
    alpha = world["alpha"]["id"]
    for name, role in (("fay", "facilitator"), ("mo", "member"), ("obi", "observer")):
        await admin.ok(
            "PUT",
            f"/communities/{alpha}/roles",
            {"user_email": f"{name}@example.org", "role": role},
        )
    await admin.ok(
        "PUT",
        f"/communities/{world['beta']['id']}/roles",
        {"user_email": "mo@example.org", "role": "member"},
    )
    return world


async def _switch(world: dict[str, Any], slug: str, enabled: bool) -> dict[str, Any]:
    cid = world[slug]["id"]
    body = {"plugin": PLUGIN, "enabled": enabled}
    return await world["admin"].ok("PUT", f"/communities/{cid}/plugins", body)  # type: ignore[no-any-return]


def _team_url(world: dict[str, Any], slug: str) -> str:
    return f"/communities/{slug}/teams/{world[slug]['team']}"


async def test_switching_off_hides_the_panel_and_nav_item_in_that_community_only(
    scoped: Scoped, world: dict[str, Any], browser: Browser
) -> None:
    mo = await browser("mo@example.org")
    for slug in ("alpha", "beta"):
        page = (await mo.get(_team_url(world, slug))).text
        assert "scoped-panel-body" in page and "Scoped nav" in page, slug
    row = await _switch(world, "alpha", False)
    assert row == {
        "plugin": PLUGIN,
        "version": None,
        "description": Scoped.__doc__.splitlines()[0],
        "essential": False,
        "enabled": False,
    }
    alpha = await mo.get(_team_url(world, "alpha"))
    assert alpha.status_code == 200
    assert "scoped-panel-body" not in alpha.text and "Scoped nav" not in alpha.text
    beta = (await mo.get(_team_url(world, "beta"))).text
    assert "scoped-panel-body" in beta and "Scoped nav" in beta
    # Outside any community the navigation item stays.
    assert "Scoped nav" in (await mo.get("/communities")).text
    await _switch(world, "alpha", True)
    assert "scoped-panel-body" in (await mo.get(_team_url(world, "alpha"))).text


async def test_switching_off_drops_the_graph_contribution_of_that_community_only(
    app: Any, scoped: Scoped, world: dict[str, Any]
) -> None:
    admin = world["admin"]

    async def scoped_nodes(slug: str) -> int:
        summary = await admin.ok("GET", f"/communities/{slug}/flow")
        return int(summary["nodes"].get("scoped", 0))

    assert (await scoped_nodes("alpha"), await scoped_nodes("beta")) == (1, 1)
    await _switch(world, "alpha", False)
    assert (await scoped_nodes("alpha"), await scoped_nodes("beta")) == (0, 1)
    # A graph of both communities asks the plugin about beta only.
    both = await build_graph(app.state.plugins, [world["alpha"]["id"], world["beta"]["id"]])
    assert [n for n, kind in both.nodes(data="kind") if kind == "scoped"] == [
        f"scoped:{world['beta']['id']}"
    ]
    await _switch(world, "alpha", True)
    assert await scoped_nodes("alpha") == 1


async def test_events_and_agenda_items_of_a_switched_off_community_are_not_delivered(
    app: Any, scoped: Scoped, world: dict[str, Any]
) -> None:
    admin = world["admin"]
    assert sorted(scoped.posted) == sorted([world["alpha"]["id"], world["beta"]["id"]])
    scoped.posted.clear()
    await _switch(world, "alpha", False)
    for slug in ("alpha", "beta"):
        body = {"team_id": world[slug]["team"], "title": "Second", "plan_objective": "y"}
        await admin.ok("POST", "/cycles", body, 201)
    assert scoped.posted == [world["beta"]["id"]]
    host = app.state.plugins
    alpha, beta = world["alpha"]["id"], world["beta"]["id"]
    titles = [item.title for item in await agenda_items(host, alpha, None, date.today())]
    assert f"Scoped for {alpha}" not in titles
    titles = [item.title for item in await agenda_items(host, beta, None, date.today())]
    assert f"Scoped for {beta}" in titles


async def test_plugin_enabled_answers_404_where_the_plugin_is_off(
    app: Any, scoped: Scoped, world: dict[str, Any]
) -> None:
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    alpha, beta = world["alpha"]["id"], world["beta"]["id"]
    await _switch(world, "alpha", False)
    for plugin in (PLUGIN, "SCOPED", scoped):  # by name (any case) or the plugin itself
        with pytest.raises(NotFound):
            await plugin_enabled(ctx, plugin, alpha)
        await plugin_enabled(ctx, plugin, beta)


async def test_this_plugin_knows_its_name_and_where_it_is_on(
    app: Any, scoped: Scoped, world: dict[str, Any]
) -> None:
    plugins = app.state.plugins
    # A module of a plugin package names the plugin, whatever module its hooks live in.
    assert this_plugin("plugins.rubrics.pages").name(plugins) == "rubrics"
    assert this_plugin("plugins.convenings").name(plugins) == "convenings"
    assert this_plugin("communities.web.pages").name(plugins) == "communities"
    assert this_plugin(__name__).name(plugins) == PLUGIN  # a plugin object: its class's module
    with pytest.raises(LookupError, match="belongs to no registered plugin"):
        this_plugin("plugins.nowhere").name(plugins)
    alpha, beta = world["alpha"]["id"], world["beta"]["id"]
    await _switch(world, "alpha", False)
    mo = ServiceContext(Actor(world["users"]["mo"].user_id, "mo@example.org"), plugins)
    this = this_plugin(__name__)
    assert await this.on_in(mo, [alpha, beta]) == {beta}
    assert [c["slug"] for c in await this.communities(mo)] == ["beta"]
    assert await this.is_on(mo, beta) and not await this.is_on(mo, alpha)
    with pytest.raises(NotFound):
        await this.community(mo, "alpha")
    assert (await this.community(mo, "beta"))["id"] == beta
    # The essential domain plugin is on everywhere it can be read.
    assert [c["slug"] for c in await this_plugin("communities").communities(mo)] == [
        "alpha",
        "beta",
    ]


async def test_the_facilitator_page_switches_plugins_with_csrf(
    scoped: Scoped, world: dict[str, Any], browser: Browser
) -> None:
    alpha = world["alpha"]["id"]
    url = "/communities/alpha/plugins"
    fay = await browser("fay@example.org")
    community = (await fay.get("/communities/alpha")).text
    assert f'href="{url}"' in community
    page = await fay.get(url)
    assert page.status_code == 200
    assert f'value="{PLUGIN}" checked' in page.text
    assert 'value="communities"' not in page.text  # essential: not offered
    assert Scoped.__doc__.splitlines()[0] in page.text
    shown = {"shown": [PLUGIN, "EventRecorder"], "enabled": ["EventRecorder"]}
    refused = await fay.post(url, data=shown)
    assert refused.status_code == 403
    before = await change_counter(alpha)
    token = csrf_of(page.text, action=url)
    saved = await fay.post(url, data={"csrf_token": token, **shown})
    assert saved.status_code == 303 and saved.headers["location"] == url
    assert await change_counter(alpha) == before + 1
    page = (await fay.get(url)).text
    assert "saved" in page and f'value="{PLUGIN}" checked' not in page
    assert 'value="EventRecorder" checked' in page
    items = (await world["admin"].ok("GET", f"/communities/{alpha}/plugins"))["items"]
    assert {row["plugin"]: row["enabled"] for row in items}[PLUGIN] is False
    # Saving the same choice again writes nothing.
    await fay.post(url, data={"csrf_token": token, **shown})
    assert await change_counter(alpha) == before + 1
    unknown = await fay.post(url, data={"csrf_token": token, "shown": "no_such_plugin"})
    assert unknown.status_code == 422 and "no_such_plugin" in unknown.text


async def test_members_and_observers_may_not_list_or_switch_plugins(
    scoped: Scoped, world: dict[str, Any], browser: Browser
) -> None:
    alpha = world["alpha"]["id"]
    for name in ("mo", "obi"):
        client = await browser(f"{name}@example.org")
        assert (await client.get("/communities/alpha/plugins")).status_code == 403
        assert (
            'href="/communities/alpha/plugins"' not in (await client.get("/communities/alpha")).text
        )
        api = world["users"][name]
        status, body = await api.get(f"/communities/{alpha}/plugins")  # facilitators only
        assert status == 403, body
        status, body = await api.put(
            f"/communities/{alpha}/plugins", {"plugin": PLUGIN, "enabled": False}
        )
        assert status == 403, body
    status, _ = await world["users"]["fay"].get(f"/communities/{world['beta']['id']}/plugins")
    assert status == 404  # Fay has no role in beta: to her it does not exist


async def test_unknown_and_essential_plugins_are_refused_and_the_counter_rises(
    scoped: Scoped, world: dict[str, Any]
) -> None:
    fay, alpha = world["users"]["fay"], world["alpha"]["id"]
    url = f"/communities/{alpha}/plugins"
    status, body = await fay.put(url, {"plugin": "no_such_plugin", "enabled": False})
    assert status == 422 and "plugin" in body["error"]["fields"], body
    status, body = await fay.put(url, {"plugin": "communities", "enabled": False})
    assert status == 422 and "essential" in body["error"]["fields"]["plugin"], body
    status, body = await fay.put(url, {"plugin": PLUGIN, "enabled": "no"})
    assert status == 422 and "enabled" in body["error"]["fields"], body
    before = await change_counter(alpha)
    row = await fay.ok("PUT", url, {"plugin": PLUGIN, "enabled": False})
    assert row["enabled"] is False and await change_counter(alpha) == before + 1
    await fay.ok("PUT", url, {"plugin": PLUGIN, "enabled": True})
    assert await change_counter(alpha) == before + 2
    items = (await fay.ok("GET", url))["items"]
    assert {"plugin": "communities", "enabled": True, "essential": True}.items() <= next(
        row for row in items if row["plugin"] == "communities"
    ).items()
    status, _ = await fay.get("/communities/999999/plugins")
    assert status == 404


async def test_an_essential_plugin_stays_on_whatever_the_setting_says(
    app: Any, world: dict[str, Any]
) -> None:
    from communities.models import CommunityPlugin

    alpha = world["alpha"]["id"]
    await CommunityPlugin.create(community_id=alpha, plugin="communities", enabled=False)
    host = app.state.plugins
    assert await host.disabled_plugins([alpha]) == {alpha: frozenset()}
    assert await host.enabled_in("communities", alpha)


async def test_admins_see_an_unavailable_note_for_a_failing_panel(
    app: Any, world: dict[str, Any], browser: Browser
) -> None:
    broken = Broken()
    app.state.plugins.pm.register(broken, name="brittle")
    try:
        admin = await browser("admin@example.org")
        mo = await browser("mo@example.org")
        seen = await admin.get(_team_url(world, "alpha"))
        assert seen.status_code == 200
        assert "brittle is unavailable" in seen.text and 'class="panel-unavailable"' in seen.text
        hidden = await mo.get(_team_url(world, "alpha"))
        assert hidden.status_code == 200 and "unavailable" not in hidden.text
        # Switched off in alpha, it is not asked there, so there is nothing to report.
        await world["admin"].ok(
            "PUT",
            f"/communities/{world['alpha']['id']}/plugins",
            {"plugin": "brittle", "enabled": False},
        )
        assert "brittle is unavailable" not in (await admin.get(_team_url(world, "alpha"))).text
        assert "brittle is unavailable" in (await admin.get(_team_url(world, "beta"))).text
    finally:
        app.state.plugins.pm.unregister(broken)


async def test_a_page_reads_the_switches_once_and_not_again_until_the_community_changes(
    scoped: Scoped, world: dict[str, Any], browser: Browser
) -> None:
    mo = await browser("mo@example.org")

    async def switch_reads() -> int:
        with count_queries() as seen:
            assert (await mo.get(_team_url(world, "alpha"))).status_code == 200
        return len([sql for sql in seen if "community_plugin" in sql.lower()])

    assert await switch_reads() == 1
    assert await switch_reads() == 0  # same counter: the switches read then still hold
    await _switch(world, "alpha", False)
    assert await switch_reads() == 1
    assert await switch_reads() == 0
