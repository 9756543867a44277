"""A plugin that raises in a hook breaks no page and no API call: each kind of hook.

``Raising`` (``tests/plugins/everything.py``) raises in every hook; here it is loaded
beside ``Everything`` (which keeps working: its panels, navigation, events, nodes and
agenda items show the other plugins are still asked). Its counter of calls shows each
hook was really called and raised.

What happens when a plugin raises, by kind of hook (``docs/plugins.md`` says the same):

- Hooks called while the site runs (pages, API, events, graph, agenda, permission,
  per-community switches, start-up, demo data): the plugin is logged with its name and
  left out; the call goes on with the other plugins' answers. A raising
  ``nic_permission`` is ignored, i.e. counts as an abstention: it never allows (and,
  note, never denies either). Site admins see "<plugin> is unavailable" where its panels
  would be; other users see nothing.
- Build-time hooks (config, models, routes, API operations, template and static
  folders, CLI commands), collected once when the app or a ``nic`` command is built:
  start-up stops with the plugin's error. ``nic_plugin_config`` names the plugin (a
  configuration error); for the others the message is the plugin's own exception.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from core.app import create_app
from core.cli import all_commands
from core.mail import Message, send_mail
from core.settings import Settings, SettingsError
from core.testing import TEST_SECRET, page_clients, run_command
from plugins.convenings.agenda import agenda_items
from tests.plugins.everything import (
    BUILD_TIME_HOOKS,
    EXTRA_COMMUNITIES,
    Everything,
    Raising,
    install,
    raising,
    serving,
    small_world,
)
from tests.scratch import run_nic

RUNTIME_HOOKS = sorted(
    hook for hook in vars(Raising) if hook.startswith("nic_") and hook not in BUILD_TIME_HOOKS
)


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> Everything:
    return Everything(tmp_path_factory.mktemp("everything"))


@pytest.fixture(scope="module")
def raiser() -> Any:
    """``Raising``'s hooks that are called while the site runs (the build-time ones would
    stop the app from being built: see the tests at the end)."""
    return raising(RUNTIME_HOOKS)


@pytest.fixture(scope="module")
def iapp(app: Starlette, settings: Settings, everything: Everything, raiser: Any) -> Starlette:
    """Built with ``Raising`` first and ``Everything`` after it; the session app keeps the
    ORM open."""
    site = Settings(database_url=settings.database_url, secret_key=TEST_SECRET, worker="inline")
    return create_app(site, extra_plugins=[raiser, everything], autoload=False)


@pytest.fixture
async def web(iapp: Starlette) -> AsyncIterator[Callable[..., Any]]:
    async with page_clients(iapp) as open_client:
        yield open_client


@pytest.fixture
async def world(iapp: Starlette, everything: Everything, raiser: Any, web: Any) -> dict[str, Any]:
    """The small community, an admin, Ana (member), Olu (observer), Pia of
    everything.example (observer) and a stranger; counters and events cleared."""
    world = await small_world(iapp, web, "stranger@example.org")
    everything.events.clear()
    raiser.calls.clear()
    return world


def page_urls(world: dict[str, Any]) -> dict[str, str]:
    team, person = world["teams"]["North SIDT"], world["ana"]
    cycle = world["cycles"]["Huddle with three advisors"]
    artifact = world["artifacts"]["Advisory huddle protocol"]
    slug = "/communities/cedar-valley"
    return {
        "home": "/",
        "community": slug,
        "team": f"{slug}/teams/{team}",
        "cycle": f"/cycles/{cycle}",
        "artifact": f"{slug}/artifacts/{artifact}",
        "person": f"{slug}/people/{person}",
        "artifacts": f"{slug}/artifacts",
        "aims": f"{slug}/aims",
        "search": f"{slug}/search?q=huddle",
        "flow": f"{slug}/flow",
    }


# --- pages: panels, navigation, site figures, per-community switches ----------------------


async def test_every_page_answers_with_the_other_plugins_panels(
    web: Any, world: dict[str, Any], raiser: Any, caplog: pytest.LogCaptureFixture
) -> None:
    olu = await web("olu@example.org")
    with caplog.at_level(logging.ERROR, logger="nic.plugins"):
        for page, url in page_urls(world).items():
            response = await olu.get(url)
            assert response.status_code == 200, url
            assert f">Everything on {page}</h2>" in response.text, url  # others still asked
            assert '<li><a href="/everything">Everything</a></li>' in response.text, url
            assert "unavailable" not in response.text, url  # only admins see the note
    assert raiser.calls["nic_panels"] == len(page_urls(world))
    assert raiser.calls["nic_nav_items"] >= len(page_urls(world))
    assert raiser.calls["nic_disabled_plugins"] >= 1
    assert "plugin Raising failed in nic_panels" in caplog.text
    assert "plugin Raising failed in nic_nav_items" in caplog.text
    assert "RuntimeError: raising plugin: nic_panels" in caplog.text


async def test_site_admins_see_that_a_plugins_panel_is_unavailable(
    web: Any, world: dict[str, Any]
) -> None:
    admin = await web("admin@example.org")
    for page, url in page_urls(world).items():
        response = await admin.get(url)
        assert response.status_code == 200, url
        assert f">Everything on {page}</h2>" in response.text, url
        assert '<p class="panel-unavailable" role="note">Raising is unavailable.</p>' in (
            response.text
        ), url


async def test_signed_out_home_counts_the_other_plugins_figures(
    web: Any, world: dict[str, Any], raiser: Any
) -> None:
    home = await (await web()).get("/")
    assert home.status_code == 200
    assert f"This site serves {EXTRA_COMMUNITIES + 1} communities." in home.text
    assert raiser.calls["nic_site_stats"] == 1


async def test_switches_of_the_other_plugins_still_apply(
    web: Any, world: dict[str, Any], everything: Everything, raiser: Any
) -> None:
    everything.off = {world["community_id"]: ["Everything"]}
    try:
        page = await (await web("olu@example.org")).get("/communities/cedar-valley")
    finally:
        everything.off = {}
    assert page.status_code == 200 and "Everything on community" not in page.text
    assert raiser.calls["nic_disabled_plugins"] >= 1


# --- the JSON API ----------------------------------------------------------------------------


async def test_api_lists_gets_and_creates(world: dict[str, Any], raiser: Any) -> None:
    api, cid = world["admin"], world["community_id"]
    communities = await api.ok("GET", "/communities")
    assert [c["slug"] for c in communities["items"]] == ["cedar-valley"]
    cycles = await api.ok("GET", f"/cycles?community={cid}")
    assert cycles["total"] == len(world["cycles"])
    cycle_id = world["cycles"]["Huddle with three advisors"]
    assert (await api.ok("GET", f"/cycles/{cycle_id}"))["id"] == cycle_id
    # Team kinds and node kinds come from every plugin that answers.
    kinds = await api.ok("GET", "/team-kinds")
    assert "everything_hub" in {k["kind"] for k in kinds["items"]}
    team = await api.ok(
        "POST", "/teams", {"community_id": cid, "name": "Hub", "kind": "everything_hub"}, 201
    )
    cycle = await api.ok(
        "POST", "/cycles", {"team_id": team["id"], "title": "Try", "plan_objective": "See"}, 201
    )
    link = await api.ok(
        "POST",
        "/links",
        {"source": f"cycle:{cycle['id']}", "target": f"everything_summary:{cid}"},
        201,
    )
    assert link["target"] == f"everything_summary:{cid}"
    assert raiser.calls["nic_team_kinds"] >= 2 and raiser.calls["nic_node_kinds"] >= 1


async def test_a_plugins_own_api_operation_answers_and_a_service_error_keeps_its_shape(
    world: dict[str, Any],
) -> None:
    api = world["admin"]
    assert (await api.ok("GET", "/everything/echo?say=hi"))["echo"] == "hi"
    status, body = await api.post("/teams", {"community_id": world["community_id"]})
    assert status == 422 and body["error"]["code"] == "invalid"


# --- domain events -------------------------------------------------------------------------


async def test_events_still_reach_the_other_plugins(
    world: dict[str, Any], everything: Everything, raiser: Any
) -> None:
    api = world["admin"]
    north, south = world["teams"]["North SIDT"], world["teams"]["South SIDT"]
    cycle = await api.ok(
        "POST",
        "/cycles",
        {
            "team_id": north,
            "title": "All at once",
            "plan_objective": "Plan",
            "do_what_happened": "Did",
            "study_results": "Saw",
            "act_decision": "adopt",
            "status": "completed",
        },
        201,
    )
    artifact = world["artifacts"]["South's huddle protocol"]
    await api.ok("POST", f"/artifacts/{artifact}/share", {"team_ids": [north]})
    await api.ok(
        "POST",
        "/links",
        {
            "source": f"cycle:{world['cycles']['Huddle with three advisors']}",
            "target": f"cycle:{world['cycles']['District huddle protocol pilot']}",
        },
        201,
    )
    body = {
        "person_id": world["ana"],
        "team_id": south,
        "role": "member",
        "start_date": "2025-01-06",
    }
    await api.ok("POST", "/memberships", body, 201)
    assert everything.event_names() == [
        "cycle_posted",
        "cycle_completed",
        "artifact_shared",
        "link_recorded",
        "membership_changed",
    ]
    assert everything.events[0][1]["id"] == cycle["id"]
    for hook in (
        "nic_cycle_posted",
        "nic_cycle_completed",
        "nic_artifact_shared",
        "nic_link_recorded",
        "nic_membership_changed",
    ):
        assert raiser.calls[hook] == 1, hook


# --- graph and convening --------------------------------------------------------------------


async def test_the_graph_is_built_from_the_other_plugins_contributions(
    web: Any, world: dict[str, Any], raiser: Any
) -> None:
    api = world["admin"]
    summary = await api.ok("GET", "/communities/cedar-valley/flow")
    assert summary["nodes"]["everything_summary"] == 1
    assert summary["nodes"]["cycle"] == len(world["cycles"])
    explorer = await (await web("olu@example.org")).get("/communities/cedar-valley/flow")
    assert explorer.status_code == 200
    asked = raiser.calls["nic_graph_contributions"]
    assert asked >= 1
    # A graph missing a plugin's part is not kept: the next request asks the plugin again.
    await api.ok("GET", "/communities/cedar-valley/flow")
    assert raiser.calls["nic_graph_contributions"] == asked + 1


async def test_agenda_items_are_gathered_from_the_others(
    iapp: Starlette, world: dict[str, Any], raiser: Any
) -> None:
    items = await agenda_items(
        iapp.state.plugins, world["community_id"], date(2025, 1, 1), date(2025, 4, 1)
    )
    # the built-in plugins may suggest items too; the raising plugin's are left out
    assert ("everything", "Everything") in [(i.kind, i.source) for i in items]
    assert not [i for i in items if i.source == "Raising"]
    assert raiser.calls["nic_agenda_items"] == 1


async def test_mail_goes_through_the_next_plugin_sender(
    iapp: Starlette, everything: Everything, raiser: Any
) -> None:
    message = Message(to=("ana@example.org",), subject="Hello", text="Body")
    await send_mail(iapp.state.plugins, message)
    assert everything.mail[-1][0] == message
    assert raiser.calls["nic_mail_sender"] == 1


# --- permission -------------------------------------------------------------------------------


async def test_a_raising_permission_hook_is_ignored_and_never_allows(
    web: Any, world: dict[str, Any], raiser: Any
) -> None:
    """Ignored, i.e. an abstention: the other plugins' votes decide."""
    ana, olu = await web("ana.ruiz@cedar.example"), await web("olu@example.org")
    stranger, pia = await web("stranger@example.org"), await web("pia@everything.example")
    assert (await ana.get("/communities/cedar-valley")).status_code == 200  # not denied
    assert (await stranger.get("/communities/cedar-valley")).status_code == 404  # not allowed
    assert (await pia.get("/everything/peek/cedar-valley")).status_code == 200  # Everything's vote
    assert (await olu.get("/everything/peek/cedar-valley")).status_code == 403  # nobody allows
    status, _ = await world["admin"].get("/cycles")  # admins are allowed before plugins are asked
    assert status == 200
    assert raiser.calls["nic_permission"] >= 4


