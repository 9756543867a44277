"""Test plugins: ``Everything`` implements every hook of ``core/hookspecs.py``,
``communities/hookspecs.py`` and ``plugins/convenings/hookspecs.py``, ``Raising``
implements every hook by raising.

``Everything`` gives each hook an effect a test can see through the public surface:

==========================  ==================================================================
hook                        effect
==========================  ==================================================================
nic_hookspecs               declares ``nic_everything_greets`` (``EverythingSpecs``), which
                            it implements itself: ``"Hello, <name>"``
nic_plugin_config           ``EverythingConfig`` (``greeting``, secret ``api_token``)
nic_startup                 ``started`` grows; ``<folder>/started`` says how many routes
nic_models                  the Tortoise app ``everything`` (``EverythingNote``), migrations
                            in the package ``everything_migrations`` under ``<folder>``
nic_team_kinds              ``everything_hub``
nic_disabled_plugins        switches off the plugins named in ``off`` (by community id)
nic_routes                  ``/everything`` (a page with a CSRF form), ``/everything/peek/{slug}``
nic_api_operations          ``GET /api/v1/everything/echo``
nic_template_dirs           ``<folder>/templates`` (``everything/page.html``, ``.../panel.html``)
nic_static_dirs             ``<folder>/static`` at ``/static/plugins/everything/``
nic_permission              abstains, except ``everything_peek`` for ``@everything.example``
nic_nav_items               "Everything" for signed-in users
nic_panels                  a panel "Everything on <page>" on every page
nic_site_stats              counts 1000 communities more on the signed-out home page
domain events               each recorded in ``events``
nic_node_kinds              ``everything_summary:<community id>``
nic_graph_contributions     a node ``everything_summary:<id>`` per community, an edge
                            ``everything_counted`` from each of its cycles
nic_agenda_items            one item ``everything`` per convening
nic_cli_commands            ``nic everything hello``, ``nic everything notes``
nic_community_file_sections section ``everything`` of community files: the community's notes
nic_demo_data               ``demo`` grows; an ``EverythingNote`` per demo community
==========================  ==================================================================

Every call is counted in ``calls`` (by hook name), so a test can show it exercised a hook.
The template, static and migrations folders are written under ``folder`` (given, or
``NIC_EVERYTHING_FOLDER`` when the plugin is loaded by entry point as ``plugin``), so the
plugin keeps no files of its own beside this module.
"""

from __future__ import annotations

import argparse
import importlib
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel, SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from tortoise import fields
from tortoise.models import Model

from core.auth.users import create_user
from core.settings import Settings
from core.worker import BackgroundTask, WorkerContext
from plugins.api import (
    Actor,
    AgendaItem,
    Analysis,
    ApiCall,
    Command,
    CommandContext,
    Community,
    Cycle,
    FileKeys,
    FileSection,
    GraphAt,
    GraphContribution,
    NavItem,
    NodeInfo,
    NodeKind,
    Operation,
    Panel,
    QueryParam,
    SectionEntry,
    ServiceContext,
    community_id_for_slug,
    hookimpl,
    hookspec,
    read_form,
    render,
    signed_in_context,
)

NAME = "everything"
MIGRATIONS = "everything_migrations"
PEEK = "everything_peek"
"""The one action whose permission ``Everything`` decides (for ``@everything.example``)."""
EXTRA_COMMUNITIES = 1000
CLAIMED = "claimed@everything.example"
"""The one email ``nic_claim_account`` knows an invitation for."""
NODE_KIND = "everything_summary"
EDGE_KIND = "everything_counted"
TEAM_KIND = ("everything_hub", "Everything hub")


class EverythingSpecs:
    """The hook ``Everything`` declares for other plugins (through ``nic_hookspecs``)."""

    @hookspec
    def nic_everything_greets(self, name: str) -> str:  # type: ignore[empty-body]
        """A greeting for ``name``."""


