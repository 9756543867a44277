"""The domain, registered as a built-in plugin through the same hooks outside plugins use."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from communities.models import Community
from communities.permissions import nic_permission
from communities.services.plugins import nic_disabled_plugins
from communities.web.panels import nic_nav_items, nic_panels
from core.api.operations import Operation
from core.cli_commands import Command
from core.context import ServiceContext
from core.hookspecs import hookimpl
from core.nodes import NodeKind
from core.worker import BackgroundTask

# Hook implementations that live in their own modules, registered with this plugin.
__all__ = [
    "nic_disabled_plugins",
    "nic_nav_items",
    "nic_panels",
    "nic_permission",
]


@hookimpl
def nic_hookspecs() -> list[object]:
    """The domain's own hooks (teams, events, the graph, demo data), declared by the domain."""
    from communities import hookspecs

    return [hookspecs]


@hookimpl
def nic_models() -> dict[str, dict[str, Any]]:
    return {
        "communities": {
            "models": ["communities.models", "communities.flow.models"],
            "migrations": "migrations.communities",
        }
    }


@hookimpl
def nic_background_tasks() -> list[BackgroundTask]:
    from communities.flow.worker import FLOW_TASK

    return [FLOW_TASK]


@hookimpl
def nic_api_operations() -> list[Operation]:
    from communities.api.operations import all_operations
    from communities.flow.api import flow_operations

    return all_operations() + flow_operations()


@hookimpl
def nic_routes() -> list[BaseRoute]:
    from communities.web.account_pages import ROUTES as ACCOUNTS
    from communities.web.aim_pages import ROUTES as AIMS
    from communities.web.artifact_pages import ROUTES as ARTIFACTS
    from communities.web.cycle_forms import ROUTES as CYCLE_FORMS
    from communities.web.flow_pages import ROUTES as FLOW
    from communities.web.measure_import_pages import ROUTES as MEASURE_IMPORT
    from communities.web.measure_pages import ROUTES as MEASURES
    from communities.web.pages import ROUTES as PAGES
    from communities.web.people_pages import ROUTES as PEOPLE
    from communities.web.pickers import ROUTES as PICKERS
    from communities.web.plugins_pages import ROUTES as PLUGINS
    from communities.web.roles_pages import ROUTES as ROLES
    from communities.web.search_pages import ROUTES as SEARCH

    return [
        *PAGES,
        *CYCLE_FORMS,
        *PICKERS,
        *ROLES,
        *PLUGINS,
        *PEOPLE,
        *ACCOUNTS,
        *AIMS,
        *ARTIFACTS,
        *SEARCH,
        *FLOW,
        *MEASURE_IMPORT,
        *MEASURES,
    ]


@hookimpl
def nic_node_kinds() -> list[NodeKind]:
    from communities.nodes import NODE_KINDS

    return list(NODE_KINDS)


@hookimpl
def nic_cli_commands() -> list[Command]:
    from communities.cli import COMMANDS
    from communities.cli_accounts import COMMANDS as ACCOUNT_COMMANDS
    from communities.data_cli import COMMANDS as DATA_COMMANDS
    from communities.flow.cli import COMMANDS as GRAPH_COMMANDS

    return [*COMMANDS, *ACCOUNT_COMMANDS, *DATA_COMMANDS, *GRAPH_COMMANDS]


@hookimpl
async def nic_demo_data(ctx: ServiceContext, community_ids: list[int]) -> None:
    from communities.examples.phases import demo_notes, demo_phases

    await demo_phases(ctx, community_ids)
    await demo_notes(ctx, community_ids)


@hookimpl
async def nic_claim_account(email: str) -> int | None:
    """Accept the pending invitations of ``email`` (see ``communities.services.accounts``)."""
    from communities.services.accounts import claim_account

    return await claim_account(email)


@hookimpl
async def nic_site_stats() -> dict[str, int]:
    return {"communities": await Community.all().count()}


@hookimpl
async def nic_join_community(user_id: int, community: str, role: str) -> bool | None:
    """An identity provider's domain join: the new account gets ``role`` in ``community``
    (None when there is no such community or role, and the account is not kept)."""
    from typing import get_args

    from communities.changes import community_write
    from communities.choices import CommunityRoleName
    from communities.models import CommunityRole

    rows = await Community.filter(slug=community).values("id")
    if not rows or role not in get_args(CommunityRoleName):
        return None
    community_id = int(rows[0]["id"])
    async with community_write(community_id):
        await CommunityRole.create(community_id=community_id, user_id=user_id, role=role)
    return True
