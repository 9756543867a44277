"""A team's work over time, drawn as inline SVG on the server (the explorer's drill-down):
one row per team, its work placed left to right by date (stacked in a few lanes where
dates crowd), and the content edges between rows. Helpers are
:mod:`communities.web.flowdraw`'s."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from communities.web.flowdraw import LEVEL_NAMES, Point, arrow_head, esc, short, tag


@dataclass(frozen=True)
class WorkItem:
    """A piece of work in the drill-down."""

    id: str
    label: str
    kind: str
    team: str
    day: date | None
    url: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class WorkRow:
    """One team's row: the focus team first, then the teams its work is linked with."""

    team: str
    label: str
    level: str
    items: Sequence[WorkItem]


@dataclass(frozen=True)
class WorkEdge:
    source: str
    target: str
    kind: str
    day: date | None = None


KIND_NAMES = {"cycle": "cycle", "artifact_version": "artifact version"}
LANES = 4
_GAP = 12.0  # the least room between two pieces of work in a lane
_LANE = 16.0
_ROW_PAD = 12.0
_WORK_LEFT, _WORK_TOP, _PAD = 180.0, 34.0, 14.0
MIN_PLOT, MAX_PLOT = 900.0, 4800.0


def _ticks(first: date, last: date) -> list[tuple[date, str]]:
    """Quarter starts between two dates (year starts when there would be more than 12)."""
    quarters = []
    year, q = first.year, (first.month - 1) // 3 + 1
    while date(year, 3 * q - 2, 1) <= last:
        day = date(year, 3 * q - 2, 1)
        if day >= first:
            quarters.append((day, f"{year}Q{q}"))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    if len(quarters) <= 12:
        return quarters
    return [(day, str(day.year)) for day, _ in quarters if day.month == 1]


def _lanes(xs: list[float]) -> tuple[list[int], int]:
    """A lane for each x (sorted), greedily the first with room; how many lanes are used."""
    ends: list[float] = []
    lanes = []
    for x in xs:
        lane = next((i for i, end in enumerate(ends) if x - end >= _GAP), None)
        if lane is None and len(ends) < LANES:
            ends.append(x)
            lane = len(ends) - 1
        elif lane is None:  # crowded: share the lane that frees up first
            lane = min(range(len(ends)), key=lambda i: ends[i])
        ends[lane] = max(ends[lane], x)
        lanes.append(lane)
    return lanes, max(len(ends), 1)


def _work_shape(kind: str, x: float, y: float) -> str:
    if kind == "cycle":
        return tag("circle", cx=x, cy=y, r=5)
    if kind == "artifact_version":
        return tag("rect", x=x - 4.5, y=y - 4.5, width=9, height=9)
    corners = ((x, y - 6), (x + 6, y), (x, y + 6), (x - 6, y))
    return tag("polygon", points=" ".join(f"{a:.1f},{b:.1f}" for a, b in corners))


@dataclass(frozen=True)
class _TimeScale:
    """Where a date falls across the drill-down's plot (undated work in the middle)."""

    first: date
    last: date
    plot: float

    def x(self, day: date | None) -> float:
        span = (self.last - self.first).days
        if day is None or span == 0:
            return _WORK_LEFT + self.plot / 2
        return _WORK_LEFT + _PAD + (day - self.first).days / span * (self.plot - 2 * _PAD)


