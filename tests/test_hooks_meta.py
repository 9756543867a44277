"""Every hook has a section in ``docs/plugins.md``, an implementation in the test plugin
``tests/plugins/everything.py`` and a test of its own here (``test_hook_<name>``).

Each hook test goes through the public surface (pages and the JSON API over HTTP, the
``nic`` command, or the Python API a plugin or the convenings plugin calls) of an app
built with ``Everything`` (one per module, on the suite's database and open ORM). The
hooks that need a process of their own (``nic_models``, ``nic_startup``,
``nic_demo_data``) are tested through ``nic`` run as a process, with ``Everything``
installed as an outside plugin (a distribution with a ``nic`` entry point).
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import json
import re
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urljoin

import httpx
import pytest
from starlette.applications import Starlette

from communities import hookspecs as domain_hookspecs
from communities.exchange import export_community, load_community
from communities.flow.results import stored_result
from communities.models import Community
from core import hookspecs
from core.app import create_app
from core.auth.users import find_user
from core.context import Actor, ServiceContext
from core.errors import InvalidInput
from core.mail import Message, send_mail
from core.plugin_config import REDACTED
from core.settings import Settings
from core.testing import (
    BASE_URL,
    TEST_SECRET,
    csrf_of,
    page_clients,
    run_command,
)
from core.worker import WorkerContext, background_tasks, run_steps
from plugins.convenings import hookspecs as convenings_hookspecs
from plugins.convenings.agenda import agenda_items
from tests.browser.oidc_site import CLIENT_ID, CLIENT_SECRET, openid_provider
from tests.plugins.everything import (
    CLAIMED,
    EXTRA_COMMUNITIES,
    Everything,
    Raising,
    install,
    serving,
    small_world,
)
from tests.scratch import run_nic, scratch_database, sql

DOCS = Path(__file__).parent.parent / "docs" / "plugins.md"
HOOKS: dict[str, Callable[..., Any]] = {
    name: spec
    for module in (hookspecs, domain_hookspecs, convenings_hookspecs)
    for name, spec in vars(module).items()
    if hasattr(spec, "nic_spec")
}
"""The kernel's hooks, the domain's and the convenings plugin's (``nic_agenda_items``)."""
GREETING = "Kia ora"
TOKEN = "tok-everything-123"

F = TypeVar("F", bound=Callable[..., Any])

HOOK_TESTS: dict[str, str] = {}
"""Hook name -> the test of its own (filled by :func:`exercises`)."""
COUNTED: dict[str, str] = {}
"""Hook name -> when ``Everything`` counts its call: ``test`` (during the test),
``build`` (when the app was built) or ``process`` (in a ``nic`` process: not counted here)."""


def exercises(hook: str, counted: str = "test") -> Callable[[F], F]:
    """Mark the test of its own of ``hook``; :func:`_the_hook_was_called` checks it reached it."""

    def mark(test: F) -> F:
        assert hook not in HOOK_TESTS, f"{hook} has two tests of its own"
        HOOK_TESTS[hook] = test.__name__
        COUNTED[hook] = counted
        test.exercised_hook = hook  # type: ignore[attr-defined]
        return test

    return mark


# --- the meta-tests ------------------------------------------------------------------


def _doc_signatures() -> dict[str, list[str]]:
    """``### `nic_x(...) -> ...``` headings of docs/plugins.md, by hook name."""
    found: dict[str, list[str]] = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^### `(nic_\w+)(\(.*\).*?)`", line)
        if match:
            found.setdefault(match.group(1), []).append(match.group(1) + match.group(2))
    return found


def _normal(annotation: str) -> str:
    return ast.unparse(ast.parse(annotation, mode="eval"))


def _spec_signature(spec: Callable[..., Any]) -> tuple[list[str], list[str], str]:
    signature = inspect.signature(spec)
    names = list(signature.parameters)
    annotations = [_normal(str(p.annotation)) for p in signature.parameters.values()]
    return names, annotations, _normal(str(signature.return_annotation))


