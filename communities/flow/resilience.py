"""Resilience: what the membership network loses when people leave.

Both analyses work on the two-mode person-team membership graph of the memberships
active on a date (:func:`communities.flow.brokers.membership_graph`):

* :func:`cut_people` finds the people whose leaving alone would cut a school team off
  from every district team;
* :func:`fragmentation` measures how far the people fall apart into groups that cannot
  reach each other, before and after a set of people leave.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import networkx as nx

from communities.flow.brokers import membership_graph
from communities.flow.schema import PERSON


@dataclass(frozen=True)
class Cut:
    """A person whose leaving cuts ``school_teams`` off from every district team."""

    person: str
    label: str
    school_teams: tuple[str, ...]


@dataclass(frozen=True)
class Fragmentation:
    """Borgatti's fragmentation of the people, before and after some of them leave.

    ``before`` and ``after`` are in [0, 1] (0: everyone can reach everyone; 1: nobody
    can reach anybody). ``people_*`` is ``n``, the number of people counted;
    ``components_*`` the number of groups of people that can reach each other.
    """

    before: float
    after: float
    people_before: int
    people_after: int
    components_before: int
    components_after: int


def cut_people(graph: nx.MultiDiGraph, *, as_of: date | None = None) -> list[Cut]:
    """People whose leaving cuts at least one school team off from every district team.

    *Who is the only link between a school team and the district?* On the two-mode
    membership graph (memberships active on ``as_of``; ``None``: any time), a school
    team is connected to the district when a path of memberships leads from it to some
    district team. A person is a cut when removing them leaves at least one such school
    team with no path to any district team. School teams that reach no district team to
    begin with are not "cut off" by anyone, so they are never reported.

    Method: Hopcroft & Tarjan's (1973) depth-first search for articulation points, in
    linear time in people + teams + memberships. Each component that holds a district
    team is searched from a district team (the lowest id). For a person ``v`` and a DFS
    child ``c`` with ``low(c) >= disc(v)``, removing ``v`` separates ``c``'s DFS subtree
    from the rest of the component, which holds the root, a district team; so the
    school teams in that subtree are cut off exactly when the subtree holds no district
    team. District-team counts are summed up the DFS tree, and each subtree's school
    teams are one contiguous run of the preorder, so the check adds only the size of
    the answer. The people found are a subset of ``networkx.articulation_points`` of the
    membership graph.

    Ordered by the number of school teams cut off (most first), then person id; the
    school teams of each cut are sorted by id.
    """
    members = membership_graph(graph, as_of=as_of)
    nodes = members.nodes
    cuts = _school_teams_cut_off(members)
    result = [
        Cut(person=person, label=nodes[person]["label"], school_teams=tuple(sorted(teams)))
        for person, teams in cuts.items()
    ]
    result.sort(key=lambda cut: (-len(cut.school_teams), cut.person))
    return result


def _school_teams_cut_off(members: nx.Graph) -> dict[str, set[str]]:
    """Each cut person and the school teams their leaving cuts off (see :func:`cut_people`):
    an iterative depth-first search from each component's lowest district team."""
    nodes = members.nodes
    adjacency = {node: sorted(members.adj[node]) for node in members}
    districts = sorted(
        n for n, data in nodes(data=True) if data["kind"] != PERSON and data["level"] == "district"
    )

    disc: dict[str, int] = {}
    low: dict[str, int] = {}
    below: dict[str, int] = {}  # district teams in the DFS subtree
    schools_before: dict[str, int] = {}  # school teams discovered before the node
    schools: list[str] = []  # school teams in preorder
    cuts: dict[str, set[str]] = {}

    def discover(node: str) -> None:
        disc[node] = low[node] = len(disc)
        data = nodes[node]
        schools_before[node] = len(schools)
        is_team = data["kind"] != PERSON
        below[node] = 1 if is_team and data["level"] == "district" else 0
        if is_team and data["level"] == "school":
            schools.append(node)

    for root in districts:
        if root in disc:
            continue
        discover(root)
        stack: list[tuple[str, str | None, int]] = [(root, None, 0)]
        while stack:
            node, parent, position = stack[-1]
            neighbours = adjacency[node]
            while position < len(neighbours):
                nxt = neighbours[position]
                position += 1
                if nxt == parent:
                    continue
                if nxt in disc:
                    low[node] = min(low[node], disc[nxt])
                    continue
                stack[-1] = (node, parent, position)
                discover(nxt)
                stack.append((nxt, node, 0))
                break
            else:
                stack.pop()
                if parent is None:
                    continue
                low[parent] = min(low[parent], low[node])
                below[parent] += below[node]
                if (
                    low[node] >= disc[parent]
                    and below[node] == 0
                    and nodes[parent]["kind"] == PERSON
                ):
                    cut_off = schools[schools_before[node] :]
                    if cut_off:
                        cuts.setdefault(parent, set()).update(cut_off)
    return cuts


def fragmentation(
    graph: nx.MultiDiGraph, leaving: Iterable[str] = (), *, as_of: date | None = None
) -> Fragmentation:
    """Borgatti's fragmentation of the people before and after ``leaving`` leave.

    *If these people left, how many pairs of colleagues could no longer reach each other
    through shared teams?* Borgatti's (2006) fragmentation
    ``F = 1 - sum_k s_k (s_k - 1) / (n (n - 1))``, where the ``s_k`` are the sizes of the
    connected components. Reachability runs through the two-mode membership graph
    (memberships active on ``as_of``; ``None``: any time): two people reach each other
    when a chain of shared teams joins them.

    What ``n`` counts: **people** with at least one active membership (after: minus those
    leaving), and ``s_k`` the people in each component. This is F on the person-person
    projection (tied when they share a team), which has the same components among people
    as the two-mode graph; the components are found on the two-mode graph so the
    projection (quadratic in team size) is never built. People, not teams, because the
    question is about people losing access to each other, and counting teams too would
    weigh a pair of teams like a pair of people and let memberless teams move F. With
    fewer than two people F is 0.

    ``leaving``: person node ids. Ids that are not in the graph, or are not people,
    raise ``ValueError`` naming them. A person without an active membership may leave;
    it changes nothing.
    """
    gone = set(leaving)
    unknown = sorted(
        node for node in gone if node not in graph or graph.nodes[node].get("kind") != PERSON
    )
    if unknown:
        raise ValueError(f"not people in the graph: {', '.join(unknown)}")

    members = membership_graph(graph, as_of=as_of)
    n_before, sizes_before = _people_components(members)
    members.remove_nodes_from(gone & set(members))
    n_after, sizes_after = _people_components(members)
    return Fragmentation(
        before=_fragmentation(n_before, sizes_before),
        after=_fragmentation(n_after, sizes_after),
        people_before=n_before,
        people_after=n_after,
        components_before=len(sizes_before),
        components_after=len(sizes_after),
    )


def _people_components(members: nx.Graph) -> tuple[int, list[int]]:
    """The number of people, and the number of people in each component that has any."""
    kinds = members.nodes
    sizes = []
    for component in nx.connected_components(members):
        size = sum(1 for node in component if kinds[node]["kind"] == PERSON)
        if size:
            sizes.append(size)
    return sum(sizes), sizes


def _fragmentation(n: int, sizes: list[int]) -> float:
    if n < 2:
        return 0.0
    return 1 - sum(s * (s - 1) for s in sizes) / (n * (n - 1))
