"""The hook implementations NIC Platform finds through the ``nic`` entry point.

Everything the plugin adds goes through these hooks: its Tortoise app and migrations,
pages, navigation item, panels, CLI commands, a node kind and its nodes and edges in
the knowledge-flow graph. Its ``templates/`` folder, beside this module, is found by
convention (no hook needed).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from nic_learning_spaces import graph, services
from plugins.api import (
    Actor,
    FileSection,
    GraphContribution,
    NavItem,
    NodeKind,
    Panel,
    PluginParts,
    hookimpl,
)

PARTS = PluginParts(__name__)
nic_models = PARTS.models("learning_spaces")
nic_routes = PARTS.routes()
nic_cli_commands = PARTS.commands()


@hookimpl
def nic_nav_items(actor: Actor | None) -> list[NavItem]:
    return [NavItem("Learning spaces", "/spaces", order=40)] if actor else []


@hookimpl
async def nic_panels(
    page: str, actor: Actor | None, subject: dict[str, Any], render: Callable[..., str]
) -> list[Panel] | None:
    """Spaces the team's members take part in (team page); the community's spaces
    (community page). The page itself has checked that the actor may read it."""
    if page == "team":
        spaces = await services.spaces_of_team(subject["id"], date.today())
        return [Panel("Learning spaces", render("learning_spaces/team_panel.html", spaces=spaces))]
    if page == "community":
        spaces = await services.spaces_of_community(subject["id"], date.today())
        html = render("learning_spaces/community_panel.html", spaces=spaces, slug=subject["slug"])
        return [Panel("Learning spaces", html, order=50)]
    return None


@hookimpl
def nic_community_file_sections() -> list[FileSection]:
    from nic_learning_spaces.exchange import SECTION

    return [SECTION]


@hookimpl
def nic_node_kinds() -> list[NodeKind]:
    return [graph.NODE_KIND]


@hookimpl
async def nic_graph_contributions(
    community_ids: list[int], as_of: date | None
) -> GraphContribution:
    return await graph.contributions(community_ids, as_of)
