"""The subscribable calendar feed of a community, for calendar apps that cannot sign in.

Its URL carries a random secret token (32 bytes from :mod:`secrets`: unguessable);
facilitators make it and replace it (the old URL then stops working). The feed shows
what any reader of the community may see (dated convenings, their place and page),
never who is invited; it answers 404 where the plugin is switched off.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from plugins.api import NotFound, ServiceContext, community_write, this_plugin
from plugins.convenings.ics import calendar
from plugins.convenings.models import Convening, ConveningFeed
from plugins.convenings.records import FIELDS

THIS = this_plugin(__name__)

REFRESH = timedelta(hours=6)


async def feed_token(ctx: ServiceContext, community_id: int) -> str | None:
    """The community's current token (facilitators only), or ``None``."""
    await ctx.authorize("manage", community_id=community_id)
    tokens = await ConveningFeed.filter(community_id=community_id).values_list("token", flat=True)
    return str(tokens[0]) if tokens else None


async def new_feed_token(ctx: ServiceContext, community_id: int) -> str:
    """Make a token, replacing (revoking) the one before."""
    await ctx.authorize("manage", community_id=community_id)
    token = secrets.token_urlsafe(32)
    async with community_write(community_id):
        await ConveningFeed.filter(community_id=community_id).delete()
        await ConveningFeed.create(community_id=community_id, token=token)
    return token


async def revoke_feed(ctx: ServiceContext, community_id: int) -> None:
    await ctx.authorize("manage", community_id=community_id)
    async with community_write(community_id):
        await ConveningFeed.filter(community_id=community_id).delete()


async def feed(ctx: ServiceContext, token: str, base_url: str) -> bytes:
    """The calendar behind a token (``ctx`` is the system: the token is the credential)."""
    rows = await ConveningFeed.filter(token=token).values(
        "community_id", name="community__name", slug="community__slug"
    )
    if not token or not rows:
        raise NotFound("no such calendar feed")
    community: dict[str, Any] = rows[0]
    await THIS.require_on(ctx, community["community_id"])
    convenings = await Convening.filter(
        community_id=community["community_id"], starts_at__not_isnull=True
    ).values(
        *FIELDS,
        series_name="series__name",
        community_slug="community__slug",
        community_name="community__name",
    )
    return calendar(
        convenings, base_url, name=f"Convenings of {community['name']}", refresh=REFRESH
    )
