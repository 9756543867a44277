"""The knowledge flow drawn as inline SVG on the server: the team graph, a team's work.

Drawings as plain functions of plain data (no database):

* :func:`team_graph_svg`, the team → team flow graph in layers: district teams in the
  top row, school teams below, other teams at the bottom. Within a layer, teams are
  ordered by the barycentre of their neighbours (one sweep down, one up; Sugiyama,
  Tagawa & Toda 1981) so that ties cross less; a layer of more than
  :data:`MAX_PER_ROW` teams wraps onto further rows. (``networkx.multipartite_layout``
  would need numpy, which is not a dependency; this is the same layering, with the
  ordering it leaves out.) Edge width grows with the number of links.
* the drill-down into one team's work over time is drawn by
  :mod:`communities.web.workdraw`, with this module's helpers.

Every element a script needs carries ``data-`` attributes (id, level or kind, weight,
label) and a ``<title>`` that browsers show on hover, so the drawings explain
themselves without JavaScript. Every text is XML-escaped.
"""

from __future__ import annotations

import functools
import html
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

LEVELS = ("district", "school", "other")
LEVEL_NAMES = {"district": "District", "school": "School", "other": "Other"}
MAX_PER_ROW = 7
CLUSTER_COLOURS = 8
"""Colours of detected clusters (``cluster-0`` to ``cluster-7`` in the style sheet)."""
LABELLED_EDGES = 40  # beyond this many arrows, their numbers are left to the tooltips

_SLOT = 170.0  # horizontal room per team, at least
_ROW = 140.0  # vertical distance between team rows
_WIDTH = 1040.0  # the narrowest drawing: teams spread over the width a page gives it
_LEFT, _TOP, _RIGHT, _BOTTOM = 78.0, 56.0, 16.0, 84.0
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

Point = tuple[float, float]


def esc(text: object) -> str:
    """Text made safe for XML content and attribute values."""
    return html.escape(_INVALID_XML.sub("", str(text)), quote=True)


def natural(label: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that puts "School 2" before "School 10"."""
    parts = re.split(r"(\d+)", label.casefold())
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def short(label: str, width: int = 20) -> str:
    return label if len(label) <= width else label[: width - 1] + "\u2026"


@functools.cache
def _attribute(key: str) -> str:
    return key.rstrip("_").replace("_", "-")


def tag(name: str, body: str | None = None, **attrs: object) -> str:
    """An element; attribute names use ``_`` for ``-`` (``class_`` → ``class``); ``body`` is
    escaped already; ``None`` attributes are left out, floats get one decimal."""
    parts = [name]
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, float):
            text = f"{value:.1f}"
        elif isinstance(value, int):
            text = str(value)
        else:
            text = esc(value)
        parts.append(f'{_attribute(key)}="{text}"')
    opening = " ".join(parts)
    return f"<{opening}/>" if body is None else f"<{opening}>{body}</{name}>"


def _unit(a: Point, b: Point) -> Point:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1.0
    return dx / length, dy / length


def arrow_head(tip: Point, direction: Point, length: float, half: float) -> tuple[Point, str]:
    """The base point of an arrowhead ending at ``tip``, and its polygon's points."""
    ux, uy = direction
    base = (tip[0] - ux * length, tip[1] - uy * length)
    left = (base[0] - uy * half, base[1] + ux * half)
    right = (base[0] + uy * half, base[1] - ux * half)
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (tip, left, right))
    return base, points


# --- The team graph -----------------------------------------------------------------


@dataclass(frozen=True)
class TeamPlace:
    """Where a team is drawn, and the row it sits on (or, on a ring, its angle)."""

    x: float
    y: float
    r: float
    row: int
    angle: float | None = None


