"""Everything a plugin author may use, from one module.

``from plugins.api import ...`` is the supported way for a plugin to reach NIC
Platform. What this module exports is kept stable; everything else (other modules of
``core``, ``communities`` and ``plugins``) is private and may change without notice.
This module only re-exports: it holds no logic of its own. It lives in ``plugins/``,
the layer of the plugins it serves, above the kernel and the domain it gathers from;
neither of those imports it (``tests/test_architecture.py``). ``core.plugin_api``
still answers for one release, with a ``DeprecationWarning``.

Hooks
    ``hookimpl``: the marker for hook implementations (the hooks are in
    ``core/hookspecs.py``, ``communities/hookspecs.py``, the convenings plugin's
    ``hookspecs.py`` and ``docs/plugins.md``); ``hookspec``, the marker for the
    specifications of hooks a plugin declares for others (``nic_hookspecs``).
    ``Settings`` (what ``nic_startup`` receives), ``PluginHost`` (``ctx.plugins``) and
    ``AgendaItem`` (what ``nic_agenda_items`` returns; implement that hook with
    ``@hookimpl(optionalhook=True)``, as it is declared by the convenings plugin).
    ``PluginParts(__name__)`` declares in one line each the hooks every plugin writes
    alike: ``nic_models = PARTS.models("label")``, ``nic_routes = PARTS.routes()``,
    ``nic_api_operations = PARTS.operations()`` and ``nic_cli_commands =
    PARTS.commands()`` (``ROUTES`` of ``.pages``, ``OPERATIONS`` of ``.api``,
    ``COMMANDS`` of ``.cli``, imported when the hook is called).

Who acts, and errors
    ``Actor`` (a signed-in user, or ``Actor.system()`` for the operator),
    ``ServiceContext`` (the actor and the plugin host; ``await ctx.authorize("read",
    community_id=...)`` asks every plugin's ``nic_permission``: the domain allows
    ``read``, ``write``, ``write_team``, ``manage`` and ``export`` by community role).
    Before you act on a record a request names by id, ``await
    ctx.require_readable(community_id, NotFound(f"no thing {thing_id}"))`` (with
    ``community_id`` None when there is no such record): a record in a community the
    actor cannot read must answer exactly like a missing one, never 403, so no one
    probes other communities' ids; ``authorize`` then refuses (403) what they may not
    do with a record they can read. Messages about a body's references say "no thing 5
    in this community" whether it is missing or elsewhere.
    Errors every surface translates (HTTP status, API error shape, CLI message):
    ``ServiceError`` (400), ``InvalidInput`` (422, with ``fields``),
    ``NotAuthenticated`` (401; a page redirects to sign in), ``PermissionDenied``
    (403), ``NotFound`` (404), ``Conflict`` (409).

Command line (``nic_cli_commands``)
    ``Command`` (name, help, configure, run, needs_database) and ``CommandContext``
    (``settings``, ``plugins``, ``say(text)``). ``system_context(ctx)`` gives the
    ``ServiceContext`` a command acts with (the operator); ``system_context(request)``
    the same for a request that carries its own credential (a feed's token).

JSON API (``nic_api_operations``)
    ``Operation``, ``QueryParam``, ``ApiCall`` (``call.ctx``, ``call.path``,
    ``call.query``, ``call.body``, ``call.page``), ``Page`` and ``paginated(items,
    total, page)`` for list answers.

Pages (``nic_routes``, ``nic_nav_items``, ``nic_panels``)
    ``render(request, template, context, status=200)`` renders a page with the
    signed-in user, navigation and CSRF token (templates get ``csrf_field`` and
    ``csrf_token``); ``panels(request, page, subject)`` collects the panels plugins
    give a page of yours; ``NavItem`` and ``Panel`` are what the hooks return.
    ``signed_in_context(request)`` is the ``ServiceContext`` of a page that needs a
    signed-in user (others are sent to sign in); ``session_actor(request)`` the
    actor or ``None``. ``read_form(request)`` is the only way to read a submitted
    form: it checks the CSRF token (403 when wrong). ``form_values(form, fields,
    lists)`` and ``validate(model, values)`` turn a form into a pydantic model with
    a message per field. ``kept_page(request, template, community, key, data,
    panels_for=...)`` is a community page in one call: its body (``_<name>_body.html``
    beside ``template``) rendered from ``await data()`` once per change of the community
    and kept, ``key`` naming what else it depends on (the viewer, filters, page number).
    ``flash(request, text, kind="ok")`` confirms a form on the next page: call it before
    the redirect that follows a successful post; the next page shows ``text`` once, in
    its status region (``kind="warning"`` when the action did less than asked).
    An irreversible action asks first: its form carries ``confirm_box(text)`` (a macro
    of ``core/macros.html``: a required "Yes, ..." box), and ``confirmed(form)`` tells
    the page whether it was ticked.

Bounded input (``docs/api.md``, "Bounds")
    Input schemas derive from ``InputModel`` (unknown fields refused, strings stripped,
    no control characters) and take ``Id`` (1 to ``MAX_ID``), ``Int`` (the database's
    32-bit range), ``Day`` and ``Moment`` (years 1900 to 2200) and ``Line`` (one line:
    names, titles) instead of bare ``int``, ``date``, ``datetime`` and ``str``; a value
    outside answers 422 naming the field. ``parse_int(name, raw, low, high)`` and
    ``parse_day(name, raw)`` do the same for values read by hand from a query string or
    form; ``int_or_none(raw, low, high)`` and ``id_or_none(raw)`` give ``None`` instead;
    ``fold_line(text)`` makes any text one line (a search term, a mail subject).
    ``{name:int}`` in a route path only matches ids up to ``MAX_ID``: a larger one
    answers 404, as a missing record does.

Switched on per community
    Facilitators switch plugins on and off per community. The host already leaves a
    switched-off plugin out of the hooks called for that community (panels, navigation
    inside it, graph contributions, agenda items, domain events); your own pages and API
    operations check for themselves through the plugin's handle on itself, made once
    per module: ``THIS = this_plugin(__name__)`` (a :class:`ThisPlugin`; it finds the
    plugin the module belongs to, whatever name the site registered it under).
    ``await THIS.community(ctx, slug)`` is the path's community, once the actor may read
    it and the plugin is on there (else ``NotFound``, 404); ``await THIS.require_on(ctx,
    community_id)`` the same check for a community you found yourself; ``await
    THIS.communities(ctx)`` the communities the actor may read where the plugin is on;
    ``THIS.on_in``, ``THIS.is_on`` and ``THIS.name(ctx.plugins)`` answer the rest.
    ``await plugin_enabled(ctx, "my_plugin", community_id)`` (a registered name, or the
    plugin module or object) still works.

Graph (``nic_node_kinds``, ``nic_graph_contributions``)
    ``NodeKind``, ``NodeInfo``, ``NodeRef`` (``kind:id``), ``GraphContribution``.
    ``community_graph(plugins, [community_id], as_of)`` is the cached, frozen
    ``networkx.MultiDiGraph`` of a community; ``readable_graph(ctx, slug, as_of)``
    the same after checking ``read``.
    Analyses on a graph: ``downstream``,
    ``upstream``, ``team_flow``, ``brokers``, ``silos``, ``cut_people``,
    ``fragmentation``, ``main_path``, ``search_path_counts``, ``evolution``;
    ``load_graph(database_url, slug)`` for scripts and notebooks (see
    ``docs/research.md``). Never build a graph or run an analysis in a request: declare
    an ``Analysis(name, run, standing)`` (``run(graph_at, params)``; ``graph_at`` is a
    ``GraphAt``) with ``nic_flow_analyses``; a worker computes it, and
    ``await stored_result(plugins, community_id, name, params)`` reads it (a
    ``StoredResult``), raising ``StillComputing`` (202) while there is none yet.

Writing a community's data
    ``community_write(community_id)``: ``async with community_write(cid):`` opens
    one transaction and raises the community's change counter in it, so cached
    graphs and pages of the community are rebuilt after your write commits.
    ``bump(community_id)`` raises the counter inside a transaction you opened
    yourself; ``change_counter(community_id)`` reads it.
    ``await kept(key, await community_stamp(community_id), compute)`` keeps what
    ``compute()`` returned (a panel's rendered HTML, say; each app keeps its own) until
    the community's next change: one query at most instead of the panel's own reads on
    every page view (``remembered``, its old name, is deprecated).

Domain services plugins may call (each checks the actor's permission)
    Communities: ``community_by_slug(ctx, slug)`` and ``get_community(ctx,
    community_id)`` (the community, if the actor may read it; else NotFound),
    ``community_id_for_slug(slug)`` (no check; ``community_id_for_slug(slug, ctx)``
    checks ``read`` the same way),
    ``readable_community_ids(actor)`` (``None`` means every community: an admin),
    ``role_of(actor, community_id)``.
    Teams: ``get_team(ctx, team_id)``, ``list_teams(ctx, filters, page)`` (filters
    ``community``, ``kind``, ``parent``), ``team_kinds(ctx)``.
    People: ``get_person(ctx, person_id)``, ``list_people(ctx, filters, page)``
    (``community``, ``organization``, ``team``), ``list_memberships(ctx, filters,
    page)`` (``community``, ``team``, ``person``, ``role``, ``active_on``).
    Cycles: ``get_cycle(ctx, cycle_id)``, ``list_cycles(ctx, filters, page)``
    (``community``, ``team``, ``status``, ``change_idea``, ``builds_on``, ``from``,
    ``to``), ``cycle_date(row)``.
    Artifacts: ``get_artifact(ctx, artifact_id)``, ``list_artifacts(ctx, filters,
    page)`` (``community``, ``team``, ``kind``, ``vetting``), ``create_artifact(ctx,
    ArtifactCreate(...))``, ``add_artifact_version(ctx, artifact_id,
    ArtifactVersionCreate(...))``.
    Learning links: ``record_link(ctx, LinkCreate(...))`` records that one node
    (any registered kind, yours included) informed another; ``delete_link(ctx,
    link_id)`` removes one.
    Lists return ``(rows, total)``; rows are plain dicts as the JSON API shows them.

Domain records, to read
    ``Community``, ``Organization``, ``Team``, ``Person``, ``Membership``, ``Cycle``,
    ``Artifact``,
    ``ArtifactVersion``, ``LearningLink``: Tortoise models a
    plugin may query (with ``.values()``, in a fixed number of queries) and point
    foreign keys at (``"communities.Person"``). Change them only through the
    services above or the JSON API.

Community files (``nic_community_file_sections``)
    ``FileSection(name, export, load)`` is your section of the community file
    (``plugins.<name>``); ``FileKeys`` translates between the file's keys of the
    community's records (``keys.key("cycle", id)``, ``keys.id("person", key, where)``,
    ``keys.node_key("cycle:12")``, ``keys.node("cycle:c-1", where)``) and database ids,
    and learns your own (``keys.add("convening", id, key)``) so learning links may name
    your nodes; ``keys.parse(Model, data, where)`` checks data against a ``SectionEntry``
    model with errors that name the section and the field; ``moment(datetime)`` and
    ``day(date)`` write times and dates as the file holds them.

Notifications and mail
    ``await notify(user_ids, text, url, source=..., kind=..., community_id=...)``
    stores an in-app notification per user (the header shows the unread count,
    ``/notifications`` the list); ``url`` is a path on this site. ``await
    send_mail(plugins, Message(to=(...), subject=..., text=..., attachments=(...)))``
    sends mail through the site's sender (``NIC_MAIL_URL``: logged by default, or
    SMTP, or a plugin's ``nic_mail_sender``); a failed delivery is logged, not raised.

Tests
    pytest fixtures for plugins live in :mod:`core.testing` (a pytest plugin that is
    active wherever NIC Platform is installed).
"""

