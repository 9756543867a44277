"""Brokers, resilience and main paths on small hand-built flow graphs.

Every expected figure is worked out by hand in the comments beside it, from the
definitions, not by calling the function under test or its networkx counterpart.
"""

from __future__ import annotations

import random
from datetime import date
from fractions import Fraction

import networkx as nx
import pytest

from communities.flow.brokers import (
    BrokerageRoles,
    brokerage_roles,
    brokers,
    burt_measures,
    learning_network,
    level_group,
)
from communities.flow.mainpath import MainPath, PathEdge, main_path, search_path_counts
from communities.flow.resilience import Cut, cut_people, fragmentation

# --- building graphs per communities/flow/schema.py -------------------------------------


def new_graph() -> nx.MultiDiGraph:
    return nx.MultiDiGraph()


def team(g: nx.MultiDiGraph, node: str, level: str) -> None:
    g.add_node(node, kind="team", label=node.upper(), community=1, level=level)


def person(g: nx.MultiDiGraph, node: str, label: str | None = None) -> None:
    g.add_node(node, kind="person", label=label or node, community=1)


def member(g: nx.MultiDiGraph, who: str, where: str, **dates: date) -> None:
    if who not in g:
        person(g, who)
    g.add_edge(who, where, key="member", kind="member", role="member", **dates)


def work(g: nx.MultiDiGraph, node: str, *authors: str) -> None:
    g.add_node(node, kind="cycle", label=node, community=1)
    for author in authors:
        g.add_edge(author, node, key="authored", kind="authored")


def link(g: nx.MultiDiGraph, source: str, target: str, kind: str = "builds_on") -> None:
    g.add_edge(source, target, key=kind, kind=kind)


def close(value: float | None, expected: Fraction | float) -> bool:
    return value is not None and value == pytest.approx(float(expected), abs=1e-12)


# --- brokers: Gould & Fernandez roles ---------------------------------------------------


def brokerage_graph() -> nx.MultiDiGraph:
    """Broker b (district) between three sources and four targets.

    Groups: district team D = {a1, b, c1}; school team S = {a2, c2, c3}; other team
    O = {a3}. Learning (via authored work): a1, a2, a3 -> b; b -> c1, c2, c3, a1;
    plus the direct tie a2 -> c3, which closes the triad a2 -> b -> c3.
    """
    g = new_graph()
    team(g, "team:D", "district")
    team(g, "team:S", "school")
    team(g, "team:O", "other")
    for who in ("a1", "b", "c1"):
        member(g, f"person:{who}", "team:D")
    for who in ("a2", "c2", "c3"):
        member(g, f"person:{who}", "team:S")
    member(g, "person:a3", "team:O")
    for who in ("a1", "a2", "a3", "b", "c1", "c2", "c3"):
        work(g, f"cycle:{who}", f"person:{who}")
    work(g, "cycle:a1-later", "person:a1")
    work(g, "cycle:b-earlier", "person:b")
    link(g, "cycle:a1", "cycle:b")
    link(g, "cycle:a1", "cycle:b", "informed")  # a parallel edge: still one tie a1 -> b
    link(g, "cycle:a2", "cycle:b", "informed")
    g.add_edge("cycle:a3", "cycle:b", key="plugin_link", kind="plugin_link", flow=True)
    for target in ("c1", "c2", "c3"):
        link(g, "cycle:b", f"cycle:{target}")
    link(g, "cycle:b", "cycle:a1-later", "shared_at")
    link(g, "cycle:a2", "cycle:c3", "adapted_from")
    link(g, "cycle:b-earlier", "cycle:b")  # b -> b: no self-tie
    g.add_edge("team:D", "cycle:b", key="ran", kind="ran")  # structural: ignored
    return g


def test_learning_network_ties_authors_of_linked_work() -> None:
    ties = learning_network(brokerage_graph())
    assert ties == {
        "person:a1": {"person:b"},
        "person:a2": {"person:b", "person:c3"},
        "person:a3": {"person:b"},
        "person:b": {"person:c1", "person:c2", "person:c3", "person:a1"},
    }


