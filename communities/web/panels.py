"""The domain's navigation items and panels (through the same hooks plugins use)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from tortoise.expressions import Q

from communities.kept import kept
from communities.web import queries
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


@hookimpl
async def nic_panels(
    page: str, actor: Actor | None, subject: dict[str, Any], render: Callable[..., str]
) -> list[Panel] | None:
    """Home: what changed since the last visit, my teams, the latest cycles of my communities.

    All three are made from the communities the actor may read, so they are kept (rendered)
    under those communities' stamps and the day: a write to any of them, a role given or
    taken, or midnight makes them anew.
    """
    if page != "home" or actor is None:
        return None
    stamps = await queries.readable_stamps(actor)
    ids = tuple(ident for ident, _, _ in stamps)
    today = date.today()
    version = (tuple(stamps), today)

    async def recent() -> tuple[list[dict[str, Any]], str]:
        """The same for everyone who reads these communities."""
        cycles = await queries.recent_cycles(
            Q(community_id__in=list(ids)), limit=max(RECENT_ON_HOME, CHANGED_ON_HOME)
        )
        return cycles, render("communities/_cycles.html", cycles=cycles[:RECENT_ON_HOME])

    async def my_teams() -> str:
        teams = await queries.my_teams(actor, today, list(ids))
        return render("communities/panel_my_teams.html", teams=teams)

    cycles, recent_html = await kept(("home", "recent", ids), version, recent)
    teams_html = await kept(("home", "my_teams", actor.user_id), version, my_teams)
    since = subject.get("since")

    async def changed() -> str:
        # The latest cycles changed after ``since`` lead the latest cycles (both newest first).
        shown = [c for c in cycles if c["updated_at"] > since][:CHANGED_ON_HOME] if since else []
        return render("communities/panel_changed.html", cycles=shown, since=since)

    changed_html = await kept(("home", "changed", ids, since), version, changed)
    return [
        Panel("Since your last visit", changed_html, order=5),
        Panel("My teams", teams_html, order=10),
        Panel("Recent cycles", recent_html, order=20),
    ]