def _doc_signature(text: str) -> tuple[list[str], list[str], str]:
    function = ast.parse(f"def {text}: pass").body[0]
    assert isinstance(function, ast.FunctionDef), text
    names = [arg.arg for arg in function.args.args]
    annotations = [
        ast.unparse(arg.annotation) if arg.annotation else "" for arg in function.args.args
    ]
    returns = ast.unparse(function.returns) if function.returns else "None"
    return names, annotations, returns


def test_every_hook_has_a_docs_section_with_its_signature() -> None:
    documented = _doc_signatures()
    missing = sorted(set(HOOKS) - set(documented))
    assert not missing, f"hooks without a section in docs/plugins.md: {missing}"
    unknown = sorted(set(documented) - set(HOOKS))
    assert not unknown, f"docs/plugins.md documents hooks that do not exist: {unknown}"
    for name, spec in HOOKS.items():
        names, annotations, returns = _spec_signature(spec)
        for heading in documented[name]:
            doc_names, doc_annotations, doc_returns = _doc_signature(heading)
            assert doc_names == names, f"{heading}: parameters should be {names}"
            assert doc_annotations == annotations, f"{heading}: types should be {annotations}"
            assert doc_returns == returns, f"{heading}: should return {returns}"


def test_the_community_file_example_is_the_example_plugins_code() -> None:
    """The excerpts under ``nic_community_file_sections`` in docs/plugins.md are the example
    plugin's tested code, word for word."""
    docs = DOCS.read_text()
    section = docs[docs.index("### `nic_community_file_sections") : docs.index("## Background")]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    example = Path(__file__).parent.parent / "examples" / "nic-learning-spaces"
    code = "".join(
        (example / "nic_learning_spaces" / name).read_text()
        for name in ("exchange.py", "plugin.py")
    )
    assert len(blocks) == 3 and all(block in code for block in blocks)


def test_every_hook_is_implemented_by_the_test_plugins() -> None:
    for plugin in (Everything, Raising):
        for name, spec in HOOKS.items():
            impl = getattr(plugin, name, None)
            assert impl is not None and hasattr(impl, "nic_impl"), f"{plugin.__name__}: {name}"
            wanted = ["self", *inspect.signature(spec).parameters]
            assert list(inspect.signature(impl).parameters) == wanted, f"{plugin.__name__}.{name}"


def test_every_hook_has_a_test_of_its_own() -> None:
    assert set(HOOK_TESTS) == set(HOOKS), {
        "without a test": sorted(set(HOOKS) - set(HOOK_TESTS)),
        "not a hook": sorted(set(HOOK_TESTS) - set(HOOKS)),
    }
    module = sys.modules[__name__]
    for hook, test_name in HOOK_TESTS.items():
        assert test_name == f"test_hook_{hook}", f"the test of {hook} is called {test_name}"
        assert callable(getattr(module, test_name, None))


# --- an app with the everything plugin ------------------------------------------------


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> Everything:
    return Everything(tmp_path_factory.mktemp("everything"))


@pytest.fixture(scope="module")
def eapp(app: Starlette, settings: Settings, everything: Everything) -> Starlette:
    """Built with ``Everything`` and its settings; the session app keeps the ORM open."""
    site = Settings(
        database_url=settings.database_url,
        secret_key=TEST_SECRET,
        worker="inline",
        plugin_config={"everything": {"greeting": GREETING, "api_token": TOKEN}},
    )
    return create_app(site, extra_plugins=[everything], autoload=False)


@pytest.fixture(autouse=True)
def _the_hook_was_called(request: pytest.FixtureRequest) -> Iterator[None]:
    """A hook's test of its own must reach the hook (counted by ``Everything``)."""
    hook = getattr(request.function, "exercised_hook", None)
    if hook is None or COUNTED[hook] == "process":
        yield
        return
    plugin: Everything = request.getfixturevalue("everything")
    before = plugin.calls[hook]
    yield
    if COUNTED[hook] == "test":
        assert plugin.calls[hook] > before, f"{request.function.__name__} did not call {hook}"
    else:
        assert plugin.calls[hook] > 0, f"{hook} was not called when the app was built"


