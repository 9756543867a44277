"""Every hook of NIC Platform, grouped by lifecycle phase.

A hook may return a value or an awaitable; the host resolves both (see
:meth:`core.plugins.PluginHost.call`). Implementations may accept fewer
arguments than the spec names, so adding a parameter never breaks a plugin.
Hooks called for one community (panels on its pages, navigation inside it, graph
contributions, agenda items, domain events) leave out the plugins that community
switched off (:func:`nic_disabled_plugins`).
Each hook has a section in ``docs/plugins.md``.

Besides the hooks, a plugin package that has a ``templates/`` or ``static/``
folder next to its module gets them without a hook: templates are searched like
those of :func:`nic_template_dirs`, static files are served under
``/static/plugins/<plugin name>/``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from datetime import date

    from pydantic import BaseModel
    from starlette.applications import Starlette
    from starlette.routing import BaseRoute

    from core.agenda import AgendaItem
    from core.api.operations import Operation
    from core.cli_commands import Command
    from core.context import Actor, ServiceContext
    from core.mail import MailSender
    from core.nodes import GraphContribution, NodeKind
    from core.settings import Settings
    from core.web.render import NavItem, Panel

hookspec = pluggy.HookspecMarker("nic")
hookimpl = pluggy.HookimplMarker("nic")


# --- start-up -----------------------------------------------------------------


@hookspec
def nic_plugin_config() -> type[BaseModel]:  # type: ignore[empty-body]
    """The pydantic model of this plugin's settings (build-time).

    The site's ``[plugin.<name>]`` table of ``nic.toml`` is validated against it when
    the plugin host is built; ``NIC_PLUGIN_<NAME>_<FIELD>`` environment variables
    override single fields (put secrets there). A bad value stops start-up with a
    message naming the plugin and the field. Fields typed ``pydantic.SecretStr`` or
    named with ``password``, ``secret``, ``token`` or ``key`` are shown as ``********``.
    Read the validated instance with ``plugins.config("<name>")``.
    """


@hookspec
def nic_startup(app: Starlette, settings: Settings) -> None:
    """The web app has started: the database is open, no request has been served.

    Called once per app process, before the first request; may be async. A plugin
    that raises is logged with its name and the site starts all the same. Not called
    by ``nic`` commands other than ``serve``.
    """


@hookspec
def nic_models() -> dict[str, dict[str, Any]]:  # type: ignore[empty-body]
    """Tortoise apps this plugin contributes.

    Return ``{label: {"models": [module, ...], "migrations": "package"}}``. Each
    plugin with models is its own Tortoise app with its own migrations package;
    ``nic migrate`` applies every app's migrations in dependency order.
    """


@hookspec
def nic_team_kinds() -> list[tuple[str, str]]:  # type: ignore[empty-body]
    """Team kinds this plugin adds, as ``(slug, label)`` pairs."""


# --- per-community scoping -------------------------------------------------------


@hookspec
def nic_disabled_plugins(  # type: ignore[empty-body]
    community_ids: list[int],
) -> dict[int, list[str]]:
    """The plugins switched off in each of these communities, by plugin name.

    The plugin host asks before a hook call scoped to a community (``community_id=``
    of :meth:`core.plugins.PluginHost.call`) and leaves those plugins out of it. The
    domain implements it from the facilitators' setting; the answers of several
    plugins are joined. Answer for every id in one query. Essential plugins are never
    switched off, whatever the answer.
    """


# --- web ----------------------------------------------------------------------


@hookspec
def nic_routes() -> list[BaseRoute]:  # type: ignore[empty-body]
    """Starlette routes (pages, feeds) this plugin serves, added when the app is built."""


@hookspec
def nic_api_operations() -> list[Operation]:  # type: ignore[empty-body]
    """JSON API operations under ``/api/v1``; each appears in the OpenAPI document."""


@hookspec
def nic_template_dirs() -> list[str]:  # type: ignore[empty-body]
    """Directories of Jinja2 templates, searched after site overrides and before core.

    A ``templates/`` folder next to the plugin's module is added without this hook.
    Keep your templates in a sub-folder named after your plugin (``spaces/list.html``).
    """


@hookspec
def nic_static_dirs() -> dict[str, str]:  # type: ignore[empty-body]
    """Directories of static files, by mount name (build-time).

    ``{"spaces": "/path/to/files"}`` serves ``/path/to/files/app.js`` at
    ``/static/plugins/spaces/app.js``. A ``static/`` folder next to the plugin's module
    is mounted under the plugin's own name without this hook. Two plugins claiming one
    mount name, or a directory that does not exist, stop start-up.
    """


@hookspec
def nic_permission(actor: Actor, action: str, scope: dict[str, Any]) -> bool | None:
    """Decide whether ``actor`` may perform ``action`` on ``scope``.

    Return ``True`` to allow, ``False`` to deny, ``None`` to abstain. One
    ``False`` denies; otherwise one ``True`` allows; if every plugin abstains
    the action is denied. Site admins are allowed before this hook is asked.
    """


@hookspec
def nic_nav_items(actor: Actor | None) -> list[NavItem]:  # type: ignore[empty-body]
    """Links for the site navigation, for this actor (``None`` when signed out)."""


@hookspec
def nic_panels(  # type: ignore[empty-body]
    page: str, actor: Actor | None, subject: dict[str, Any], render: Callable[..., str]
) -> list[Panel]:
    """Panels to show on a page.

    ``page`` is ``home``, ``community``, ``team``, ``cycle``, ``artifact``, ``person``,
    ``aim``, or a listing: ``aims``, ``artifacts``, ``search``, ``flow``; ``subject`` is
    the record the page shows (empty on home; the community on a listing);
    ``render(template, **context)`` renders one of the site's templates (a plugin's own
    included) to safe HTML. A plugin
    that raises is left out and logged; the page still renders.
    """


@hookspec
def nic_site_stats() -> dict[str, int]:  # type: ignore[empty-body]
    """Counts this plugin reports for the site's front page, e.g. ``{"communities": 2}``."""


