"""The hooks the domain declares: its teams, its events, its graph and its demo.

The kernel knows nothing of cycles, memberships or the knowledge-flow graph; the
domain plugin hands this module to the plugin host through the kernel's
``nic_hookspecs`` hook (:mod:`communities.plugin`), before any other plugin
registers, so every plugin implements these hooks exactly as the kernel's. Each hook
has a section in ``docs/plugins.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.hookspecs import hookspec

if TYPE_CHECKING:
    from datetime import date

    from communities.exchange.sections import FileSection
    from communities.flow.analyses import Analysis
    from core.context import ServiceContext
    from core.nodes import GraphContribution, NodeKind


# --- teams ------------------------------------------------------------------------


@hookspec
def nic_team_kinds() -> list[tuple[str, str]]:  # type: ignore[empty-body]
    """Team kinds this plugin adds, as ``(slug, label)`` pairs."""


# --- domain events --------------------------------------------------------------


@hookspec
def nic_cycle_posted(cycle: dict[str, Any]) -> None:
    """A PDSA cycle was created (called after the transaction committed)."""


@hookspec
def nic_cycle_completed(cycle: dict[str, Any]) -> None:
    """A cycle reached the ``completed`` status."""


@hookspec
def nic_artifact_shared(artifact: dict[str, Any], team_ids: list[int]) -> None:
    """An artifact was shared with teams (or its vetting status rose to shared)."""


@hookspec
def nic_link_recorded(link: dict[str, Any]) -> None:
    """A learning link ``source -> target`` was recorded."""


@hookspec
def nic_membership_changed(membership: dict[str, Any], change: str) -> None:
    """A membership was ``added``, ``updated``, ``ended`` or ``deleted``."""


# --- graph ----------------------------------------------------------------------


@hookspec
def nic_node_kinds() -> list[NodeKind]:  # type: ignore[empty-body]
    """Kinds of node that learning links may address as ``kind:id``."""


@hookspec
def nic_graph_contributions(  # type: ignore[empty-body]
    community_ids: list[int], as_of: date | None
) -> GraphContribution:
    """Nodes and edges this plugin adds to the knowledge-flow graph of these communities.

    Called on every graph build (the build is cached per community change counter, so
    raise the counter with ``bump`` of ``plugins.api`` when your contribution changes).
    Read everything in a fixed number of queries, not one per node.
    """


@hookspec
def nic_flow_analyses() -> list[Analysis]:  # type: ignore[empty-body]
    """Analyses of a community's knowledge-flow graph this plugin adds.

    Workers run them and store their answers with the community's change counter; read
    one with ``stored_result(plugins, community_id, name, params)`` (``plugins.api``).
    Names are unique across the site: prefix yours with your plugin's name.
    """


# --- community files -------------------------------------------------------------


@hookspec
def nic_community_file_sections() -> list[FileSection]:  # type: ignore[empty-body]
    """Sections this plugin writes to, and reads from, community files.

    ``nic export`` writes each section's data under ``plugins.<name>``; ``nic load``
    hands it back to the section's ``load`` in the load's one transaction (the change
    counter already raised). Refer to cycles, people, teams and other domain records
    by the file's keys (:class:`FileKeys`), never by database id. A file holding a
    section no installed plugin reads is refused unless ``--skip-missing-plugins``.
    """


# --- demo data -------------------------------------------------------------------


@hookspec
def nic_demo_data(ctx: ServiceContext, community_ids: list[int], today: date) -> None:
    """Add this plugin's demo records to the communities ``nic demo`` just loaded.

    ``today`` is the day the demo lives in (``nic demo --today``, by default the day it
    runs): date your records from it, so a demo built any day has a past and a future.

    Called once, after the demo communities and the demo users exist, with the
    database open and ``ctx`` acting as the system (site operator). Create records
    through your services, in a fixed number of queries per community where you can.
    A plugin that raises is logged and the demo goes on without its records.
    """