@pytest.fixture
async def web(eapp: Starlette) -> AsyncIterator[Callable[..., Any]]:
    """``await web(email=None)``: an HTTP client on the app, signed in as ``email``."""
    async with page_clients(eapp) as open_client:
        yield open_client


@pytest.fixture
async def world(eapp: Starlette, everything: Everything, web: Any) -> dict[str, Any]:
    """The small community; an admin (with an API token), Ana (a member, North SIDT), Olu
    and Pia of ``everything.example`` (observers) and Max of ``everything.example`` (no
    role); no event recorded yet."""
    world = await small_world(eapp, web, "max@everything.example")
    everything.events.clear()
    return world


async def listed(eapp: Starlette) -> dict[str, Any]:
    """The row of ``Everything`` in ``nic plugins --json``."""
    code, out = await run_command(eapp, "plugins", "--json")
    assert code == 0
    return next(row for row in json.loads(out)["plugins"] if row["name"] == "Everything")


# --- start-up ------------------------------------------------------------------------


@exercises("nic_hookspecs", counted="build")
async def test_hook_nic_hookspecs(eapp: Starlette) -> None:
    plugins = eapp.state.plugins
    # Everything declared a hook and implements it; the domain and convenings declared theirs.
    assert await plugins.call("nic_everything_greets", name="Ana") == ["Hello, Ana"]
    declared = {
        name: plugins.pm.hook.__dict__[name].spec.namespace.__name__
        for name in ("nic_cycle_posted", "nic_agenda_items", "nic_everything_greets")
    }
    assert declared == {
        "nic_cycle_posted": "communities.hookspecs",
        "nic_agenda_items": "plugins.convenings.hookspecs",
        "nic_everything_greets": "EverythingSpecs",
    }


@exercises("nic_plugin_config", counted="build")
async def test_hook_nic_plugin_config(eapp: Starlette, web: Any, world: dict[str, Any]) -> None:
    config = eapp.state.plugins.config("Everything")
    assert config.greeting == GREETING and config.api_token.get_secret_value() == TOKEN
    page = await (await web("ana.ruiz@cedar.example")).get("/everything")
    assert f'<p id="greeting">{GREETING}, ana.ruiz@cedar.example</p>' in page.text
    row = await listed(eapp)
    assert row["config"] == {"greeting": GREETING, "api_token": REDACTED}


@exercises("nic_models", counted="process")
def test_hook_nic_models(installed: dict[str, str], tmp_path: Path) -> None:
    with scratch_database(tmp_path) as database:
        migrated = run_nic("migrate", database=database, cwd=tmp_path).stdout
        assert "applied everything.0001_initial" in migrated
        assert sql(database, [], "SELECT COUNT(*) FROM everything_note") == [(0,)]
        listing = json.loads(run_nic("plugins", "--json", database=database, cwd=tmp_path).stdout)
        row = next(r for r in listing["plugins"] if r["name"] == "everything")
        assert row["models"] == ["everything"] and row["version"] == "1.0"
        notes = run_nic("everything", "notes", database=database, cwd=tmp_path).stdout
        assert notes.strip() == "0 notes"


@exercises("nic_startup", counted="process")
def test_hook_nic_startup(installed: dict[str, str], tmp_path: Path) -> None:
    started = Path(installed["NIC_EVERYTHING_FOLDER"]) / "started"
    with scratch_database(tmp_path) as database:
        run_nic("migrate", database=database, cwd=tmp_path)
        with serving("serve", "--no-access-log", database=database, cwd=tmp_path) as (base, _):
            page = httpx.get(f"{base}/everything", timeout=10)
            assert '<p id="greeting">Hello, stranger</p>' in page.text
            assert re.fullmatch(r"\d+ routes\n", started.read_text())


