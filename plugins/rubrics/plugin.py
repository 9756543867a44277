"""The hook implementations of the built-in rubrics plugin.

Everything the plugin adds goes through these hooks: its Tortoise app and migrations,
pages, a navigation item, a panel on the team page, JSON API operations, ``nic rubrics``
commands, rubric levels as attributes of team nodes in the knowledge-flow graph, agenda
items for convenings, and demo data. Its ``templates/`` folder is found by convention.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from plugins.api import (
    Actor,
    AgendaItem,
    Community,
    FileSection,
    GraphContribution,
    NavItem,
    Panel,
    PluginParts,
    ServiceContext,
    Team,
    community_stamp,
    hookimpl,
    kept,
)

PARTS = PluginParts(__name__)
nic_models = PARTS.models("rubrics")
nic_routes = PARTS.routes()
nic_api_operations = PARTS.operations()
nic_cli_commands = PARTS.commands()


@hookimpl
def nic_nav_items(actor: Actor | None) -> list[NavItem]:
    return [NavItem("Rubrics", "/rubrics", order=45)] if actor else []


@hookimpl
async def nic_panels(
    page: str, actor: Actor | None, subject: dict[str, Any], render: Callable[..., str]
) -> list[Panel] | None:
    """The team's latest rubric levels and movement (the page checked ``read``)."""
    if page != "team":
        return None
    from plugins.rubrics.progress import team_summary

    team_id = int(subject["id"])
    community_id = subject.get("community_id")
    if community_id is None:
        found = await Team.filter(id=team_id).values_list("community_id", flat=True)
        if not found:
            return None
        community_id = int(found[0])
    cid = int(community_id)

    async def panel_html() -> str:
        slug = await Community.filter(id=cid).values_list("slug", flat=True)
        summary = await team_summary(team_id, cid)
        return render("rubrics/team_panel.html", summary=summary, team=subject, slug=slug[0])

    # Rendered once per change of the community (a new assessment, a renamed team).
    stamp = await community_stamp(cid)
    html = await kept(("rubrics", "team-panel", team_id), stamp, panel_html)
    return [Panel("Implementation rubric", html, order=60)]


@hookimpl
async def nic_graph_contributions(
    community_ids: list[int], as_of: date | None
) -> GraphContribution:
    from plugins.rubrics.progress import node_attributes

    return GraphContribution(node_attributes=await node_attributes(community_ids, as_of))


@hookimpl(optionalhook=True)  # declared by the convenings plugin, which a site may block
async def nic_agenda_items(community_id: int, since: date | None, until: date) -> list[AgendaItem]:
    from plugins.rubrics.progress import agenda

    return await agenda(community_id, since, until)


@hookimpl
async def nic_demo_data(ctx: ServiceContext, community_ids: list[int], today: date) -> None:
    from plugins.rubrics.demo import add_demo

    await add_demo(ctx, community_ids, today)


@hookimpl
def nic_community_file_sections() -> list[FileSection]:
    from plugins.rubrics.exchange import SECTION

    return [SECTION]
