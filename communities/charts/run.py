"""Run charts: the run-chart rules, and a run chart in the shape of a control chart.

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

:func:`analyse` takes the median of the first ``baseline`` points (default: all); its
signals hold indices into the points sorted by date; shifts and trends list only the
points that count. :func:`run_chart` splits the points into phases, a median per phase;
a frozen phase is judged against the median of the phase before it, as on a control
chart. The page's run chart (:mod:`communities.web.runchart`) draws from the same rules.
"""

from __future__ import annotations

import datetime
import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from communities.charts.limits import (
    BASELINE_LABEL,
    Chart,
    ChartError,
    ChartPoint,
    Phase,
    PhaseSplit,
    Sample,
    phase_groups,
)
from communities.charts.rules import Signal

SHIFT_LENGTH = 6
TREND_LENGTH = 5
FENCE = 3.0


@dataclass(frozen=True)
class Point:
    """One measurement of a measure."""

    date: datetime.date
    value: float


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


def run_chart(samples: Sequence[Sample], splits: Sequence[PhaseSplit] = ()) -> Chart:
    """Points, phases with their medians, and the run-chart signals of ``samples``."""
    ordered = sorted(samples, key=lambda sample: sample.date)
    try:
        points = [Point(sample.date, sample.value) for sample in ordered]
        analyse(points)
    except ValueError as exc:
        raise ChartError("value", str(exc)) from exc
    groups = phase_groups([sample.date for sample in ordered], splits)
    stretches: list[list[int]] = []  # group numbers; the first of each is the baseline
    for number, (split, _members) in enumerate(groups):
        baseline = groups[stretches[-1][0]][1] if stretches else []
        if split is not None and split.frozen and baseline:
            stretches[-1].append(number)
        else:
            stretches.append([number])
    chart_points: list[ChartPoint] = []
    phases: list[Phase] = []
    signals: list[Signal] = []
    for stretch in stretches:
        indices = [i for number in stretch for i in groups[number][1]]
        offset = len(chart_points)
        found = analyse([points[i] for i in indices], baseline=len(groups[stretch[0]][1]) or None)
        median = found.median
        for number in stretch:
            split, members = groups[number]
            first = len(chart_points)
            chart_points.extend(
                ChartPoint(points[i].date, points[i].value, number, median or 0.0, None, None, None)
                for i in members
            )
            label = BASELINE_LABEL if split is None else split.label
            start = None if split is None else split.start
            frozen = number != stretch[0]
            phases.append(
                Phase(label, start, first, first + len(members) - 1, frozen, stretch[0], median,
                      None, None)
            )  # fmt: skip
        signals.extend(_signals(found, chart_points, offset))
    signals.sort(key=lambda signal: (signal.points[0], signal.rule))
    return Chart("run", chart_points, phases, signals)


def _signals(found: Signals, points: Sequence[ChartPoint], offset: int) -> list[Signal]:
    """The run-chart findings of one stretch as signals indexing the whole chart."""
    signals = []
    for run in found.shifts:
        where = [offset + i for i in run]
        side = "above" if points[where[0]].value > points[where[0]].centre else "below"
        text = (
            f"{len(run)} points in a row {side} the median from {points[where[0]].date} to "
            f"{points[where[-1]].date} ({SHIFT_LENGTH} or more is a shift)."
        )
        signals.append(Signal("shift", tuple(where), text))
    for trend in found.trends:
        where = [offset + i for i in trend]
        way = "up" if points[where[-1]].value > points[where[0]].value else "down"
        text = (
            f"{len(trend)} points in a row going {way} from {points[where[0]].date} to "
            f"{points[where[-1]].date} ({TREND_LENGTH} or more is a trend)."
        )
        signals.append(Signal("trend", tuple(where), text))
    for i in found.astronomical:
        point = points[offset + i]
        text = (
            f"The point of {point.date} ({point.value:g}) is far from the others "
            f"(beyond 3 interquartile ranges of the quartiles): an astronomical point."
        )
        signals.append(Signal("astronomical", (offset + i,), text))
    return signals