@exercises("nic_team_kinds")
async def test_hook_nic_team_kinds(world: dict[str, Any]) -> None:
    api = world["admin"]
    kinds = await api.ok("GET", "/team-kinds")
    assert {"kind": "everything_hub", "label": "Everything hub"} in [
        {"kind": k["kind"], "label": k["label"]} for k in kinds["items"]
    ]
    team = {"community_id": world["community_id"], "name": "Hub", "kind": "everything_hub"}
    assert (await api.ok("POST", "/teams", team, 201))["kind"] == "everything_hub"
    status, body = await api.post("/teams", {**team, "name": "Nowhere", "kind": "nowhere_hub"})
    assert status == 422 and "kind" in body["error"]["fields"]


@exercises("nic_disabled_plugins")
async def test_hook_nic_disabled_plugins(
    everything: Everything, web: Any, world: dict[str, Any]
) -> None:
    other = await world["admin"].ok("POST", "/communities", {"slug": "elm", "name": "Elm"}, 201)
    everything.off = {world["community_id"]: ["Everything"]}
    try:
        admin = await web("admin@example.org")
        cedar = (await admin.get("/communities/cedar-valley")).text
        elm = (await admin.get(f"/communities/{other['slug']}")).text
    finally:
        everything.off = {}
    assert "Everything on community" not in cedar and "Everything on community" in elm


# --- web -----------------------------------------------------------------------------


@exercises("nic_routes", counted="build")
async def test_hook_nic_routes(web: Any, world: dict[str, Any]) -> None:
    ana = await web("ana.ruiz@cedar.example")
    page = await ana.get("/everything")
    assert page.status_code == 200 and "<h1>Everything</h1>" in page.text
    forged = await ana.post("/everything", data={"words": "hi"})
    assert forged.status_code == 403
    said = await ana.post("/everything", data={"words": "hi", "csrf_token": csrf_of(page.text)})
    assert said.status_code == 200 and '<p id="said">You said: hi</p>' in said.text
    assert (await ana.get("/everything/nowhere/else")).status_code == 404


@exercises("nic_api_operations", counted="build")
async def test_hook_nic_api_operations(web: Any, world: dict[str, Any]) -> None:
    api = world["admin"]
    assert await api.ok("GET", "/everything/echo?say=hi") == {
        "echo": "hi",
        "actor": "admin@example.org",
    }
    openapi = await api.ok("GET", "/openapi.json")
    assert openapi["paths"]["/api/v1/everything/echo"]["get"]["operationId"] == "everythingEcho"
    anonymous = await (await web()).get("/api/v1/everything/echo")
    assert anonymous.status_code == 401


@exercises("nic_template_dirs", counted="build")
async def test_hook_nic_template_dirs(
    eapp: Starlette, everything: Everything, web: Any, world: dict[str, Any]
) -> None:
    page = await (await web()).get("/everything")
    assert '<p id="greeting">Kia ora, stranger</p>' in page.text  # everything/page.html
    assert '<link rel="stylesheet" href="/static/nic.css">' in page.text  # it extends base.html
    row = await listed(eapp)
    assert row["templates"] == [str(everything.folder / "templates")]


@exercises("nic_static_dirs", counted="build")
async def test_hook_nic_static_dirs(web: Any, world: dict[str, Any]) -> None:
    client = await web()
    page = await client.get("/everything")
    url = "http://testserver/static/plugins/everything/everything.css"
    assert f'href="{url}"' in page.text
    css = await client.get("/static/plugins/everything/everything.css")
    assert css.status_code == 200 and css.text == ".everything { color: teal }\n"


@exercises("nic_permission")
async def test_hook_nic_permission(web: Any, world: dict[str, Any]) -> None:
    pia = await web("pia@everything.example")
    peek = await pia.get("/everything/peek/cedar-valley")
    assert peek.status_code == 200 and peek.text == "peeked at cedar-valley"
    # Olu, an observer too, gets no vote from the plugin: every plugin abstains.
    olu = await web("olu@example.org")
    assert (await olu.get("/everything/peek/cedar-valley")).status_code == 403
    # Max has no role in the community: the domain says False, and one False denies.
    max_ = await web("max@everything.example")
    assert (await max_.get("/everything/peek/cedar-valley")).status_code == 403


