"""Silos: work and teams whose learning reached no other team in time.

**Question.** Which cycles' learning went nowhere beyond their own team, and which teams
learn only from themselves?

**Measure.** A cycle is a silo when no work of another team dated within ``within_days``
of the cycle's end (its start when it has no end) lies downstream of it along content
edges (any path: the downstream work's date is judged, not the edges'). Only cycles
whose window has closed by ``today`` are judged; younger ones are counted as pending. A
team is a silo when it has judged cycles and none of them reached another team. Computed
by one pass over the content graph (the two earliest other teams downstream of every
node), so the cost is linear in the number of links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import networkx as nx

from communities.flow.content import content_graph, earliest_descendants
from communities.flow.schema import CYCLE, TEAM, node_date


@dataclass(frozen=True)
class Silos:
    within_days: int
    cycles: list[str]
    teams: list[str]
    judged: int
    pending: int

    def as_dict(self, graph: nx.MultiDiGraph) -> dict[str, Any]:
        def item(node: str) -> dict[str, Any]:
            data = graph.nodes[node]
            return {"id": node, "label": data.get("label", node), "team": data.get("team")}

        return {
            "within_days": self.within_days,
            "judged": self.judged,
            "pending": self.pending,
            "cycles": [item(n) for n in self.cycles],
            "teams": [item(n) for n in self.teams],
        }


def silos(graph: nx.MultiDiGraph, *, within_days: int = 90, today: date | None = None) -> Silos:
    if within_days < 0:
        raise ValueError("within_days must be 0 or more")
    today = today or date.today()
    window = timedelta(days=within_days)
    reached = earliest_descendants(graph, content_graph(graph), lambda d: d.get("team"), k=2)
    silo_cycles: list[str] = []
    reaching_teams: set[str] = set()
    judged_teams: set[str] = set()
    judged = pending = 0
    for node, data in graph.nodes(data=True):
        if data.get("kind") != CYCLE or data.get("status") == "abandoned":
            continue
        ended = data.get("end") or node_date(data)
        if ended is None or ended + window > today:
            pending += 1
            continue
        judged += 1
        team = data.get("team")
        judged_teams.add(team)
        others = [day for day, other in reached.get(node, ()) if other != team]
        if others and others[0] <= ended + window:
            reaching_teams.add(team)
        else:
            silo_cycles.append(node)
    quiet = judged_teams - reaching_teams
    teams = sorted(t for t in quiet if t in graph and graph.nodes[t].get("kind") == TEAM)
    return Silos(within_days, sorted(silo_cycles), teams, judged, pending)
