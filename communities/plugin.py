"""The domain, registered as a built-in plugin through the same hooks outside plugins use."""

from __future__ import annotations

from typing import Any

from communities.models import Community
from communities.permissions import nic_permission
from core.api.operations import Operation
from core.cli_commands import Command
from core.hookspecs import hookimpl
from core.nodes import NodeKind

__all__ = ["nic_permission"]


@hookimpl
def nic_models() -> dict[str, dict[str, Any]]:
    return {
        "communities": {"models": ["communities.models"], "migrations": "migrations.communities"}
    }


@hookimpl
def nic_api_operations() -> list[Operation]:
    from communities.api.operations import all_operations

    return all_operations()


@hookimpl
def nic_node_kinds() -> list[NodeKind]:
    from communities.nodes import NODE_KINDS

    return list(NODE_KINDS)


@hookimpl
def nic_cli_commands() -> list[Command]:
    from communities.cli import COMMANDS

    return list(COMMANDS)


@hookimpl
async def nic_site_stats() -> dict[str, int]:
    return {"communities": await Community.all().count()}