@exercises("nic_nav_items")
async def test_hook_nic_nav_items(web: Any, world: dict[str, Any]) -> None:
    home = (await (await web("olu@example.org")).get("/")).text
    assert '<li><a href="/everything">Everything</a></li>' in home
    assert home.index('href="/communities"') < home.index('href="/everything"')  # order 90
    assert 'href="/everything"' not in (await (await web()).get("/")).text


PAGES = {
    "home": "/",
    "community": "/communities/cedar-valley",
    "team": "/communities/cedar-valley/teams/{team}",
    "cycle": "/cycles/{cycle}",
    "artifact": "/communities/cedar-valley/artifacts/{artifact}",
    "person": "/communities/cedar-valley/people/{person}",
    "artifacts": "/communities/cedar-valley/artifacts",
    "aims": "/communities/cedar-valley/aims",
    "search": "/communities/cedar-valley/search?q=huddle",
    "flow": "/communities/cedar-valley/flow",
}


def page_urls(world: dict[str, Any]) -> dict[str, str]:
    ids = {
        "team": world["teams"]["North SIDT"],
        "cycle": world["cycles"]["Huddle with three advisors"],
        "artifact": world["artifacts"]["Advisory huddle protocol"],
        "person": world["ana"],
    }
    return {page: url.format(**ids) for page, url in PAGES.items()}


@exercises("nic_panels")
async def test_hook_nic_panels(web: Any, world: dict[str, Any]) -> None:
    olu = await web("olu@example.org")
    for page, url in page_urls(world).items():
        response = await olu.get(url)
        assert response.status_code == 200, url
        assert f">Everything on {page}</h2>" in response.text, url
        assert f'<p class="everything" data-page="{page}">Everything sees {page}' in response.text
    team = (await olu.get(page_urls(world)["team"])).text
    assert f"Everything sees team {world['teams']['North SIDT']}</p>" in team


@exercises("nic_site_stats")
async def test_hook_nic_site_stats(web: Any, world: dict[str, Any]) -> None:
    home = (await (await web()).get("/")).text
    assert f"This site serves {EXTRA_COMMUNITIES + 1} communities." in home


# --- domain events --------------------------------------------------------------------


@exercises("nic_cycle_posted")
async def test_hook_nic_cycle_posted(everything: Everything, world: dict[str, Any]) -> None:
    north = world["teams"]["North SIDT"]
    cycle = await world["admin"].ok(
        "POST", "/cycles", {"team_id": north, "title": "Try it", "plan_objective": "See"}, 201
    )
    [(name, posted)] = everything.events
    assert name == "cycle_posted" and posted["id"] == cycle["id"] and posted["title"] == "Try it"


@exercises("nic_cycle_completed")
async def test_hook_nic_cycle_completed(everything: Everything, world: dict[str, Any]) -> None:
    api = world["admin"]
    cycle_id = world["cycles"]["Huddle with all grade 9 advisors"]  # doing
    cycle = await api.ok("GET", f"/cycles/{cycle_id}")
    # What each phase needs before the cycle may leave it (doing has what happened).
    needs = {"studying": {"study_results": "Up 2 points."}, "acting": {"act_decision": "adopt"}}
    while cycle["status"] != "completed":
        if cycle["status"] in needs:
            body = {"version": cycle["version"], **needs[cycle["status"]]}
            cycle = await api.ok("PATCH", f"/cycles/{cycle_id}", body)
        cycle = await api.ok("POST", f"/cycles/{cycle_id}/advance", {"version": cycle["version"]})
    assert everything.event_names() == ["cycle_completed"]
    assert everything.events[0][1]["id"] == cycle_id
    assert everything.events[0][1]["status"] == "completed"


@exercises("nic_artifact_shared")
async def test_hook_nic_artifact_shared(everything: Everything, world: dict[str, Any]) -> None:
    artifact_id = world["artifacts"]["South's huddle protocol"]
    north = world["teams"]["North SIDT"]
    await world["admin"].ok("POST", f"/artifacts/{artifact_id}/share", {"team_ids": [north]})
    [(name, shared)] = everything.events
    assert name == "artifact_shared" and shared["team_ids"] == [north]
    assert shared["artifact"]["id"] == artifact_id