PAGE_TEMPLATE = """\
{% extends "base.html" %}
{% from "core/macros.html" import csrf with context %}
{% block title %}Everything{% endblock %}
{% block content %}
<link rel="stylesheet" href="{{ url_for('plugin_static:everything', path='/everything.css') }}">
<h1>Everything</h1>
<p id="greeting">{{ greeting }}, {{ user.email if user else "stranger" }}</p>
{% if said %}<p id="said">You said: {{ said }}</p>{% endif %}
<form method="post">{{ csrf() }}<input name="words" aria-label="Words"><button>Say</button></form>
{% endblock %}
"""
PANEL_TEMPLATE = '<p class="everything" data-page="{{ page }}">Everything sees {{ what }}</p>\n'
STYLESHEET = ".everything { color: teal }\n"
MIGRATION = """\
# Written by `nic makemigrations --name initial`.
from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="EverythingNote",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("community_id", fields.IntField()),
                ("text", fields.CharField(max_length=200)),
            ],
            options={
                "table": "everything_note",
                "app": "everything",
                "pk_attr": "id",
                "table_description": "A note of the everything test plugin",
            },
            bases=["Model"],
        ),
    ]
"""


class EverythingConfig(BaseModel):
    greeting: str = "Hello"
    api_token: SecretStr | None = None


class EverythingNote(Model):
    """A note of the everything test plugin"""

    id = fields.IntField(primary_key=True)
    community_id = fields.IntField()
    text = fields.CharField(max_length=200)

    class Meta:
        table = "everything_note"
        app = NAME


__models__ = [EverythingNote]


class NoteEntry(SectionEntry):
    text: str
    cycle: str | None = None


"""What Tortoise finds in this module (not the domain models imported above)."""