def test_gould_fernandez_roles_all_five() -> None:
    # Open two-paths a -> b -> c through b (district), by hand, groups in brackets:
    #   a1[D] -> b -> c1[D] coordinator     a1 -> b -> c2[S] representative
    #   a1[D] -> b -> c3[S] representative  a1 -> b -> a1    skipped (a == c)
    #   a2[S] -> b -> c1[D] gatekeeper      a2 -> b -> c2[S] itinerant
    #   a2[S] -> b -> c3    closed (a2 -> c3), not counted
    #   a2[S] -> b -> a1[D] gatekeeper
    #   a3[O] -> b -> c1[D] gatekeeper      a3 -> b -> c2[S] liaison
    #   a3[O] -> b -> c3[S] liaison         a3 -> b -> a1[D] gatekeeper
    # coordinator 1, itinerant 1, gatekeeper 4, representative 2, liaison 2; total 10.
    scores = {s.person: s for s in brokers(brokerage_graph())}
    b = scores["person:b"]
    assert b.group == "district"
    assert b.roles == BrokerageRoles(
        coordinator=1, itinerant=1, gatekeeper=4, representative=2, liaison=2
    )
    assert b.roles.total == 10
    # a1 -> b -> a1 is the only two-path through a1 (a == c): no roles. Nobody else brokers.
    assert all(s.roles.total == 0 for who, s in scores.items() if who != "person:b")
    assert scores["person:a3"].group == "other"
    assert scores["person:c2"].group == "school"


def test_level_groups() -> None:
    assert level_group(["district", "district"]) == "district"
    assert level_group(["school"]) == "school"
    assert level_group(["school", "district"]) == "cross-level"
    assert level_group(["school", "district", "other"]) == "cross-level"
    assert level_group(["district", "other"]) == "other"
    assert level_group([]) == "other"


# --- brokers: betweenness, overlap, ranking, as_of -----------------------------------------


def chain_graph() -> nx.MultiDiGraph:
    """Bo -- T1 (district) -- Cy -- T2 (school) -- Ana; Cy left T2 at the end of 2024."""
    g = new_graph()
    team(g, "team:1", "district")
    team(g, "team:2", "school")
    person(g, "person:1", "Bo")
    person(g, "person:2", "Cy")
    person(g, "person:3", "Ana")
    member(g, "person:1", "team:1", start=date(2023, 1, 1))
    member(g, "person:2", "team:1", start=date(2023, 1, 1))
    member(g, "person:2", "team:2", start=date(2023, 1, 1), end=date(2024, 12, 31))
    member(g, "person:3", "team:2", start=date(2023, 1, 1))
    return g


def test_betweenness_two_mode_normalized_and_ranking() -> None:
    scores = brokers(chain_graph())
    # Order: Cy (2 levels) first; Ana and Bo tie on levels (1), betweenness (0), teams (1),
    # so by label: Ana before Bo.
    assert [s.label for s in scores] == ["Cy", "Ana", "Bo"]
    cy = scores[0]
    assert cy.teams == 2
    assert cy.levels == ("district", "school")
    assert cy.group == "cross-level"
    # Cy lies on every shortest path between {Bo, T1} and {T2, Ana}: 2 x 2 = 4 pairs.
    # Two-mode maximum for a person, n = 3 people, m = 2 teams: s, t = divmod(n - 1, m)
    # = (1, 0); max = (m²(s+1)² + m(s+1)(2t-s-1) - t(2s-t+3)) / 2 = (16 - 8 - 0) / 2 = 4.
    # So 4 / 4 = 1.0 (the one-mode normalization would give 4 / C(4, 2) = 0.667).
    assert cy.betweenness == pytest.approx(1.0)
    assert scores[1].betweenness == 0.0
    # Projection: Bo - Cy - Ana, weight 1 each. Cy: 2 contacts, no tie between them:
    # effective size 2 - 2*0/2 = 2; constraint (1/2)² + (1/2)² = 1/2.
    assert close(cy.effective_size, 2)
    assert close(cy.constraint, Fraction(1, 2))
    # Ana: one contact: effective size 1, constraint 1² = 1.
    assert close(scores[1].effective_size, 1)
    assert close(scores[1].constraint, 1)


