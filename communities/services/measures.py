"""Measures (outcome, process, balancing) and their dated data points."""

from __future__ import annotations

from typing import Any, cast

from communities.changes import community_write
from communities.charts.schemas import MeasureNoteCreate, MeasurePhaseCreate
from communities.models import Cycle, DataPoint, Measure, MeasureNote, MeasurePhase, Person, Team
from communities.schemas import DataPointCreate, MeasureCreate, MeasureUpdate
from communities.services.base import (
    Listing,
    changes_of,
    check_reference,
    community_id_of,
    get_row,
)
from communities.services.communities import check_community
from core.context import ServiceContext
from core.errors import InvalidInput

MEASURES = Listing(
    Measure,
    "measure",
    (
        "id",
        "community_id",
        "team_id",
        "name",
        "kind",
        "unit",
        "description",
        "operational_definition",
        "data_source",
        "collection_frequency",
        "goal",
        "goal_date",
        "direction",
        "chart_type",
    ),
    filters={"community": "community_id", "team": "team_id", "kind": "kind"},
)
DATA_POINTS = Listing(
    DataPoint,
    "data point",
    ("id", "measure_id", "cycle_id", "date", "value", "numerator", "denominator", "note"),
    community_path="measure__community_id",
    filters={
        "measure": "measure_id",
        "cycle": "cycle_id",
        "from": "date__gte",
        "to": "date__lte",
    },
    order=("measure_id", "date", "id"),
)
MEASURE_PHASES = Listing(
    MeasurePhase,
    "measure phase",
    ("id", "measure_id", "start", "label", "frozen"),
    community_path="measure__community_id",
    filters={"measure": "measure_id"},
    order=("measure_id", "start", "id"),
)
MEASURE_NOTES = Listing(
    MeasureNote,
    "measure note",
    ("id", "measure_id", "date", "text", "author_id"),
    community_path="measure__community_id",
    filters={"measure": "measure_id", "from": "date__gte", "to": "date__lte"},
    order=("measure_id", "date", "id"),
)


_NOT_NULL = (
    "name",
    "kind",
    "unit",
    "description",
    "operational_definition",
    "data_source",
    "chart_type",
)


def _with_value(data: DataPointCreate) -> dict[str, Any]:
    """The point's fields; a value left out is the ratio of numerator and denominator."""
    fields = data.model_dump()
    if (data.numerator is None) != (data.denominator is None):
        missing = "denominator" if data.denominator is None else "numerator"
        raise InvalidInput.field(missing, "numerator and denominator are sent together")
    if data.value is None:
        if data.numerator is None or data.denominator is None:
            raise InvalidInput.field("value", "send a value, or a numerator and a denominator")
        fields["value"] = data.numerator / data.denominator
    return fields


async def _scope(measure_team: int | None, community_id: int, ctx: ServiceContext) -> None:
    """A team's measure is written by that team; a community measure by facilitators."""
    if measure_team is None:
        await ctx.authorize("manage", community_id=community_id)
    else:
        await ctx.authorize("write_team", community_id=community_id, team_id=measure_team)


async def create_measure(ctx: ServiceContext, data: MeasureCreate) -> dict[str, Any]:
    await check_community(ctx, data.community_id)
    await check_reference(Team, data.team_id, data.community_id, "team_id", what="team")
    await _scope(data.team_id, data.community_id, ctx)
    async with community_write(data.community_id):
        measure = await Measure.create(**data.model_dump())
    return await get_row(ctx, MEASURES, measure.id)


async def update_measure(
    ctx: ServiceContext, measure_id: int, data: MeasureUpdate
) -> dict[str, Any]:
    current = await get_row(ctx, MEASURES, measure_id)
    await _scope(current["team_id"], current["community_id"], ctx)
    changes = changes_of(data, not_null=_NOT_NULL)
    if "team_id" in changes:
        await check_reference(
            Team, changes["team_id"], current["community_id"], "team_id", what="team"
        )
        await _scope(changes["team_id"], current["community_id"], ctx)
    if changes:
        async with community_write(current["community_id"]):
            await Measure.filter(id=measure_id).update(**changes)
    return await get_row(ctx, MEASURES, measure_id)


