"""A measure's chart as numbers: points, per-phase centre lines and limits, and signals.

The computation is :mod:`communities.charts`; this module reads the measure's data and
phases (with the permission to read the measure) and shapes the answer, with the
annotations drawn on the chart: the notes on the measure and the cycles of its team (or
attached to it), each at its dates. An XmR chart's
lower limit is floored at 0 only when every point carries a numerator and a denominator
(a ratio of counts cannot be negative); a measured value may be, so it is not floored.
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from communities.charts import (
    Chart,
    ChartError,
    PhaseSplit,
    Sample,
    control_chart,
    run_chart,
)
from communities.models import Cycle, DataPoint, MeasureNote, MeasurePhase
from communities.services.base import get_row
from communities.services.measures import MEASURES
from core.context import ServiceContext
from core.errors import InvalidInput

CHART_CHOICES = ("run", "xmr", "p", "u", "c")
CYCLE_DATES = ("planned_start", "planned_end", "actual_start", "actual_end")


async def measure_chart(
    ctx: ServiceContext, measure_id: int, chart_type: str | None = None
) -> dict[str, Any]:
    """The chart of a measure, of ``chart_type`` or else the type the measure names."""
    measure = await get_row(ctx, MEASURES, measure_id)
    return await chart_of(measure, chart_type)


async def chart_of(measure: dict[str, Any], chart_type: str | None = None) -> dict[str, Any]:
    """The chart of ``measure`` (a row of ``MEASURES`` the caller may read)."""
    measure_id = measure["id"]
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
    return _shaped(measure_id, chart) | {"annotations": await chart_annotations(measure)}


async def chart_annotations(measure: dict[str, Any]) -> list[dict[str, Any]]:
    """The notes on ``measure`` and the dated cycles of its team or attached to it, by date."""
    notes = await MeasureNote.filter(measure_id=measure["id"]).values(
        "id", "date", "text", "author_id"
    )
    which = Q(measures__id=measure["id"])
    if measure["team_id"] is not None:
        which |= Q(team_id=measure["team_id"])
    cycles = await Cycle.filter(which).distinct().values("id", "title", "status", *CYCLE_DATES)
    found = [
        {"kind": "note", "id": n["id"], "date": n["date"], "end": None, "label": n["text"],
         "author_id": n["author_id"]}
        for n in notes
    ]  # fmt: skip
    for c in cycles:
        start = c["actual_start"] or c["planned_start"]
        end = c["actual_end"] or c["planned_end"]
        if start is None and end is None:
            continue
        found.append(
            {"kind": "cycle", "id": c["id"], "date": start or end, "end": end if start else None,
             "label": c["title"], "status": c["status"], **{d: c[d] for d in CYCLE_DATES}}
        )  # fmt: skip
    return sorted(found, key=lambda a: (a["date"], a["kind"], a["id"]))


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