def test_as_of_drops_ended_membership() -> None:
    g = chain_graph()
    # On 2024-06-01 Cy is on both teams (as above); on 2025-06-01 Cy has left T2.
    during = {s.label: s for s in brokers(g, as_of=date(2024, 6, 1))}
    assert during["Cy"].teams == 2
    after = {s.label: s for s in brokers(g, as_of=date(2025, 6, 1))}
    assert after["Cy"].teams == 1
    assert after["Cy"].levels == ("district",)
    assert after["Cy"].betweenness == 0.0  # T1 - {Bo, Cy}: nobody in between
    # Ana now shares no team with anyone: Burt's measures undefined.
    assert after["Ana"].effective_size is None
    assert after["Ana"].constraint is None
    # Before anyone joined, nobody is scored.
    assert brokers(g, as_of=date(2022, 1, 1)) == []


def test_sampled_betweenness_is_repeatable() -> None:
    rng = random.Random(7)
    g = new_graph()
    for t in range(12):
        team(g, f"team:{t}", "district" if t < 3 else "school")
    for p in range(60):
        for t in rng.sample(range(12), rng.choice([1, 1, 2, 3])):
            member(g, f"person:{p}", f"team:{t}")
    first = brokers(g, sample=20)
    assert first == brokers(g, sample=20)
    # A sample as large as the graph is the exact computation.
    assert brokers(g, sample=10_000) == brokers(g)
    with pytest.raises(ValueError, match="sample"):
        brokers(g, sample=0)


# --- brokers: Burt's effective size and constraint ---------------------------------------


def star_plus_tie() -> nx.MultiDiGraph:
    """Ego E shares team 1 with A and B, team 2 with C: the star E-A, E-B, E-C plus A-B."""
    g = new_graph()
    team(g, "team:1", "school")
    team(g, "team:2", "school")
    for who in ("E", "A", "B"):
        member(g, f"person:{who}", "team:1")
    for who in ("E", "C"):
        member(g, f"person:{who}", "team:2")
    return g


def test_burt_star_plus_one_tie() -> None:
    scores = {s.person: s for s in brokers(star_plus_tie())}
    e = scores["person:E"]
    # Unweighted: n = 3 contacts, t = 1 tie among them: effective size 3 - 2*1/3 = 7/3.
    assert close(e.effective_size, Fraction(7, 3))
    # p_Ej = 1/3 each; p_BA = p_AB = 1/2 (A and B have two contacts each).
    # c_EA = (1/3 + p_EB p_BA)² = (1/3 + 1/6)² = 1/4; c_EB = 1/4; c_EC = (1/3)² = 1/9.
    # constraint = 1/4 + 1/4 + 1/9 = 11/18.
    assert close(e.constraint, Fraction(11, 18))
    a = scores["person:A"]
    # A: contacts E, B, tied to each other: effective size 2 - 2*1/2 = 1.
    assert close(a.effective_size, 1)
    # c_AE = (1/2 + p_AB p_BE)² = (1/2 + 1/4)² = 9/16; c_AB = (1/2 + p_AE p_EB)² =
    # (1/2 + 1/6)² = 4/9; constraint = 9/16 + 4/9 = 145/144.
    assert close(a.constraint, Fraction(145, 144))
    assert close(scores["person:C"].constraint, 1)


