"""The explorer's levels of detail: the community by district, one district's teams, one
team's neighbourhood, and the whole team graph for communities small enough to read.

Every level is a small directed graph made from the team flow graph
(``TeamFlow.graph``: teams, arrows weighted by links) and drawn by the same layered
drawer (:func:`communities.web.flowdraw.team_graph_svg`):

* **districts** — one node per district: its district team with the school teams under
  it (``parent``), teams outside any district in one "other" group. An arrow's weight is
  the links between the two groups' teams, with how many of them ran school -> district,
  district -> school, school -> school and district -> district.
* **district** — one district opened: its teams, and every other group as one node.
* **neighbourhood** — one team, the teams it learned from above it and the teams that
  learned from it below, ranked by links.
* **teams** — every team (communities of up to :data:`SMALL_NETWORK` teams).

Network communities are found with Louvain's method on the undirected, weighted team
graph (``networkx.community.louvain_communities``), seeded so the same network always
gives the same clusters.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from communities.web.flowdraw import natural

SMALL_NETWORK = 30
"""Communities with up to this many teams are drawn team by team from the start."""
OTHER = "group:other"
"""The group of teams under no district team."""
CLUSTER_SEED = 7
LEVEL_PAIRS = (
    ("school", "district"),
    ("district", "school"),
    ("school", "school"),
    ("district", "district"),
)


def pair_name(source: str, target: str) -> str:
    return f"{source}_to_{target}"


# --- Groups and clusters --------------------------------------------------------------


def district_of(graph: nx.MultiDiGraph, team: str) -> str:
    """The district team a team belongs to: itself, or the nearest district team above it;
    :data:`OTHER` when there is none."""
    seen: set[str] = set()
    node: str | None = team
    while node is not None and node not in seen and node in graph:
        seen.add(node)
        data = graph.nodes[node]
        if data.get("level") == "district":
            return node
        node = data.get("parent")
    return OTHER


def district_groups(graph: nx.MultiDiGraph, teams: nx.DiGraph) -> dict[str, str]:
    """Each team's district group (the district team's node id, or :data:`OTHER`)."""
    return {team: district_of(graph, team) for team in teams}


def clusters(teams: nx.DiGraph) -> dict[str, int]:
    """Network communities of the team graph (Louvain, seeded): each team's cluster
    number, the biggest cluster first (ties by their first team's name)."""
    undirected = nx.Graph()
    undirected.add_nodes_from(teams)
    for u, v, weight in teams.edges(data="weight", default=1):
        if u == v:
            continue
        previous = undirected.get_edge_data(u, v, {}).get("weight", 0)
        undirected.add_edge(u, v, weight=previous + weight)
    found = nx.community.louvain_communities(undirected, weight="weight", seed=CLUSTER_SEED)
    labels = {n: str(d.get("label", n)) for n, d in teams.nodes(data=True)}
    ordered = sorted(
        (sorted(part, key=lambda n: natural(labels[n])) for part in found),
        key=lambda part: (-len(part), natural(labels[part[0]])),
    )
    return {team: index for index, part in enumerate(ordered) for team in part}


def cluster_groups(teams: nx.DiGraph, cluster_of: dict[str, int]) -> dict[str, str]:
    return {team: f"cluster:{cluster_of[team] + 1}" for team in teams}


# --- The pictures ---------------------------------------------------------------------


@dataclass
class Picture:
    """One level of detail: the graph to draw (nodes carry ``label``, ``level``,
    ``kind``: team or group), its rows from top to bottom, and what the page says."""

    level: str
    graph: nx.DiGraph
    layers: list[tuple[str, list[str]]]
    title: str
    focus: str | None = None
    hidden_teams: int = 0
    notes: list[str] = field(default_factory=list)


def group_label(graph: nx.MultiDiGraph, group: str) -> str:
    if group == OTHER:
        return "Teams outside a district"
    if group.startswith("cluster:"):
        return f"Cluster {group.partition(':')[2]}"
    return str(graph.nodes[group].get("label", group)) if group in graph else group


def _add_group_nodes(
    picture: nx.DiGraph,
    graph: nx.MultiDiGraph,
    teams: nx.DiGraph,
    group_of: dict[str, str],
    groups: set[str],
) -> None:
    members: dict[str, list[str]] = {}
    for team, group in group_of.items():
        if group in groups:
            members.setdefault(group, []).append(team)
    for group, team_list in members.items():
        levels = Counter(str(teams.nodes[t].get("level", "other")) for t in team_list)
        picture.add_node(
            group,
            kind="group",
            label=group_label(graph, group),
            level="other" if group == OTHER or group.startswith("cluster:") else "district",
            teams=len(team_list),
            schools=levels["school"],
            inside=0,
            **{pair_name(a, b): 0 for a, b in LEVEL_PAIRS},
        )


def _add_link(picture: nx.DiGraph, a: str, b: str, weight: int, pair: tuple[str, str]) -> None:
    if a == b:
        data = picture.nodes[a]
        data["inside"] += weight
        name = pair_name(*pair)
        if name in data:
            data[name] += weight
        return
    if not picture.has_edge(a, b):
        picture.add_edge(a, b, weight=0, **{pair_name(x, y): 0 for x, y in LEVEL_PAIRS})
    edge = picture.edges[a, b]
    edge["weight"] += weight
    name = pair_name(*pair)
    if name in edge:
        edge[name] += weight


def _levels(teams: nx.DiGraph, u: str, v: str) -> tuple[str, str]:
    return str(teams.nodes[u].get("level", "other")), str(teams.nodes[v].get("level", "other"))


def groups_picture(
    graph: nx.MultiDiGraph, teams: nx.DiGraph, group_of: dict[str, str], by: str
) -> Picture:
    """The community by its groups (districts, or detected clusters)."""
    picture = nx.DiGraph()
    _add_group_nodes(picture, graph, teams, group_of, set(group_of.values()))
    for u, v, weight in teams.edges(data="weight", default=1):
        _add_link(picture, group_of[u], group_of[v], int(weight), _levels(teams, u, v))
    order = sorted(picture, key=lambda g: (g == OTHER, natural(str(picture.nodes[g]["label"])), g))
    name = "Districts" if by == "district" else "Clusters"
    return Picture(
        level="groups",
        graph=picture,
        layers=[(name, order)],
        title=f"The community by {'district' if by == 'district' else 'cluster'}",
    )


def group_picture(
    graph: nx.MultiDiGraph, teams: nx.DiGraph, group_of: dict[str, str], opened: str
) -> Picture:
    """One group opened: its teams, and each other group as one node."""
    picture = nx.DiGraph()
    inside = [t for t, g in group_of.items() if g == opened]
    for team in inside:
        picture.add_node(team, kind="team", **teams.nodes[team])
    outside = {g for g in group_of.values() if g != opened}
    _add_group_nodes(picture, graph, teams, group_of, outside)
    place = {t: (t if g == opened else g) for t, g in group_of.items()}
    members = set(inside)
    for u, v, weight in teams.edges(data="weight", default=1):
        if u not in members and v not in members:
            continue  # between other groups: not this group's flow
        _add_link(picture, place[u], place[v], int(weight), _levels(teams, u, v))
    by_level: dict[str, list[str]] = {"district": [], "school": [], "other": []}
    for team in sorted(inside, key=lambda n: natural(str(teams.nodes[n].get("label", n)))):
        level = str(teams.nodes[team].get("level", "other"))
        by_level[level if level in by_level else "other"].append(team)
    rows = [(name.capitalize(), nodes) for name, nodes in by_level.items() if nodes]
    others = sorted(outside, key=lambda g: (g == OTHER, natural(str(picture.nodes[g]["label"])), g))
    if others:
        rows.append(("Elsewhere", others))
    return Picture(
        level="group",
        graph=picture,
        layers=rows,
        title=group_label(graph, opened),
        focus=opened,
    )


def neighbourhood_picture(teams: nx.DiGraph, focus: str, limit: int) -> Picture:
    """A team with the teams it learned from (above) and those that learned from it
    (below), the ``limit`` strongest each way; a partner both ways sits on the side
    it exchanged more with."""
    into = {u: int(w) for u, _, w in teams.in_edges(focus, data="weight", default=1) if u != focus}
    out = {v: int(w) for _, v, w in teams.out_edges(focus, data="weight", default=1) if v != focus}
    labels = {n: str(d.get("label", n)) for n, d in teams.nodes(data=True)}

    def ranked(weights: dict[str, int]) -> list[str]:
        return sorted(weights, key=lambda n: (-weights[n], natural(labels[n]), n))

    sources = [n for n in ranked(into) if into[n] >= out.get(n, 0)][:limit]
    targets = [n for n in ranked(out) if n not in sources][:limit]
    shown = {focus, *sources, *targets}
    picture = nx.DiGraph()
    for node in (focus, *sources, *targets):
        picture.add_node(node, kind="team", **teams.nodes[node])
    for u, v, weight in teams.edges(data="weight", default=1):
        if u in shown and v in shown and u != v and focus in (u, v):
            picture.add_edge(u, v, weight=int(weight))
    rows = [("Learned from", sources), ("Team", [focus]), ("Learned by", targets)]
    partners = set(into) | set(out)
    return Picture(
        level="neighbourhood",
        graph=picture,
        layers=[(name, nodes) for name, nodes in rows if nodes],
        title=labels[focus],
        focus=focus,
        hidden_teams=len(partners - shown),
    )


def teams_picture(teams: nx.DiGraph, layers: dict[str, list[str]]) -> Picture:
    """Every team, in rows by level (the order ``layers`` found on the whole graph)."""
    picture = nx.DiGraph()
    for node, data in teams.nodes(data=True):
        picture.add_node(node, kind="team", **data)
    picture.add_edges_from(teams.edges(data=True))
    return Picture(
        level="teams",
        graph=picture,
        layers=[(level.capitalize(), nodes) for level, nodes in layers.items()],
        title="Every team",
    )


# --- Cutting the picture down ---------------------------------------------------------


def strongest(picture: Picture, minimum: int, top: int | None) -> tuple[int, int]:
    """Keep the arrows of at least ``minimum`` links, at most ``top`` of them (the
    strongest); return how many arrows there were and how many are kept."""
    graph = picture.graph
    edges = sorted(
        graph.edges(data="weight", default=1),
        key=lambda e: (-e[2], natural(str(graph.nodes[e[0]].get("label"))), e[0], e[1]),
    )
    kept = [e for e in edges if e[2] >= minimum]
    if top is not None:
        kept = kept[:top]
    keep = {(u, v) for u, v, _ in kept}
    graph.remove_edges_from([(u, v) for u, v, _ in edges if (u, v) not in keep])
    return len(edges), len(kept)


def node_rows(picture: Picture) -> list[dict[str, Any]]:
    """The picture's nodes as table rows, the most linked first."""
    graph = picture.graph
    rows = []
    for node, data in graph.nodes(data=True):
        row = {k: v for k, v in data.items() if not isinstance(v, dict | list)}
        row["id"] = node
        row["links_out"] = int(graph.out_degree(node, weight="weight"))
        row["links_in"] = int(graph.in_degree(node, weight="weight"))
        rows.append(row)
    rows.sort(key=lambda r: (-(r["links_out"] + r["links_in"]), natural(str(r.get("label")))))
    return rows


def edge_rows(picture: Picture) -> list[dict[str, Any]]:
    """The picture's arrows as table rows, the strongest first."""
    graph = picture.graph
    label = {n: str(d.get("label", n)) for n, d in graph.nodes(data=True)}
    rows = [
        {"source": u, "target": v, "source_label": label[u], "target_label": label[v], **data}
        for u, v, data in graph.edges(data=True)
    ]
    rows.sort(key=lambda r: (-r["weight"], natural(r["source_label"]), natural(r["target_label"])))
    return rows