# --- domain events --------------------------------------------------------------


@hookspec
def nic_cycle_posted(cycle: dict[str, Any]) -> None:
    """A PDSA cycle was created (called after the transaction committed)."""


@hookspec
def nic_cycle_completed(cycle: dict[str, Any]) -> None:
    """A cycle reached the ``completed`` status."""


@hookspec
def nic_artifact_shared(artifact: dict[str, Any], team_ids: list[int]) -> None:
    """An artifact was shared with teams (or its vetting status rose to shared)."""


@hookspec
def nic_link_recorded(link: dict[str, Any]) -> None:
    """A learning link ``source -> target`` was recorded."""


@hookspec
def nic_membership_changed(membership: dict[str, Any], change: str) -> None:
    """A membership was ``added``, ``updated``, ``ended`` or ``deleted``."""


# --- graph ----------------------------------------------------------------------


@hookspec
def nic_node_kinds() -> list[NodeKind]:  # type: ignore[empty-body]
    """Kinds of node that learning links may address as ``kind:id``."""


@hookspec
def nic_graph_contributions(  # type: ignore[empty-body]
    community_ids: list[int], as_of: date | None
) -> GraphContribution:
    """Nodes and edges this plugin adds to the knowledge-flow graph of these communities.

    Called on every graph build (the build is cached per community change counter, so
    raise the counter with ``communities.changes.bump`` when your contribution changes).
    Read everything in a fixed number of queries, not one per node.
    """


# --- convening --------------------------------------------------------------------


@hookspec
def nic_agenda_items(  # type: ignore[empty-body]
    community_id: int, since: date | None, until: date
) -> list[AgendaItem]:
    """Items this plugin suggests for the agenda of a joint convening of a community.

    ``since`` is the date of the previous convening (``None`` for the first) and
    ``until`` the date of this one; suggest what happened between them, e.g. cycles
    finished, learning that has not reached the district team, rubric movement. Return
    :class:`core.agenda.AgendaItem` values; gather every plugin's with
    :func:`core.agenda.agenda_items`.
    """


# --- mail ---------------------------------------------------------------------------


@hookspec
def nic_mail_sender() -> MailSender | None:
    """A sender for the site's outgoing mail, or ``None`` to leave it to the setting.

    Return an object with ``async send(message: core.mail.Message, sender: str)``
    (e.g. a mail provider's HTTP API). The first plugin that returns one is used;
    otherwise ``NIC_MAIL_URL`` decides (``log:`` by default). Plugins send mail with
    ``core.mail.send_mail`` (``send_mail`` in ``core.plugin_api``).
    """


# --- command line -----------------------------------------------------------------


@hookspec
def nic_cli_commands() -> list[Command]:  # type: ignore[empty-body]
    """Subcommands of ``nic`` this plugin adds (see :class:`core.cli_commands.Command`)."""


@hookspec
def nic_demo_data(ctx: ServiceContext, community_ids: list[int]) -> None:
    """Add this plugin's demo records to the communities ``nic demo`` just loaded.

    Called once, after the demo communities and the demo users exist, with the
    database open and ``ctx`` acting as the system (site operator). Create records
    through your services, in a fixed number of queries per community where you can.
    A plugin that raises is logged and the demo goes on without its records.
    """
