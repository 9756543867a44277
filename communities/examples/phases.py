"""Demo phase splits and chart notes.

Each demo measure's chart splits where its team adopted a change, and carries a note on
each short week the data mark (Thanksgiving), so the demo's charts show annotations.

The demo's series shift after the first adopted change and mark the first point after it
with a note (see ``demo.Demo._series``); the split starts there, so the demo's charts
show a phase split and, across it, the special causes the shift makes.
"""

from __future__ import annotations

from communities.charts.schemas import MeasureNoteCreate, MeasurePhaseCreate
from communities.models import DataPoint
from communities.services.measures import add_note, add_phase
from core.context import ServiceContext

ADOPTED = "First data after adopting: "
SHORT_WEEK = "Short week"


async def demo_phases(ctx: ServiceContext, community_ids: list[int]) -> None:
    """One phase split per measure of ``community_ids`` whose data marks an adoption."""
    rows = await DataPoint.filter(
        measure__community_id__in=community_ids, note__startswith=ADOPTED
    ).values("measure_id", "date", "note")
    seen: set[int] = set()
    for row in sorted(rows, key=lambda r: (r["measure_id"], r["date"])):
        if row["measure_id"] in seen:
            continue
        seen.add(row["measure_id"])
        change = row["note"].removeprefix(ADOPTED).rstrip(".")
        label = f"After adopting {change}"[:200]
        await add_phase(
            ctx, MeasurePhaseCreate(measure_id=row["measure_id"], start=row["date"], label=label)
        )


async def demo_notes(ctx: ServiceContext, community_ids: list[int]) -> None:
    """A note on the chart of each measure of ``community_ids`` at each short week."""
    rows = await DataPoint.filter(
        measure__community_id__in=community_ids, note__startswith=SHORT_WEEK
    ).values("measure_id", "date")
    for row in sorted(rows, key=lambda r: (r["measure_id"], r["date"])):
        text = "Short week (Thanksgiving break): fewer school days behind this point."
        await add_note(
            ctx, MeasureNoteCreate(measure_id=row["measure_id"], date=row["date"], text=text)
        )