class Everything:
    """Implements every hook, each with an effect a test can see."""

    def __init__(self, folder: Path | str | None = None) -> None:
        self._folder = Path(folder) if folder is not None else None
        self.calls: Counter[str] = Counter()
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.started: list[str] = []
        self.demo: list[list[int]] = []
        self.file_notes: dict[int, list[str]] = {}
        """Notes kept per community in memory: the section ``everything`` of community files."""
        self.off: dict[int, list[str]] = {}
        self.mail: list[tuple[Any, str]] = []
        self.claimed: list[str] = []
        self.to_do: list[str] = []
        self.worked: list[str] = []
        self.joined: list[tuple[int, str, str]] = []

    @property
    def folder(self) -> Path:
        """Where the plugin's templates, static files and migrations package are written."""
        if self._folder is None:
            self._folder = Path(os.environ["NIC_EVERYTHING_FOLDER"])
        self._write_files(self._folder)
        return self._folder

    @staticmethod
    def _write_files(folder: Path) -> None:
        files = {
            "templates/everything/page.html": PAGE_TEMPLATE,
            "templates/everything/panel.html": PANEL_TEMPLATE,
            "static/everything.css": STYLESHEET,
            f"{MIGRATIONS}/__init__.py": "",
            f"{MIGRATIONS}/0001_initial.py": MIGRATION,
        }
        written = False
        for relative, text in files.items():
            path = folder / relative
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                written = True
        if written:
            importlib.invalidate_caches()  # the migrations package is new

    def event_names(self) -> list[str]:
        return [name for name, _ in self.events]

    # --- start-up -------------------------------------------------------------------

    @hookimpl
    def nic_hookspecs(self) -> list[object]:
        self.calls["nic_hookspecs"] += 1
        return [EverythingSpecs]

    @hookimpl
    def nic_everything_greets(self, name: str) -> str:
        return f"Hello, {name}"

    @hookimpl
    def nic_plugin_config(self) -> type[BaseModel]:
        self.calls["nic_plugin_config"] += 1
        return EverythingConfig

    @hookimpl
    async def nic_startup(self, app: Starlette, settings: Settings) -> None:
        self.calls["nic_startup"] += 1
        self.started.append(settings.database_kind)
        (self.folder / "started").write_text(f"{len(app.routes)} routes\n", encoding="utf-8")

    @hookimpl
    def nic_models(self) -> dict[str, dict[str, Any]]:
        self.calls["nic_models"] += 1
        self.folder  # noqa: B018 - writes the migrations package
        return {NAME: {"models": [__name__], "migrations": MIGRATIONS}}

    @hookimpl
    def nic_team_kinds(self) -> list[tuple[str, str]]:
        self.calls["nic_team_kinds"] += 1
        return [TEAM_KIND]

    # --- per-community scoping -------------------------------------------------------

    @hookimpl
    def nic_disabled_plugins(self, community_ids: list[int]) -> dict[int, list[str]]:
        self.calls["nic_disabled_plugins"] += 1
        return {cid: list(self.off[cid]) for cid in community_ids if cid in self.off}

    # --- web ------------------------------------------------------------------------

    @hookimpl
    def nic_routes(self) -> list[BaseRoute]:
        self.calls["nic_routes"] += 1
        return [
            Route("/everything", self._page, methods=["GET", "POST"]),
            Route("/everything/peek/{slug:str}", self._peek),
        ]

    async def _page(self, request: Request) -> Response:
        config = request.app.state.plugins.config(_registered_name(request, self))
        said = ""
        if request.method == "POST":
            form = await read_form(request)  # 403 without the CSRF token
            said = str(form.get("words", ""))
        context = {"greeting": config.greeting, "said": said}
        return await render(request, "everything/page.html", context)

    async def _peek(self, request: Request) -> Response:
        """Needs the custom action ``everything_peek`` in the community."""
        ctx = await signed_in_context(request)
        community_id = await community_id_for_slug(request.path_params["slug"])
        await ctx.authorize(PEEK, community_id=community_id)
        return Response(f"peeked at {request.path_params['slug']}", media_type="text/plain")

    @hookimpl
    def nic_api_operations(self) -> list[Operation]:
        self.calls["nic_api_operations"] += 1

        async def echo(call: ApiCall) -> dict[str, Any]:
            return {"echo": call.query.get("say", ""), "actor": call.ctx.actor.email}

        return [
            Operation(
                "GET",
                "/everything/echo",
                "everythingEcho",
                "Say something back",
                NAME,
                echo,
                query=(QueryParam("say", str, "what to say"),),
            )
        ]

    @hookimpl
    def nic_template_dirs(self) -> list[str]:
        self.calls["nic_template_dirs"] += 1
        return [str(self.folder / "templates")]

    @hookimpl
    def nic_static_dirs(self) -> dict[str, str]:
        self.calls["nic_static_dirs"] += 1
        return {NAME: str(self.folder / "static")}

    @hookimpl
    def nic_permission(self, actor: Actor, action: str, scope: dict[str, Any]) -> bool | None:
        self.calls["nic_permission"] += 1
        if action == PEEK and actor.email.endswith("@everything.example"):
            return True
        return None

    @hookimpl
    def nic_nav_items(self, actor: Actor | None) -> list[NavItem]:
        self.calls["nic_nav_items"] += 1
        return [NavItem("Everything", "/everything", order=90)] if actor else []

    @hookimpl
    async def nic_panels(
        self, page: str, actor: Actor | None, subject: dict[str, Any], render: Callable[..., str]
    ) -> list[Panel]:
        self.calls["nic_panels"] += 1
        what = f"{page} {subject['id']}" if "id" in subject else page
        html = render("everything/panel.html", page=page, what=what)
        return [Panel(f"Everything on {page}", html, order=200)]

    @hookimpl
    def nic_site_stats(self) -> dict[str, int]:
        self.calls["nic_site_stats"] += 1
        return {"communities": EXTRA_COMMUNITIES}

    # --- domain events --------------------------------------------------------------

    @hookimpl
    def nic_cycle_posted(self, cycle: dict[str, Any]) -> None:
        self.calls["nic_cycle_posted"] += 1
        self.events.append(("cycle_posted", cycle))

    @hookimpl
    async def nic_cycle_completed(self, cycle: dict[str, Any]) -> None:
        self.calls["nic_cycle_completed"] += 1
        self.events.append(("cycle_completed", cycle))

    @hookimpl
    def nic_artifact_shared(self, artifact: dict[str, Any], team_ids: list[int]) -> None:
        self.calls["nic_artifact_shared"] += 1
        self.events.append(("artifact_shared", {"artifact": artifact, "team_ids": team_ids}))

    @hookimpl
    def nic_link_recorded(self, link: dict[str, Any]) -> None:
        self.calls["nic_link_recorded"] += 1
        self.events.append(("link_recorded", link))

    @hookimpl
    async def nic_membership_changed(self, membership: dict[str, Any], change: str) -> None:
        self.calls["nic_membership_changed"] += 1
        self.events.append(("membership_changed", {**membership, "change": change}))

    # --- graph ----------------------------------------------------------------------

    @hookimpl
    def nic_node_kinds(self) -> list[NodeKind]:
        self.calls["nic_node_kinds"] += 1
        return [NodeKind(NODE_KIND, "Everything summary", _resolve_summaries)]

    @hookimpl
    async def nic_graph_contributions(
        self, community_ids: list[int], as_of: date | None
    ) -> GraphContribution:
        self.calls["nic_graph_contributions"] += 1
        cycles = await Cycle.filter(community_id__in=community_ids).values("id", "community_id")
        return GraphContribution(
            nodes=[
                (f"{NODE_KIND}:{cid}", {"kind": NODE_KIND, "label": "Everything", "community": cid})
                for cid in community_ids
            ],
            edges=[
                (f"cycle:{c['id']}", f"{NODE_KIND}:{c['community_id']}", {"kind": EDGE_KIND})
                for c in cycles
            ],
        )

    # --- convening ------------------------------------------------------------------

    @hookimpl
    def nic_agenda_items(
        self, community_id: int, since: date | None, until: date
    ) -> list[AgendaItem]:
        self.calls["nic_agenda_items"] += 1
        return [
            AgendaItem(
                f"Everything from {since or 'the start'} to {until}",
                NAME,
                refs=(f"{NODE_KIND}:{community_id}",),
                minutes=5,
            )
        ]

    # --- command line ---------------------------------------------------------------

    @hookimpl
    def nic_cli_commands(self) -> list[Command]:
        self.calls["nic_cli_commands"] += 1

        async def hello(args: argparse.Namespace, ctx: CommandContext) -> int:
            config = ctx.plugins.config(_registered_name_in(ctx.plugins, self))
            ctx.say(f"{config.greeting} from everything, {args.who}")
            return 0

        async def notes(args: argparse.Namespace, ctx: CommandContext) -> int:
            rows = await EverythingNote.all().order_by("id").values("community_id", "text")
            for row in rows:
                ctx.say(f"{row['community_id']}: {row['text']}")
            ctx.say(f"{len(rows)} notes")
            return 0

        def configure_hello(parser: argparse.ArgumentParser) -> None:
            parser.add_argument("who", nargs="?", default="operator")

        return [
            Command("everything hello", "Say hello.", configure_hello, hello, needs_database=False),
            Command("everything notes", "List the plugin's notes.", lambda p: None, notes),
        ]

    @hookimpl
    def nic_mail_sender(self) -> Any:
        self.calls["nic_mail_sender"] += 1
        plugin = self

        class Sender:
            async def send(self, message: Any, sender: str) -> None:
                plugin.mail.append((message, sender))

        return Sender()

    @hookimpl
    async def nic_claim_account(self, email: str) -> int | None:
        """An invitation it knows of: ``claimed@everything.example`` gets an account."""
        self.calls["nic_claim_account"] += 1
        self.claimed.append(email)
        if email != CLAIMED:
            return None
        user, _ = await create_user(email, None, name="Claimed by Everything")
        return int(user["id"])

    @hookimpl
    def nic_join_community(self, user_id: int, community: str, role: str) -> bool | None:
        """Records the join and leaves the role to the domain."""
        self.calls["nic_join_community"] += 1
        self.joined.append((user_id, community, role))
        return None

    @hookimpl
    def nic_flow_analyses(self) -> list[Analysis]:
        self.calls["nic_flow_analyses"] += 1

        async def count_kinds(graph_at: GraphAt, params: dict[str, Any]) -> Any:
            graph = await graph_at(None)
            return {"kinds": sorted({kind for _, kind in graph.nodes(data="kind")})}

        return [Analysis("everything_kinds", count_kinds)]

    @hookimpl
    def nic_background_tasks(self) -> list[BackgroundTask]:
        self.calls["nic_background_tasks"] += 1
        plugin = self

        async def work_through(context: WorkerContext) -> bool:
            # One unit of work per item to do: a worker's --once ends after them.
            if not plugin.to_do:
                return False
            plugin.worked.append(f"{plugin.to_do.pop(0)} by {context.name}")
            return True

        return [BackgroundTask("everything-work", work_through)]

    @hookimpl
    def nic_community_file_sections(self) -> list[FileSection]:
        self.calls["nic_community_file_sections"] += 1
        return [FileSection(NAME, self._export_notes, self._load_notes)]

    async def _export_notes(
        self, ctx: ServiceContext, community_id: int, keys: FileKeys
    ) -> list[Any]:
        """The community's file notes (kept in ``file_notes``), as ``{"text": ...}``."""
        return [{"text": text} for text in self.file_notes.get(community_id, [])]

    async def _load_notes(
        self, ctx: ServiceContext, community_id: int, data: Any, keys: FileKeys
    ) -> int:
        entries = [keys.parse(NoteEntry, item, f"[{i}]") for i, item in enumerate(data)]
        for i, entry in enumerate(entries):
            keys.id("cycle", entry.cycle, f"[{i}].cycle")  # a note may name a cycle by key
        self.file_notes[community_id] = [e.text for e in entries]
        return len(entries)

    @hookimpl
    async def nic_demo_data(
        self, ctx: ServiceContext, community_ids: list[int], today: date
    ) -> None:
        self.calls["nic_demo_data"] += 1
        self.demo.append(list(community_ids))
        await EverythingNote.bulk_create(
            [
                EverythingNote(community_id=cid, text=f"demo note by {ctx.actor.email}")
                for cid in community_ids
            ]
        )


