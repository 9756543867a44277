"""Run charts of a measure as accessible inline SVG, with the run-chart rules.

Rules after Perla, Provost & Murray (2011), "The run chart: a simple analytical tool for
learning from variation in healthcare processes", BMJ Qual Saf 20(1):46-51 (IHI):

* **shift**: 6+ consecutive points all above or all below the median; points on the
  median are skipped (they neither add to nor break a shift);
* **trend**: 5+ consecutive points all going up or all going down; a point equal to the
  one before it is skipped (it neither adds to nor breaks a trend);
* **runs**: series of consecutive points on one side of the median, points on it skipped;
* **astronomical point**: the paper leaves "obviously different" to judgement; as a
  practical stand-in, a point beyond Tukey's far-out fences Q1 - 3 IQR or Q3 + 3 IQR,
  quartiles by ``statistics.quantiles(values, n=4, method="inclusive")``.

The median is that of the first ``baseline`` points (default: all). Signals hold indices
into the points sorted by date; shifts and trends list only the points that count.
Standard library only; deterministic output; every text is XML-escaped.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import html
import itertools
import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

SHIFT_LENGTH = 6
TREND_LENGTH = 5
FENCE = 3.0
EMPTY_TEXT = "No data yet"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MARGIN = (56.0, 84.0, 58.0, 46.0)  # left, right, top, bottom
_PAD = 10.0  # inner horizontal padding of the plot
_INK, _MUTED, _GRID, _RED = "#1a202c", "#718096", "#e2e8f0", "#c53030"
Look = dict[str, object]
Size = tuple[int, int]
_LOOKS: dict[str, Look] = {
    "svg": {"xmlns": "http://www.w3.org/2000/svg", "role": "img", "class": "nic-runchart"},
    "font": {"font-family": "system-ui, sans-serif", "font-size": 11},
    "title": {"class": "nic-title", "fill": _INK, "font-size": 13, "font-weight": "bold"},
    "empty": {"class": "nic-empty", "fill": _MUTED, "font-size": 14, "text-anchor": "middle"},
    "axis": {"class": "nic-axis", "fill": "none", "stroke": _MUTED},
    "median": {"class": "nic-median", "stroke": _INK, "stroke-width": 1, "stroke-dasharray": "6 4"},
    "line": {"class": "nic-line", "fill": "none", "stroke": "#4a5568", "stroke-width": 1.5},
    "astro": {"class": "nic-astro-mark", "fill": "none", "stroke": _RED, "stroke-width": 1.5},
    "marker": {"stroke": "#a0aec0", "stroke-width": 1, "stroke-dasharray": "3 3"},
    "marker-current": {"stroke": _INK, "stroke-width": 2.5},
}
# Signal points differ in size and stroke, not only in colour; the looks of all classes
# of a point apply in this order: a shift fills, a trend rings it thickly, an astronomical
# point turns red and gets a diamond around it.
_POINT_LOOKS: tuple[tuple[str, Look], ...] = (
    ("nic-point", {"r": 3.5, "fill": "#2b6cb0", "stroke": "#ffffff", "stroke-width": 1}),
    ("nic-shift", {"r": 5, "fill": "#dd6b20", "stroke": _INK, "stroke-width": 1.5}),
    ("nic-trend", {"r": 5, "stroke": "#6b46c1", "stroke-width": 3}),
    ("nic-astro", {"r": 6, "fill": _RED}),
)
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Point:
    """One measurement of a measure."""

    date: datetime.date
    value: float


@dataclass(frozen=True)
class Marker:
    """The date of a PDSA cycle, drawn as a vertical line; ``current`` is emphasized."""

    date: datetime.date
    label: str
    current: bool = False


@dataclass(frozen=True)
class Signals:
    """What :func:`analyse` found; indices refer to the points sorted by date."""

    median: float | None
    shifts: list[list[int]]
    trends: list[list[int]]
    astronomical: list[int]
    runs: int | None


def ordered(points: Sequence[Point]) -> list[Point]:
    """The points sorted by date (stable: points of one day keep their order)."""
    return sorted(points, key=lambda point: point.date)


def analyse(points: Sequence[Point], *, baseline: int | None = None) -> Signals:
    """Median, shifts, trends, astronomical points and runs; ValueError for bad input."""
    values = [float(point.value) for point in ordered(points)]
    if not all(math.isfinite(value) for value in values):
        raise ValueError("run chart values must be finite numbers")
    if baseline is not None and baseline < 1:
        raise ValueError("baseline must be at least 1 point")
    if not values:
        return Signals(None, [], [], [], None)
    median = float(statistics.median(values[:baseline]))
    if len(values) < 2:
        return Signals(median, [], [], [], None)
    runs = _runs(values, median)
    shifts = [run for run in runs if len(run) >= SHIFT_LENGTH]
    return Signals(median, shifts, _trends(values), _astronomical(values), len(runs))


def _runs(values: Sequence[float], median: float) -> list[list[int]]:
    """Maximal series of consecutive points on one side of the median, skipping points on it."""
    sides = [(index, value > median) for index, value in enumerate(values) if value != median]
    return [[index for index, _ in run] for _, run in itertools.groupby(sides, lambda s: s[1])]


def _trends(values: Sequence[float]) -> list[list[int]]:
    """Series of TREND_LENGTH+ points all going up or all down; repeated values are skipped."""
    kept = [i for i, value in enumerate(values) if i == 0 or value != values[i - 1]]
    ups = [values[b] > values[a] for a, b in itertools.pairwise(kept)]
    trends, start = [], 0
    for _, steps in itertools.groupby(ups):
        count = len(list(steps))
        if count + 1 >= TREND_LENGTH:
            trends.append(kept[start : start + count + 1])
        start += count
    return trends


def _astronomical(values: Sequence[float]) -> list[int]:
    """Points beyond the far-out fences Q1 - 3 IQR and Q3 + 3 IQR."""
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    low, high = q1 - FENCE * (q3 - q1), q3 + FENCE * (q3 - q1)
    return [i for i, value in enumerate(values) if value < low or value > high]


# --- SVG ---------------------------------------------------------------------------


class _Frame:
    """The plot area and the dates and values it shows."""

    def __init__(self, data: Sequence[Point], median: float, markers: Sequence[Marker], size: Size):
        (self.left, right, self.top, bottom), (width, height) = _MARGIN, size
        self.right, self.bottom = width - right, height - bottom
        self.middle = (self.left + self.right) / 2
        dates = [point.date for point in data] + [marker.date for marker in markers]
        self.first, self.last = min(dates), max(dates)
        values = [point.value for point in data] + [median]
        self.ticks = _value_ticks(min(values), max(values))

    def x(self, day: datetime.date) -> float:
        span = (self.last - self.first).days
        if span == 0:
            return self.middle
        share = (day - self.first).days / span
        return self.left + _PAD + share * (self.right - self.left - 2 * _PAD)

    def y(self, value: float) -> float:
        share = (value - self.ticks[0]) / (self.ticks[-1] - self.ticks[0])
        return self.bottom - share * (self.bottom - self.top)


_SPECIAL = re.compile("[&<>\"'\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _esc(text: str) -> str:
    """Text made safe for XML content and attribute values."""
    if _SPECIAL.search(text) is None:  # most texts: nothing to drop or escape
        return text
    return html.escape(_INVALID_XML.sub("", text), quote=True)


@functools.cache
def _attribute_name(key: str) -> str:
    return key.rstrip("_").replace("_", "-")


def _num(value: float) -> str:
    """A number as a short label: at most four decimals, no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _tag(name: str, body: str | None = None, look: Look | None = None, **attrs: object) -> str:
    """An element with ``look`` then ``attrs`` (``_`` as ``-``); ``body`` is escaped already."""
    parts = [name]
    for key, value in ({**look, **attrs} if look else attrs).items():
        if isinstance(value, float):
            text = f"{value:.1f}"
        elif isinstance(value, int):
            text = str(value)
        else:
            text = _esc(str(value))
        parts.append(f'{_attribute_name(key)}="{text}"')
    opening = " ".join(parts)
    return f"<{opening}/>" if body is None else f"<{opening}>{body}</{name}>"


