"""The JSON shape of a measure's chart, as the API answers and documents it."""

from __future__ import annotations

from datetime import date

from communities.choices import ChartType
from communities.schemas import Output


class ChartPointOut(Output):
    """A plotted point (a ratio on p and u charts) and what it is judged against."""

    date: date
    value: float
    denominator: float | None
    phase: int
    centre: float
    lower: float | None
    upper: float | None
    sigma: float | None


class ChartPhaseOut(Output):
    """Points ``first`` to ``last`` and their centre line; limits when constant."""

    label: str
    start: date | None
    first: int
    last: int
    frozen: bool
    limits_from: int
    centre: float | None
    lower: float | None
    upper: float | None


class ChartSignalOut(Output):
    """A special cause: the rule, the indices and dates of its points, and why."""

    rule: str
    points: list[int]
    dates: list[date]
    explanation: str


class MeasureChartOut(Output):
    measure_id: int
    type: ChartType
    points: list[ChartPointOut]
    phases: list[ChartPhaseOut]
    signals: list[ChartSignalOut]