async def delete_measure(ctx: ServiceContext, measure_id: int) -> None:
    current = await get_row(ctx, MEASURES, measure_id)
    await _scope(current["team_id"], current["community_id"], ctx)
    async with community_write(current["community_id"]):
        await Measure.filter(id=measure_id).delete()


async def check_measure_write(ctx: ServiceContext, measure: dict[str, Any]) -> None:
    """Refuse (403) an actor who may not write data points on ``measure`` (a row of
    :data:`MEASURES`)."""
    await _scope(measure["team_id"], measure["community_id"], ctx)


async def _writable_measure(ctx: ServiceContext, measure_id: int) -> int:
    """The community of a measure the actor may write to (its team's writers, or the
    community's when it has no team)."""
    rows = await Measure.filter(id=measure_id).values("community_id", "team_id")
    missing = InvalidInput.field("measure_id", f"no measure {measure_id}")
    community_id = await ctx.require_readable(rows[0]["community_id"] if rows else None, missing)
    await _scope(rows[0]["team_id"], community_id, ctx)
    return community_id


async def _delete_of_measure(
    ctx: ServiceContext,
    model: type[DataPoint] | type[MeasurePhase] | type[MeasureNote],
    record_id: int,
    what: str,
) -> None:
    """Delete a data point or phase, checked like a write to its measure."""
    community_id = await community_id_of(ctx, model, record_id, "measure__community_id", what)
    team = await model.filter(id=record_id).values_list("measure__team_id", flat=True)
    await _scope(cast(Any, team[0]), community_id, ctx)
    async with community_write(community_id):
        await model.filter(id=record_id).delete()


async def record_data(ctx: ServiceContext, data: DataPointCreate) -> dict[str, Any]:
    """Record one value of a measure on a date, optionally from a cycle."""
    community_id = await _writable_measure(ctx, data.measure_id)
    await check_reference(Cycle, data.cycle_id, community_id, "cycle_id", what="cycle")
    fields = _with_value(data)
    async with community_write(community_id):
        point = await DataPoint.create(**fields)
    return await get_row(ctx, DATA_POINTS, point.id)


async def delete_data_point(ctx: ServiceContext, point_id: int) -> None:
    await _delete_of_measure(ctx, DataPoint, point_id, "data point")


async def add_phase(ctx: ServiceContext, data: MeasurePhaseCreate) -> dict[str, Any]:
    """Split a measure's chart at a date; written by those who write the measure."""
    community_id = await _writable_measure(ctx, data.measure_id)
    if await MeasurePhase.filter(measure_id=data.measure_id, start=data.start).exists():
        raise InvalidInput.field("start", f"the measure already has a phase from {data.start}")
    async with community_write(community_id):
        phase = await MeasurePhase.create(**data.model_dump())
    return await get_row(ctx, MEASURE_PHASES, phase.id)


async def delete_phase(ctx: ServiceContext, phase_id: int) -> None:
    await _delete_of_measure(ctx, MeasurePhase, phase_id, "measure phase")


async def add_note(
    ctx: ServiceContext, data: MeasureNoteCreate, *, default_author: bool = True
) -> dict[str, Any]:
    """A dated note on a measure's chart, written by those who write the measure; its
    author is the person named, or else (``default_author``) the signed-in user's person
    in the community."""
    community_id = await _writable_measure(ctx, data.measure_id)
    await check_reference(Person, data.author_id, community_id, "author_id", what="person")
    author_id = data.author_id
    if author_id is None and default_author and ctx.actor.user_id is not None:
        mine = await Person.filter(
            community_id=community_id, user_id=ctx.actor.user_id
        ).values_list("id", flat=True)
        author_id = cast(Any, mine[0]) if mine else None
    async with community_write(community_id):
        note = await MeasureNote.create(
            measure_id=data.measure_id, date=data.date, text=data.text, author_id=author_id
        )
    return await get_row(ctx, MEASURE_NOTES, note.id)


async def delete_note(ctx: ServiceContext, note_id: int) -> None:
    await _delete_of_measure(ctx, MeasureNote, note_id, "measure note")
