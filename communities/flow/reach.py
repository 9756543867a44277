"""Time-respecting traces: where a piece of work's learning went, and where it came from.

**Question.** Which later work and which teams could this cycle's learning have reached
(``downstream``), and which earlier work and teams could have informed it (``upstream``)?

**Measure.** Earliest-arrival reach on a temporal network (Holme & Saramäki, *Temporal
networks*, 2012): learning moves along content edges (a cycle built on, a link recorded,
an artifact adapted or revised) only forward in time, so a path A → B → C counts only
when C is no older than B; and a person carries it from one team to another only while
a member of both, on or after the day it reached the first team. A team's own later
work is not counted as reached: knowing is not using. Every reached node carries the
earliest date it could have arrived (downstream) or the latest date it could have left
(upstream).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from communities.flow.memo import memoized
from communities.flow.schema import MEMBER, TEAM, is_content_edge, node_date

_FIRST, _LAST = date.min, date.max


@dataclass(frozen=True)
class TeamReach:
    """When a team was reached, and the person who carried it there (if one did)."""

    date: date
    carrier: str | None = None


@dataclass
class Trace:
    origin: str
    direction: str
    work: dict[str, date] = field(default_factory=dict)
    teams: dict[str, TeamReach] = field(default_factory=dict)

    def as_dict(self, graph: nx.MultiDiGraph) -> dict[str, Any]:
        def label(node: str | None) -> str | None:
            return None if node is None else graph.nodes[node].get("label", node)

        return {
            "origin": self.origin,
            "direction": self.direction,
            "work": [
                {
                    "id": node,
                    "label": label(node),
                    "kind": graph.nodes[node].get("kind"),
                    "team": graph.nodes[node].get("team"),
                    "date": day.isoformat(),
                }
                for node, day in sorted(self.work.items(), key=lambda item: (item[1], item[0]))
            ],
            "teams": [
                {
                    "id": team,
                    "label": label(team),
                    "level": graph.nodes[team].get("level"),
                    "date": reach.date.isoformat(),
                    "carrier": reach.carrier,
                    "carrier_label": label(reach.carrier),
                }
                for team, reach in sorted(self.teams.items(), key=lambda i: (i[1].date, i[0]))
            ],
        }


Spell = tuple[str, date, date]  # (team or person, start, end)


def _spells(graph: nx.MultiDiGraph) -> tuple[dict[str, list[Spell]], dict[str, list[Spell]]]:
    """Membership spells by team (person, start, end) and by person (team, start, end);
    read once per cached graph, not on every trace."""
    return memoized(graph, "membership_spells", lambda: _read_spells(graph))


def _read_spells(graph: nx.MultiDiGraph) -> tuple[dict[str, list[Spell]], dict[str, list[Spell]]]:
    by_team: dict[str, list[Spell]] = defaultdict(list)
    by_person: dict[str, list[Spell]] = defaultdict(list)
    for person, team, data in graph.edges(data=True):
        if data.get("kind") != MEMBER:
            continue
        start, end = data.get("start") or _FIRST, data.get("end") or _LAST
        by_team[team].append((person, start, end))
        by_person[person].append((team, start, end))
    return by_team, by_person


def _check(graph: nx.MultiDiGraph, node: str) -> None:
    if node not in graph:
        raise KeyError(f"no node {node!r} in the graph")
    if graph.nodes[node].get("kind") == TEAM:
        raise ValueError(f"{node} is a team: trace a piece of work (a cycle or artifact version)")


def downstream(graph: nx.MultiDiGraph, node: str, *, until: date | None = None) -> Trace:
    """Where ``node``'s learning could have gone, by ``until`` (default: any time)."""
    _check(graph, node)
    by_team, by_person = _spells(graph)
    limit = until or _LAST
    start = node_date(graph.nodes[node]) or _FIRST
    trace = Trace(origin=node, direction="downstream")
    best: dict[str, date] = {node: start}
    heap: list[tuple[date, str, str | None]] = [(start, node, None)]
    while heap:
        day, current, carrier = heapq.heappop(heap)
        if best.get(current, _LAST) < day:
            continue
        data = graph.nodes[current]
        if data.get("kind") == TEAM:
            if current not in trace.teams:
                trace.teams[current] = TeamReach(day, carrier)
            for person, s1, e1 in by_team.get(current, ()):
                if e1 < day:
                    continue
                for other, s2, e2 in by_person[person]:
                    arrival = max(day, s1, s2)
                    if (
                        other != current
                        and arrival <= min(e1, e2, limit)
                        and arrival < best.get(other, _LAST)
                    ):
                        best[other] = arrival
                        heapq.heappush(heap, (arrival, other, person))
            continue
        if current != node:
            trace.work[current] = day
        team = data.get("team")
        if team in graph and day < best.get(team, _LAST):
            best[team] = day
            heapq.heappush(heap, (day, team, None))
        for _, target, edge in graph.out_edges(current, data=True):
            if not is_content_edge(edge):
                continue
            arrival = node_date(graph.nodes[target]) or day
            if day <= arrival <= limit and arrival < best.get(target, _LAST):
                best[target] = arrival
                heapq.heappush(heap, (arrival, target, None))
    trace.teams.pop(graph.nodes[node].get("team"), None)
    return trace


def upstream(graph: nx.MultiDiGraph, node: str, *, since: date | None = None) -> Trace:
    """What could have informed ``node``, from ``since`` on (default: any time).

    The mirror of :func:`downstream`: it walks content edges backwards to work no newer
    than where it stands, and from a team to the teams whose members sat on both
    before the learning had to leave.
    """
    _check(graph, node)
    by_team, by_person = _spells(graph)
    floor = since or _FIRST
    start = node_date(graph.nodes[node]) or _LAST
    trace = Trace(origin=node, direction="upstream")
    best: dict[str, date] = {node: start}
    # A max-heap on dates: the latest moment learning could have left each node.
    heap: list[tuple[int, str, str | None]] = [(-start.toordinal(), node, None)]
    while heap:
        negative, current, carrier = heapq.heappop(heap)
        day = date.fromordinal(-negative)
        if best.get(current, _FIRST) > day:
            continue
        data = graph.nodes[current]
        if data.get("kind") == TEAM:
            if current not in trace.teams:
                trace.teams[current] = TeamReach(day, carrier)
            for person, s2, e2 in by_team.get(current, ()):
                if s2 > day:
                    continue
                for other, s1, e1 in by_person[person]:
                    departure = min(day, e1, e2)
                    if (
                        other != current
                        and departure >= max(s1, s2, floor)
                        and departure > best.get(other, _FIRST)
                    ):
                        best[other] = departure
                        heapq.heappush(heap, (-departure.toordinal(), other, person))
            continue
        if current != node:
            trace.work[current] = day
        team = data.get("team")
        if team in graph and day > best.get(team, _FIRST):
            best[team] = day
            heapq.heappush(heap, (-day.toordinal(), team, None))
        for source, _, edge in graph.in_edges(current, data=True):
            if not is_content_edge(edge):
                continue
            departure = node_date(graph.nodes[source]) or day
            if floor <= departure <= day and departure > best.get(source, _FIRST):
                best[source] = departure
                heapq.heappush(heap, (-departure.toordinal(), source, None))
    trace.teams.pop(graph.nodes[node].get("team"), None)
    return trace
