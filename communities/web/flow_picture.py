"""The explorer's picture for the filters asked: which level of detail, cut down how far,
drawn, and the same data as tables (and downloads) — computed by a worker with the rest of
the explorer's view (:func:`communities.web.flow_view.explorer_view`).

Which level: a team to focus (``focus``) shows its neighbourhood; a group to open
(``open``) shows its teams; otherwise communities of up to
:data:`~communities.web.flow_levels.SMALL_NETWORK` teams are drawn team by team and
bigger ones by group (``group``: districts, or detected clusters), unless ``view`` asks
for the other. The layout of a level is found on its whole graph, before the threshold
and the top-k cut arrows away, so a node stays where it was when those change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx

from communities.flow.schema import MEMBER, PERSON
from communities.web.flow_levels import (
    SMALL_NETWORK,
    Picture,
    cluster_groups,
    clusters,
    district_groups,
    edge_rows,
    group_label,
    group_picture,
    groups_picture,
    neighbourhood_picture,
    node_rows,
    strongest,
    teams_picture,
)
from communities.web.flowdraw import natural, team_graph_svg, team_layers

DEFAULT_TOP = {"groups": 30, "group": 60, "neighbourhood": None, "teams": 300}
"""How many arrows each level draws unless asked: the strongest."""
PARTNERS = 12
"""A neighbourhood shows this many teams each way, the most linked."""
SEARCH_LIMIT = 20

DESCRIPTIONS = {
    "groups": "One circle per group of teams (a district team with the school teams under it, "
    "or a detected cluster). An arrow runs from a group to a group whose teams used its "
    "teams' work; the wider, the more links.",
    "group": "The teams of one group, and every other group as one circle. An arrow runs "
    "from a team to a team (or group) that used its work; the wider, the more links.",
    "neighbourhood": "One team in the middle, the teams it learned from above, the teams "
    "that learned from it below; the wider the arrow, the more links.",
    "teams": "District teams in the top row, school teams below, other teams at the "
    "bottom. An arrow runs from a team to a team that used its work; the wider the "
    "arrow, the more links.",
}


def search(graph: nx.MultiDiGraph, teams: nx.DiGraph, query: str) -> dict[str, Any]:
    """Teams and people whose name holds ``query`` (any case), with the people's teams."""
    needle = query.casefold()
    found_teams = sorted(
        (n for n, d in teams.nodes(data=True) if needle in str(d.get("label", "")).casefold()),
        key=lambda n: natural(str(teams.nodes[n].get("label"))),
    )
    people = []
    for node, data in graph.nodes(data=True):
        if data.get("kind") != PERSON or needle not in str(data.get("label", "")).casefold():
            continue
        their = sorted(
            {v for _, v, k in graph.out_edges(node, data="kind") if k == MEMBER and v in teams},
            key=lambda n: natural(str(teams.nodes[n].get("label"))),
        )
        people.append({"id": node, "label": data.get("label", node), "teams": their})
    people.sort(key=lambda p: natural(str(p["label"])))
    return {
        "query": query,
        "teams": found_teams[:SEARCH_LIMIT],
        "teams_total": len(found_teams),
        "people": people[:SEARCH_LIMIT],
        "people_total": len(people),
    }


def _grouping(
    graph: nx.MultiDiGraph, teams: nx.DiGraph, by: str, cluster_of: dict[str, int]
) -> dict[str, str]:
    return cluster_groups(teams, cluster_of) if by == "cluster" else district_groups(graph, teams)


def choose_picture(
    graph: nx.MultiDiGraph,
    teams: nx.DiGraph,
    asked: dict[str, Any],
    cluster_of: dict[str, int],
    errors: dict[str, str],
) -> Picture:
    """The level of detail the filters ask for; a group or team that is not in the graph
    is reported in ``errors`` (under the filter's name) and left out."""
    by = asked.get("group") or "district"
    group_of = _grouping(graph, teams, by, cluster_of)
    focus, opened = asked.get("focus"), asked.get("open")
    if focus is not None and focus not in teams:
        errors["focus"] = f"{focus[:40]!r} is not a team of this community"
        focus = None
    if opened is not None and opened not in set(group_of.values()):
        errors["open"] = f"{opened[:40]!r} is not a group of this community"
        opened = None
    if focus is not None:
        return neighbourhood_picture(teams, focus, PARTNERS)
    if opened is not None:
        return group_picture(graph, teams, group_of, opened)
    view = asked.get("view") or ("teams" if len(teams) <= SMALL_NETWORK else "groups")
    if view == "teams":
        return teams_picture(teams, team_layers(teams))
    return groups_picture(graph, teams, group_of, by)