def team_layers(teams: nx.DiGraph) -> dict[str, list[str]]:
    """The teams of each level, ordered to reduce crossings (barycentre heuristic)."""
    label = {n: str(d.get("label", n)) for n, d in teams.nodes(data=True)}
    layers: dict[str, list[str]] = {level: [] for level in LEVELS}
    for node, level in teams.nodes(data="level"):
        layers[level if level in layers else "other"].append(node)
    for nodes in layers.values():
        nodes.sort(key=lambda n: (natural(label[n]), n))
    ties: dict[str, dict[str, float]] = {n: {} for n in teams}
    for u, v, weight in teams.edges(data="weight", default=1):
        if u != v:
            ties[u][v] = ties[u].get(v, 0.0) + float(weight)
            ties[v][u] = ties[v].get(u, 0.0) + float(weight)
    order = [level for level in LEVELS if layers[level]]

    def spread(nodes: list[str]) -> dict[str, float]:
        return {n: (i + 0.5) / len(nodes) for i, n in enumerate(nodes)}

    place: dict[str, float] = {}
    for level in order:
        place.update(spread(layers[level]))
    for sweep in (order[1:], list(reversed(order[:-1]))):
        for level in sweep:
            others = {n for lv in order if lv != level for n in layers[lv]}

            def centre(node: str, others: set[str] = others) -> tuple[Any, ...]:
                near = [(place[m], w) for m, w in ties[node].items() if m in others]
                total = sum(w for _, w in near)
                mean = sum(p * w for p, w in near) / total if total else place[node]
                return mean, natural(label[node]), node

            layers[level].sort(key=centre)
            place.update(spread(layers[level]))
    return {level: layers[level] for level in order}


Layers = Sequence[tuple[str, Sequence[str]]]
"""Rows of a drawing from top to bottom: each a name (shown at its left) and its nodes."""


def level_layers(teams: nx.DiGraph) -> list[tuple[str, list[str]]]:
    """:func:`team_layers` named for the page: ("District", [...]), ("School", [...])."""
    return [(LEVEL_NAMES.get(level, level), nodes) for level, nodes in team_layers(teams).items()]


def team_layout(
    teams: nx.DiGraph, layers: Layers | None = None
) -> tuple[dict[str, TeamPlace], list[str], float, float]:
    """Places of the teams, the name of each row, and the drawing's width and height.
    ``layers`` (by default the teams' levels) gives the rows; nodes not in ``teams`` are
    left out, so a layout found on a whole graph keeps its order on a part of it."""
    rows: list[tuple[str, list[str]]] = []
    for name, layer in layers if layers is not None else level_layers(teams):
        nodes = [n for n in layer if n in teams]
        for start in range(0, len(nodes), MAX_PER_ROW):
            rows.append((name, nodes[start : start + MAX_PER_ROW]))
    widest = max((len(nodes) for _, nodes in rows), default=1)
    slot = max(_SLOT, (_WIDTH - _LEFT - _RIGHT) / max(widest, 1))
    width = _LEFT + widest * slot + _RIGHT
    height = _TOP + 18 + max(len(rows) - 1, 0) * _ROW + _BOTTOM
    most = _most_links(teams)
    places: dict[str, TeamPlace] = {}
    for index, (_, nodes) in enumerate(rows):
        offset = _LEFT + (widest - len(nodes)) * slot / 2
        for i, node in enumerate(nodes):
            r = _radius(teams, node, most)
            places[node] = TeamPlace(offset + (i + 0.5) * slot, _TOP + 18 + index * _ROW, r, index)
    return places, [name for name, _ in rows], width, height


_RING_ARC = 150.0  # room along the ring per node, for its label
_RING_LABEL = 170.0  # room beside the ring for the labels
_RING_MIN = 150.0


def _links(teams: nx.DiGraph, node: str) -> float:
    return float(teams.in_degree(node, weight="weight") + teams.out_degree(node, weight="weight"))


def _most_links(teams: nx.DiGraph) -> float:
    return max((_links(teams, n) for n in teams), default=0.0)


def _radius(teams: nx.DiGraph, node: str, most: float) -> float:
    """A node's circle grows with the square root of its links (its area with them)."""
    return 14.0 + (12.0 * math.sqrt(_links(teams, node) / most) if most else 2.0)


def ring_layout(
    teams: nx.DiGraph, layers: Layers | None = None
) -> tuple[dict[str, TeamPlace], list[str], float, float]:
    """The nodes on a circle, clockwise from the top in the order of ``layers``, with
    room along it for each label: for a few nodes that all exchange (groups of teams),
    where rows would stack arrows on top of each other."""
    order = [n for _, layer in layers or level_layers(teams) for n in layer if n in teams]
    count = max(len(order), 1)
    ring = max(_RING_MIN, count * _RING_ARC / (2 * math.pi))
    width, height = 2 * (ring + _RING_LABEL), 2 * (ring + 60.0)
    most = _most_links(teams)
    places = {}
    for index, node in enumerate(order):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        x, y = width / 2 + ring * math.cos(angle), height / 2 + ring * math.sin(angle)
        places[node] = TeamPlace(x, y, _radius(teams, node, most), index, angle)
    return places, [], width, height


