"""Keeps each community's change counter: every domain event raises it by one.

Anything derived from a community (the knowledge-flow graph, reports) can cache
by ``(community_id, change_counter)`` and stay correct when several app
processes share one database.
"""

from __future__ import annotations

from typing import Any, cast

from tortoise.expressions import F

from communities.models import Community, Team
from core.hookspecs import hookimpl


async def bump(community_id: int | None) -> None:
    if community_id is not None:
        await Community.filter(id=community_id).update(change_counter=F("change_counter") + 1)


async def change_counter(community_id: int) -> int:
    rows = await Community.filter(id=community_id).values_list("change_counter", flat=True)
    return int(cast(Any, rows[0])) if rows else 0


@hookimpl
async def nic_cycle_posted(cycle: dict[str, Any]) -> None:
    await bump(cycle["community_id"])


@hookimpl
async def nic_cycle_completed(cycle: dict[str, Any]) -> None:
    await bump(cycle["community_id"])


@hookimpl
async def nic_artifact_shared(artifact: dict[str, Any]) -> None:
    await bump(artifact["community_id"])


@hookimpl
async def nic_link_recorded(link: dict[str, Any]) -> None:
    await bump(link["community_id"])


@hookimpl
async def nic_membership_changed(membership: dict[str, Any]) -> None:
    rows = await Team.filter(id=membership["team_id"]).values_list("community_id", flat=True)
    await bump(cast(Any, rows[0]) if rows else None)
