"""The knowledge-flow analyses as services: permission checks, the cached graph, plain data.

The JSON API, the CLI and the explorer page all call these, so each analysis is
checked and shaped in one place. Reading the graph and its analyses needs ``read`` in
the community; downloading an export needs ``export`` (facilitators and researchers).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import networkx as nx

from communities.flow.brokers import brokers
from communities.flow.cache import community_graph
from communities.flow.evolution import QuarterMeasures, evolution
from communities.flow.mainpath import main_path
from communities.flow.memo import memoized
from communities.flow.reach import downstream, upstream
from communities.flow.resilience import cut_people, fragmentation
from communities.flow.silos import Silos, silos
from communities.flow.teamflow import TeamFlow, team_flow
from communities.services.base import community_id_for_slug
from core.context import ServiceContext
from core.errors import InvalidInput

#: Betweenness is exact up to this many people, and beyond them estimated from this many
#: sampled sources (Brandes & Pich 2007): its cost grows with the sources, and a ranking
#: of brokers is stable well before the estimate of each score is.
EXACT_BETWEENNESS_UP_TO = 500
BETWEENNESS_SAMPLE = 100

MAX_BROKERS = 500
"""The most brokers an answer lists: stored rankings keep this many, answers cut them."""
SILO_DAYS = 90
"""The default window of the silo report, in days."""


def jsonable(value: Any) -> Any:
    """Dataclasses, dates, tuples and sets as JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items) if isinstance(value, set | frozenset) else items
    if isinstance(value, date):
        return value.isoformat()
    return value


async def readable_graph(
    ctx: ServiceContext, slug: str, as_of: date | None = None, *, action: str = "read"
) -> nx.MultiDiGraph:
    """The community's graph, after checking the actor may ``action`` in it."""
    community_id = await community_id_for_slug(slug, ctx)
    await ctx.authorize(action, community_id=community_id)
    return await community_graph(ctx.plugins, [community_id], as_of)


def _work_node(graph: nx.MultiDiGraph, node: str | None) -> str:
    if not node:
        raise InvalidInput.field("node", "name a cycle or artifact version, such as cycle:12")
    if node not in graph:
        raise InvalidInput.field("node", f"{node} is not in this community's graph")
    if graph.nodes[node].get("kind") in ("team", "person"):
        raise InvalidInput.field("node", f"{node} is a {graph.nodes[node]['kind']}: trace work")
    return node


def summary(graph: nx.MultiDiGraph) -> dict[str, Any]:
    nodes: dict[str, int] = {}
    for _, kind in graph.nodes(data="kind"):
        nodes[kind] = nodes.get(kind, 0) + 1
    edges: dict[str, int] = {}
    for _, _, kind in graph.edges(data="kind"):
        edges[kind] = edges.get(kind, 0) + 1
    return {
        "communities": graph.graph.get("communities", []),
        "as_of": graph.graph.get("as_of"),
        "nodes": dict(sorted(nodes.items())),
        "edges": dict(sorted(edges.items())),
    }


def trace(graph: nx.MultiDiGraph, node: str | None, direction: str, bound: date | None) -> Any:
    origin = _work_node(graph, node)
    if direction == "downstream":
        return downstream(graph, origin, until=bound).as_dict(graph)
    return upstream(graph, origin, since=bound).as_dict(graph)


