"""The JSON shape of a measure's chart, as the API answers and documents it, and of the
phases and notes drawn on it."""

from __future__ import annotations

import datetime
from datetime import date
from typing import Annotated, Literal

from pydantic import StringConstraints

from communities.choices import ChartType
from communities.schemas import Day, Id, Input, Name, Output


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


class ChartAnnotationOut(Output):
    """A note on the measure, or a cycle of its team (or attached to it), drawn at ``date``.

    A cycle is drawn from its actual start (else its planned start) to its actual end
    (else its planned end) and carries its four dates; a note carries its text and author.
    """

    kind: Literal["note", "cycle"]
    id: int
    date: date
    end: datetime.date | None
    label: str
    author_id: int | None = None
    status: str | None = None
    planned_start: datetime.date | None = None
    planned_end: datetime.date | None = None
    actual_start: datetime.date | None = None
    actual_end: datetime.date | None = None


class MeasureChartOut(Output):
    measure_id: int
    type: ChartType
    points: list[ChartPointOut]
    phases: list[ChartPhaseOut]
    signals: list[ChartSignalOut]
    annotations: list[ChartAnnotationOut]


class MeasurePhaseCreate(Input):
    """A new phase of a measure's chart from ``start`` on; ``frozen`` keeps the limits before."""

    measure_id: Id
    start: Day
    label: Name
    frozen: bool = False


class MeasurePhaseOut(Output):
    id: int
    measure_id: int
    start: date
    label: str
    frozen: bool


NoteText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class MeasureNoteCreate(Input):
    """A note drawn on a measure's chart at ``date``; the author defaults to the person of
    the signed-in user in the measure's community, if there is one."""

    measure_id: Id
    date: Day
    text: NoteText
    author_id: Id | None = None


class MeasureNoteOut(Output):
    id: int
    measure_id: int
    date: date
    text: str
    author_id: int | None
