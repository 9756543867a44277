"""Files of data points: reading a CSV or XLSX table and checking its rows.

One reader for the import page, the API and ``nic data import``
(:mod:`communities.services.data_import` adds what needs the database: duplicates and
saving). Nothing here touches the database.

The layout: a header row, then one row per data point. Columns, by header (any case,
surrounding spaces and a trailing ``(unit)`` ignored, aliases in :data:`ALIASES`):
``date`` (required), ``value``, ``numerator``, ``denominator``, ``note``; others are
ignored and listed. A CSV file is UTF-8 (with or without a byte-order mark), separated
by commas, semicolons or tabs (the header row tells which); in a semicolon file a decimal
comma is read too (``3,5``). An XLSX file is read from its first sheet, dates as real
dates or ``YYYY-MM-DD`` text. Rows are numbered as a spreadsheet shows them: the header
is row 1.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.bounds import check_day, check_text
from core.errors import InvalidInput

logger = logging.getLogger("nic.data_files")

MAX_FILE_BYTES = 2_000_000
"""The largest file taken (CSV or XLSX)."""
MAX_ROWS = 10_000
"""The most data rows a file may hold (ten years of daily points, and more)."""
MAX_UNPACKED_BYTES = 40_000_000
"""The most an XLSX file may unpack to (a zip bomb is refused before it is read)."""
MAX_COLUMNS = 50
MAX_NOTE = 20_000

COLUMNS = ("date", "value", "numerator", "denominator", "note")
ALIASES: dict[str, str] = {
    **{name: name for name in COLUMNS},
    "day": "date",
    "period": "date",
    "week": "date",
    "week of": "date",
    "month": "date",
    "result": "value",
    "measurement": "value",
    "observation": "value",
    "num": "numerator",
    "events": "numerator",
    "denom": "denominator",
    "den": "denominator",
    "total": "denominator",
    "sample size": "denominator",
    "opportunities": "denominator",
    "notes": "note",
    "comment": "note",
    "comments": "note",
}
"""Header names read as each column (after folding case, spaces and underscores)."""
RATIO_CHARTS = ("p", "u")
"""Chart types whose every point needs a numerator and a denominator."""

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_UNIT = re.compile(r"\s*\([^)]*\)\s*$")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_XLSX = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc)

Cell = str | float | int | date | datetime | bool | None


@dataclass(frozen=True)
class Table:
    """What a file holds: its header cells and its data rows, each with its row number."""

    header: list[str]
    rows: list[tuple[int, list[Cell]]]
    kind: str  # "csv" or "xlsx"
    decimal_comma: bool = False


@dataclass(frozen=True)
class DataRow:
    """A checked row: a data point to be."""

    row: int
    date: date
    value: float
    numerator: float | None
    denominator: float | None
    note: str


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one cell of a row (``column`` is the column's name), or with
    the file (row 0, or row 1 for the header)."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class CheckedFile:
    """The rows that passed, the problems of the others, and how the header was read."""

    rows: list[DataRow]
    problems: list[RowProblem]
    columns: dict[str, str]  # column name -> the header cell it was read from
    ignored: list[str]


def _refuse(problem: str) -> InvalidInput:
    return InvalidInput(f"file: {problem}", {"file": problem})


# --- reading ---------------------------------------------------------------------------


def read_table(content: bytes, filename: str = "") -> Table:
    """The table in ``content`` (a CSV or XLSX file), else :class:`InvalidInput` naming
    ``file`` with what is wrong: empty, too large, not CSV or XLSX, damaged."""
    if not content.strip():
        raise _refuse("the file is empty")
    if len(content) > MAX_FILE_BYTES:
        raise _refuse(f"the file is over {MAX_FILE_BYTES // 1_000_000} MB")
    name = filename.lower()
    if content.startswith(_XLSX) or name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(content)
    if content.startswith(_OLE) or name.endswith(".xls"):
        raise _refuse("old .xls workbooks are not read: save it as .xlsx or as CSV UTF-8")
    return _read_csv(content)


def _read_csv(content: bytes) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("not a CSV file in UTF-8 nor an XLSX workbook") from None
    if "\x00" in text:
        raise _refuse("not a CSV file in UTF-8 nor an XLSX workbook")
    first = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=lambda d: len(next(csv.reader([first], delimiter=d))))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[Cell]]] = []
    try:
        header = next(reader, [])
        for number, cells in enumerate(reader, start=2):
            if number > MAX_ROWS + 1:
                raise _refuse(f"more than {MAX_ROWS} rows; split the file")
            rows.append((number, list(cells[:MAX_COLUMNS])))
    except csv.Error as exc:
        raise _refuse(f"row {reader.line_num}: not valid CSV ({exc})") from None
    return Table(header[:MAX_COLUMNS], rows, "csv", decimal_comma=delimiter == ";")


def _read_xlsx(content: bytes) -> Table:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse("the XLSX workbook is damaged (not a readable zip file)") from None
    if len(members) > 1_000 or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise _refuse("the XLSX workbook unpacks to too much data")
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        logger.info("unreadable workbook: %r", exc)
        raise _refuse("not an XLSX workbook, or a damaged one") from None
    try:
        return _sheet_table(book)
    except InvalidInput:
        raise
    except Exception as exc:  # damaged sheet XML shows only while reading the rows
        logger.info("unreadable sheet: %r", exc)
        raise _refuse("the workbook's first sheet cannot be read (damaged)") from None
    finally:
        book.close()


def _sheet_table(book: Any) -> Table:
    if not book.worksheets:
        raise _refuse("the workbook has no sheet")
    sheet = book.worksheets[0]
    sheet.reset_dimensions()  # the stored dimensions may be wrong; read what is there
    lines: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    header: list[str] = []
    rows: list[tuple[int, list[Cell]]] = []
    for number, cells in enumerate(lines, start=1):
        if number == 1:
            header = ["" if cell is None else str(cell) for cell in cells]
            continue
        if number > MAX_ROWS + 1:
            raise _refuse(f"more than {MAX_ROWS} rows; split the file")
        rows.append((number, list(cells)))
    return Table(header, rows, "xlsx")


# --- the header ------------------------------------------------------------------------


def _folded(cell: str) -> str:
    text = _UNIT.sub("", cell.replace("\ufeff", "")).strip().lower()
    return " ".join(text.replace("_", " ").split())


def read_header(header: list[str], chart_type: str) -> tuple[dict[str, int], dict[str, str]]:
    """Which position each column has, and the header cell it was read from; a header
    that lacks a needed column, or names one twice, is refused naming ``file``."""
    positions: dict[str, int] = {}
    sources: dict[str, str] = {}
    for index, cell in enumerate(header):
        column = ALIASES.get(_folded(cell))
        if column is None:
            continue
        if column in positions:
            raise _refuse(f"two columns are read as {column}: {sources[column]!r} and {cell!r}")
        positions[column], sources[column] = index, cell.strip()
    if "date" not in positions:
        raise _refuse("the header row (row 1) has no date column")
    ratio = "numerator" in positions and "denominator" in positions
    if chart_type in RATIO_CHARTS and not ratio:
        raise _refuse(
            f"a {chart_type} chart needs numerator and denominator columns in the header row"
        )
    if "value" not in positions and not ratio:
        raise _refuse("the header row (row 1) has no value column")
    return positions, sources


# --- the cells --------------------------------------------------------------------------


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _day(cell: Cell) -> date:
    if isinstance(cell, datetime):
        day = cell.date()
    elif isinstance(cell, date):
        day = cell
    elif isinstance(cell, str):
        text = cell.strip()
        try:
            day = date.fromisoformat(text)
        except ValueError:
            try:
                day = datetime.fromisoformat(text).date()  # a date with a time
            except ValueError:
                raise ValueError(f"{text!r} is not a date as YYYY-MM-DD") from None
    else:
        raise ValueError(f"{cell!r} is not a date: format the cell as a date, or YYYY-MM-DD")
    return check_day(day)


def _number(cell: Cell, decimal_comma: bool) -> float:
    if isinstance(cell, bool | date):
        raise ValueError(f"{cell!r} is not a number")
    if isinstance(cell, int | float):
        value = float(cell)
    else:
        text = str(cell).strip()
        if decimal_comma and _DECIMAL_COMMA.fullmatch(text):
            text = text.replace(",", ".")
        if not _NUMBER.fullmatch(text):
            raise ValueError(f"{text!r} is not a number")
        value = float(text)
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def _note(cell: Cell) -> str:
    if _blank(cell):
        return ""
    text = cell.isoformat() if isinstance(cell, date) else str(cell).strip()
    if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS):
        text = text[1:]  # written so by our export (a formula-safe cell): read back as was
    if len(text) > MAX_NOTE:
        raise ValueError(f"longer than {MAX_NOTE} characters")
    return check_text(text)


def check_row(
    number: int, cells: list[Cell], positions: dict[str, int], chart_type: str, comma: bool
) -> DataRow | list[RowProblem]:
    """Row ``number`` as a data point, or the problems of its cells (all of them)."""
    raw = {name: cells[i] if i < len(cells) else None for name, i in positions.items()}
    problems: list[RowProblem] = []
    parsed: dict[str, Any] = {}

    def bad(column: str, message: str) -> None:
        problems.append(RowProblem(number, column, message))

    if _blank(raw["date"]):
        bad("date", "the date is missing")
    else:
        try:
            parsed["date"] = _day(raw["date"])
        except ValueError as exc:
            bad("date", str(exc))
    for column in ("value", "numerator", "denominator"):
        if column in raw and not _blank(raw[column]):
            try:
                parsed[column] = _number(raw[column], comma)
            except ValueError as exc:
                bad(column, str(exc))
    try:
        parsed["note"] = _note(raw.get("note"))
    except ValueError as exc:
        bad("note", str(exc))
    problems += _rules(number, parsed, raw, chart_type)
    if problems:
        return problems
    num, den = parsed.get("numerator"), parsed.get("denominator")
    value = parsed.get("value")
    if value is None:
        assert num is not None and den is not None  # else the rules found a problem
        value = num / den
    return DataRow(number, parsed["date"], value, num, den, parsed["note"])


def _rules(
    number: int, parsed: dict[str, Any], raw: dict[str, Cell], chart_type: str
) -> list[RowProblem]:
    """What the numbers of a row break: signs, pairs, what the chart type needs."""
    found: list[RowProblem] = []
    num, den, value = parsed.get("numerator"), parsed.get("denominator"), parsed.get("value")
    given = {c: c in raw and not _blank(raw[c]) for c in ("value", "numerator", "denominator")}
    if num is not None and num < 0:
        found.append(RowProblem(number, "numerator", "the numerator cannot be negative"))
    if den is not None and den <= 0:
        found.append(RowProblem(number, "denominator", "the denominator must be above 0"))
    for column, other in (("numerator", "denominator"), ("denominator", "numerator")):
        if given[column] and not given[other]:
            found.append(RowProblem(number, other, f"the {other} is missing (a {column} is given)"))
    if chart_type in RATIO_CHARTS:
        if not given["numerator"] and not given["denominator"]:
            found += [
                RowProblem(number, column, f"the {column} is missing (a {chart_type} chart)")
                for column in ("numerator", "denominator")
            ]
    elif not given["value"] and not (given["numerator"] and given["denominator"]):
        found.append(RowProblem(number, "value", "the value is missing"))
    if chart_type == "p" and num is not None and den is not None and 0 < den < num:
        found.append(
            RowProblem(
                number, "numerator", f"the numerator {num:g} is more than the denominator {den:g}"
            )
        )
    if chart_type == "c" and value is not None and value < 0:
        found.append(RowProblem(number, "value", "a count cannot be negative (a c chart)"))
    return found


def check_table(table: Table, chart_type: str) -> CheckedFile:
    """Every row of ``table`` checked for a measure with ``chart_type``; blank rows are
    passed over."""
    positions, sources = read_header(table.header, chart_type)
    ignored = [cell.strip() for i, cell in enumerate(table.header) if cell and cell.strip()]
    ignored = [c for c in ignored if ALIASES.get(_folded(c)) is None]
    rows: list[DataRow] = []
    problems: list[RowProblem] = []
    for number, cells in table.rows:
        if all(_blank(cell) for cell in cells):
            continue
        checked = check_row(number, cells, positions, chart_type, table.decimal_comma)
        if isinstance(checked, DataRow):
            rows.append(checked)
        else:
            problems += checked
    if not rows and not problems:
        raise _refuse("the file has a header row but no data rows")
    return CheckedFile(rows, problems, sources, ignored)


def check_file(content: bytes, filename: str, chart_type: str) -> CheckedFile:
    """Read and check a file of data points (see the module's documentation)."""
    return check_table(read_table(content, filename), chart_type)