def picture_view(
    graph: nx.MultiDiGraph,
    teams: nx.DiGraph,
    asked: dict[str, Any],
    url: Callable[..., str],
) -> dict[str, Any]:
    """The picture, its tables and what the page says about it, JSON-ready.

    ``asked`` holds the filters (``view``, ``group``, ``open``, ``focus``, ``min``,
    ``top``, ``colour``, ``q``, ``level``); ``url(**changes)`` is the page's address with some of
    them changed."""
    errors: dict[str, str] = {}
    if asked.get("level"):  # only the teams of one level, and the arrows between them
        teams = nx.DiGraph(
            teams.subgraph(n for n, level in teams.nodes(data="level") if level == asked["level"])
        )
    cluster_of = clusters(teams)
    found = None
    if asked.get("q"):
        found = search(graph, teams, asked["q"])
        if found["teams_total"] == 1 and not asked.get("focus"):
            asked = {**asked, "focus": found["teams"][0], "open": None}
    picture = choose_picture(graph, teams, asked, cluster_of, errors)
    if asked.get("colour") == "cluster":
        for node, data in picture.graph.nodes(data=True):
            if data.get("kind") == "team":
                data["cluster"] = cluster_of.get(node)
    top = asked.get("top") or DEFAULT_TOP[picture.level]
    total, shown = strongest(picture, asked.get("min") or 1, top)

    return {
        "level": picture.level,
        "crumbs": _crumbs(graph, teams, picture, asked, cluster_of, url),
        "title": picture.title,
        "focus": picture.focus,
        "svg": _drawing(picture, url),
        "nodes": node_rows(picture),
        "edges": edge_rows(picture),
        "edges_total": total,
        "edges_shown": shown,
        "top": top,
        "hidden_teams": picture.hidden_teams,
        "clusters": len(set(cluster_of.values())),
        "coloured_by": "cluster" if asked.get("colour") == "cluster" else "level",
        "errors": errors,
        "search": None if found is None else _linked(found, teams, url),
    }


def _drawing(picture: Picture, url: Callable[..., str]) -> str:
    """The picture as SVG: a group's node opens it, a team's shows its neighbourhood, the
    team in the middle of a neighbourhood drills down into its work."""

    def link(node: str) -> str:
        data = picture.graph.nodes[node]
        if data.get("kind") == "group":
            return url(open=node, focus=None, q=None) + "#picture"
        if node == picture.focus and picture.level == "neighbourhood":
            return url(team=node) + "#drill"
        return url(focus=node, q=None) + "#picture"

    return team_graph_svg(
        picture.graph,
        link,
        picture.layers,
        DESCRIPTIONS[picture.level],
        lambda team: url(team=team) + "#drill",
        ring=picture.level == "groups",
    )


def _crumbs(
    graph: nx.MultiDiGraph,
    teams: nx.DiGraph,
    picture: Picture,
    asked: dict[str, Any],
    cluster_of: dict[str, int],
    url: Callable[..., str],
) -> list[dict[str, str]]:
    """The levels between the community and a neighbourhood: the focus team's group."""
    if picture.level != "neighbourhood" or picture.focus is None:
        return []
    group = _grouping(graph, teams, asked.get("group") or "district", cluster_of)[picture.focus]
    address = url(open=group, focus=None, q=None) + "#picture"
    return [{"label": group_label(graph, group), "url": address}]


def _linked(found: dict[str, Any], teams: nx.DiGraph, url: Callable[..., str]) -> dict[str, Any]:
    """A search's answer with each team linked to its neighbourhood."""
    labels = {n: str(d.get("label", n)) for n, d in teams.nodes(data=True)}
    return {
        **found,
        "teams": [found_team(url, labels, t) for t in found["teams"]],
        "people": [
            {**p, "teams": [found_team(url, labels, t) for t in p["teams"]]}
            for p in found["people"]
        ],
    }


def found_team(url: Callable[..., str], labels: dict[str, str], team: str) -> dict[str, str]:
    """A team found by a search, linked to its neighbourhood."""
    return {
        "id": team,
        "label": labels[team],
        "url": url(focus=team, open=None, q=None) + "#picture",
    }
