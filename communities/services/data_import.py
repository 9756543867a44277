"""Data points in bulk: a file's rows previewed against a measure, saved in one
transaction, and a measure's data exported as CSV.

The file is read and checked by :mod:`communities.data_files`; this module adds what
needs the database. A row whose date the measure already has a point on, or whose date
an earlier row of the file has, is a duplicate. ``duplicates="skip"`` (the default)
keeps what is stored and the first of the file's rows for a date; ``"replace"`` deletes
the stored points of that date and keeps the last of the file's rows for it. A file
with any row in error saves nothing: the whole file is one transaction.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any, Literal

from communities.changes import community_write
from communities.data_files import COLUMNS, CheckedFile, DataRow, Table, check_table
from communities.flow.exports.tables import csv_text
from communities.models import DataPoint
from communities.schemas import Output
from communities.services.base import get_row
from communities.services.measures import MEASURES, check_measure_write
from core.context import ServiceContext
from core.errors import InvalidInput

DuplicateMode = Literal["skip", "replace"]
DUPLICATE_MODES: tuple[str, ...] = ("skip", "replace")
_CHUNK = 500  # dates per ``IN (...)``: SQLite's limit on parameters is far above it


class ImportRowOut(Output):
    row: int
    date: date
    value: float
    numerator: float | None
    denominator: float | None
    note: str
    action: Literal["add", "replace", "skip"]
    duplicate: str | None
    """Why the row is a duplicate ("stored: 88.5", "row 4"), else null."""


class ImportProblemOut(Output):
    row: int
    column: str
    message: str


class DataImportOut(Output):
    """A file's rows against a measure: what would be (or was) added, replaced, skipped."""

    measure_id: int
    chart_type: str
    duplicates: Literal["skip", "replace"]
    saved: bool
    columns: dict[str, str]
    ignored_columns: list[str]
    counts: dict[str, int]
    rows: list[ImportRowOut]
    errors: list[ImportProblemOut]


def _stored_text(points: list[dict[str, Any]]) -> str:
    def one(point: dict[str, Any]) -> str:
        if point["numerator"] is not None and point["denominator"] is not None:
            return f"{point['value']:g} ({point['numerator']:g}/{point['denominator']:g})"
        return f"{point['value']:g}"

    return "stored: " + ", ".join(one(point) for point in points)


def _plan(
    checked: CheckedFile, stored: dict[date, list[dict[str, Any]]], mode: str
) -> list[dict[str, Any]]:
    """Each row with its action and, for a duplicate, what it duplicates."""
    kept: dict[date, int] = {}  # date -> the row number the file keeps for it
    for row in checked.rows:
        if mode == "replace" or row.date not in kept:
            kept[row.date] = row.row
    planned = []
    for row in checked.rows:
        action, duplicate = "add", None
        if kept[row.date] != row.row:
            action, duplicate = "skip", f"row {kept[row.date]}"
        elif row.date in stored:
            action = "replace" if mode == "replace" else "skip"
            duplicate = _stored_text(stored[row.date])
        planned.append({**asdict(row), "action": action, "duplicate": duplicate})
    return planned


async def _stored_points(measure_id: int, rows: list[DataRow]) -> dict[date, list[dict[str, Any]]]:
    if not rows:
        return {}
    dates = [row.date for row in rows]
    found = (
        await DataPoint.filter(measure_id=measure_id, date__gte=min(dates), date__lte=max(dates))
        .order_by("date", "id")
        .values("date", "value", "numerator", "denominator")
    )
    wanted = set(dates)
    stored: dict[date, list[dict[str, Any]]] = {}
    for point in found:
        if point["date"] in wanted:
            stored.setdefault(point["date"], []).append(point)
    return stored


async def preview_import(
    ctx: ServiceContext, measure_id: int, table: Table, duplicates: str = "skip"
) -> dict[str, Any]:
    """What saving ``table`` into the measure would do; saves nothing. Who may write
    data points on the measure may preview (404 for a measure the actor cannot read,
    403 for one they cannot write to)."""
    return (await _preview(ctx, measure_id, table, duplicates))[1]


