"""Brokers: the people who connect teams, and how learning passes through them.

Everything here is a pure function over the in-memory flow graph described in
:mod:`communities.flow.schema`. Two networks are derived from it:

* the **membership graph**, two-mode (people and teams), one undirected tie per
  ``member`` edge active on the chosen date (:func:`membership_graph`);
* the **learning network**, one-mode and directed, ``a -> b`` when a content edge runs
  from a piece of work ``a`` authored to a piece of work ``b`` authored
  (:func:`learning_network`).

:func:`brokers` scores every person on both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx

from communities.flow.schema import AUTHORED, MEMBER, PERSON, TEAM, active_on, is_content_edge

#: Seed for the sampled betweenness, so that a sampled ranking is repeatable.
BETWEENNESS_SEED = 20_260_101

#: Gould & Fernandez groups: a person's level, from the levels of their teams.
CROSS_LEVEL = "cross-level"


@dataclass(frozen=True)
class BrokerageRoles:
    """Gould & Fernandez (1989) brokerage counts for one broker ``b``.

    Each counts the open two-paths ``a -> b -> c`` (``a != c`` and no tie ``a -> c``)
    by the groups of the three people:

    * ``coordinator``: a, b and c in one group (b brokers inside its own group);
    * ``itinerant``: a and c in one group, b in another (b, an outsider, links two
      members of a group: Gould & Fernandez's "itinerant broker" or consultant);
    * ``gatekeeper``: b and c in one group, a in another (b lets learning into its group);
    * ``representative``: a and b in one group, c in another (b carries its group's
      learning out);
    * ``liaison``: a, b and c in three different groups.
    """

    coordinator: int = 0
    itinerant: int = 0
    gatekeeper: int = 0
    representative: int = 0
    liaison: int = 0

    @property
    def total(self) -> int:
        return (
            self.coordinator + self.itinerant + self.gatekeeper + self.representative + self.liaison
        )


@dataclass(frozen=True)
class BrokerScore:
    """How one person connects teams (see :func:`brokers` for each measure).

    ``effective_size`` and ``constraint`` are ``None`` for a person who shares no team
    with anybody: Burt's measures are undefined for an empty ego network.
    """

    person: str
    label: str
    teams: int
    levels: tuple[str, ...]
    group: str
    betweenness: float
    effective_size: float | None
    constraint: float | None
    roles: BrokerageRoles


def membership_graph(graph: nx.MultiDiGraph, *, as_of: date | None = None) -> nx.Graph:
    """The two-mode person-team graph of the memberships active on ``as_of``.

    An undirected simple graph with one tie per ``member`` edge active on ``as_of``
    (:func:`~communities.flow.schema.active_on`; ``None``: every membership ever held).
    Nodes carry ``kind`` (``"person"`` or ``"team"``) and ``label``; teams carry
    ``level`` (``"other"`` when the team has none). People and teams without an active
    membership are left out.
    """
    members = nx.Graph()
    nodes = graph.nodes
    for person, team, data in graph.edges(data=True):
        if data.get("kind") != MEMBER or not active_on(data, as_of):
            continue
        if person not in members:
            members.add_node(person, kind=PERSON, label=_label(person, nodes[person]))
        if team not in members:
            team_data = nodes[team]
            members.add_node(
                team,
                kind=TEAM,
                label=_label(team, team_data),
                level=team_data.get("level", "other"),
            )
        members.add_edge(person, team)
    return members


def learning_network(graph: nx.MultiDiGraph) -> dict[str, set[str]]:
    """The directed person -> person learning network, as successor sets.

    ``a -> b`` when some content edge (:func:`~communities.flow.schema.is_content_edge`)
    runs from a piece of work ``a`` authored (an ``authored`` edge ``a -> work``) to a
    piece of work ``b`` authored, and ``a != b``. Ties are binary: several content edges
    between the same two people make one tie. The whole history of the graph is used.
    """
    authors: dict[str, list[str]] = defaultdict(list)
    content: list[tuple[str, str]] = []
    for source, target, data in graph.edges(data=True):
        if data.get("kind") == AUTHORED:
            authors[target].append(source)
        elif is_content_edge(data):
            content.append((source, target))
    successors: dict[str, set[str]] = defaultdict(set)
    for source, target in content:
        for a in authors.get(source, ()):
            for b in authors.get(target, ()):
                if a != b:
                    successors[a].add(b)
    return dict(successors)


def level_group(levels: Iterable[str]) -> str:
    """A person's Gould-Fernandez group from the levels of their teams.

    ``"district"`` if all their teams are district teams, ``"school"`` if all are school
    teams, ``"cross-level"`` if they belong to at least one of each, ``"other"`` else
    (only "other" teams, a mix of one level with "other" teams, or no team at all).
    """
    found = set(levels)
    if found == {"district"}:
        return "district"
    if found == {"school"}:
        return "school"
    if {"district", "school"} <= found:
        return CROSS_LEVEL
    return "other"


def brokerage_roles(
    successors: dict[str, set[str]], group: dict[str, str]
) -> dict[str, BrokerageRoles]:
    """Gould & Fernandez (1989) role counts for every broker in a directed network.

    For each broker ``b``, each predecessor ``a`` and each successor ``c`` with
    ``a != c`` and no tie ``a -> c``, the open two-path ``a -> b -> c`` is counted in the
    role given by the groups of ``a``, ``b``, ``c`` (see :class:`BrokerageRoles`). People
    missing from ``group`` are in group ``"other"``. Cost: for each tie ``a -> b``, the
    number of groups plus the number of closed triads ``a -> c`` among b's targets (set
    intersections), rather than in-degree times out-degree per broker.
    """
    predecessors: dict[str, list[str]] = defaultdict(list)
    for a, targets in successors.items():
        for b in targets:
            predecessors[b].append(a)
    roles: dict[str, BrokerageRoles] = {}
    for b, sources in predecessors.items():
        targets = successors.get(b, set())
        if not targets:
            continue
        gb = group.get(b, "other")
        # Per source a, the open two-paths a -> b -> c are b's targets less a itself and
        # less a's own targets; count them by c's group instead of one by one.
        by_group: dict[str, int] = defaultdict(int)
        for c in targets:
            by_group[group.get(c, "other")] += 1
        counts = [0, 0, 0, 0, 0]  # coordinator, itinerant, gatekeeper, representative, liaison
        for a in sources:
            ga = group.get(a, "other")
            open_by_group = dict(by_group)
            for c in successors.get(a, set()) & targets:
                open_by_group[group.get(c, "other")] -= 1
            if a in targets:
                open_by_group[ga] -= 1
            for gc, number in open_by_group.items():
                counts[_role(ga, gb, gc)] += number
        if any(counts):
            roles[b] = BrokerageRoles(*counts)
    return roles


def _role(ga: str, gb: str, gc: str) -> int:
    """The index in ``BrokerageRoles`` of the role of ``b`` in ``a -> b -> c``."""
    if ga == gb:
        return 0 if gb == gc else 3  # coordinator, representative
    if gb == gc:
        return 2  # gatekeeper
    return 1 if ga == gc else 4  # itinerant, liaison


def burt_measures(
    ties: dict[str, dict[str, float]],
) -> dict[str, tuple[float | None, float | None]]:
    """Burt's (1992) effective size and constraint for every node of a weighted graph.

    ``ties`` is a symmetric adjacency map ``{i: {j: w_ij}}`` (no self-ties). With
    ``p_ij = w_ij / sum_k w_ik`` (proportional tie strength) and
    ``m_jq = w_jq / max_k w_jk`` (marginal strength):

    * effective size ``e_i = sum_j (1 - sum_{q != i, j} p_iq m_jq)``;
    * constraint ``c_i = sum_j (p_ij + sum_{q != i, j} p_iq p_qj) ** 2``;

    ``j`` and ``q`` run over ``i``'s contacts. These are the formulas of
    ``networkx.effective_size`` / ``networkx.constraint`` with ``weight=`` (which give
    the same numbers), computed here in ``O(sum over nodes of degree²)`` by pushing each
    contact's ties once, where networkx's pure-Python path is ``O(degree³)`` per node.
    Nodes without contacts get ``(None, None)``.
    """
    share: dict[str, dict[str, float]] = {}
    marginal: dict[str, dict[str, float]] = {}
    for i, row in ties.items():
        total = sum(row.values())
        top = max(row.values(), default=0.0)
        share[i] = {j: w / total for j, w in row.items()} if total else {}
        marginal[i] = {j: w / top for j, w in row.items()} if top else {}
    result: dict[str, tuple[float | None, float | None]] = {}
    for i, p_i in share.items():
        if not p_i:
            result[i] = (None, None)
            continue
        indirect: dict[str, float] = defaultdict(float)  # sum_q p_iq p_qj, for j in N(i)
        redundancy = 0.0  # sum_j sum_q p_iq m_jq
        for q, p_iq in p_i.items():
            for j, p_qj in share[q].items():
                if j != i and j in p_i:
                    indirect[j] += p_iq * p_qj
                    redundancy += p_iq * marginal[j][q]
        effective = len(p_i) - redundancy
        constraint = sum((p_ij + indirect.get(j, 0.0)) ** 2 for j, p_ij in p_i.items())
        result[i] = (effective, constraint)
    return result


def brokers(
    graph: nx.MultiDiGraph, *, as_of: date | None = None, sample: int | None = None
) -> list[BrokerScore]:
    """People ranked by how they connect teams.

    Who is scored: every person with at least one membership active on ``as_of``
    (:func:`~communities.flow.schema.active_on`; ``None``: any membership ever held).
    ``as_of`` selects memberships only; the learning network behind ``roles`` uses the
    whole history of content edges.

    Measures, the question each answers, and where it comes from:

    ``teams`` and ``levels``
        *How many teams, at which levels, does this person sit on?* Overlap: the number
        of distinct teams, and the sorted distinct levels (``"district"``, ``"other"``,
        ``"school"``) of those teams.

    ``betweenness``
        *How much does the shortest route between people and teams run through this
        person?* Freeman's (1977) betweenness centrality on the two-mode person-team
        membership graph (:func:`membership_graph`), normalized for two-mode data by the
        largest betweenness a person can have in a bipartite graph with that many people
        and teams (Borgatti & Everett 1997; the normalization of
        ``networkx.bipartite.betweenness_centrality``), so 1.0 is the most a person could
        broker. With ``sample``, the shortest paths from ``sample`` randomly chosen source
        nodes estimate it (Brandes & Pich 2007; ``k=sample`` with a fixed seed,
        :data:`BETWEENNESS_SEED`): use it on big graphs. A ``sample`` at least the
        number of nodes computes the exact value; below 1 raises ``ValueError``.

    ``effective_size`` and ``constraint``
        *Does this person's network span structural holes, or are their contacts all
        tied to each other?* Burt's (1992) effective size (the number of contacts, less
        their redundancy) and constraint (how much the person's ties are concentrated,
        directly or indirectly, on few contacts; low constraint = brokerage opportunity),
        on the person-person projection of the membership graph: two people are tied
        when they share a team, the tie weighted by the number of teams they share
        (:func:`burt_measures`). ``None`` for someone who shares no team with anyone.

    ``group`` and ``roles``
        *Whose learning does this person pass on, and across which boundary?* Gould &
        Fernandez's (1989) brokerage roles on the directed learning network
        (:func:`learning_network`): for each open two-path ``a -> b -> c`` (``a != c``,
        no tie ``a -> c``) the broker ``b`` is a coordinator, itinerant, gatekeeper,
        representative or liaison by the groups of the three (:class:`BrokerageRoles`).
        A person's group is their level (:func:`level_group`): ``"district"``,
        ``"school"``, ``"cross-level"`` (on teams of both) or ``"other"``.

    Ranking: most distinct levels first, then highest betweenness, then most teams,
    then label (and node id, so the order is total).
    """
    if sample is not None and sample < 1:
        raise ValueError(f"sample must be a positive number of source nodes, not {sample}")
    members = membership_graph(graph, as_of=as_of)
    people = sorted(n for n, kind in members.nodes(data="kind") if kind == PERSON)
    if not people:
        return []
    team_count = members.number_of_nodes() - len(people)

    betweenness = _two_mode_betweenness(members, len(people), team_count, sample)
    ties, team_levels = _shared_teams(members, people)
    burt = burt_measures(ties)
    group = {person: level_group(levels) for person, levels in team_levels.items()}
    roles = brokerage_roles(learning_network(graph), group)
    empty = BrokerageRoles()
    scores = [
        BrokerScore(
            person=person,
            label=members.nodes[person]["label"],
            teams=members.degree(person),
            levels=tuple(sorted(team_levels[person])),
            group=group[person],
            betweenness=betweenness.get(person, 0.0),
            effective_size=burt[person][0],
            constraint=burt[person][1],
            roles=roles.get(person, empty),
        )
        for person in people
    ]
    scores.sort(key=lambda s: (-len(s.levels), -s.betweenness, -s.teams, s.label, s.person))
    return scores


def _shared_teams(
    members: nx.Graph, people: list[str]
) -> tuple[dict[str, dict[str, float]], dict[str, set[str]]]:
    """Each person's ties (weighted by the number of teams two people share) and levels."""
    ties: dict[str, dict[str, float]] = {person: {} for person in people}
    team_levels: dict[str, set[str]] = {person: set() for person in people}
    for team, kind in members.nodes(data="kind"):
        if kind != TEAM:
            continue
        level = members.nodes[team]["level"]
        roster = list(members.adj[team])
        for index, a in enumerate(roster):
            team_levels[a].add(level)
            row = ties[a]
            for b in roster[index + 1 :]:
                row[b] = row.get(b, 0.0) + 1.0
                ties[b][a] = ties[b].get(a, 0.0) + 1.0
    return ties, team_levels


def _two_mode_betweenness(
    members: nx.Graph, people: int, teams: int, sample: int | None
) -> dict[str, float]:
    """Betweenness of the people, normalized by the two-mode maximum (Borgatti & Everett)."""
    n, m = people, teams
    s, t = divmod(n - 1, m)
    most = (m**2 * (s + 1) ** 2 + m * (s + 1) * (2 * t - s - 1) - t * (2 * s - t + 3)) / 2
    if most <= 0:
        return {}
    k = sample if sample is not None and sample < members.number_of_nodes() else None
    raw: dict[str, float] = nx.betweenness_centrality(
        members, k=k, normalized=False, seed=BETWEENNESS_SEED if k is not None else None
    )
    return {
        node: value / most
        for node, value in raw.items()
        if members.nodes[node]["kind"] == PERSON and value
    }


def _label(node: str, data: dict[str, Any]) -> str:
    return str(data.get("label", node))