from __future__ import annotations

from communities.agenda import AgendaItem
from communities.changes import bump, change_counter, community_write
from communities.cli import system_context
from communities.exchange.sections import Entry as SectionEntry
from communities.exchange.sections import FileKeys, FileSection, day, moment
from communities.flow import (
    brokers,
    cut_people,
    downstream,
    evolution,
    fragmentation,
    load_graph,
    main_path,
    search_path_counts,
    silos,
    team_flow,
    upstream,
)
from communities.flow.analyses import Analysis, GraphAt
from communities.flow.cache import community_graph
from communities.flow.results import StoredResult, stored_result
from communities.flow.service import readable_graph
from communities.kept import community_stamp, remembered
from communities.models import (
    Artifact,
    ArtifactVersion,
    Community,
    Cycle,
    LearningLink,
    Membership,
    Organization,
    Person,
    Team,
)
from communities.permissions import readable_community_ids, role_of
from communities.schemas import ArtifactCreate, ArtifactVersionCreate, LinkCreate
from communities.services.artifacts import (
    add_artifact_version,
    create_artifact,
    get_artifact,
    list_artifacts,
)
from communities.services.base import community_id_for_slug
from communities.services.communities import get_community
from communities.services.cycles import cycle_date, get_cycle, list_cycles
from communities.services.links import delete_link, record_link
from communities.services.people import get_person, list_memberships, list_people
from communities.services.plugins import plugin_enabled
from communities.services.teams import get_team, list_teams, team_kinds
from communities.this_plugin import ThisPlugin, this_plugin
from communities.web.forms import form_values, validate
from communities.web.page_cache import kept_page
from communities.web.queries import community_by_slug
from core.api.calls import ApiCall, Page
from core.api.operations import Operation, QueryParam
from core.api.routing import paginated
from core.bounds import (
    MAX_ID,
    Day,
    Id,
    InputModel,
    Int,
    Line,
    Moment,
    fold_line,
    id_or_none,
    int_or_none,
    parse_day,
    parse_int,
)
from core.cli import CommandContext
from core.cli_commands import Command
from core.context import Actor, ServiceContext
from core.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ServiceError,
    StillComputing,
)
from core.hookspecs import hookimpl, hookspec
from core.kept import kept
from core.mail import Message, send_mail
from core.nodes import GraphContribution, NodeInfo, NodeKind, NodeRef
from core.notifications import notify
from core.plugins import PluginHost
from core.plugins.parts import PluginParts
from core.settings import Settings
from core.web.context import signed_in_context
from core.web.csrf import read_form
from core.web.flash import confirmed, flash
from core.web.render import NavItem, Panel, panels, render
from core.web.session import session_actor