def _team_edge(
    teams: nx.DiGraph,
    u: str,
    v: str,
    weight: int,
    most: int,
    places: dict[str, TeamPlace],
    labelled: bool,
    rows: int = 1,
) -> str:
    a, b = places[u], places[v]
    p0, p2 = (a.x, a.y), (b.x, b.y)
    control = _control(a, b, rows, teams.has_edge(v, u))
    ux, uy = _unit(p0, control)
    start = (p0[0] + ux * a.r, p0[1] + uy * a.r)
    vx, vy = _unit(p2, control)
    tip = (p2[0] + vx * (b.r + 1), p2[1] + vy * (b.r + 1))
    stroke = 1.5 + 7.0 * weight / most
    # Light ties recede, heavy ones stand out (inline, so that highlighting can override).
    fade = f"opacity:{0.35 + 0.55 * weight / most:.2f}"
    base, points = arrow_head(tip, _unit(control, tip), 7 + 1.3 * stroke, 4 + 0.9 * stroke)
    path = (
        f"M{start[0]:.1f},{start[1]:.1f} Q{control[0]:.1f},{control[1]:.1f} "
        f"{base[0]:.1f},{base[1]:.1f}"
    )
    # The number sits a little before the middle, on the way out: the numbers of u → v and
    # v → u are then apart along the line as well as across it.
    mid = (
        0.36 * start[0] + 0.48 * control[0] + 0.16 * base[0],
        0.36 * start[1] + 0.48 * control[1] + 0.16 * base[1],
    )
    names = teams.nodes[u].get("label", u), teams.nodes[v].get("label", v)
    links = f"{weight} link{'s' if weight != 1 else ''}"
    title = f"{names[0]} \u2192 {names[1]}: {links}"
    body = "".join(
        (
            tag("title", esc(title)),
            tag("path", class_="flow-hit", d=path),
            tag("path", class_="flow-line", d=path, stroke_width=round(stroke, 1), style=fade),
            tag("polygon", class_="flow-head", points=points, style=fade),
            tag("text", esc(weight), class_="flow-weight", x=mid[0], y=mid[1] + 4)
            if labelled
            else "",
        )
    )
    level = teams.nodes[u].get("level", "other")
    return tag(
        "g",
        body,
        class_=f"flow-edge from-{level}",
        data_id=f"{u}>{v}",
        data_source=u,
        data_target=v,
        data_level=f"{level}>{teams.nodes[v].get('level', 'other')}",
        data_weight=weight,
        data_label=title,
    )


def _control(a: TeamPlace, b: TeamPlace, rows: int, paired: bool) -> Point:
    """The control point of the curve from ``a`` to ``b``.

    Between rows, the curve bends to the right of its direction of travel, so u → v and
    v → u stay apart (further when both exist). Along a row, it bends away from the row's
    labels (up when they are below the teams, down when above), further for one direction
    of a pair than the other, to pass the teams in between clear of their names."""
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    mid = ((a.x + b.x) / 2, (a.y + b.y) / 2)
    if a.angle is None and a.row == b.row:
        labels_below = not (a.row == 0 and rows > 1)
        bend = min(max(36.0, 0.3 * length), 110.0) * (1.6 if paired and dx < 0 else 1.0)
        return mid[0], mid[1] + (-bend if labels_below else bend)
    bend = max(32.0, 0.24 * length) if paired else max(24.0, 0.18 * length)
    return mid[0] - dy / length * bend, mid[1] + dx / length * bend


def team_graph_svg(
    teams: nx.DiGraph,
    team_url: Callable[[str], str] | None = None,
    layers: Layers | None = None,
    description: str | None = None,
    drill_url: Callable[[str], str] | None = None,
    ring: bool = False,
) -> str:
    """The team flow graph (``TeamFlow.graph``), or any graph of its shape (groups of
    teams), as an SVG element in rows (``layers``, by default the teams' levels).

    ``team_url(team)`` gives the link of a node (the next level of detail), if any;
    ``drill_url(team)`` the drill-down into a team's work (``data-drill``, for flow.js);
    ``ring`` puts the nodes on a circle (:func:`ring_layout`) instead of in rows.
    """
    layout = ring_layout if ring else team_layout
    places, row_levels, width, height = layout(teams, layers)
    most = max((int(w) for _, _, w in teams.edges(data="weight", default=1)), default=1) or 1
    parts = [
        tag("title", esc("How learning moves between teams")),
        tag(
            "desc",
            esc(
                description
                or "District teams in the top row, school teams below, other teams at the "
                "bottom. An arrow runs from a team to a team that used its work; the wider "
                "the arrow, the more links."
            ),
        ),
    ]
    parts.extend(_row_labels(row_levels))
    edges = sorted(teams.edges(data="weight", default=1), key=lambda e: (e[2], e[0], e[1]))
    parts.append(
        tag(
            "g",
            "".join(
                _team_edge(
                    teams, u, v, int(w), most, places, len(edges) <= LABELLED_EDGES, len(row_levels)
                )
                for u, v, w in edges
                if u != v
            ),
            class_="flow-edges",
        )
    )
    nodes = [
        _team_node(teams, node, places[node], len(row_levels), team_url, drill_url)
        for node in sorted(places, key=lambda n: (places[n].row, places[n].x))
    ]
    parts.append(tag("g", "".join(nodes), class_="flow-nodes"))
    return tag(
        "svg",
        "".join(parts),
        xmlns="http://www.w3.org/2000/svg",
        class_="flow-svg flow-teams",
        id="flow-teams",
        viewBox=f"0 0 {width:.0f} {height:.0f}",
        width=f"{width:.0f}",
        height=f"{height:.0f}",
    )


