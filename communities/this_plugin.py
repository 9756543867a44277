"""A plugin's handle on itself: its registered name and where it is switched on.

A plugin makes one in any of its modules with ``THIS = this_plugin(__name__)`` (from
``plugins.api``): the handle finds the plugin that module belongs to, whatever name a
site registered it under, so no module of a plugin imports its own hook module to
name itself, and none reaches into the plugin host. The checks a plugin's pages, API
operations and lists repeat (the community of the path, "is the plugin on there?",
"the communities where it is on") are its methods.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from communities.models import Community
from communities.permissions import readable_community_ids
from communities.web.queries import community_by_slug
from core.context import ServiceContext
from core.errors import NotFound
from core.plugins import PluginHost

SWITCHED_OFF = "There is no such page in this community."


@dataclass(frozen=True)
class ThisPlugin:
    """The plugin that ``module`` (a ``__name__``) belongs to."""

    module: str

    def name(self, plugins: PluginHost) -> str:
        """The name the plugin is registered under on this site."""
        name = plugins.name_of_module(self.module)
        if name is None:
            raise LookupError(f"module {self.module} belongs to no registered plugin")
        return name

    async def on_in(self, ctx: ServiceContext, community_ids: Iterable[int]) -> set[int]:
        """Which of these communities have the plugin switched on (one question for all)."""
        ids = [int(cid) for cid in community_ids]
        off = await ctx.plugins.disabled_plugins(ids)
        key = self.name(ctx.plugins).lower().replace("-", "_")
        return {cid for cid in ids if key not in off[cid]}

    async def is_on(self, ctx: ServiceContext, community_id: int) -> bool:
        return int(community_id) in await self.on_in(ctx, [community_id])

    async def require_on(self, ctx: ServiceContext, community_id: int) -> None:
        """Raise :class:`NotFound` (404) where the plugin is switched off: its pages and
        operations there answer like missing ones."""
        if not await self.is_on(ctx, community_id):
            raise NotFound(SWITCHED_OFF)

    async def community(self, ctx: ServiceContext, slug: str) -> dict[str, Any]:
        """The community of a path's ``slug``, once the actor may read it and the plugin
        is on there (else :class:`NotFound`)."""
        community = await community_by_slug(ctx, slug)
        await self.require_on(ctx, community["id"])
        return community

    async def communities(self, ctx: ServiceContext) -> list[dict[str, Any]]:
        """The communities the actor may read where the plugin is on, by name (``id``,
        ``slug``, ``name``): what a plugin's page across communities lists."""
        readable = await readable_community_ids(ctx.actor)
        query = Community.all() if readable is None else Community.filter(id__in=readable)
        rows = await query.order_by("name").values("id", "slug", "name")
        on = await self.on_in(ctx, [row["id"] for row in rows])
        return [row for row in rows if row["id"] in on]


def this_plugin(module: str) -> ThisPlugin:
    """The handle of the plugin ``module`` belongs to: ``this_plugin(__name__)``."""
    return ThisPlugin(module)