__all__ = [
    "MAX_ID",
    "Actor",
    "AgendaItem",
    "Analysis",
    "ApiCall",
    "Artifact",
    "ArtifactCreate",
    "ArtifactVersion",
    "ArtifactVersionCreate",
    "Command",
    "CommandContext",
    "Community",
    "Conflict",
    "Cycle",
    "Day",
    "FileKeys",
    "FileSection",
    "GraphAt",
    "GraphContribution",
    "Id",
    "InputModel",
    "Int",
    "InvalidInput",
    "LearningLink",
    "Line",
    "LinkCreate",
    "Membership",
    "Message",
    "Moment",
    "NavItem",
    "NodeInfo",
    "NodeKind",
    "NodeRef",
    "NotAuthenticated",
    "NotFound",
    "Operation",
    "Organization",
    "Page",
    "Panel",
    "PermissionDenied",
    "Person",
    "PluginHost",
    "PluginParts",
    "QueryParam",
    "SectionEntry",
    "ServiceContext",
    "ServiceError",
    "Settings",
    "StillComputing",
    "StoredResult",
    "Team",
    "ThisPlugin",
    "add_artifact_version",
    "brokers",
    "bump",
    "change_counter",
    "community_by_slug",
    "community_graph",
    "community_id_for_slug",
    "community_stamp",
    "community_write",
    "confirmed",
    "create_artifact",
    "cut_people",
    "cycle_date",
    "day",
    "delete_link",
    "downstream",
    "evolution",
    "flash",
    "fold_line",
    "form_values",
    "fragmentation",
    "get_artifact",
    "get_community",
    "get_cycle",
    "get_person",
    "get_team",
    "hookimpl",
    "hookspec",
    "id_or_none",
    "int_or_none",
    "kept",
    "kept_page",
    "list_artifacts",
    "list_cycles",
    "list_memberships",
    "list_people",
    "list_teams",
    "load_graph",
    "main_path",
    "moment",
    "notify",
    "paginated",
    "panels",
    "parse_day",
    "parse_int",
    "plugin_enabled",
    "read_form",
    "readable_community_ids",
    "readable_graph",
    "record_link",
    "remembered",
    "render",
    "role_of",
    "search_path_counts",
    "send_mail",
    "session_actor",
    "signed_in_context",
    "silos",
    "stored_result",
    "system_context",
    "team_flow",
    "team_kinds",
    "this_plugin",
    "upstream",
    "validate",
]
