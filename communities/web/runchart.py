"""Run charts of a measure as accessible inline SVG (the cycle page draws them).

The rules (shift, trend, runs, astronomical point) and their source are in
:mod:`communities.charts.run`; the drawing pieces shared with the control chart in
:mod:`communities.web.svgdraw`. Signal points differ in size and stroke, not only in
colour. Deterministic output; every text is XML-escaped.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from communities.charts.run import (
    Point,
    Signals,
    analyse,
    ordered,
)
from communities.web.svgdraw import (
    EMPTY_TEXT,
    INK,
    LOOKS,
    MARGIN,
    RED,
    Frame,
    Look,
    axes,
    esc,
    num,
    outer_svg,
    short,
    tag,
)

__all__ = ["Marker", "describe", "render_svg"]

_LOOKS: dict[str, Look] = {
    "median": {"class": "nic-median", "stroke": INK, "stroke-width": 1, "stroke-dasharray": "6 4"},
    "line": {"class": "nic-line", "fill": "none", "stroke": "#4a5568", "stroke-width": 1.5},
    "astro": {"class": "nic-astro-mark", "fill": "none", "stroke": RED, "stroke-width": 1.5},
    "marker": {"stroke": "#a0aec0", "stroke-width": 1, "stroke-dasharray": "3 3"},
    "marker-current": {"stroke": INK, "stroke-width": 2.5},
}
# The looks of all classes of a point apply in this order: a shift fills, a trend rings
# it thickly, an astronomical point turns red and gets a diamond around it.
_KIND = "nic-runchart"
_POINT_LOOKS: tuple[tuple[str, Look], ...] = (
    ("nic-point", {"r": 3.5, "fill": "#2b6cb0", "stroke": "#ffffff", "stroke-width": 1}),
    ("nic-shift", {"r": 5, "fill": "#dd6b20", "stroke": INK, "stroke-width": 1.5}),
    ("nic-trend", {"r": 5, "stroke": "#6b46c1", "stroke-width": 3}),
    ("nic-astro", {"r": 6, "fill": RED}),
)


@dataclass(frozen=True)
class Marker:
    """The date of a PDSA cycle, drawn as a vertical line; ``current`` is emphasized."""

    date: datetime.date
    label: str
    current: bool = False


def _median_line(frame: Frame, median: float) -> str:
    y = frame.y(median)
    line = tag("line", look=_LOOKS["median"], x1=frame.left, x2=frame.right, y1=y, y2=y)
    label = esc(f"median {num(median)}")
    return line + tag("text", label, class_="nic-median-label", x=frame.right + 4, y=y + 4)


def _label_rows(frame: Frame, markers: Sequence[Marker]) -> list[int]:
    """Row 0 or 1 for each marker's label, avoiding overlaps where two rows allow it."""
    taken: list[list[tuple[float, float]]] = [[], []]
    rows: list[int] = []
    for index, marker in enumerate(markers):
        x, width = frame.x(marker.date), 6.5 * len(short(marker.label)) + 6
        low, high = (x, x + width) if x < frame.middle else (x - width, x)
        free = [row for row in (0, 1) if all(high < a or low > b for a, b in taken[row])]
        rows.append(free[0] if free else index % 2)
        taken[rows[-1]].append((low, high))
    return rows


def _marker(frame: Frame, marker: Marker, row: int) -> str:
    """A vertical line with a short label (full label as tooltip); the current cycle bolder."""
    x = frame.x(marker.date)
    start = x < frame.middle
    tip = tag("title", esc(f"{marker.label} ({marker.date.isoformat()})"))
    look = _LOOKS["marker-current" if marker.current else "marker"]
    line = tag("line", tip, look, x1=x, x2=x, y1=frame.top - 10, y2=frame.bottom)
    place: Look = {"x": x + (3 if start else -3), "y": frame.top - 26 + 12 * row, "fill": INK}
    text = tag("text", esc(short(marker.label)), place, text_anchor="start" if start else "end")
    kind = "nic-marker nic-marker-current" if marker.current else "nic-marker"
    return tag("g", line + text, class_=kind, font_weight="bold" if marker.current else "normal")


@functools.cache
def _circle_opening(classes: tuple[str, ...]) -> str:
    """``<circle`` with the looks of its classes and the classes (the same for many points)."""
    look = {k: v for name, look in _POINT_LOOKS if name in classes for k, v in look.items()}
    return tag("circle", None, look, class_=" ".join(classes)).removesuffix("/>")