@exercises("nic_link_recorded")
async def test_hook_nic_link_recorded(everything: Everything, world: dict[str, Any]) -> None:
    cycles = world["cycles"]
    link = await world["admin"].ok(
        "POST",
        "/links",
        {
            "source": f"cycle:{cycles['Huddle with three advisors']}",
            "target": f"cycle:{cycles['District huddle protocol pilot']}",
        },
        201,
    )
    [(name, recorded)] = everything.events
    assert name == "link_recorded" and recorded["id"] == link["id"]
    assert (recorded["source"], recorded["target"]) == (link["source"], link["target"])


@exercises("nic_membership_changed")
async def test_hook_nic_membership_changed(everything: Everything, world: dict[str, Any]) -> None:
    api = world["admin"]
    south = world["teams"]["South SIDT"]
    body = {
        "person_id": world["ana"],
        "team_id": south,
        "role": "member",
        "start_date": "2025-01-06",
    }
    membership = await api.ok("POST", "/memberships", body, 201)
    await api.ok("POST", f"/memberships/{membership['id']}/end", {"end_date": "2025-06-30"})
    assert [(e["id"], e["change"]) for _, e in everything.events] == [
        (membership["id"], "added"),
        (membership["id"], "ended"),
    ]
    assert everything.event_names() == ["membership_changed", "membership_changed"]


# --- graph ---------------------------------------------------------------------------


@exercises("nic_node_kinds")
async def test_hook_nic_node_kinds(world: dict[str, Any]) -> None:
    api, cid = world["admin"], world["community_id"]
    kinds = await api.ok("GET", "/node-kinds")
    assert "everything_summary" in {k["kind"] for k in kinds["items"]}
    cycle = world["cycles"]["Huddle with three advisors"]
    link = await api.ok(
        "POST", "/links", {"source": f"cycle:{cycle}", "target": f"everything_summary:{cid}"}, 201
    )
    assert link["target"] == f"everything_summary:{cid}"
    status, body = await api.post(
        "/links", {"source": f"cycle:{cycle}", "target": "everything_summary:999999"}
    )
    assert status == 422 and body["error"]["fields"]["target"] == "no everything summary 999999"


@exercises("nic_graph_contributions")
async def test_hook_nic_graph_contributions(world: dict[str, Any]) -> None:
    api, cid = world["admin"], world["community_id"]
    summary = await api.ok("GET", "/communities/cedar-valley/flow")
    assert summary["nodes"]["everything_summary"] == 1
    assert summary["edges"]["everything_counted"] == len(world["cycles"])
    graph = await api.ok("GET", "/communities/cedar-valley/flow/graph")
    node = next(n for n in graph["nodes"] if n["id"] == f"everything_summary:{cid}")
    assert node["kind"] == "everything_summary" and node["label"] == "Everything"


# --- community files -------------------------------------------------------------------


@exercises("nic_community_file_sections")
async def test_hook_nic_community_file_sections(
    eapp: Starlette, everything: Everything, world: dict[str, Any]
) -> None:
    ctx = ServiceContext(Actor.system(), eapp.state.plugins)
    everything.file_notes[world["community_id"]] = ["carried over"]
    document = await export_community(ctx, "cedar-valley")
    assert document["format"] == "nic-community/2"
    assert document["plugins"]["everything"] == [{"text": "carried over"}]

    document.pop("digest")
    document["community"]["slug"] = "cedar-copy"
    document["plugins"]["everything"].append({"text": "names a cycle", "cycle": "nowhere"})
    with pytest.raises(InvalidInput) as refused:
        await load_community(ctx, document, "copy.yaml")
    assert str(refused.value) == (
        "copy.yaml: plugins.everything[1].cycle: no cycle 'nowhere' in this file"
    )
    assert not await Community.exists(slug="cedar-copy")

    document["plugins"]["everything"][1]["cycle"] = document["cycles"][0]["key"]
    summary = await load_community(ctx, document, "copy.yaml")
    assert summary["plugins.everything"] == 2
    assert everything.file_notes[summary["community_id"]] == ["carried over", "names a cycle"]


