"""What the SVG charts of a measure share: escaping, elements, the frame, axes, the outer tag.

The run chart of the cycle page (:mod:`communities.web.runchart`) and the control chart
of the measure page (:mod:`communities.web.controlchart`) draw with these. Standard library
only; deterministic output; every text is XML-escaped. The outer element has a ``viewBox``
and scales to the width of its container (``nic.css``), so a chart stays readable on a
phone without scrolling the page sideways.
"""

from __future__ import annotations

import datetime
import functools
import html
import math
import re
from collections.abc import Sequence

EMPTY_TEXT = "No data yet"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MARGIN = (56.0, 84.0, 58.0, 46.0)  # left, right, top, bottom
PAD = 10.0  # inner horizontal padding of the plot
INK, MUTED, GRID, RED = "#1a202c", "#718096", "#e2e8f0", "#c53030"
Look = dict[str, object]
Size = tuple[int, int]
Margin = tuple[float, float, float, float]
LOOKS: dict[str, Look] = {
    "font": {"font-family": "system-ui, sans-serif", "font-size": 11},
    "title": {"class": "nic-title", "fill": INK, "font-size": 13, "font-weight": "bold"},
    "empty": {"class": "nic-empty", "fill": MUTED, "font-size": 14, "text-anchor": "middle"},
    "axis": {"class": "nic-axis", "fill": "none", "stroke": MUTED},
}
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\"'\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Frame:
    """The plot area of a chart of ``size`` and the dates and values it shows."""

    def __init__(
        self,
        dates: Sequence[datetime.date],
        values: Sequence[float],
        size: Size,
        margin: Margin = MARGIN,
    ) -> None:
        (self.left, right, self.top, bottom), (width, height) = margin, size
        self.right, self.bottom = width - right, height - bottom
        self.middle = (self.left + self.right) / 2
        self.first, self.last = min(dates), max(dates)
        self.ticks = value_ticks(min(values), max(values))

    def x(self, day: datetime.date) -> float:
        span = (self.last - self.first).days
        if span == 0:
            return self.middle
        share = (day - self.first).days / span
        return self.left + PAD + share * (self.right - self.left - 2 * PAD)

    def y(self, value: float) -> float:
        share = (value - self.ticks[0]) / (self.ticks[-1] - self.ticks[0])
        return self.bottom - share * (self.bottom - self.top)


def esc(text: str) -> str:
    """Text made safe for XML content and attribute values."""
    if _SPECIAL.search(text) is None:  # most texts: nothing to drop or escape
        return text
    return html.escape(_INVALID_XML.sub("", text), quote=True)


@functools.cache
def _attribute_name(key: str) -> str:
    return key.rstrip("_").replace("_", "-")


def num(value: float) -> str:
    """A number as a short label: at most four decimals, no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def tag(name: str, body: str | None = None, look: Look | None = None, **attrs: object) -> str:
    """An element with ``look`` then ``attrs`` (``_`` as ``-``); ``body`` is escaped already."""
    parts = [name]
    for key, value in ({**look, **attrs} if look else attrs).items():
        if isinstance(value, float):
            text = f"{value:.1f}"
        elif isinstance(value, int):
            text = str(value)
        else:
            text = esc(str(value))
        parts.append(f'{_attribute_name(key)}="{text}"')
    opening = " ".join(parts)
    return f"<{opening}/>" if body is None else f"<{opening}>{body}</{name}>"


def short(label: str, length: int = 22) -> str:
    """``label`` cut to ``length`` characters with an ellipsis."""
    return label if len(label) <= length else label[: length - 1] + "\u2026"


def value_ticks(low: float, high: float) -> tuple[float, ...]:
    """About five round values (steps of 1, 2, 2.5 or 5 x 10^k) covering low..high."""
    if low == high:
        low, high = low - 1, high + 1
    raw = (high - low) / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return tuple(k * step for k in range(math.floor(low / step), math.ceil(high / step) + 1))


def date_ticks(first: datetime.date, last: datetime.date) -> list[tuple[datetime.date, str]]:
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
    return [(day, f"{MONTHS[day.month - 1]} {day.year}") for day in days]


def axes(frame: Frame, unit: str) -> str:
    """Grid lines, value ticks, date ticks, the axes and the unit."""
    parts = []
    for value in frame.ticks:
        y = frame.y(value)
        parts.append(tag("line", x1=frame.left, x2=frame.right, y1=y, y2=y, stroke=GRID))
        parts.append(tag("text", num(value), x=frame.left - 6, y=y + 4, text_anchor="end"))
    for day, label in date_ticks(frame.first, frame.last):
        x, y = frame.x(day), frame.bottom
        parts.append(tag("line", x1=x, x2=x, y1=y, y2=y + 5, stroke=MUTED))
        parts.append(tag("text", esc(label), x=x, y=y + 18, text_anchor="middle"))
    corner = f"M{frame.left:.1f},{frame.top:.1f} V{frame.bottom:.1f} H{frame.right:.1f}"
    parts.append(tag("path", look=LOOKS["axis"], d=corner))
    if unit:
        mid = (frame.top + frame.bottom) / 2
        turn = f"rotate(-90 14 {mid:.1f})"
        parts.append(tag("text", esc(unit), x=14.0, y=mid, text_anchor="middle", transform=turn))
    return tag("g", "".join(parts), class_="nic-axes", fill=MUTED)


def outer_svg(uid: str, kind: str, title: str, desc: str, size: Size, body: list[str]) -> str:
    """The outer element of class ``kind``: role, title and description, then ``body``.
    A picture is an image to assistive technology, unless it holds links (a chart's cycles
    and notes): an image's inside is not read, so that one is a group its links stay in."""
    width, height = size
    heading = tag("title", esc(title), id=f"{uid}-title")
    summary = tag("desc", esc(desc), id=f"{uid}-desc")
    content = "\n".join(["", heading, summary, *body, ""])
    role = "group" if any("<a " in part for part in body) else "img"
    look: Look = {"xmlns": "http://www.w3.org/2000/svg", "role": role, "class": kind}
    box: Look = {"width": width, "height": height, "viewBox": f"0 0 {width} {height}"}
    labels = f"{uid}-title {uid}-desc"
    return tag("svg", content, {**look, **box, **LOOKS["font"]}, aria_labelledby=labels)
