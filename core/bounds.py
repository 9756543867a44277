"""The ranges every input is held to at the edge, so that no value reaches the database
(or date arithmetic) that it cannot take.

- Integers: the id columns and integer fields are 32-bit on PostgreSQL (SQLite takes
  64 bits), so an id is 1 to :data:`MAX_ID` and any other stored integer lies within
  :data:`MIN_INT`..:data:`MAX_INT`. A path id outside that range names nothing: the
  ``int`` path convertor (:class:`IdConvertor`, registered by the kernel) does not match
  it, so the request answers 404 like a missing record. A value outside it (JSON body,
  query string, form) answers 422 naming the field.
- Dates and times: years :data:`FIRST_DAY` to :data:`LAST_DAY` (1900 to 2200), so that
  converting between time zones or adding durations cannot leave Python's range.
- Text: no control characters anywhere but tab, newline and carriage return (PostgreSQL
  cannot store NUL); single-line fields (:data:`Line`: names, titles) none at all.

Schemas take the types :data:`Id`, :data:`Int`, :data:`Day`, :data:`Moment` and
:data:`Line` and derive from :class:`InputModel`; hand-parsed values go through
:func:`parse_int`, :func:`parse_day`, :func:`int_or_none` and :func:`id_or_none`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from starlette.convertors import Convertor, register_url_convertor

from core.errors import InvalidInput

MIN_INT = -(2**31)
MAX_INT = 2**31 - 1
MAX_ID = MAX_INT
"""Ids are positive 32-bit integers: a larger one names nothing."""
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2200, 12, 31)
WINDOW = f"between {FIRST_DAY.year} and {LAST_DAY.year}"

_MULTILINE_OK = frozenset("\t\n\r")
_INTEGER = re.compile(r"^[+-]?[0-9]{1,40}$")  # ASCII digits, and few enough to convert fast


# --- checks (each raises ValueError, which pydantic reports against the field) --------


def check_day(value: date) -> date:
    """``value`` (a date or datetime), if its year is in the window."""
    if not FIRST_DAY.year <= value.year <= LAST_DAY.year:
        raise ValueError(f"the year must be {WINDOW}")
    return value


def _controls(value: str, allowed: frozenset[str]) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") and ch not in allowed for ch in value)


def check_line(value: str) -> str:
    """``value`` if it is one line: no newline, tab or other control character."""
    if _controls(value, frozenset()):
        raise ValueError("must be a single line, without control characters")
    return value


def check_text(value: str) -> str:
    """``value`` if it has no control characters other than tab and line breaks."""
    if _controls(value, _MULTILINE_OK):
        raise ValueError("must not contain control characters")
    return value


def fold_line(text: str) -> str:
    """``text`` made one line: each run of white space and control characters becomes one
    space. For a search term, or stored text shown where one line must be (a mail
    subject, a calendar entry)."""
    kept = "".join(" " if _controls(ch, frozenset()) else ch for ch in text)
    return " ".join(kept.split())


# --- types for pydantic schemas --------------------------------------------------------

Id = Annotated[int, Field(gt=0, le=MAX_ID)]
"""A record id (1 to :data:`MAX_ID`)."""
Int = Annotated[int, Field(ge=MIN_INT, le=MAX_INT)]
"""Any integer the database stores."""
Day = Annotated[date, AfterValidator(check_day)]
"""A date in the window."""
Moment = Annotated[datetime, AfterValidator(check_day)]
"""A date and time in the window."""
Line = Annotated[str, AfterValidator(check_line)]
"""A single-line string; add length limits with ``StringConstraints`` or ``Field``."""


class InputModel(BaseModel):
    """The base of every input schema: unknown fields are refused, strings are stripped,
    and no string holds a control character other than tab or a line break."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        for item in value if isinstance(value, list | tuple | set) else (value,):
            if isinstance(item, str):
                check_text(item)
        return value


# --- hand-parsed values (query strings, forms) ------------------------------------------


def parse_int(name: str, raw: str, low: int = MIN_INT, high: int = MAX_INT) -> int:
    """``raw`` as an integer from ``low`` to ``high``, else :class:`InvalidInput` naming
    ``name``."""
    text = raw.strip()
    if not _INTEGER.match(text):
        raise InvalidInput.field(name, "must be an integer")
    value = int(text)
    if not low <= value <= high:
        raise InvalidInput.field(name, f"must be an integer from {low} to {high}")
    return value


def parse_day(name: str, raw: str) -> date:
    """``raw`` as a ``YYYY-MM-DD`` date in the window, else :class:`InvalidInput`."""
    try:
        return check_day(date.fromisoformat(raw.strip()))
    except ValueError as exc:
        problem = str(exc) if "year" in str(exc) else "must be a date as YYYY-MM-DD"
        raise InvalidInput.field(name, problem) from None


def int_or_none(raw: object, low: int = MIN_INT, high: int = MAX_INT) -> int | None:
    """``raw`` (a form or query value) as an integer from ``low`` to ``high``, or None
    when it is not one. (``str.isdigit`` then ``int`` is not enough: ``"²".isdigit()``.)"""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, str) and _INTEGER.match(raw.strip()):
        value = int(raw.strip())
    else:
        return None
    return value if low <= value <= high else None


def id_or_none(raw: object) -> int | None:
    """``raw`` (a form or query value) as an id, or None when it is not one."""
    return int_or_none(raw, 1, MAX_ID)


# --- the ``{name:int}`` path convertor ---------------------------------------------------


def _up_to(limit: int) -> str:
    """A regular expression matching the decimal numbers 0..``limit`` (leading zeros too)."""
    digits = str(limit)
    parts = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for i, d in enumerate(digits):
        if d != "0":
            rest = len(digits) - i - 1
            low = "1" if i == 0 else "0"
            if int(d) - 1 >= int(low):
                tail = f"[0-9]{{{rest}}}" if rest else ""
                parts.append(f"{digits[:i]}[{low}-{int(d) - 1}]{tail}")
    parts.append(digits)
    return "0*(?:" + "|".join(parts) + ")"


class IdConvertor(Convertor[int]):
    """Starlette's ``int`` convertor, bounded to the ids the database can hold: a larger
    number does not match, so the path answers 404 as a missing record does."""

    regex = _up_to(MAX_ID)

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        value = int(value)
        assert 0 <= value <= MAX_ID, "an id is 0 to MAX_ID"
        return str(value)


def register_path_convertors() -> None:
    """Make ``{name:int}`` the bounded :class:`IdConvertor` in every route made after this.

    Starlette keeps convertors in one module-level table and compiles a route's pattern
    when the route is made (for most routes, when their module is imported), so the
    kernel calls this when the ``core`` package is first imported, before any module
    that makes routes can import ``core`` to make them."""
    register_url_convertor("int", IdConvertor())
