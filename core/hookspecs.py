"""The kernel's hooks, grouped by lifecycle phase.

The kernel declares only hooks about itself: start-up, the web, permissions, mail and
the command line. The domain declares its own (``communities/hookspecs.py``: teams,
domain events, the knowledge-flow graph, demo data) and a plugin may declare hooks
for others to implement (the convenings plugin's ``nic_agenda_items``), each through
:func:`nic_hookspecs`.

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
    from pydantic import BaseModel
    from starlette.applications import Starlette
    from starlette.routing import BaseRoute

    from core.api.operations import Operation
    from core.cli_commands import Command
    from core.context import Actor
    from core.mail import MailSender
    from core.settings import Settings
    from core.web.render import NavItem, Panel
    from core.worker import BackgroundTask

hookspec = pluggy.HookspecMarker("nic")
hookimpl = pluggy.HookimplMarker("nic")


# --- start-up -----------------------------------------------------------------


@hookspec
def nic_hookspecs() -> list[object]:  # type: ignore[empty-body]
    """Modules or classes of hook specifications this plugin declares (build-time).

    Each is added to the plugin manager (pluggy's ``add_hookspecs``) as soon as the
    plugin registers, so the plugins registered after it implement those hooks as they
    do the kernel's, and a misspelt hook still stops start-up. The domain declares its
    hooks this way; a plugin that implements a hook of a plugin a site may block marks
    the implementation ``@hookimpl(optionalhook=True)``.
    """


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


# --- accounts -------------------------------------------------------------------------


@hookspec(firstresult=True)
def nic_claim_account(email: str) -> int | None:
    """Make the account of someone whose email an identity provider verified, when that
    email matches no account: the new user's id, or ``None`` to refuse.

    Called after an OpenID Connect sign-in. The domain accepts a pending, unexpired
    invitation for the email (any case): it creates the account with no usable password,
    links the invited person and gives the invitation's community role. Stops at the
    first non-None result.
    """


# --- mail ---------------------------------------------------------------------------


@hookspec
def nic_mail_sender() -> MailSender | None:
    """A sender for the site's outgoing mail, or ``None`` to leave it to the setting.

    Return an object with ``async send(message: core.mail.Message, sender: str)``
    (e.g. a mail provider's HTTP API). The first plugin that returns one is used;
    otherwise ``NIC_MAIL_URL`` decides (``log:`` by default). Plugins send mail with
    ``core.mail.send_mail`` (``send_mail`` in ``plugins.api``).
    """


# --- command line -----------------------------------------------------------------


@hookspec
def nic_cli_commands() -> list[Command]:  # type: ignore[empty-body]
    """Subcommands of ``nic`` this plugin adds (see :class:`core.cli_commands.Command`)."""


# --- background work --------------------------------------------------------------


@hookspec
def nic_background_tasks() -> list[BackgroundTask]:  # type: ignore[empty-body]
    """Work this plugin does outside web requests (see :class:`core.worker.BackgroundTask`).

    ``nic worker`` runs every plugin's tasks in its own process, one step at a time;
    ``nic serve`` starts one such process beside the web processes unless
    ``NIC_WORKER=external`` (then run ``nic worker`` on any machine that reaches the
    database). CPU work (graph analyses, big reports) belongs here, never in a request.
    """
