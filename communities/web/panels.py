"""The domain's navigation items and panels (through the same hooks plugins use)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from tortoise.expressions import Q

from communities.permissions import readable_community_ids
from communities.web import queries
from core.context import Actor
from core.hookspecs import hookimpl
from core.web.render import NavItem, Panel


@hookimpl
def nic_nav_items(actor: Actor | None) -> list[NavItem]:
    if actor is None:
        return []
    return [NavItem("Communities", "/communities", order=10)]


@hookimpl
async def nic_panels(
    page: str, actor: Actor | None, subject: dict[str, Any], render: Callable[..., str]
) -> list[Panel] | None:
    if page != "home" or actor is None:
        return None
    teams = await queries.my_teams(actor, date.today())
    readable = await readable_community_ids(actor)
    scope: Q = Q() if readable is None else Q(community_id__in=readable)
    cycles: list[dict[str, Any]] = await queries.recent_cycles(scope, limit=10)
    since = subject.get("since")
    changed = await queries.recent_cycles(scope & Q(updated_at__gt=since), 20) if since else []
    return [
        Panel(
            "Since your last visit",
            render("communities/panel_changed.html", cycles=changed, since=since),
            order=5,
        ),
        Panel("My teams", render("communities/panel_my_teams.html", teams=teams), order=10),
        Panel("Recent cycles", render("communities/_cycles.html", cycles=cycles), order=20),
    ]