async def _resolve_summaries(ids: list[int]) -> dict[int, NodeInfo]:
    """``everything_summary:<id>`` exists for every community: one query."""
    rows = await Community.filter(id__in=ids).values("id")
    return {r["id"]: NodeInfo(community_id=r["id"], date=None, label="Everything") for r in rows}


def _registered_name_in(plugins: Any, plugin: object) -> str:
    name = plugins.pm.get_name(plugin)
    assert name is not None, "the plugin is not registered"
    return str(name)


def _registered_name(request: Request, plugin: object) -> str:
    return _registered_name_in(request.app.state.plugins, plugin)


plugin = Everything()
"""The instance an entry point names (``tests.plugins.everything:plugin``); its folder is
``NIC_EVERYTHING_FOLDER``."""


class Raising:
    """Implements every hook by raising ``RuntimeError("raising plugin: <hook>")``.

    Some hooks raise at once, others (``async``) when awaited: the host handles both.
    """

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def _raise(self, hook: str) -> RuntimeError:
        self.calls[hook] += 1
        return RuntimeError(f"raising plugin: {hook}")

    @hookimpl
    def nic_hookspecs(self) -> list[object]:
        raise self._raise("nic_hookspecs")

    @hookimpl
    def nic_plugin_config(self) -> type[BaseModel]:
        raise self._raise("nic_plugin_config")

    @hookimpl
    async def nic_startup(self, app: Starlette, settings: Settings) -> None:
        raise self._raise("nic_startup")

    @hookimpl
    def nic_models(self) -> dict[str, dict[str, Any]]:
        raise self._raise("nic_models")

    @hookimpl
    def nic_team_kinds(self) -> list[tuple[str, str]]:
        raise self._raise("nic_team_kinds")

    @hookimpl
    def nic_disabled_plugins(self, community_ids: list[int]) -> dict[int, list[str]]:
        raise self._raise("nic_disabled_plugins")

    @hookimpl
    def nic_routes(self) -> list[BaseRoute]:
        raise self._raise("nic_routes")

    @hookimpl
    def nic_api_operations(self) -> list[Operation]:
        raise self._raise("nic_api_operations")

    @hookimpl
    def nic_template_dirs(self) -> list[str]:
        raise self._raise("nic_template_dirs")

    @hookimpl
    def nic_static_dirs(self) -> dict[str, str]:
        raise self._raise("nic_static_dirs")

    @hookimpl
    def nic_permission(self, actor: Actor, action: str, scope: dict[str, Any]) -> bool | None:
        raise self._raise("nic_permission")

    @hookimpl
    def nic_nav_items(self, actor: Actor | None) -> list[NavItem]:
        raise self._raise("nic_nav_items")

    @hookimpl
    async def nic_panels(
        self, page: str, actor: Actor | None, subject: dict[str, Any], render: Callable[..., str]
    ) -> list[Panel]:
        raise self._raise("nic_panels")

    @hookimpl
    def nic_site_stats(self) -> dict[str, int]:
        raise self._raise("nic_site_stats")

    @hookimpl
    def nic_cycle_posted(self, cycle: dict[str, Any]) -> None:
        raise self._raise("nic_cycle_posted")

    @hookimpl
    async def nic_cycle_completed(self, cycle: dict[str, Any]) -> None:
        raise self._raise("nic_cycle_completed")

    @hookimpl
    def nic_artifact_shared(self, artifact: dict[str, Any], team_ids: list[int]) -> None:
        raise self._raise("nic_artifact_shared")

    @hookimpl
    async def nic_link_recorded(self, link: dict[str, Any]) -> None:
        raise self._raise("nic_link_recorded")

    @hookimpl
    def nic_membership_changed(self, membership: dict[str, Any], change: str) -> None:
        raise self._raise("nic_membership_changed")

    @hookimpl
    def nic_node_kinds(self) -> list[NodeKind]:
        raise self._raise("nic_node_kinds")

    @hookimpl
    async def nic_graph_contributions(
        self, community_ids: list[int], as_of: date | None
    ) -> GraphContribution:
        raise self._raise("nic_graph_contributions")

    @hookimpl
    async def nic_agenda_items(
        self, community_id: int, since: date | None, until: date
    ) -> list[AgendaItem]:
        raise self._raise("nic_agenda_items")

    @hookimpl
    def nic_cli_commands(self) -> list[Command]:
        raise self._raise("nic_cli_commands")

    @hookimpl
    def nic_claim_account(self, email: str) -> int | None:
        raise self._raise("nic_claim_account")

    @hookimpl
    def nic_mail_sender(self) -> Any:
        raise self._raise("nic_mail_sender")

    @hookimpl
    def nic_join_community(self, user_id: int, community: str, role: str) -> bool | None:
        raise self._raise("nic_join_community")

    @hookimpl
    def nic_flow_analyses(self) -> list[Analysis]:
        raise self._raise("nic_flow_analyses")

    @hookimpl
    def nic_background_tasks(self) -> list[BackgroundTask]:
        raise self._raise("nic_background_tasks")

    @hookimpl
    def nic_community_file_sections(self) -> list[FileSection]:
        raise self._raise("nic_community_file_sections")

    @hookimpl
    async def nic_demo_data(
        self, ctx: ServiceContext, community_ids: list[int], today: date
    ) -> None:
        raise self._raise("nic_demo_data")


