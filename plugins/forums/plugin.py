"""The hook implementations of the built-in forums plugin (see ``docs/forums.md``).

Everything the plugin adds goes through these hooks: its Tortoise app and migrations,
pages and JSON API, a navigation item, the panel on cycle pages, a node kind and its
nodes and edges in the knowledge-flow graph, agenda items for convenings, and demo
threads. Its ``templates/`` folder, beside this module, is found by convention.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from plugins.api import (
    Actor,
    AgendaItem,
    Artifact,
    Cycle,
    FileSection,
    GraphContribution,
    NavItem,
    NodeKind,
    Panel,
    PluginParts,
    ServiceContext,
    community_stamp,
    hookimpl,
    kept,
)
from plugins.forums import graph

PARTS = PluginParts(__name__)
nic_models = PARTS.models("forums")
nic_routes = PARTS.routes()
nic_api_operations = PARTS.operations()


@hookimpl
def nic_nav_items(actor: Actor | None) -> list[NavItem]:
    return [NavItem("Forums", "/forums", order=45)] if actor else []


@hookimpl
async def nic_panels(
    page: str, actor: Actor | None, subject: dict[str, Any], render: Callable[..., str]
) -> list[Panel] | None:
    """On a cycle's or an artifact's page: the threads that refer to it, those the actor
    may see (the page has checked that they may read the community)."""
    if page not in ("cycle", "artifact") or actor is None or not subject.get("id"):
        return None
    from plugins.forums.access import viewer_for
    from plugins.forums.services import threads_citing

    community_id = subject.get("community_id")
    if community_id is None:  # the artifact page's subject does not carry it
        model = Cycle if page == "cycle" else Artifact
        found = await model.filter(id=subject["id"]).values_list("community_id", flat=True)
        if not found:
            return None
        community_id = found[0]
    cid, target = int(community_id), int(subject["id"])

    async def citing() -> str:
        threads = await threads_citing(await viewer_for(actor, cid), page, target)
        return render("forums/cycle_panel.html", threads=threads, kind=page)

    # Who sees which thread rests on roles, memberships and boards: community writes all,
    # so the panel is kept (rendered) per viewer until the community changes.
    key = ("forums", "citing", page, target, actor.user_id, actor.is_admin)
    return [Panel("Forum threads", await kept(key, await community_stamp(cid), citing), order=60)]


@hookimpl
def nic_node_kinds() -> list[NodeKind]:
    return [graph.NODE_KIND]


@hookimpl
async def nic_graph_contributions(
    community_ids: list[int], as_of: date | None
) -> GraphContribution:
    return await graph.contributions(community_ids, as_of)


@hookimpl(optionalhook=True)  # declared by the convenings plugin, which a site may block
async def nic_agenda_items(community_id: int, since: date | None, until: date) -> list[AgendaItem]:
    from plugins.forums.agenda import open_questions

    return await open_questions(community_id, since, until)


@hookimpl
async def nic_demo_data(ctx: ServiceContext, community_ids: list[int], today: date) -> None:
    from plugins.forums.demo import load_demo

    await load_demo(ctx, community_ids, today)


@hookimpl
def nic_community_file_sections() -> list[FileSection]:
    from plugins.forums.exchange import SECTION

    return [SECTION]
