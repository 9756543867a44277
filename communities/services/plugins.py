"""Plugins switched on or off per community: the facilitators' setting.

A community starts with every plugin on. A facilitator (``manage``) switches
non-essential plugins off and on again; each change raises the community's change
counter, so cached graphs and pages of the community are rebuilt without the
plugin's nodes and panels. The plugin host asks which plugins are off through
:func:`nic_disabled_plugins` (registered with the domain plugin) and leaves them out
of every hook call made for that community.
"""

from __future__ import annotations

from typing import Any

from communities.changes import community_write
from communities.kept import kept_if_noted
from communities.models import CommunityPlugin
from communities.services.base import get_row
from communities.services.communities import COMMUNITIES
from core.context import ServiceContext
from core.errors import InvalidInput, NotFound
from core.hookspecs import hookimpl
from core.plugins import PluginHost
from core.prepared import PreparedValues

_OFF_IN_ONE = PreparedValues(
    CommunityPlugin,
    lambda community_id: CommunityPlugin.filter(community_id=community_id, enabled=False).values(
        "community_id", "plugin"
    ),
)


@hookimpl
async def nic_disabled_plugins(community_ids: list[int]) -> dict[int, list[str]]:
    """The plugins switched off in each community: one query, or none on a page that has
    read its community's counter and seen the same counter before."""
    off: dict[int, list[str]] = {}
    if len(community_ids) == 1:  # every page asks for its one community
        community_id = int(community_ids[0])
        rows = await kept_if_noted(
            community_id, ("plugins", "off", community_id), lambda: _OFF_IN_ONE(community_id)
        )
    else:
        rows = await CommunityPlugin.filter(community_id__in=community_ids, enabled=False).values(
            "community_id", "plugin"
        )
    for row in rows:
        community_id, plugin = row["community_id"], row["plugin"]
        off.setdefault(int(community_id), []).append(str(plugin))
    return off


async def _switches(community_id: int) -> dict[str, bool]:
    rows = await CommunityPlugin.filter(community_id=community_id).values_list("plugin", "enabled")
    return {str(plugin): bool(enabled) for plugin, enabled in rows}


def _listing(plugins: PluginHost, switches: dict[str, bool]) -> list[dict[str, Any]]:
    rows = []
    for name in plugins.plugin_names():
        source = plugins.source_of(name)
        essential = plugins.is_essential(name)
        rows.append(
            {
                "plugin": name,
                "version": source.version,
                "description": source.description,
                "essential": essential,
                "enabled": essential or switches.get(name, True),
            }
        )
    return rows


async def community_plugins(ctx: ServiceContext, community_id: int) -> list[dict[str, Any]]:
    """Every loaded plugin and whether it is on in the community (facilitators: ``manage``)."""
    await get_row(ctx, COMMUNITIES, community_id)
    await ctx.authorize("manage", community_id=community_id)
    return _listing(ctx.plugins, await _switches(community_id))


async def switch_plugins(
    ctx: ServiceContext, community_id: int, states: dict[str, bool]
) -> list[dict[str, Any]]:
    """Switch plugins on (``True``) or off in a community (facilitators: ``manage``).

    An unknown plugin, or switching an essential one off, is an :class:`InvalidInput`
    naming ``plugin``. Only real changes are written, in one transaction that raises
    the community's change counter; switching nothing changes nothing.
    """
    await get_row(ctx, COMMUNITIES, community_id)
    await ctx.authorize("manage", community_id=community_id)
    wanted: dict[str, bool] = {}
    for asked, enabled in states.items():
        name = ctx.plugins.plugin_named(asked)
        if name is None:
            raise InvalidInput.field("plugin", f"no plugin named {asked!r} is installed")
        if ctx.plugins.is_essential(name) and not enabled:
            raise InvalidInput.field("plugin", f"{name} is essential and cannot be switched off")
        wanted[name] = enabled
    switches = await _switches(community_id)
    changes = {name: on for name, on in wanted.items() if switches.get(name, True) != on}
    if changes:
        async with community_write(community_id):
            for name, on in changes.items():
                updated = await CommunityPlugin.filter(
                    community_id=community_id, plugin=name
                ).update(enabled=on)
                if not updated:
                    await CommunityPlugin.create(community_id=community_id, plugin=name, enabled=on)
        switches.update(changes)
    return _listing(ctx.plugins, switches)


async def plugin_enabled(ctx: ServiceContext, plugin: str | object, community_id: int) -> None:
    """Raise :class:`NotFound` unless ``plugin`` (its name, or the plugin module or object)
    is switched on in the community: a switched-off plugin's pages answer like missing ones."""
    if not await ctx.plugins.enabled_in(plugin, community_id):
        raise NotFound("There is no such page in this community.")