def test_burt_weighted_by_shared_teams() -> None:
    g = star_plus_tie()
    team(g, "team:3", "school")
    member(g, "person:E", "team:3")
    member(g, "person:A", "team:3")
    e = {s.person: s for s in brokers(g)}["person:E"]
    assert e.teams == 3
    # Weights: E-A 2 (two shared teams), E-B 1, E-C 1, A-B 1.
    # p_EA = 2/4, p_EB = 1/4, p_EC = 1/4; p_AE = 2/3, p_AB = 1/3; p_BE = p_BA = 1/2.
    # Constraint: c_EA = (1/2 + p_EB p_BA)² = (1/2 + 1/8)² = 25/64;
    #   c_EB = (1/4 + p_EA p_AB)² = (1/4 + 1/6)² = 25/144; c_EC = (1/4)² = 1/16;
    #   total = 225/576 + 100/576 + 36/576 = 361/576.
    assert close(e.constraint, Fraction(361, 576))
    # Effective size, m_jq = w_jq / max_k w_jk: for j = A, m_AB = 1/2 -> 1 - p_EB m_AB =
    # 1 - 1/8 = 7/8; for j = B, m_BA = 1 -> 1 - p_EA m_BA = 1/2; for j = C: 1.
    # total = 7/8 + 1/2 + 1 = 19/8.
    assert close(e.effective_size, Fraction(19, 8))


def test_burt_measures_agree_with_networkx_on_random_weighted_graphs() -> None:
    # Independent cross-check of the fast implementation against networkx's definitions.
    rng = random.Random(3)
    for _ in range(5):
        g = nx.gnp_random_graph(25, 0.2, seed=rng.randrange(10_000))
        for u, v in g.edges():
            g[u][v]["weight"] = rng.choice([1, 2, 3])
        ties = {str(u): {str(v): float(d["weight"]) for v, d in g[u].items()} for u in g}
        ours = burt_measures(ties)
        sizes = nx.effective_size(g, weight="weight")
        constraints = nx.constraint(g, weight="weight")
        for node in g:
            size, constraint = ours[str(node)]
            if g.degree(node) == 0:
                assert size is None and constraint is None
                continue
            assert size == pytest.approx(sizes[node])
            assert constraint == pytest.approx(constraints[node])


# --- resilience: cut people ---------------------------------------------------------------


def school_district_graph() -> nx.MultiDiGraph:
    """p2 is the only bridge between the school teams and the district team D.

    S (school) = {p1, p2, p4}; D (district) = {p2, p3}; S2 (school) = {p4};
    S3 (school) = {p6}, never connected to D.
    """
    g = new_graph()
    team(g, "team:D", "district")
    for t in ("S", "S2", "S3"):
        team(g, f"team:{t}", "school")
    member(g, "person:p1", "team:S")
    member(g, "person:p2", "team:S")
    member(g, "person:p2", "team:D")
    member(g, "person:p3", "team:D")
    member(g, "person:p4", "team:S")
    member(g, "person:p4", "team:S2")
    member(g, "person:p6", "team:S3")
    return g


def test_cut_people_only_bridge() -> None:
    # Without p2, S and S2 (through p4) no longer reach D. Without p4, S2 (its only member
    # p4) is cut off. p1, p3 are leaves; S is an articulation point but a team, not a person;
    # S3 reached no district team to begin with, so nobody cuts it off.
    assert cut_people(school_district_graph()) == [
        Cut(person="person:p2", label="person:p2", school_teams=("team:S", "team:S2")),
        Cut(person="person:p4", label="person:p4", school_teams=("team:S2",)),
    ]


def test_second_bridge_removes_the_cut_and_as_of_brings_it_back() -> None:
    g = school_district_graph()
    member(g, "person:p5", "team:S", start=date(2024, 1, 1))
    member(g, "person:p5", "team:D", start=date(2024, 1, 1), end=date(2024, 12, 31))
    # p5 on S and D is a second route: p2 no longer cuts anything; p4 still cuts S2.
    assert [c.person for c in cut_people(g)] == ["person:p4"]
    assert [c.person for c in cut_people(g, as_of=date(2024, 6, 1))] == ["person:p4"]
    # In 2025 p5 has left D: p2 is the only bridge again.
    assert [c.person for c in cut_people(g, as_of=date(2025, 6, 1))] == [
        "person:p2",
        "person:p4",
    ]


def test_cut_people_matches_removing_each_person() -> None:
    # Brute force: remove each person, recompute who reaches a district team.
    rng = random.Random(11)
    for _ in range(30):
        g = new_graph()
        teams = [f"team:{t}" for t in range(8)]
        for t in teams:
            team(g, t, rng.choice(["district", "school", "school", "other"]))
        for p in range(14):
            for t in rng.sample(teams, rng.choice([1, 1, 2])):
                member(g, f"person:{p}", t)
        expected = _brute_force_cuts(g)
        assert {c.person: set(c.school_teams) for c in cut_people(g)} == expected
        members = nx.Graph((u, v) for u, v, k in g.edges(keys=True) if k == "member")
        assert set(expected) <= set(nx.articulation_points(members))


