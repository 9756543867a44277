"""The special-cause rules of a Shewhart chart.

After Provost & Murray, *The Health Care Data Guide* (2011), chapter 5, "Rules for
determining a special cause" (the same five rules as their Figure 5.9):

1. ``outside``: a single point outside the control limits;
2. ``shift``: 8 or more consecutive points on one side of the centre line (a point on the
   centre line neither counts toward nor breaks a shift);
3. ``trend``: 6 consecutive points all increasing or all decreasing (a point equal to the one
   before neither counts toward nor breaks a trend);
4. ``two_of_three``: 2 of 3 consecutive points beyond 2 sigma (in the outer third between the
   centre and a limit, or beyond the limit) on the same side;
5. ``hugging``: 15 consecutive points within 1 sigma of the centre (the inner third), on
   either side.

Sigma is each point's own (it varies with the denominator on p and u charts). Rules run
over one *stretch* of points judged against one centre (a phase and the frozen phases
that extend it), never across a recomputed centre.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from communities.charts.limits import ChartPoint

SHIFT_LENGTH = 8
TREND_LENGTH = 6
HUGGING_LENGTH = 15
RULES = ("outside", "shift", "trend", "two_of_three", "hugging")


@dataclass(frozen=True)
class Signal:
    """A special cause: which rule, the indices of its points, and a sentence saying why."""

    rule: str
    points: tuple[int, ...]
    explanation: str


def special_causes(points: Sequence[ChartPoint], stretch: range) -> list[Signal]:
    """Every signal of the five rules among ``points[stretch]``; indices are into ``points``."""
    found: list[Signal] = []
    for rule in (_outside, _shifts, _trends, _two_of_three, _hugging):
        found.extend(rule(points, stretch))
    return found


def _day(points: Sequence[ChartPoint], index: int) -> str:
    return points[index].date.isoformat()


def _span(points: Sequence[ChartPoint], indices: Sequence[int]) -> str:
    return f"from {_day(points, indices[0])} to {_day(points, indices[-1])}"


def _z(point: ChartPoint) -> float | None:
    """Distance from the centre in sigmas (None where the chart has no limits yet)."""
    if point.sigma is None:
        return None
    if point.sigma == 0:
        gap = point.value - point.centre
        return 0.0 if gap == 0 else (float("inf") if gap > 0 else float("-inf"))
    return (point.value - point.centre) / point.sigma


def _outside(points: Sequence[ChartPoint], stretch: range) -> list[Signal]:
    found = []
    for i in stretch:
        point = points[i]
        if point.upper is not None and point.value > point.upper:
            side, limit = "above the upper", point.upper
        elif point.lower is not None and point.value < point.lower:
            side, limit = "below the lower", point.lower
        else:
            continue
        text = (
            f"The point of {_day(points, i)} ({point.value:g}) is {side} control limit "
            f"({limit:.4g}): a special cause is likely behind it."
        )
        found.append(Signal("outside", (i,), text))
    return found


def _shifts(points: Sequence[ChartPoint], stretch: range) -> list[Signal]:
    sides = [(i, points[i].value > points[i].centre) for i in stretch if not _on_centre(points[i])]
    found = []
    for above, run in itertools.groupby(sides, key=lambda item: item[1]):
        indices = [i for i, _ in run]
        if len(indices) >= SHIFT_LENGTH:
            where = "above" if above else "below"
            text = (
                f"{len(indices)} points in a row {where} the centre line "
                f"{_span(points, indices)} (8 or more is a shift): the process has likely changed."
            )
            found.append(Signal("shift", tuple(indices), text))
    return found


def _on_centre(point: ChartPoint) -> bool:
    return point.value == point.centre


def _trends(points: Sequence[ChartPoint], stretch: range) -> list[Signal]:
    kept = [i for i in stretch if i == stretch.start or points[i].value != points[i - 1].value]
    ups = [points[b].value > points[a].value for a, b in itertools.pairwise(kept)]
    found, start = [], 0
    for up, steps in itertools.groupby(ups):
        count = len(list(steps))
        if count + 1 >= TREND_LENGTH:
            indices = kept[start : start + count + 1]
            where = "increasing" if up else "decreasing"
            text = (
                f"{len(indices)} points in a row {where} {_span(points, indices)} "
                f"(6 or more is a trend)."
            )
            found.append(Signal("trend", tuple(indices), text))
        start += count
    return found


def _two_of_three(points: Sequence[ChartPoint], stretch: range) -> list[Signal]:
    found: list[Signal] = []
    for sign, where in ((1, "above"), (-1, "below")):
        beyond = {i for i in stretch if (z := _z(points[i])) is not None and sign * z > 2}
        flagged: list[int] = []
        for first in range(stretch.start, stretch.stop - 2):
            window = [i for i in range(first, first + 3) if i in beyond]
            if len(window) >= 2:
                flagged.extend(i for i in window if i not in flagged)
            elif flagged and first > flagged[-1]:
                found.append(_two_of_three_signal(points, flagged, where))
                flagged = []
        if flagged:
            found.append(_two_of_three_signal(points, flagged, where))
    return found


def _two_of_three_signal(points: Sequence[ChartPoint], flagged: list[int], where: str) -> Signal:
    text = (
        f"{len(flagged)} points {_span(points, flagged)} lie beyond 2 sigma {where} the centre "
        f"within 3 consecutive points (2 of 3 in the outer third is a special cause)."
    )
    return Signal("two_of_three", tuple(sorted(flagged)), text)


def _hugging(points: Sequence[ChartPoint], stretch: range) -> list[Signal]:
    def near(index: int) -> bool:
        z = _z(points[index])
        return z is not None and abs(z) < 1

    found = []
    for inside, run in itertools.groupby(stretch, key=near):
        indices = list(run)
        if inside and len(indices) >= HUGGING_LENGTH:
            text = (
                f"{len(indices)} points in a row within 1 sigma of the centre "
                f"{_span(points, indices)} (15 or more hug the centre): the limits may be "
                f"too wide, often because the data mix different processes."
            )
            found.append(Signal("hugging", tuple(indices), text))
    return found