# --- convening -------------------------------------------------------------------------


@exercises("nic_flow_analyses")
async def test_hook_nic_flow_analyses(eapp: Starlette, world: dict[str, Any]) -> None:
    result = await stored_result(eapp.state.plugins, world["community_id"], "everything_kinds", {})
    assert {"cycle", "team", "everything_summary"} <= set(result.payload["kinds"])
    assert result.stale is False


@exercises("nic_agenda_items")
async def test_hook_nic_agenda_items(eapp: Starlette, world: dict[str, Any]) -> None:
    cid = world["community_id"]
    items = await agenda_items(eapp.state.plugins, cid, date(2025, 1, 10), date(2025, 4, 10))
    [item] = [i for i in items if i.kind == "everything"]
    assert item.title == "Everything from 2025-01-10 to 2025-04-10"
    assert item.source == "Everything" and item.refs == (f"everything_summary:{cid}",)
    [first] = [i for i in await agenda_items(eapp.state.plugins, cid, None, date(2025, 1, 10))]
    assert first.title == "Everything from the start to 2025-01-10"


# --- accounts ---------------------------------------------------------------------------


async def test_the_domain_claims_an_account_for_a_pending_invitation(
    eapp: Starlette, everything: Everything, world: dict[str, Any]
) -> None:
    from communities.models import Person
    from core.models import User

    plugins = eapp.state.plugins
    assert await plugins.call("nic_claim_account", email="ben.okafor@cedar.example") == []
    ben = await Person.get(community_id=world["community_id"], email="ben.okafor@cedar.example")
    await world["admin"].ok("POST", f"/people/{ben.id}/invitation", {}, status=201)
    [user_id] = await plugins.call("nic_claim_account", email="Ben.Okafor@cedar.example")
    assert (await User.get(id=user_id)).email == "ben.okafor@cedar.example"
    assert (await Person.get(id=ben.id)).user_id == user_id  # type: ignore[attr-defined]
    assert everything.claimed[-1] == "Ben.Okafor@cedar.example"


# --- mail -------------------------------------------------------------------------------


@exercises("nic_mail_sender")
async def test_hook_nic_mail_sender(eapp: Starlette, everything: Everything) -> None:
    message = Message(to=("ana@example.org",), subject="Invitation", text="Come along.")
    await send_mail(eapp.state.plugins, message)
    assert everything.mail[-1] == (message, Settings().mail_from)


# --- accounts ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def provider_issuer() -> Iterator[str]:
    """The OpenID provider of the tests (``oidc-provider``), its client sent back to the
    test client's host."""
    with openid_provider([f"{BASE_URL}/sign-in/oidc/district/callback"]) as issuer:
        yield issuer


@pytest.fixture(scope="module")
def oapp(
    settings: Settings, everything: Everything, provider_issuer: str, eapp: Starlette
) -> Starlette:
    """Like ``eapp``, with the provider ``district``: everything.example addresses, which
    join the small community (cedar-valley) as observers when they match no account."""
    site = Settings(
        database_url=settings.database_url,
        secret_key=TEST_SECRET,
        worker="inline",
        plugin_config={"everything": {"greeting": GREETING, "api_token": TOKEN}},
        oidc={
            "district": {
                "issuer": provider_issuer,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "allowed_email_domains": ["everything.example"],
                "join_community": "cedar-valley",
            }
        },
    )
    return create_app(site, extra_plugins=[everything], autoload=False)