def _brute_force_cuts(g: nx.MultiDiGraph) -> dict[str, set[str]]:
    members = nx.Graph((u, v) for u, v, k in g.edges(keys=True) if k == "member")

    def connected_schools(h: nx.Graph) -> set[str]:
        found: set[str] = set()
        for component in nx.connected_components(h):
            levels = {g.nodes[n].get("level") for n in component}
            if "district" in levels:
                found |= {n for n in component if g.nodes[n].get("level") == "school"}
        return found

    before = connected_schools(members)
    cuts = {}
    for p in [n for n in members if g.nodes[n]["kind"] == "person"]:
        h = members.copy()
        h.remove_node(p)
        lost = before - connected_schools(h)
        if lost:
            cuts[p] = lost
    return cuts


# --- resilience: fragmentation -----------------------------------------------------------


def test_fragmentation_before_and_after() -> None:
    g = school_district_graph()
    # People: p1, p2, p3, p4 (joined through S and D) and p6 (alone on S3): n = 5,
    # components of sizes 4 and 1: F = 1 - (4*3 + 1*0) / (5*4) = 1 - 12/20 = 0.4.
    nobody = fragmentation(g)
    assert nobody.before == pytest.approx(0.4)
    assert nobody.after == pytest.approx(0.4)
    assert (nobody.people_before, nobody.components_before) == (5, 2)
    # p2 leaves: {p1, p4} (S, S2), {p3} (D), {p6}: n = 4,
    # F = 1 - (2*1) / (4*3) = 1 - 1/6 = 5/6.
    result = fragmentation(g, ["person:p2"])
    assert result.before == pytest.approx(0.4)
    assert result.after == pytest.approx(Fraction(5, 6))
    assert (result.people_after, result.components_after) == (4, 3)
    # p2 and p4 leave: {p1}, {p3}, {p6}: F = 1 - 0 = 1.
    assert fragmentation(g, ["person:p2", "person:p4"]).after == pytest.approx(1.0)


def test_fragmentation_as_of() -> None:
    g = school_district_graph()
    member(g, "person:p5", "team:S3", start=date(2024, 1, 1), end=date(2024, 12, 31))
    member(g, "person:p5", "team:D", start=date(2024, 1, 1))
    # In 2024 p5 joins S3 to D: all six people in one component, F = 0.
    assert fragmentation(g, as_of=date(2024, 6, 1)).before == pytest.approx(0.0)
    # In 2025 p5 has left S3: {p1..p5} and {p6}: F = 1 - 5*4/(6*5) = 1/3.
    assert fragmentation(g, as_of=date(2025, 6, 1)).before == pytest.approx(Fraction(1, 3))


def test_fragmentation_unknown_ids() -> None:
    g = school_district_graph()
    with pytest.raises(ValueError, match=r"person:nobody.*team:D"):
        fragmentation(g, ["person:p2", "person:nobody", "team:D"])


# --- main path ----------------------------------------------------------------------------


def citation_graph() -> nx.MultiDiGraph:
    """a -> c, b -> c, b -> d, c -> e, d -> e, d -> f, e -> g, f -> g, f -> h."""
    g = new_graph()
    for n in "abcdefgh":
        work(g, f"cycle:{n}", "person:x")
    for u, v in [("a", "c"), ("b", "c"), ("b", "d"), ("c", "e"), ("d", "e"), ("d", "f")]:
        link(g, f"cycle:{u}", f"cycle:{v}")
    for u, v in [("e", "g"), ("f", "g"), ("f", "h")]:
        link(g, f"cycle:{u}", f"cycle:{v}")
    link(g, "cycle:a", "cycle:c", "informed")  # parallel edge: collapsed
    team(g, "team:1", "school")
    g.add_edge("team:1", "cycle:a", key="ran", kind="ran")  # not a content edge
    return g