BUILD_TIME_HOOKS = frozenset(
    {
        "nic_hookspecs",
        "nic_plugin_config",
        "nic_models",
        "nic_routes",
        "nic_api_operations",
        "nic_template_dirs",
        "nic_static_dirs",
        "nic_cli_commands",
    }
)
"""Hooks collected when the app (or a ``nic`` command) is built, not per request."""


def raising(hooks: Iterable[str], name: str = "Raising") -> object:
    """A plugin (an instance of a class called ``name``) that implements only ``hooks``,
    each by raising as :class:`Raising` does."""
    methods: dict[str, Any] = {hook: vars(Raising)[hook] for hook in hooks}
    cls = type(name, (), {**methods, "_raise": Raising._raise})
    plugin = cls()
    plugin.calls = Counter()  # type: ignore[attr-defined]
    return plugin


runtime_raising = raising(
    sorted(
        hook for hook in vars(Raising) if hook.startswith("nic_") and hook not in BUILD_TIME_HOOKS
    )
)
"""Raises in every hook that is called while the site runs (``tests.plugins.everything:
runtime_raising`` for an entry point)."""


# --- for tests: the plugins installed as outside plugins, and `nic` serving them --------


def install(tmp_path: Path, entry_points: dict[str, str]) -> dict[str, str]:
    """Write the distribution ``nic-everything`` 1.0 with these ``nic`` entry points (e.g.
    ``{"everything": "tests.plugins.everything:plugin"}``) under ``tmp_path``; return the
    environment a ``nic`` process needs to load them (``PYTHONPATH``, ``NIC_EVERYTHING_FOLDER``).
    """
    site, folder = tmp_path / "site", tmp_path / "everything"
    info = site / "nic_everything-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: nic-everything\nVersion: 1.0\n")
    lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[nic]\n{lines}")
    Everything._write_files(folder)  # before `nic` starts, so its migrations are importable
    root = Path(__file__).resolve().parent.parent.parent
    path = [str(site), str(root), str(folder), os.environ.get("PYTHONPATH", "")]
    return {"PYTHONPATH": os.pathsep.join(filter(None, path)), "NIC_EVERYTHING_FOLDER": str(folder)}


