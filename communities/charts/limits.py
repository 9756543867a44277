"""Centre lines and control limits of Shewhart charts, per phase.

Formulas (Provost & Murray, *The Health Care Data Guide*, 2011, chapters 5 and 6;
Montgomery, *Introduction to Statistical Quality Control*, 7th ed., 2013, chapters 6 and 7):

* **xmr** (individuals): centre = mean of the values; MR-bar = mean of the moving ranges
  |x_i - x_(i-1)| inside the phase; limits = mean +/- 2.66 MR-bar (2.66 = 3 / d2, d2 = 1.128
  for ranges of two), so sigma = 2.66 MR-bar / 3. The lower limit is floored only when the
  caller says the measure cannot go negative (``floor=0.0``); otherwise it may be negative.
* **p** (proportions, varying denominators): p-bar = sum of numerators / sum of denominators;
  per point limits p-bar +/- 3 sqrt(p-bar (1 - p-bar) / n_i), clipped to [0, 1].
* **u** (rates): u-bar = sum of counts / sum of areas of opportunity; per point limits
  u-bar +/- 3 sqrt(u-bar / n_i), lower floored at 0.
* **c** (counts, equal opportunity): c-bar = mean count; limits c-bar +/- 3 sqrt(c-bar),
  lower floored at 0.

Phases: ``splits`` start new phases at their dates (a point on the date belongs to the new
phase); points before the first split form a first phase labelled "Baseline". A phase whose
split is ``frozen`` computes nothing of its own: its points are judged against the centre
and limits of the phase before it (the frozen baseline), computed from that phase's points
only. A baseline and the frozen phases after it form one *stretch* the rules run over.
"""

from __future__ import annotations

import datetime
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from communities.charts.rules import Signal, special_causes

CHART_TYPES = ("xmr", "p", "u", "c")
XMR_FACTOR = 2.66  # 3 / d2, d2 = 1.128 for moving ranges of two points
BASELINE_LABEL = "Baseline"


class ChartError(ValueError):
    """Data that cannot make the chart asked for; ``field`` names what is missing or wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Sample:
    """One data point: its value and, for p and u charts, numerator and denominator."""

    date: datetime.date
    value: float
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class PhaseSplit:
    """A new phase from ``start`` on; ``frozen`` judges it against the phase before."""

    start: datetime.date
    label: str
    frozen: bool = False


@dataclass(frozen=True)
class ChartPoint:
    """A plotted point with the centre, limits and sigma it is judged against."""

    date: datetime.date
    value: float
    phase: int
    centre: float
    lower: float | None
    upper: float | None
    sigma: float | None
    denominator: float | None = None


@dataclass(frozen=True)
class Phase:
    """A run of points between splits; ``limits_from`` is the phase its limits come from."""

    label: str
    start: datetime.date | None
    first: int
    last: int
    frozen: bool
    limits_from: int
    centre: float | None
    lower: float | None
    upper: float | None


@dataclass(frozen=True)
class Chart:
    """Points sorted by date, the phases they fall in and the special causes found."""

    type: str
    points: list[ChartPoint]
    phases: list[Phase]
    signals: list[Signal]


def control_chart(
    chart_type: str,
    samples: Sequence[Sample],
    splits: Sequence[PhaseSplit] = (),
    *,
    floor: float | None = None,
) -> Chart:
    """The chart of ``samples``; ``floor`` bounds an XmR lower limit (0.0 for non-negative)."""
    if chart_type not in CHART_TYPES:
        raise ChartError("type", f"chart type must be one of {', '.join(CHART_TYPES)}")
    ordered = sorted(samples, key=lambda sample: sample.date)
    values = [_plotted(chart_type, index, sample) for index, sample in enumerate(ordered)]
    groups = phase_groups([sample.date for sample in ordered], splits)
    points: list[ChartPoint] = []
    phases: list[Phase] = []
    signals: list[Signal] = []
    base_index = 0
    base: _Centre | None = None
    for number, (split, indices) in enumerate(groups):
        frozen = split is not None and split.frozen and base is not None and base.centre is not None
        if not frozen:
            base_index = number
            base = _centre(chart_type, [ordered[i] for i in indices], [values[i] for i in indices])
        judged = _judged(chart_type, base, ordered, values, indices, number, floor)
        points.extend(judged)
        phases.append(
            _phase(chart_type, judged, split, indices, frozen, base_index, base, len(points))
        )
    for stretch in _stretches(phases):
        signals.extend(special_causes(points, stretch))
    signals.sort(key=lambda signal: (signal.points[0], signal.rule))
    return Chart(chart_type, points, phases, signals)


def _plotted(chart_type: str, index: int, sample: Sample) -> float:
    """The value drawn: the value itself, or numerator / denominator for p and u."""
    where = f"point {index + 1} ({sample.date.isoformat()})"
    if not math.isfinite(sample.value):
        raise ChartError("value", f"{where}: value must be a finite number")
    if chart_type == "c":
        if sample.value < 0:
            raise ChartError("value", f"{where}: a c chart counts, the value cannot be negative")
        return float(sample.value)
    if chart_type == "xmr":
        return float(sample.value)
    num, den = sample.numerator, sample.denominator
    if num is None or den is None:
        field = "denominator" if den is None else "numerator"
        raise ChartError(field, f"{where}: a {chart_type} chart needs a {field} for every point")
    if not math.isfinite(den) or den <= 0:
        raise ChartError("denominator", f"{where}: the denominator must be above 0")
    if not math.isfinite(num) or num < 0:
        raise ChartError("numerator", f"{where}: the numerator cannot be negative")
    if chart_type == "p" and num > den:
        raise ChartError("numerator", f"{where}: a proportion's numerator exceeds its denominator")
    return num / den


def phase_groups(
    dates: Sequence[datetime.date], splits: Sequence[PhaseSplit]
) -> list[tuple[PhaseSplit | None, list[int]]]:
    """The indices of the points of each phase; an empty phase before the first split is dropped."""
    ordered = sorted(splits, key=lambda split: split.start)
    groups: list[tuple[PhaseSplit | None, list[int]]] = [(None, [])]
    groups += [(split, []) for split in ordered]
    for index, day in enumerate(dates):
        groups[sum(1 for split in ordered if split.start <= day)][1].append(index)
    return groups[1:] if ordered and not groups[0][1] else groups


@dataclass(frozen=True)
class _Centre:
    """Centre line and the sums a point's sigma is computed from."""

    centre: float | None
    spread: float | None  # xmr: MR-bar; c: c-bar; p, u: the centre itself