def test_search_path_counts_by_hand() -> None:
    # Paths from the sources (a, b): N-(a) = N-(b) = 1, N-(c) = 2, N-(d) = 1, N-(e) = 3,
    # N-(f) = 1. Paths to the sinks (g, h): N+(g) = N+(h) = 1, N+(e) = 1, N+(f) = 2,
    # N+(c) = 1, N+(d) = 3. SPC(u, v) = N-(u) * N+(v). Check: the 5 source-sink paths are
    # acEg, bcEg, bdEg, bdfg, bdfh, and e.g. b -> d lies on 3 of them.
    spc = search_path_counts(citation_graph())
    expected = {
        "ac": 1,
        "bc": 1,
        "bd": 3,
        "ce": 2,
        "de": 1,
        "df": 2,
        "eg": 3,
        "fg": 1,
        "fh": 1,
    }
    assert spc == {(f"cycle:{k[0]}", f"cycle:{k[1]}"): v for k, v in expected.items()}


def test_main_path_local_forward() -> None:
    # Source edges: a->c (1), b->c (1), b->d (3): start b->d. From d: d->f (2) beats d->e
    # (1). From f: f->g and f->h tie at 1: g has the lower id. g is a sink.
    # Weight 3 + 2 + 1 = 6 (the greedy path misses e->g, SPC 3).
    path = main_path(citation_graph())
    assert path == MainPath(
        nodes=("cycle:b", "cycle:d", "cycle:f", "cycle:g"),
        edges=(
            PathEdge("cycle:b", "cycle:d", 3),
            PathEdge("cycle:d", "cycle:f", 2),
            PathEdge("cycle:f", "cycle:g", 1),
        ),
        weight=6,
    )


def test_main_path_tie_on_first_edge_and_empty() -> None:
    g = new_graph()
    # Two chains x -> y and u -> v, SPC 1 each: the lower (source, target) id wins.
    link(g, "cycle:x", "cycle:y")
    link(g, "cycle:u", "cycle:v")
    assert main_path(g).nodes == ("cycle:u", "cycle:v")
    assert main_path(new_graph()) == MainPath(nodes=(), edges=(), weight=0)
    assert search_path_counts(new_graph()) == {}


def test_a_loop_in_the_content_edges_is_broken_against_the_id_order() -> None:
    g = citation_graph()
    expected = (search_path_counts(g), main_path(g))
    # b -> d -> e -> g -> b: work of one (here: no) date informing each other. Inside
    # the loop only edges running forward in (date, id) order stay, so g -> b goes and
    # every count is what it was without it.
    link(g, "cycle:g", "cycle:b", "informed")
    assert (search_path_counts(g), main_path(g)) == expected


def test_brokerage_roles_match_enumerating_triads() -> None:
    # Brute force over every ordered triple, straight from the definition.
    rng = random.Random(5)
    groups = ["district", "school", "cross-level", "other"]
    for _ in range(20):
        people = [f"person:{i}" for i in range(12)]
        group = {p: rng.choice(groups) for p in people[:-1]}  # the last has no group
        ties: dict[str, set[str]] = {}
        for a in people:
            for c in people:
                if a != c and rng.random() < 0.3:
                    ties.setdefault(a, set()).add(c)
        expected: dict[str, list[int]] = {}
        for b in people:
            for a in people:
                for c in people:
                    if len({a, b, c}) < 3 or b not in ties.get(a, set()):
                        continue
                    if c not in ties.get(b, set()) or c in ties.get(a, set()):
                        continue
                    ga, gb, gc = (group.get(x, "other") for x in (a, b, c))
                    if ga == gb == gc:
                        role = 0
                    elif ga == gc:
                        role = 1
                    elif gb == gc:
                        role = 2
                    elif ga == gb:
                        role = 3
                    else:
                        role = 4
                    expected.setdefault(b, [0] * 5)[role] += 1
        assert brokerage_roles(ties, group) == {
            b: BrokerageRoles(*counts) for b, counts in expected.items()
        }