def _value_ticks(low: float, high: float) -> tuple[float, ...]:
    """About five round values (steps of 1, 2, 2.5 or 5 x 10^k) covering low..high."""
    if low == high:
        low, high = low - 1, high + 1
    raw = (high - low) / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return tuple(k * step for k in range(math.floor(low / step), math.ceil(high / step) + 1))


def _date_ticks(first: datetime.date, last: datetime.date) -> list[tuple[datetime.date, str]]:
    """A few dates with labels: ISO within half a year, else month starts as "Mon YYYY"."""
    span = (last - first).days
    if span < 180:
        offsets = sorted({round(k * span / 4) for k in range(5)})
        days = [first + datetime.timedelta(days=offset) for offset in offsets]
        return [(day, day.isoformat()) for day in days]
    start = first.year * 12 + first.month - 1 + (first.day > 1)
    end = last.year * 12 + last.month - 1
    step = max(1, math.ceil((end - start + 1) / 6))
    days = [datetime.date(m // 12, m % 12 + 1, 1) for m in range(start, end + 1, step)]
    return [(day, f"{_MONTHS[day.month - 1]} {day.year}") for day in days]


def _axes(frame: _Frame, unit: str) -> str:
    """Grid lines, value ticks, date ticks, the axes and the unit."""
    parts = []
    for value in frame.ticks:
        y = frame.y(value)
        parts.append(_tag("line", x1=frame.left, x2=frame.right, y1=y, y2=y, stroke=_GRID))
        parts.append(_tag("text", _num(value), x=frame.left - 6, y=y + 4, text_anchor="end"))
    for day, label in _date_ticks(frame.first, frame.last):
        x, y = frame.x(day), frame.bottom
        parts.append(_tag("line", x1=x, x2=x, y1=y, y2=y + 5, stroke=_MUTED))
        parts.append(_tag("text", _esc(label), x=x, y=y + 18, text_anchor="middle"))
    corner = f"M{frame.left:.1f},{frame.top:.1f} V{frame.bottom:.1f} H{frame.right:.1f}"
    parts.append(_tag("path", look=_LOOKS["axis"], d=corner))
    if unit:
        mid = (frame.top + frame.bottom) / 2
        turn = f"rotate(-90 14 {mid:.1f})"
        parts.append(_tag("text", _esc(unit), x=14.0, y=mid, text_anchor="middle", transform=turn))
    return _tag("g", "".join(parts), class_="nic-axes", fill=_MUTED)


def _median_line(frame: _Frame, median: float) -> str:
    y = frame.y(median)
    line = _tag("line", look=_LOOKS["median"], x1=frame.left, x2=frame.right, y1=y, y2=y)
    label = _esc(f"median {_num(median)}")
    return line + _tag("text", label, class_="nic-median-label", x=frame.right + 4, y=y + 4)


def _short(label: str) -> str:
    return label if len(label) <= 22 else label[:21] + "\u2026"


def _label_rows(frame: _Frame, markers: Sequence[Marker]) -> list[int]:
    """Row 0 or 1 for each marker's label, avoiding overlaps where two rows allow it."""
    taken: list[list[tuple[float, float]]] = [[], []]
    rows: list[int] = []
    for index, marker in enumerate(markers):
        x, width = frame.x(marker.date), 6.5 * len(_short(marker.label)) + 6
        low, high = (x, x + width) if x < frame.middle else (x - width, x)
        free = [row for row in (0, 1) if all(high < a or low > b for a, b in taken[row])]
        rows.append(free[0] if free else index % 2)
        taken[rows[-1]].append((low, high))
    return rows


def _marker(frame: _Frame, marker: Marker, row: int) -> str:
    """A vertical line with a short label (full label as tooltip); the current cycle bolder."""
    x = frame.x(marker.date)
    start = x < frame.middle
    tip = _tag("title", _esc(f"{marker.label} ({marker.date.isoformat()})"))
    look = _LOOKS["marker-current" if marker.current else "marker"]
    line = _tag("line", tip, look, x1=x, x2=x, y1=frame.top - 10, y2=frame.bottom)
    place: Look = {"x": x + (3 if start else -3), "y": frame.top - 26 + 12 * row, "fill": _INK}
    text = _tag("text", _esc(_short(marker.label)), place, text_anchor="start" if start else "end")
    kind = "nic-marker nic-marker-current" if marker.current else "nic-marker"
    return _tag("g", line + text, class_=kind, font_weight="bold" if marker.current else "normal")


@functools.cache
def _circle_opening(classes: tuple[str, ...]) -> str:
    """``<circle`` with the looks of its classes and the classes (the same for many points)."""
    look = {k: v for name, look in _POINT_LOOKS if name in classes for k, v in look.items()}
    return _tag("circle", None, look, class_=" ".join(classes)).removesuffix("/>")


def _circle(point: Point, x: float, y: float, classes: list[str], unit: str) -> str:
    """One data point with a tooltip; signal points look different, not only in colour."""
    flags = ", ".join(name.removeprefix("nic-") for name in classes[1:])
    note = f"{point.date.isoformat()}: {_num(point.value)}{unit and ' ' + unit}"
    tip = f"<title>{_esc(note + (f' ({flags})' if flags else ''))}</title>"
    circle = f'{_circle_opening(tuple(classes))} cx="{x:.1f}" cy="{y:.1f}">{tip}</circle>'
    if "nic-astro" not in classes:
        return circle
    diamond = f"M{x:.1f},{y - 10:.1f} l10,10 l-10,10 l-10,-10 Z"
    return circle + _tag("path", look=_LOOKS["astro"], d=diamond)


def _series(frame: _Frame, data: Sequence[Point], signals: Signals, unit: str) -> list[str]:
    """The data as a polyline and one circle per point, classed by the signals it is in."""
    xy = [(frame.x(point.date), frame.y(point.value)) for point in data]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    parts = [_tag("polyline", look=_LOOKS["line"], points=line)]
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
    legend = _tag("text", _esc(text), class_="nic-legend", x=_MARGIN[0], y=height - 8.0, fill=_INK)
    return [legend] if text else []


def describe(data: Sequence[Point], signals: Signals, unit: str = "") -> str:
    """A plain-language summary: the median and the signals (``data`` sorted by date)."""
    if not data or signals.median is None:
        return EMPTY_TEXT
    median, unit = signals.median, unit and " " + unit
    said = [f"{len(data)} points from {data[0].date} to {data[-1].date}."]
    said.append(f"Median {_num(median)}{unit}.")
    for group in signals.shifts:
        side = "above" if data[group[0]].value > median else "below"
        said.append(f"Shift: {len(group)} points {side} the median, {_dates(data, group)}.")
    for group in signals.trends:
        way = "up" if data[group[-1]].value > data[group[0]].value else "down"
        said.append(f"Trend: {len(group)} points going {way}, {_dates(data, group)}.")
    for point in (data[index] for index in signals.astronomical):
        said.append(f"Astronomical point: {_num(point.value)}{unit} on {point.date}.")
    if not (signals.shifts or signals.trends or signals.astronomical):
        said.append("No shift, trend or astronomical point.")
    return " ".join([*said, f"Runs: {signals.runs}."] if signals.runs is not None else said)


def _dates(data: Sequence[Point], group: Sequence[int]) -> str:
    return f"{data[group[0]].date} to {data[group[-1]].date}"


def _svg(uid: str, title: str, desc: str, size: Size, body: list[str]) -> str:
    """The outer element: role, title and description, then ``body``."""
    width, height = size
    heading = _tag("title", _esc(title), id=f"{uid}-title")
    summary = _tag("desc", _esc(desc), id=f"{uid}-desc")
    content = "\n".join(["", heading, summary, *body, ""])
    box: Look = {"width": width, "height": height, "viewBox": f"0 0 {width} {height}"}
    labels = f"{uid}-title {uid}-desc"
    return _tag("svg", content, {**_LOOKS["svg"], **box, **_LOOKS["font"]}, aria_labelledby=labels)


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
    caption = _tag("text", _esc(title), _LOOKS["title"], x=_MARGIN[0], y=16.0)
    if signals.median is None:
        note = _tag("text", EMPTY_TEXT, _LOOKS["empty"], x=width / 2, y=height / 2)
        return _svg(uid, title, EMPTY_TEXT, size, [caption, note])
    frame = _Frame(data, signals.median, markers, size)
    body = [caption, _axes(frame, unit)]
    in_order = sorted(markers, key=lambda marker: (marker.date, marker.label))
    rows = _label_rows(frame, in_order)
    body += [_marker(frame, marker, row) for marker, row in zip(in_order, rows, strict=True)]
    body.append(_median_line(frame, signals.median))
    body += _series(frame, data, signals, unit)
    body += _legend(signals, height)
    return _svg(uid, title, describe(data, signals, unit), size, body)