def _labelled(graph: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    data = graph.nodes[node]
    return {"id": node, "label": data.get("label", node), "kind": data.get("kind")}


def broker_report(graph: nx.MultiDiGraph, as_of: date | None, limit: int) -> dict[str, Any]:
    people = sum(1 for _, kind in graph.nodes(data="kind") if kind == "person")
    sample = BETWEENNESS_SAMPLE if people > EXACT_BETWEENNESS_UP_TO else None
    ranked = memoized(graph, ("brokers", as_of), lambda: brokers(graph, as_of=as_of, sample=sample))
    return {
        "people": len(ranked),
        "betweenness_sampled": sample,
        "items": [jsonable(b) | {"roles_total": b.roles.total} for b in ranked[:limit]],
    }


def resilience_report(
    graph: nx.MultiDiGraph, as_of: date | None, leaving: list[str]
) -> dict[str, Any]:
    unknown = [p for p in leaving if graph.nodes.get(p, {}).get("kind") != "person"]
    if unknown:
        raise InvalidInput.field("leaving", f"not people of this community: {', '.join(unknown)}")
    cuts = memoized(graph, ("cut_people", as_of), lambda: cut_people(graph, as_of=as_of))
    return {
        "cut_people": jsonable(cuts),
        "leaving": leaving,
        "fragmentation": jsonable(fragmentation(graph, leaving, as_of=as_of)),
    }


def distinct_labels(graph: nx.MultiDiGraph, nodes: list[str]) -> dict[str, str]:
    """Labels of ``nodes`` a reader can tell apart: a title that another node of the same
    kind in the graph shares gets its team's name, "Huddle pilot (North SIDT)"."""
    wanted = {graph.nodes[n].get("label", n) for n in nodes}
    seen: dict[tuple[Any, Any], int] = {}
    for _, data in graph.nodes(data=True):
        label = data.get("label")
        if label in wanted:
            key = (data.get("kind"), label)
            seen[key] = seen.get(key, 0) + 1
    found = {}
    for node in nodes:
        data = graph.nodes[node]
        label = data.get("label", node)
        team = data.get("team")
        if seen.get((data.get("kind"), label), 0) > 1 and team in graph:
            label = f"{label} ({graph.nodes[team].get('label', team)})"
        found[node] = label
    return found


def main_path_report(graph: nx.MultiDiGraph) -> dict[str, Any]:
    path = memoized(graph, "main_path", lambda: main_path(graph))
    labels = distinct_labels(graph, list(path.nodes))
    return {
        "nodes": [_labelled(graph, n) | {"label": labels[n]} for n in path.nodes],
        # Search path counts grow past what JavaScript numbers hold exactly.
        "edges": [
            {"source": e.source, "target": e.target, "spc": e.spc if e.spc < 2**53 else str(e.spc)}
            for e in path.edges
        ],
        "weight": path.weight if path.weight < 2**53 else str(path.weight),
    }


def report(
    graph: nx.MultiDiGraph,
    *,
    as_of: date | None = None,
    within_days: int = 90,
    limit: int = 10,
    leaving: list[str] | None = None,
) -> dict[str, Any]:
    """Every analysis of a graph in one document (``nic graph report``)."""
    return {
        "summary": summary(graph),
        "team_flow": team_flow_report(graph),
        "brokers": broker_report(graph, as_of, limit),
        "silos": silos_report(graph, within_days, as_of),
        "resilience": resilience_report(graph, as_of, leaving or []),
        "main_path": main_path_report(graph),
        "evolution": evolution_report(graph),
    }


def team_flow_of(graph: nx.MultiDiGraph) -> TeamFlow:
    return memoized(graph, "team_flow", lambda: team_flow(graph))


def team_flow_report(graph: nx.MultiDiGraph) -> dict[str, Any]:
    return team_flow_of(graph).as_dict()


def silos_of(graph: nx.MultiDiGraph, within_days: int, today: date | None) -> Silos:
    if not 0 <= within_days <= 3660:
        raise InvalidInput.field("within_days", "must be between 0 and 3660")
    day = today or date.today()
    return memoized(
        graph, ("silos", within_days, day), lambda: silos(graph, within_days=within_days, today=day)
    )


def silos_report(graph: nx.MultiDiGraph, within_days: int, today: date | None) -> dict[str, Any]:
    return silos_of(graph, within_days, today).as_dict(graph)


def evolution_of(graph: nx.MultiDiGraph) -> list[QuarterMeasures]:
    return memoized(graph, "evolution", lambda: evolution(graph))


def evolution_report(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    return [q.as_dict() for q in evolution_of(graph)]
