"""A measure's chart as numbers: points, per-phase centre lines and limits, and signals.

The computation is :mod:`communities.charts`; this module reads the measure's data and
phases (with the permission to read the measure) and shapes the answer. An XmR chart's
lower limit is floored at 0 only when every point carries a numerator and a denominator
(a ratio of counts cannot be negative); a measured value may be, so it is not floored.
"""

from __future__ import annotations

from typing import Any

from communities.charts import (
    Chart,
    ChartError,
    PhaseSplit,
    Sample,
    control_chart,
    run_chart,
)
from communities.models import DataPoint, MeasurePhase
from communities.services.base import get_row
from communities.services.measures import MEASURES
from core.context import ServiceContext
from core.errors import InvalidInput

CHART_CHOICES = ("run", "xmr", "p", "u", "c")


async def measure_chart(
    ctx: ServiceContext, measure_id: int, chart_type: str | None = None
) -> dict[str, Any]:
    """The chart of a measure, of ``chart_type`` or else the type the measure names."""
    measure = await get_row(ctx, MEASURES, measure_id)
    kind = chart_type or measure["chart_type"]
    if kind not in CHART_CHOICES:
        raise InvalidInput.field("type", f"must be one of {', '.join(CHART_CHOICES)}")
    rows = (
        await DataPoint.filter(measure_id=measure_id)
        .order_by("date", "id")
        .values("date", "value", "numerator", "denominator")
    )
    samples = [Sample(r["date"], r["value"], r["numerator"], r["denominator"]) for r in rows]
    phases = await MeasurePhase.filter(measure_id=measure_id).values("start", "label", "frozen")
    splits = [PhaseSplit(p["start"], p["label"], p["frozen"]) for p in phases]
    ratios = bool(samples) and all(s.denominator is not None for s in samples)
    try:
        if kind == "run":
            chart = run_chart(samples, splits)
        else:
            chart = control_chart(kind, samples, splits, floor=0.0 if ratios else None)
    except ChartError as exc:
        raise InvalidInput.field(exc.field, exc.message) from exc
    return _shaped(measure_id, chart)


def _shaped(measure_id: int, chart: Chart) -> dict[str, Any]:
    """The JSON answer (see ``communities.charts.schemas.MeasureChartOut``)."""
    points = [
        {
            "date": p.date,
            "value": p.value,
            "denominator": p.denominator,
            "phase": p.phase,
            "centre": p.centre,
            "lower": p.lower,
            "upper": p.upper,
            "sigma": p.sigma,
        }
        for p in chart.points
    ]
    phases = [
        {
            "label": p.label,
            "start": p.start,
            "first": p.first,
            "last": p.last,
            "frozen": p.frozen,
            "limits_from": p.limits_from,
            "centre": p.centre,
            "lower": p.lower,
            "upper": p.upper,
        }
        for p in chart.phases
    ]
    signals = [
        {
            "rule": s.rule,
            "points": list(s.points),
            "dates": [chart.points[i].date for i in s.points],
            "explanation": s.explanation,
        }
        for s in chart.signals
    ]
    return {
        "measure_id": measure_id,
        "type": chart.type,
        "points": points,
        "phases": phases,
        "signals": signals,
    }