@contextmanager
def serving(*argv: str, database: str, cwd: Path) -> Iterator[tuple[str, list[str]]]:
    """Run ``nic <argv> --port P`` (``serve``, or ``demo`` which serves when it is done) until
    the block ends; yield its base URL once ``/healthz`` answers, and a list that holds what
    it printed once it has stopped (kept in ``cwd/nic.log``: a pipe nobody reads would fill
    up and stop it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    environment = {**os.environ, "NIC_DATABASE_URL": database, "NIC_SECRET_KEY": "x" * 32}
    environment.pop("NIC_SETTINGS_FILE", None)
    log = cwd / "nic.log"
    output: list[str] = []
    base = f"http://127.0.0.1:{port}"
    with log.open("w", encoding="utf-8") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "core.cli", *argv, "--port", str(port)],
            cwd=cwd,
            env=environment,
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    httpx.get(f"{base}/healthz", timeout=2)
                    break
                except httpx.TransportError:
                    assert server.poll() is None, log.read_text(encoding="utf-8")
                    assert time.monotonic() < deadline, "nic did not start serving"
                    time.sleep(0.2)
            yield base, output
        finally:
            server.terminate()
            server.wait(timeout=60)
            output.append(log.read_text(encoding="utf-8"))


async def small_world(app: Starlette, web: Callable[..., Any], stranger: str) -> dict[str, Any]:
    """The small community loaded into ``app``'s database; an admin (with an API token), Ana
    (a member, North SIDT), Olu and Pia of ``everything.example`` (observers) and
    ``stranger`` (no role). The ids a test needs, and the admin's API client."""
    from communities.exchange import load_community, read_document
    from communities.models import Artifact, Cycle, Person, Team
    from core.context import Actor, ServiceContext
    from core.testing import fast_password_hashing, make_api_user

    small = Path(__file__).parent.parent / "data" / "small-community.yaml"
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    summary = await load_community(ctx, read_document(small), str(small))
    cid = summary["community_id"]
    with fast_password_hashing():
        admin = await make_api_user(await web(), "admin@example.org", admin=True)
        for email, role in (
            ("ana.ruiz@cedar.example", "member"),
            ("olu@example.org", "observer"),
            ("pia@everything.example", "observer"),
        ):
            await make_api_user(await web(), email)
            await admin.ok("PUT", f"/communities/{cid}/roles", {"user_email": email, "role": role})
        await make_api_user(await web(), stranger)
    ana = await Person.get(community_id=cid, email="ana.ruiz@cedar.example")
    return {
        "community_id": cid,
        "admin": admin,
        "ana": ana.id,
        "teams": {t.name: t.id for t in await Team.filter(community_id=cid)},
        "cycles": {c.title: c.id for c in await Cycle.filter(community_id=cid)},
        "artifacts": {a.title: a.id for a in await Artifact.filter(community_id=cid)},
    }