def _centre(chart_type: str, samples: Sequence[Sample], values: Sequence[float]) -> _Centre:
    """The centre of a phase from its own points (None when it has none)."""
    if not samples:
        return _Centre(None, None)
    if chart_type in ("p", "u"):
        numerators = math.fsum(float(sample.numerator or 0) for sample in samples)
        denominators = math.fsum(float(sample.denominator or 0) for sample in samples)
        return _Centre(numerators / denominators, numerators / denominators)
    mean = math.fsum(values) / len(values)
    if chart_type == "c":
        return _Centre(mean, mean)
    ranges = [abs(b - a) for a, b in itertools.pairwise(values)]
    return _Centre(mean, math.fsum(ranges) / len(ranges) if ranges else None)


def _sigma(chart_type: str, base: _Centre, denominator: float | None) -> float | None:
    """One sigma at a point: constant for xmr and c, varying with n_i for p and u."""
    if base.spread is None or base.centre is None:
        return None
    if chart_type == "xmr":
        return XMR_FACTOR * base.spread / 3
    if chart_type == "c":
        return math.sqrt(base.spread)
    assert denominator is not None
    if chart_type == "p":
        return math.sqrt(base.centre * (1 - base.centre) / denominator)
    return math.sqrt(base.centre / denominator)


def _judged(
    chart_type: str,
    base: _Centre | None,
    samples: Sequence[Sample],
    values: Sequence[float],
    indices: Sequence[int],
    phase: int,
    floor: float | None,
) -> list[ChartPoint]:
    """The points of one phase with the centre and limits they are judged against."""
    points: list[ChartPoint] = []
    low_bound = {"p": 0.0, "u": 0.0, "c": 0.0}.get(chart_type, floor)
    for index in indices:
        sample = samples[index]
        den = sample.denominator if chart_type in ("p", "u") else None
        assert base is not None and base.centre is not None, "a phase with points has a centre"
        sigma = _sigma(chart_type, base, den)
        lower = upper = None
        if sigma is not None:
            lower, upper = base.centre - 3 * sigma, base.centre + 3 * sigma
            lower = lower if low_bound is None else max(low_bound, lower)
            upper = min(1.0, upper) if chart_type == "p" else upper
        points.append(
            ChartPoint(sample.date, values[index], phase, base.centre, lower, upper, sigma, den)
        )
    return points


def _phase(
    chart_type: str,
    points: Sequence[ChartPoint],
    split: PhaseSplit | None,
    indices: Sequence[int],
    frozen: bool,
    base_index: int,
    base: _Centre | None,
    count: int,
) -> Phase:
    """The summary of one phase; constant limits only where they do not vary by point."""
    label = BASELINE_LABEL if split is None else split.label
    start = None if split is None else split.start
    first, last = count - len(indices), count - 1
    centre = None if base is None else base.centre
    lower = upper = None
    if points and points[0].sigma is not None and chart_type in ("xmr", "c"):
        lower, upper = points[0].lower, points[0].upper
    return Phase(label, start, first, last, frozen, base_index, centre, lower, upper)


def _stretches(phases: Sequence[Phase]) -> list[range]:
    """Point ranges judged against one centre: a baseline and its frozen phases."""
    stretches: list[range] = []
    for phase in phases:
        if phase.last < phase.first:
            continue
        if phase.frozen and stretches:
            stretches[-1] = range(stretches[-1].start, phase.last + 1)
        else:
            stretches.append(range(phase.first, phase.last + 1))
    return stretches
