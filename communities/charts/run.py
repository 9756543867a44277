"""Run charts in the shape of a control chart: a median per phase and the run-chart rules.

The rules themselves (shift of 6, trend of 5, astronomical point) and their source are in
:mod:`communities.web.runchart`, which the page's run chart also draws from. A frozen phase
is judged against the median of the phase before it, as on a control chart.
"""

from __future__ import annotations

from collections.abc import Sequence

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
from communities.web.runchart import SHIFT_LENGTH, TREND_LENGTH, Point, Signals, analyse


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