async def sign_in_through_provider(oapp: Starlette, login: str) -> tuple[int, str]:
    """A new client of ``oapp`` signs in through the provider as ``login``: the status of
    the site's answer to the provider's redirect back, and the home page after it."""
    async with page_clients(oapp) as open_client:
        site = await open_client()
        start = await site.get("/sign-in/oidc/district")
        async with httpx.AsyncClient(timeout=10) as browser:
            answer = await browser.get(start.headers["location"])
            while not answer.headers.get("location", "").startswith(BASE_URL):
                if answer.status_code == 200:  # the provider's sign-in form
                    action = re.search(r'<form[^>]*action="([^"]+)"', answer.text)
                    assert action, answer.text
                    answer = await browser.post(
                        urljoin(str(answer.url), action.group(1)),
                        data={"prompt": "login", "login": login, "password": "any"},
                    )
                else:
                    answer = await browser.get(urljoin(str(answer.url), answer.headers["location"]))
        landed = await site.get(answer.headers["location"])
        return landed.status_code, (await site.get("/")).text


@exercises("nic_claim_account")
async def test_hook_nic_claim_account(
    oapp: Starlette, everything: Everything, world: dict[str, Any]
) -> None:
    status, home = await sign_in_through_provider(oapp, "Claimed@Everything.example")
    assert status == 303 and "Welcome, Claimed by Everything" in home, home
    assert (await find_user(CLAIMED))["name"] == "Claimed by Everything"
    assert everything.joined == []  # the claimed account needed no joining


@exercises("nic_join_community")
async def test_hook_nic_join_community(
    oapp: Starlette, everything: Everything, world: dict[str, Any]
) -> None:
    status, home = await sign_in_through_provider(oapp, "new.face@everything.example")
    assert status == 303 and "Sign out" in home, home
    roles = await world["admin"].ok("GET", f"/communities/{world['community_id']}/roles")
    joined = [r for r in roles["items"] if r["user__email"] == "new.face@everything.example"]
    assert [r["role"] for r in joined] == ["observer"]
    assert everything.joined[-1] == (joined[0]["user_id"], "cedar-valley", "observer")


# --- command line ------------------------------------------------------------------------


@exercises("nic_cli_commands")
async def test_hook_nic_cli_commands(eapp: Starlette, world: dict[str, Any]) -> None:
    assert await run_command(eapp, "everything", "hello", "Ana") == (
        0,
        f"{GREETING} from everything, Ana\n",
    )
    assert await run_command(eapp, "everything", "hello") == (
        0,
        f"{GREETING} from everything, operator\n",
    )


@exercises("nic_background_tasks")
async def test_hook_nic_background_tasks(eapp: Starlette, everything: Everything) -> None:
    tasks = background_tasks(eapp.state.plugins)
    assert {"flow", "everything-work"} <= {task.name for task in tasks}
    everything.to_do, everything.worked = ["a digest", "a report"], []
    context = WorkerContext(eapp.state.plugins, "meta-worker", once=True)
    mine = [task for task in tasks if task.name == "everything-work"]
    assert await run_steps(mine, context, asyncio.Event(), once=True) == 2
    assert everything.worked == ["a digest by meta-worker", "a report by meta-worker"]


@exercises("nic_demo_data", counted="process")
def test_hook_nic_demo_data(installed: dict[str, str], tmp_path: Path) -> None:
    demo = tmp_path / "demo.sqlite3"
    result = run_nic(
        "demo",
        "--no-serve",
        "--database",
        str(demo),
        database=f"sqlite://{tmp_path / 'unused.sqlite3'}",
        cwd=tmp_path,
    )
    assert "Demo ready" in result.stdout
    notes = run_nic("everything", "notes", database=f"sqlite://{demo}", cwd=tmp_path).stdout
    lines = notes.strip().splitlines()
    assert lines[-1] == "2 notes"
    assert all(line.endswith(": demo note by system") for line in lines[:-1])


# --- the everything plugin as an outside plugin, for `nic` processes ----------------------


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """``Everything`` installed as an outside plugin (entry point ``everything =
    tests.plugins.everything:plugin``), seen by the ``nic`` processes a test runs."""
    environment = install(tmp_path, {"everything": "tests.plugins.everything:plugin"})
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    for switch in ("AUTOLOAD", "BLOCKED", "DISABLED", "ENABLED"):
        monkeypatch.delenv(f"NIC_PLUGINS_{switch}", raising=False)
    return environment
