"""A measure's chart (control or run) as accessible inline SVG, drawn from the API's answer.

The numbers come from :func:`communities.services.charts.chart_of`, the same computation
``GET /api/v1/measures/{id}/chart`` answers with: per point its centre and limits (so the
limits of p and u charts step with the denominator), the phases and their labels, the
special-cause signals with their explanations, and the annotations (notes and cycles).
This module only draws them: centre lines and limits per phase, a split line with its
label where a phase starts, points (signal points bigger, darker and ringed, not only
coloured, each with its explanations as a tooltip and the number of its signal), the
goal line, and above the plot a lane of cycle bars and note flags linked to their pages.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from communities.web.svgdraw import (
    EMPTY_TEXT,
    INK,
    LOOKS,
    MUTED,
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

KIND = "nic-controlchart"
NAMES = {
    "xmr": "XmR (individuals) chart",
    "p": "p chart",
    "u": "u chart",
    "c": "c chart",
    "run": "run chart",
}
RULE_NAMES = {
    "outside": "point outside the limits",
    "shift": "shift",
    "trend": "trend",
    "two_of_three": "2 of 3 beyond 2 sigma",
    "hugging": "15 hugging the centre",
    "astronomical": "astronomical point",
}
WIDTH = 640
PLOT_HEIGHT = 220
LANE = 11.0  # height of one lane of cycle bars above the plot
MAX_LANES = 4
_GREEN, _BLUE, _ORANGE = "#276749", "#2b6cb0", "#c05621"
_LOOKS: dict[str, Look] = {
    "centre": {"class": "nic-centre", "fill": "none", "stroke": INK, "stroke-width": 1.2},
    "limit": {
        "class": "nic-limit",
        "fill": "none",
        "stroke": RED,
        "stroke-width": 1,
        "stroke-dasharray": "5 3",
    },
    "goal": {"class": "nic-goal", "stroke": _GREEN, "stroke-width": 1.5, "stroke-dasharray": "2 3"},
    "split": {"class": "nic-split", "stroke": INK, "stroke-width": 1.5},
    "line": {"class": "nic-line", "fill": "none", "stroke": "#4a5568", "stroke-width": 1.2},
    "point": {"class": "nic-point", "r": 3.2, "fill": _BLUE, "stroke": "#ffffff"},
    "signal": {
        "class": "nic-point nic-signal",
        "r": 5,
        "fill": RED,
        "stroke": INK,
        "stroke-width": 2,
    },
    "cycle": {"class": "nic-cycle-bar", "fill": "#b7c4d6", "stroke": "#4a5568", "stroke-width": 1},
    "note": {"class": "nic-note-flag", "fill": _ORANGE},
    "note-line": {"stroke": _ORANGE, "stroke-width": 1, "stroke-dasharray": "2 3"},
}


@dataclass(frozen=True)
class ChartPage:
    """What the drawing links to and labels: the measure and where its pages are."""

    title: str
    unit: str
    goal: float | None
    goal_date: datetime.date | None
    note_href: str  # the measure page; a note links to "{note_href}#note-{id}"


def render_chart(chart: dict[str, Any], page: ChartPage) -> str:
    """The SVG of ``chart`` (the API's answer for one measure)."""
    points, notes = chart["points"], chart["annotations"]
    lanes = _lanes(notes)
    top = 40.0 + LANE * (max(lanes.values(), default=-1) + 1) + (12.0 if notes else 0.0)
    size = (WIDTH, int(top + PLOT_HEIGHT + 62))
    digest = hashlib.blake2s(repr((chart, page)).encode()).hexdigest()[:10]
    uid = f"nic-cc-{digest}"
    title = f"{page.title}: {NAMES[chart['type']]}"
    caption = tag("text", esc(title), LOOKS["title"], x=56.0, y=16.0)
    if not points:
        note = tag("text", EMPTY_TEXT, LOOKS["empty"], x=size[0] / 2, y=size[1] / 2)
        return outer_svg(uid, KIND, title, EMPTY_TEXT, size, [caption, note])
    frame = _frame(chart, page, size, top)
    body = [caption, axes(frame, _unit(chart["type"], page.unit))]
    body += _annotations(frame, notes, lanes, page)
    body += _phases(frame, chart)
    body += _goal(frame, page)
    body += _series(frame, chart, page.unit)
    body.append(_legend(chart, size[1]))
    return outer_svg(uid, KIND, title, describe(chart, page.unit), size, body)


def _unit(chart_type: str, unit: str) -> str:
    return {"p": "proportion", "u": "rate"}.get(chart_type, unit)


def _frame(chart: dict[str, Any], page: ChartPage, size: tuple[int, int], top: float) -> Frame:
    points = chart["points"]
    dates = [p["date"] for p in points] + [a["date"] for a in chart["annotations"]]
    dates += [a["end"] for a in chart["annotations"] if a["end"]]
    values = [p["value"] for p in points] + [p["centre"] for p in points]
    values += [p[k] for p in points for k in ("lower", "upper") if p[k] is not None]
    if page.goal is not None:
        values.append(page.goal)
    return Frame(dates, values, size, (56.0, 96.0, top, 62.0))


def _lanes(annotations: Sequence[dict[str, Any]]) -> dict[int, int]:
    """A lane for each cycle (by its index) so that bars in one lane do not overlap, as
    far as :data:`MAX_LANES` lanes allow."""
    ends: list[datetime.date] = []
    lanes: dict[int, int] = {}
    for index, item in enumerate(annotations):
        if item["kind"] != "cycle":
            continue
        end = item["end"] or item["date"]
        lane = next((n for n, last in enumerate(ends) if last < item["date"]), None)
        if lane is None and len(ends) < MAX_LANES:
            lane = len(ends)
            ends.append(end)
        elif lane is None:
            lane = index % MAX_LANES
        ends[lane] = max(ends[lane], end)
        lanes[index] = lane
    return lanes


def _annotations(
    frame: Frame, items: Sequence[dict[str, Any]], lanes: dict[int, int], page: ChartPage
) -> list[str]:
    """Cycle bars in lanes above the plot and note flags with a dotted line into it."""
    parts = []
    for index, item in enumerate(items):
        x = frame.x(item["date"])
        if item["kind"] == "cycle":
            end = frame.x(item["end"]) if item["end"] else x
            y = 30.0 + LANE * lanes[index]
            dates = _cycle_dates(item)
            tip = tag("title", esc(f"Cycle: {item['label']} ({dates})"))
            bar = tag("rect", None, _LOOKS["cycle"], x=x, y=y, width=max(3.0, end - x), height=7.0)
            href = f"/cycles/{item['id']}"
            parts.append(tag("a", tip + bar, href=href, class_="nic-cycle"))
        else:
            y = frame.top - 10
            tip = tag("title", esc(f"Note of {item['date']}: {item['label']}"))
            flag = f"M{x:.1f},{y:.1f} v-9 l7,3 l-7,3 Z"
            line = tag("line", None, _LOOKS["note-line"], x1=x, x2=x, y1=y, y2=frame.bottom)
            shape = tag("path", None, _LOOKS["note"], d=flag)
            href = f"{page.note_href}#note-{item['id']}"
            parts.append(tag("a", tip + line + shape, href=href, class_="nic-note"))
    return parts


def _cycle_dates(item: dict[str, Any]) -> str:
    said = []
    for which in ("planned", "actual"):
        start, end = item.get(f"{which}_start"), item.get(f"{which}_end")
        if start or end:
            said.append(f"{which} {start or '?'} to {end or '?'}")
    return ", ".join(said) or str(item["date"])


def _phases(frame: Frame, chart: dict[str, Any]) -> list[str]:
    """Per phase: the centre line and limits as steps, and a split line with its label."""
    points, parts = chart["points"], []
    xs = [frame.x(p["date"]) for p in points]
    for number, phase in enumerate(chart["phases"]):
        members = range(phase["first"], phase["last"] + 1)
        if not members:
            continue
        left = frame.left if number == 0 else _between(xs, phase["first"])
        right = frame.right if phase["last"] == len(points) - 1 else _between(xs, phase["last"] + 1)
        bounds = [left] + [_between(xs, i + 1) for i in members[:-1]] + [right]
        for key, look in (("centre", "centre"), ("upper", "limit"), ("lower", "limit")):
            path = _steps(frame, bounds, [points[i][key] for i in members])
            if path:
                parts.append(tag("path", None, _LOOKS[look], d=path))
        last = points[phase["last"]]
        labels = [("CL", last["centre"]), ("UCL", last["upper"]), ("LCL", last["lower"])]
        if phase["last"] == len(points) - 1:
            parts += [_end_label(frame, name, value) for name, value in labels if value is not None]
        if number > 0:
            parts.append(_split(frame, left, phase))
    return parts


def _between(xs: Sequence[float], index: int) -> float:
    """Halfway between point ``index - 1`` and point ``index``."""
    return (xs[index - 1] + xs[index]) / 2


def _steps(frame: Frame, bounds: Sequence[float], values: Sequence[float | None]) -> str:
    """A stepped line: ``values[i]`` from ``bounds[i]`` to ``bounds[i + 1]``; gaps at None."""
    parts: list[str] = []
    previous: float | None = None
    for i, value in enumerate(values):
        if value is None:
            previous = None
            continue
        y = frame.y(value)
        if previous is None:
            parts.append(f"M{bounds[i]:.1f},{y:.1f}")
        elif value != previous:
            parts.append(f"V{y:.1f}")
        parts.append(f"H{bounds[i + 1]:.1f}")
        previous = value
    return " ".join(parts)


def _end_label(frame: Frame, name: str, value: float) -> str:
    y = frame.y(value)
    return tag("text", esc(f"{name} {num(value)}"), x=frame.right + 4, y=y + 4, fill=INK)


def _split(frame: Frame, x: float, phase: dict[str, Any]) -> str:
    label = phase["label"] + (" (judged on the baseline)" if phase["frozen"] else "")
    tip = tag("title", esc(f"Phase from {phase['start']}: {label}"))
    line = tag("line", tip, _LOOKS["split"], x1=x, x2=x, y1=frame.top - 4, y2=frame.bottom)
    anchor = "start" if x < frame.middle else "end"
    place = x + 4 if anchor == "start" else x - 4
    text = tag("text", esc(short(label, 30)), x=place, y=frame.top + 10, text_anchor=anchor)
    return tag("g", line + text, class_="nic-phase-split", fill=INK, font_weight="bold")


def _goal(frame: Frame, page: ChartPage) -> list[str]:
    if page.goal is None:
        return []
    y = frame.y(page.goal)
    line = tag("line", None, _LOOKS["goal"], x1=frame.left, x2=frame.right, y1=y, y2=y)
    by = f" by {page.goal_date}" if page.goal_date else ""
    text = tag("text", esc(f"goal {num(page.goal)}{by}"), x=frame.left + 4, y=y - 4, fill=_GREEN)
    return [tag("g", line + text, class_="nic-goal-line")]


def _series(frame: Frame, chart: dict[str, Any], unit: str) -> list[str]:
    """The data as a line and one circle per point; signal points carry their numbers."""
    points = chart["points"]
    xy = [(frame.x(p["date"]), frame.y(p["value"])) for p in points]
    parts = [
        tag("polyline", None, _LOOKS["line"], points=" ".join(f"{x:.1f},{y:.1f}" for x, y in xy))
    ]
    why: dict[int, list[str]] = {}
    firsts: dict[int, list[int]] = {}
    for number, signal in enumerate(chart["signals"], start=1):
        for index in signal["points"]:
            why.setdefault(index, []).append(f"signal {number}: {signal['explanation']}")
        firsts.setdefault(signal["points"][0], []).append(number)
    unit_text = f" {unit}" if unit and chart["type"] in ("xmr", "c", "run") else ""
    for index, (point, (x, y)) in enumerate(zip(points, xy, strict=True)):
        said = [f"{point['date']}: {num(point['value'])}{unit_text}", *why.get(index, [])]
        tip = tag("title", esc(" ".join(said)))
        parts.append(tag("circle", tip, _LOOKS["signal" if index in why else "point"], cx=x, cy=y))
        if index in firsts:
            label = ",".join(map(str, firsts[index]))
            parts.append(tag("text", label, x=x, y=y - 9, text_anchor="middle", fill=RED,
                             font_weight="bold", class_="nic-signal-number"))  # fmt: skip
    return parts


def _legend(chart: dict[str, Any], height: int) -> str:
    said = ["\u2014 centre line"]
    if chart["type"] != "run":
        said.append("- - control limits")
    if chart["signals"]:
        said.append("\u25cf special cause (numbered)")
    return tag("text", esc("   ".join(said)), x=56.0, y=height - 8.0, fill=MUTED,
               class_="nic-legend")  # fmt: skip


def describe(chart: dict[str, Any], unit: str = "") -> str:
    """A plain-language summary: the points, each phase's centre and limits, the signals."""
    points = chart["points"]
    if not points:
        return EMPTY_TEXT
    centre = "median" if chart["type"] == "run" else "centre"
    name = NAMES[chart["type"]]
    said = [f"{name[0].upper()}{name[1:]} of {len(points)} points from "
            f"{points[0]['date']} to {points[-1]['date']}."]  # fmt: skip
    for phase in chart["phases"]:
        if phase["last"] < phase["first"] or phase["centre"] is None:
            continue
        text = f"{phase['label']}: {centre} {num(phase['centre'])}"
        if phase["lower"] is not None and phase["upper"] is not None:
            text += f", limits {num(phase['lower'])} to {num(phase['upper'])}"
        elif chart["type"] in ("p", "u"):
            text += ", limits varying with the denominator"
        said.append(text + (" (judged on the baseline)." if phase["frozen"] else "."))
    signals = chart["signals"]
    if signals:
        said.append(f"{len(signals)} special cause{'s' if len(signals) > 1 else ''}:")
        said += [f"{n}. {s['explanation']}" for n, s in enumerate(signals, start=1)]
    else:
        said.append("No special cause.")
    return " ".join(said)
