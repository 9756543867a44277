"""The domain's navigation items and panels (through the same hooks plugins use)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from tortoise.expressions import Q

from communities.web import queries
from communities.web.page_cache import FragmentCache
from core.context import Actor
from core.hookspecs import hookimpl
from core.web.render import NavItem, Panel


@hookimpl
def nic_nav_items(actor: Actor | None) -> list[NavItem]:
    if actor is None:
        return []
    return [NavItem("Communities", "/communities", order=10)]


RECENT_ON_HOME = 10
CHANGED_ON_HOME = 20
_recent_cycles = FragmentCache(max_entries=256)
"""The latest cycles of a set of communities (rows, not markup: the same in every app)."""


@hookimpl
async def nic_panels(
    page: str, actor: Actor | None, subject: dict[str, Any], render: Callable[..., str]
) -> list[Panel] | None:
    if page != "home" or actor is None:
        return None
    teams = await queries.my_teams(actor, date.today())
    stamps = await queries.readable_stamps(actor)
    key = tuple(ident for ident, _, _ in stamps)
    cycles: list[dict[str, Any]] | None = _recent_cycles.get(key, tuple(stamps))
    if cycles is None:
        scope = Q(community_id__in=list(key))
        cycles = await queries.recent_cycles(scope, limit=max(RECENT_ON_HOME, CHANGED_ON_HOME))
        _recent_cycles.put(key, tuple(stamps), cycles)
    since = subject.get("since")
    # The latest cycles changed after ``since`` lead the latest cycles (both newest first).
    changed = [c for c in cycles if c["updated_at"] > since][:CHANGED_ON_HOME] if since else []
    return [
        Panel(
            "Since your last visit",
            render("communities/panel_changed.html", cycles=changed, since=since),
            order=5,
        ),
        Panel("My teams", render("communities/panel_my_teams.html", teams=teams), order=10),
        Panel(
            "Recent cycles",
            render("communities/_cycles.html", cycles=cycles[:RECENT_ON_HOME]),
            order=20,
        ),
    ]