def _row_labels(row_names: Sequence[str]) -> list[str]:
    """A layer's name at the left of its first row."""
    labels = []
    previous = None
    for index, level in enumerate(row_names):
        if level != previous:
            labels.append(
                tag(
                    "text",
                    esc(level),
                    class_="flow-row-label",
                    x=8,
                    y=_TOP + 22 + index * _ROW,
                )
            )
        previous = level
    return labels


def _team_node(
    teams: nx.DiGraph,
    node: str,
    place: TeamPlace,
    rows: int,
    team_url: Callable[[str], str] | None,
    drill_url: Callable[[str], str] | None = None,
) -> str:
    """A team's circle and label; the top row's labels go above the teams, clear of the
    arrows (when there is more than one row)."""
    data = teams.nodes[node]
    label, level = str(data.get("label", node)), str(data.get("level", "other"))
    out_w = int(teams.out_degree(node, weight="weight"))
    in_w = int(teams.in_degree(node, weight="weight"))
    links = f"{out_w} link{'s' if out_w != 1 else ''}"
    if data.get("kind") == "group":
        title = (
            f"{label}: {data.get('teams', 0)} teams ({data.get('schools', 0)} school teams), "
            f"{data.get('inside', 0)} links between them; {links} out to other groups, {in_w} in"
        )
    else:
        title = f"{label} ({LEVEL_NAMES.get(level, level).lower()} team): "
        title += f"{links} out to other teams, {in_w} in"
    classes = f"flow-node flow-team level-{level}"
    if data.get("kind") == "group":
        classes += " is-group"
    if data.get("cluster") is not None:
        classes += f" cluster-{int(data['cluster']) % CLUSTER_COLOURS}"
    body = "".join(
        (
            tag("title", esc(title)),
            tag("circle", cx=place.x, cy=place.y, r=round(place.r, 1)),
            _node_label(label, place, rows),
        )
    )
    attrs: dict[str, object] = {
        "class_": classes,
        "data_id": node,
        "data_kind": data.get("kind", "team"),
        "data_cluster": data.get("cluster"),
        "data_drill": drill_url(node)
        if drill_url is not None and data.get("kind", "team") == "team"
        else None,
        "data_level": level,
        "data_label": label,
        "data_weight": out_w + in_w,
        "data_out": out_w,
        "data_in": in_w,
    }
    if team_url is not None:
        return tag("a", body, href=team_url(node), **attrs)
    return tag("g", body, tabindex=0, **attrs)


def _node_label(label: str, place: TeamPlace, rows: int) -> str:
    """A node's label: on a ring, outside it, beside the node (or above or below it at
    the top and bottom); in rows, above the top row (when there are more) and below the
    others, clear of the arrows that leave the row."""
    if place.angle is None:
        below = not (place.row == 0 and rows > 1)
        y = place.y + place.r + 15 if below else place.y - place.r - 7
        return tag("text", esc(short(label)), class_="flow-label", x=place.x, y=y)
    cos, sin = math.cos(place.angle), math.sin(place.angle)
    if abs(cos) < 0.35:  # at the top or the bottom of the ring
        y = place.y + (place.r + 15 if sin > 0 else -place.r - 7)
        return tag("text", esc(short(label)), class_="flow-label", x=place.x, y=y)
    side = "start" if cos > 0 else "end"
    x = place.x + (place.r + 6) * (1 if cos > 0 else -1)
    return tag("text", esc(short(label)), class_=f"flow-label anchor-{side}", x=x, y=place.y + 4)