def _circle(point: Point, x: float, y: float, classes: list[str], unit: str) -> str:
    """One data point with a tooltip; signal points look different, not only in colour."""
    flags = ", ".join(name.removeprefix("nic-") for name in classes[1:])
    note = f"{point.date.isoformat()}: {num(point.value)}{unit and ' ' + unit}"
    tip = f"<title>{esc(note + (f' ({flags})' if flags else ''))}</title>"
    circle = f'{_circle_opening(tuple(classes))} cx="{x:.1f}" cy="{y:.1f}">{tip}</circle>'
    if "nic-astro" not in classes:
        return circle
    diamond = f"M{x:.1f},{y - 10:.1f} l10,10 l-10,10 l-10,-10 Z"
    return circle + tag("path", look=_LOOKS["astro"], d=diamond)


def _series(frame: Frame, data: Sequence[Point], signals: Signals, unit: str) -> list[str]:
    """The data as a polyline and one circle per point, classed by the signals it is in."""
    xy = [(frame.x(point.date), frame.y(point.value)) for point in data]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    parts = [tag("polyline", look=_LOOKS["line"], points=line)]
    flagged = {
        "nic-shift": {index for group in signals.shifts for index in group},
        "nic-trend": {index for group in signals.trends for index in group},
        "nic-astro": set(signals.astronomical),
    }
    for index, (point, (x, y)) in enumerate(zip(data, xy, strict=True)):
        classes = ["nic-point"] + [name for name, found in flagged.items() if index in found]
        parts.append(_circle(point, x, y, classes, unit))
    return parts


def _legend(signals: Signals, height: int) -> list[str]:
    entries = [
        (signals.shifts, "\u25cf shift: 6+ points on one side of the median"),
        (signals.trends, "\u25ce trend: 5+ points up or down"),
        (signals.astronomical, "\u25c6 astronomical point"),
    ]
    text = "   ".join(label for found, label in entries if found)
    legend = tag("text", esc(text), class_="nic-legend", x=MARGIN[0], y=height - 8.0, fill=INK)
    return [legend] if text else []


def describe(data: Sequence[Point], signals: Signals, unit: str = "") -> str:
    """A plain-language summary: the median and the signals (``data`` sorted by date)."""
    if not data or signals.median is None:
        return EMPTY_TEXT
    median, unit = signals.median, unit and " " + unit
    said = [f"{len(data)} points from {data[0].date} to {data[-1].date}."]
    said.append(f"Median {num(median)}{unit}.")
    for group in signals.shifts:
        side = "above" if data[group[0]].value > median else "below"
        said.append(f"Shift: {len(group)} points {side} the median, {_dates(data, group)}.")
    for group in signals.trends:
        way = "up" if data[group[-1]].value > data[group[0]].value else "down"
        said.append(f"Trend: {len(group)} points going {way}, {_dates(data, group)}.")
    for point in (data[index] for index in signals.astronomical):
        said.append(f"Astronomical point: {num(point.value)}{unit} on {point.date}.")
    if not (signals.shifts or signals.trends or signals.astronomical):
        said.append("No shift, trend or astronomical point.")
    return " ".join([*said, f"Runs: {signals.runs}."] if signals.runs is not None else said)


def _dates(data: Sequence[Point], group: Sequence[int]) -> str:
    return f"{data[group[0]].date} to {data[group[-1]].date}"


def render_svg(
    points: Sequence[Point],
    *,
    title: str,
    unit: str = "",
    markers: Sequence[Marker] = (),
    width: int = 640,
    height: int = 260,
    baseline: int | None = None,
) -> str:
    """An accessible inline SVG run chart of ``points``, ``markers`` for PDSA cycles.

    Signal points carry the classes ``nic-shift``, ``nic-trend`` and ``nic-astro``;
    without points the chart says "No data yet". The date axis spans points and markers.
    Ids derive from the content. ValueError below 240 x 160 pixels or for bad data.
    """
    if width < 240 or height < 160:
        raise ValueError("a run chart needs at least 240 x 160 pixels")
    data, size = ordered(points), (width, height)
    signals = analyse(data, baseline=baseline)
    digest = hashlib.blake2s(repr((title, unit, data, markers, size, baseline)).encode())
    uid = "nic-rc-" + digest.hexdigest()[:10]
    caption = tag("text", esc(title), LOOKS["title"], x=MARGIN[0], y=16.0)
    if signals.median is None:
        note = tag("text", EMPTY_TEXT, LOOKS["empty"], x=width / 2, y=height / 2)
        return outer_svg(uid, _KIND, title, EMPTY_TEXT, size, [caption, note])
    dates = [point.date for point in data] + [marker.date for marker in markers]
    frame = Frame(dates, [point.value for point in data] + [signals.median], size)
    body = [caption, axes(frame, unit)]
    in_order = sorted(markers, key=lambda marker: (marker.date, marker.label))
    rows = _label_rows(frame, in_order)
    body += [_marker(frame, marker, row) for marker, row in zip(in_order, rows, strict=True)]
    body.append(_median_line(frame, signals.median))
    body += _series(frame, data, signals, unit)
    body += _legend(signals, height)
    return outer_svg(uid, _KIND, title, describe(data, signals, unit), size, body)
