"""The knowledge-flow analyses a worker computes and the store keeps, by name.

Plugins add their own with the ``nic_flow_analyses`` hook (:func:`analyses_of`).

Each :class:`Analysis` turns a community's graph (at the ``as_of`` of its parameters)
into JSON-ready data. Workers run them (:mod:`communities.flow.worker`); web requests
only read what they stored (:mod:`communities.flow.results`). The ``standing`` ones are
recomputed in the background after every change of a community, with their default
parameters, so the explorer and the API usually find them current.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx

from communities.flow import service
from core.plugins import PluginHost

logger = logging.getLogger("nic.flow")

Params = dict[str, Any]
"""An analysis's parameters: JSON-ready values (dates as ISO text), part of its identity."""

GraphAt = Callable[[date | None], Awaitable[nx.MultiDiGraph]]
"""The community's (kept, frozen) graph as it stood on a date (``None``: today)."""


@dataclass(frozen=True)
class Analysis:
    """A named analysis: ``run(graph_at, params)`` returns its JSON-ready answer."""

    name: str
    run: Callable[[GraphAt, Params], Awaitable[Any]]
    standing: Callable[[], list[Params]] = list
    """The parameter sets recomputed after every change (the views most asked for)."""
    version: int = 1
    """Raised when the answer's shape or meaning changes: results stored by an older
    version are computed again, never served."""


def day(params: Params, name: str) -> date | None:
    value = params.get(name)
    return date.fromisoformat(value) if value else None


def on_graph(compute: Callable[[nx.MultiDiGraph, Params], Any]) -> Callable[..., Any]:
    """An analysis of the graph at ``params["as_of"]``."""

    async def run(graph_at: GraphAt, params: Params) -> Any:
        return compute(await graph_at(day(params, "as_of")), params)

    return run


def _trace(direction: str, bound: str) -> Callable[[nx.MultiDiGraph, Params], Any]:
    def compute(graph: nx.MultiDiGraph, params: Params) -> Any:
        return service.trace(graph, params.get("node"), direction, day(params, bound))

    return compute


def _node_link(graph: nx.MultiDiGraph, params: Params) -> Any:
    from communities.flow.exports import node_link

    return node_link(graph)


def _export(graph: nx.MultiDiGraph, params: Params) -> Any:
    import base64

    from communities.flow.exports import FORMATS

    data = FORMATS[params["format"]].write(graph)
    if isinstance(data, bytes):
        return {"base64": base64.b64encode(data).decode("ascii")}
    return {"text": data}


async def _explorer(graph_at: GraphAt, params: Params) -> Any:
    from communities.web.flow_view import explorer_view

    return await explorer_view(graph_at, params)


def _explorer_standing() -> list[Params]:
    from communities.web.flow_view import default_explorer_params

    return default_explorer_params()


def _no_params() -> list[Params]:
    return [{"as_of": None}]


def _silos_today() -> list[Params]:
    return [{"as_of": None, "within_days": service.SILO_DAYS, "today": date.today().isoformat()}]


def analyses_of(plugins: PluginHost) -> dict[str, Analysis]:
    """The built-in analyses and those plugins add (``nic_flow_analyses``); a plugin whose
    hook raises is logged and left out, and a name already taken is refused (logged)."""
    found = dict(ANALYSES)
    for plugin, added in plugins.collect_each("nic_flow_analyses", skip_failing=True):
        for analysis in added:
            if analysis.name in found:
                logger.error("plugin %s: the analysis %r exists already", plugin, analysis.name)
                continue
            found[analysis.name] = analysis
    return found


ANALYSES: dict[str, Analysis] = {
    a.name: a
    for a in (
        Analysis("summary", on_graph(lambda g, p: service.summary(g)), _no_params),
        Analysis("graph", on_graph(_node_link)),
        Analysis("downstream", on_graph(_trace("downstream", "until"))),
        Analysis("upstream", on_graph(_trace("upstream", "since"))),
        Analysis("team_flow", on_graph(lambda g, p: service.team_flow_report(g)), _no_params),
        Analysis(
            "brokers",
            on_graph(lambda g, p: service.broker_report(g, day(p, "as_of"), p["limit"])),
            lambda: [{"as_of": None, "limit": service.MAX_BROKERS}],
        ),
        Analysis(
            "silos",
            on_graph(lambda g, p: service.silos_report(g, p["within_days"], day(p, "today"))),
            _silos_today,
        ),
        Analysis(
            "resilience",
            on_graph(lambda g, p: service.resilience_report(g, day(p, "as_of"), p["leaving"])),
            lambda: [{"as_of": None, "leaving": []}],
        ),
        Analysis("main_path", on_graph(lambda g, p: service.main_path_report(g)), _no_params),
        Analysis(
            "evolution",
            on_graph(lambda g, p: {"quarters": service.evolution_report(g)}),
            _no_params,
        ),
        Analysis("export", on_graph(_export)),
        Analysis("explorer", _explorer, _explorer_standing, version=2),
    )
}
