"""The hook implementations of the built-in convenings plugin.

Everything the plugin adds goes through these hooks: its Tortoise app and migrations,
pages and the calendar feed, JSON API operations, navigation inside a community, a
panel on the community page, CLI commands, the ``convening`` and ``decision`` node
kinds and their nodes and edges, and demo data. Its ``templates/`` folder is found by
convention. The agenda's graph-derived items are composed by :mod:`agenda` directly
(the plugin does not implement ``nic_agenda_items``, so nothing is listed twice).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from plugins.api import (
    Actor,
    Analysis,
    FileSection,
    GraphContribution,
    NavItem,
    NodeKind,
    Panel,
    PluginParts,
    ServiceContext,
    hookimpl,
)


@hookimpl
def nic_hookspecs() -> list[object]:
    """``nic_agenda_items``: the hook through which other plugins suggest agenda items."""
    from plugins.convenings import hookspecs

    return [hookspecs]


PARTS = PluginParts(__name__)
nic_models = PARTS.models("convenings")
nic_routes = PARTS.routes()
nic_api_operations = PARTS.operations()
nic_cli_commands = PARTS.commands()


@hookimpl
def nic_flow_analyses() -> list[Analysis]:
    from plugins.convenings.agenda import AGENDA_SUGGESTIONS

    return [AGENDA_SUGGESTIONS]


@hookimpl
def nic_nav_items(actor: Actor | None) -> list[NavItem]:
    return [NavItem("Convenings", "/convenings", order=46)] if actor else []


@hookimpl
async def nic_panels(
    page: str, actor: Actor | None, subject: dict[str, Any], render: Callable[..., str]
) -> list[Panel] | None:
    """The community's next and latest convenings (community page; the page itself
    has checked that the actor may read it)."""
    if page != "community":
        return None
    from plugins.convenings.panels import community_panel

    return [Panel("Convenings", await community_panel(subject, render), order=45)]


@hookimpl
def nic_node_kinds() -> list[NodeKind]:
    from plugins.convenings.graph import NODE_KINDS

    return list(NODE_KINDS)


@hookimpl
async def nic_graph_contributions(
    community_ids: list[int], as_of: date | None
) -> GraphContribution:
    from plugins.convenings.graph import contributions

    return await contributions(community_ids, as_of)


@hookimpl
async def nic_demo_data(ctx: ServiceContext, community_ids: list[int], today: date) -> None:
    from plugins.convenings.demo import demo_data

    await demo_data(ctx, community_ids, today)


@hookimpl
def nic_community_file_sections() -> list[FileSection]:
    from plugins.convenings.exchange import SECTION

    return [SECTION]