def work_svg(rows: Sequence[WorkRow], edges: Sequence[WorkEdge], focus: str) -> str:
    """One row per team, work left to right by date, arrows for the links between rows."""
    items = [item for row in rows for item in row.items]
    days = [item.day for item in items if item.day is not None]
    first, last = (min(days), max(days)) if days else (date.today(), date.today())
    busiest = max((len(row.items) for row in rows), default=1)
    scale = _TimeScale(
        first, last, min(MAX_PLOT, max(MIN_PLOT, math.ceil(busiest / LANES) * _GAP * 2.2))
    )
    width = _WORK_LEFT + scale.plot + 20
    where: dict[str, Point] = {}
    bands, labels, shapes = [], [], []
    y = _WORK_TOP
    for index, row in enumerate(rows):
        ordered = sorted(row.items, key=lambda i: (i.day or first, i.id))
        xs = [scale.x(item.day) for item in ordered]
        lanes, count = _lanes(xs)
        height = count * _LANE + 2 * _ROW_PAD
        bands.append(
            tag(
                "rect",
                class_="flow-band" + (" is-focus" if row.team == focus else ""),
                x=0,
                y=y,
                width=f"{width:.0f}",
                height=height,
                data_team=row.team,
                data_band=index % 2,
            )
        )
        label = f"{row.label} ({LEVEL_NAMES.get(row.level, row.level).lower()})"
        labels.append(
            tag(
                "text",
                tag("title", esc(label)) + esc(short(row.label, 24)),
                class_="flow-row-label" + (" is-focus" if row.team == focus else ""),
                x=8,
                y=y + height / 2 + 4,
            )
        )
        for item, x, lane in zip(ordered, xs, lanes, strict=True):
            where[item.id] = (x, y + _ROW_PAD + lane * _LANE + _LANE / 2)
            shapes.append(_work_node(item, row, *where[item.id]))
        y += height
    axis = _time_axis(scale, width, y)
    focus_ids = {item.id for row in rows if row.team == focus for item in row.items}
    lines = [
        _work_edge(edge, where, focus_ids)
        for edge in edges
        if edge.source in where and edge.target in where
    ]
    height = y + 12
    body = "".join(
        (
            tag("title", esc("Work over time, and the links between teams")),
            tag("g", "".join(bands), class_="flow-bands"),
            tag("g", "".join(axis), class_="flow-axis"),
            tag("g", "".join(labels), class_="flow-row-labels"),
            tag("g", "".join(lines), class_="flow-edges"),
            tag("g", "".join(shapes), class_="flow-nodes"),
        )
    )
    return tag(
        "svg",
        body,
        xmlns="http://www.w3.org/2000/svg",
        class_="flow-svg flow-work-svg",
        id="flow-work",
        viewBox=f"0 0 {width:.0f} {height:.0f}",
        width=f"{width:.0f}",
        height=f"{height:.0f}",
    )


def _work_node(item: WorkItem, row: WorkRow, x: float, y: float) -> str:
    """A piece of work's shape, linked to its page when it has one."""
    details = [KIND_NAMES.get(item.kind, item.kind), row.label]
    if item.day is not None:
        details.append(item.day.isoformat())
    if item.status:
        details.append(item.status)
    title = f"{item.label} ({', '.join(details)})"
    attrs: dict[str, object] = {
        "class_": f"flow-node flow-work kind-{item.kind}",
        "data_id": item.id,
        "data_kind": item.kind,
        "data_level": row.level,
        "data_team": item.team,
        "data_label": item.label,
        "data_date": item.day.isoformat() if item.day else None,
        "data_status": item.status,
    }
    body = tag("title", esc(title)) + _work_shape(item.kind, x, y)
    if item.url:
        return tag("a", body, href=item.url, **attrs)
    return tag("g", body, tabindex=0, **attrs)


def _time_axis(scale: _TimeScale, width: float, bottom: float) -> list[str]:
    """A tick line down the rows at each quarter (or year), labelled where there is room."""
    axis = []
    for day, text in _ticks(scale.first, scale.last):
        x = scale.x(day)
        axis.append(tag("line", class_="flow-tick", x1=x, x2=x, y1=_WORK_TOP - 6, y2=bottom))
        if x < width - 48:
            axis.append(tag("text", esc(text), class_="flow-tick-label", x=x + 3, y=_WORK_TOP - 10))
    return axis


def _work_edge(edge: WorkEdge, where: dict[str, Point], focus_ids: set[str]) -> str:
    """A curved arrow between two placed pieces of work, "out" when it leaves the focus."""
    (x1, y1), (x2, y2) = where[edge.source], where[edge.target]
    down = 1.0 if y2 > y1 else -1.0
    tip = (x2, y2 - down * 6)
    middle = (y1 + tip[1]) / 2
    base, points = arrow_head(tip, (0.0, down), 6, 3.5)
    path = (
        f"M{x1:.1f},{y1:.1f} C{x1:.1f},{middle:.1f} "
        f"{x2:.1f},{middle:.1f} {base[0]:.1f},{base[1]:.1f}"
    )
    direction = "out" if edge.source in focus_ids else "in"
    title = f"{edge.kind.replace('_', ' ')}" + (f", {edge.day.isoformat()}" if edge.day else "")
    return tag(
        "g",
        tag("title", esc(title))
        + tag("path", class_="flow-line", d=path)
        + tag("polygon", class_="flow-head", points=points),
        class_=f"flow-edge flow-{direction}",
        data_id=f"{edge.source}>{edge.target}",
        data_source=edge.source,
        data_target=edge.target,
        data_kind=edge.kind,
        data_date=edge.day.isoformat() if edge.day else None,
        data_label=title,
    )