async def _preview(
    ctx: ServiceContext, measure_id: int, table: Table, duplicates: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    if duplicates not in DUPLICATE_MODES:
        raise InvalidInput.field("duplicates", "must be skip or replace")
    measure = await importable_measure(ctx, measure_id)
    checked = check_table(table, measure["chart_type"])
    planned = _plan(checked, await _stored_points(measure_id, checked.rows), duplicates)
    counts = {"rows": len(planned) + len({p.row for p in checked.problems})}
    for action in ("add", "replace", "skip"):
        counts[action] = sum(1 for row in planned if row["action"] == action)
    counts["errors"] = len(checked.problems)
    return measure, {
        "measure_id": measure_id,
        "chart_type": measure["chart_type"],
        "duplicates": duplicates,
        "saved": False,
        "columns": checked.columns,
        "ignored_columns": checked.ignored,
        "counts": counts,
        "rows": planned,
        "errors": [problem.as_dict() for problem in checked.problems],
    }


async def importable_measure(ctx: ServiceContext, measure_id: int) -> dict[str, Any]:
    """The measure, if the actor may write data points on it (404 when they cannot read
    it, 403 when they cannot write to it)."""
    measure = await get_row(ctx, MEASURES, measure_id)
    await check_measure_write(ctx, measure)
    return measure


def _refusal(preview: dict[str, Any]) -> InvalidInput:
    """The 422 of a file with rows in error: each named in ``fields`` and in ``rows``."""
    errors = preview["errors"]
    fields = {f"row {e['row']} {e['column']}": e["message"] for e in errors}
    first = errors[0]
    message = (
        f"{len(errors)} problem(s) in the file; nothing was saved. First: row {first['row']}, "
        f"{first['column']}: {first['message']}"
    )
    return InvalidInput(message, fields, detail={"rows": errors})


async def save_import(
    ctx: ServiceContext, measure_id: int, table: Table, duplicates: str = "skip"
) -> dict[str, Any]:
    """Save ``table``'s rows into the measure in one transaction, as :func:`preview_import`
    plans them; a file with any row in error saves nothing (422 naming each)."""
    measure, preview = await _preview(ctx, measure_id, table, duplicates)
    if preview["errors"]:
        raise _refusal(preview)
    adding = [row for row in preview["rows"] if row["action"] in ("add", "replace")]
    replaced = sorted({row["date"] for row in adding if row["action"] == "replace"})
    if adding:
        async with community_write(measure["community_id"]):
            for start in range(0, len(replaced), _CHUNK):
                chunk = replaced[start : start + _CHUNK]
                await DataPoint.filter(measure_id=measure_id, date__in=chunk).delete()
            await DataPoint.bulk_create(
                [
                    DataPoint(
                        measure_id=measure_id,
                        date=row["date"],
                        value=row["value"],
                        numerator=row["numerator"],
                        denominator=row["denominator"],
                        note=row["note"],
                    )
                    for row in adding
                ],
                batch_size=_CHUNK,
            )
    return {**preview, "saved": True}


def table_of_rows(rows: list[dict[str, Any]]) -> Table:
    """Rows as :func:`preview_import` gives them, as a table to check again (the import
    page carries a preview's rows to its confirmation this way)."""
    cells = [
        (row["row"], [row["date"], row["value"], row["numerator"], row["denominator"], row["note"]])
        for row in rows
    ]
    return Table(list(COLUMNS), cells, "rows")


# --- export ------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value)


async def export_csv(ctx: ServiceContext, measure_id: int) -> tuple[dict[str, Any], str]:
    """The measure (readable by the actor) and its data points as CSV: the columns the
    import reads, one row per point by date, formula-like cells neutralised."""
    measure = await get_row(ctx, MEASURES, measure_id)
    points = (
        await DataPoint.filter(measure_id=measure_id)
        .order_by("date", "id")
        .values("date", "value", "numerator", "denominator", "note")
    )
    rows = [{column: _cell(point[column]) for column in COLUMNS} for point in points]
    return measure, csv_text(rows, COLUMNS)