# --- start-up and demo data, in a `nic` process ------------------------------------------------


def test_nic_demo_and_serve_go_on_without_the_raising_plugin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``nic demo`` builds its database (``nic_demo_data``) and serves it (``nic_startup``)
    with ``Raising`` installed as an outside plugin next to ``Everything``."""
    environment = install(
        tmp_path,
        {
            "raising": "tests.plugins.everything:runtime_raising",
            "everything": "tests.plugins.everything:plugin",
        },
    )
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    for switch in ("AUTOLOAD", "BLOCKED", "DISABLED", "ENABLED"):
        monkeypatch.delenv(f"NIC_PLUGINS_{switch}", raising=False)
    demo = tmp_path / "demo.sqlite3"
    unused = f"sqlite://{tmp_path / 'unused.sqlite3'}"
    with serving("demo", "--database", str(demo), database=unused, cwd=tmp_path) as (base, out):
        assert httpx.get(f"{base}/everything", timeout=10).status_code == 200
        assert httpx.get(f"{base}/", timeout=10).status_code == 200
    logged = out[0]
    assert "Demo ready" in logged
    assert f"Open {base}/ in a browser" in logged and f"'{base}/api/v1/cycles" in logged
    assert "plugin raising failed in nic_demo_data" in logged
    assert "plugin raising failed in nic_startup" in logged
    started = Path(environment["NIC_EVERYTHING_FOLDER"]) / "started"
    assert started.read_text().endswith(" routes\n")
    notes = run_nic("everything", "notes", database=f"sqlite://{demo}", cwd=tmp_path).stdout
    assert notes.strip().splitlines()[-1] == "2 notes"


# --- build-time hooks --------------------------------------------------------------------------


def _build(settings: Settings, everything: Everything, hook: str) -> Starlette:
    site = Settings(database_url=settings.database_url, secret_key=TEST_SECRET, worker="inline")
    return create_app(site, extra_plugins=[everything, raising([hook])], autoload=False)


@pytest.mark.parametrize("hook", sorted(BUILD_TIME_HOOKS - {"nic_cli_commands"}))
def test_a_build_time_hook_that_raises_stops_start_up_naming_the_plugin(
    settings: Settings, everything: Everything, hook: str
) -> None:
    # What it would have added (routes, models, operations, folders, settings) cannot be
    # left out quietly, so the site does not start, and the message says whose fault it is.
    with pytest.raises(SettingsError) as raised:
        _build(settings, everything, hook)
    assert str(raised.value) == f"plugin Raising: {hook} failed: raising plugin: {hook}"


async def test_a_raising_cli_commands_hook_leaves_out_only_its_commands(
    app: Starlette, settings: Settings, everything: Everything, caplog: pytest.LogCaptureFixture
) -> None:
    built = _build(settings, everything, "nic_cli_commands")  # the web app does not ask it
    code, output = await run_command(built, "plugins")  # nic plugins still works
    assert code == 0 and "Raising" in output and "Everything" in output
    assert "plugin Raising failed in nic_cli_commands" in caplog.text
    names = {command.name for command in all_commands(built.state.plugins)}
    assert "everything notes" in names and "plugins" in names  # the others' commands stay
