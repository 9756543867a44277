"""What the exports write: checked values, their text, control characters stripped, and
the attribute names that hold dates (see :mod:`communities.flow.exports`)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any, TypeAlias

Value: TypeAlias = str | int | float | bool | date

# --- values ---------------------------------------------------------------------------

DATE_ATTRIBUTES = frozenset({"start", "end", "date", "as_of"})
DATE_SUFFIXES = ("_date", "_on")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# C0 controls but tab, newline and carriage return; DEL and C1; lone surrogates; the two
# non-characters XML refuses. No export writes them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def is_date_attribute(name: str) -> bool:
    """Whether an ISO-date string under this attribute name is read as a ``date``."""
    return name in DATE_ATTRIBUTES or name.endswith(DATE_SUFFIXES)


def restore_value(name: str, value: Any) -> Any:
    """A value read from a file, as a ``date`` when it is an ISO date under a date name."""
    if isinstance(value, str) and is_date_attribute(name) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:  # 2024-13-45: not a date after all
            return value
    return value


def clean_text(text: str) -> str:
    """Text without control characters (tab, newline and carriage return are kept)."""
    return _CONTROL.sub("", text)


def checked_value(where: str, name: Any, value: Any) -> Value:
    """A value exports take, strings cleaned (:func:`clean_text`); others raise."""
    if isinstance(value, str):
        return clean_text(value)
    if not isinstance(value, int | float | date):  # bool is an int
        raise TypeError(
            f"{where}: attribute {name!r} holds a {type(value).__name__}; exports take "
            "str, int, float, bool and date values"
        )
    return value


def attribute_items(where: str, data: Mapping[Any, Any]) -> Iterator[tuple[str, Value]]:
    """The attributes worth writing: ``None`` left out, unsupported types refused."""
    for name, value in data.items():
        if value is not None:
            yield clean_text(str(name)), checked_value(where, name, value)


def graph_items(data: Mapping[Any, Any]) -> Iterator[tuple[str, Value | list[Value]]]:
    """Graph metadata: values as for nodes, and lists of them (the community slugs)."""
    for name, value in data.items():
        if isinstance(value, list | tuple):
            yield str(name), [checked_value("graph", name, item) for item in value]
        elif value is not None:
            yield str(name), checked_value("graph", name, value)


def edge_attributes(u: Any, v: Any, key: Any, data: Mapping[Any, Any]) -> dict[str, Value]:
    """An edge's attributes, plus ``key`` when its key is not its kind (``member/2``)."""
    where = f"edge {u!r} -> {v!r} ({key!r})"
    attrs = dict(attribute_items(where, data))
    if "key" in attrs:
        raise ValueError(f"{where}: attribute 'key' clashes with the edge key exports write")
    if key != attrs.get("kind"):
        attrs["key"] = checked_value(where, "key", key)
    return attrs


def no_clash(where: str, attrs: Mapping[str, Any], reserved: Iterable[str]) -> None:
    """Refuse attribute names a format keeps for itself."""
    for name in reserved:
        if name in attrs:
            raise ValueError(f"{where}: attribute {name!r} clashes with a field of the format")


def node_id(node: Any) -> str:
    """A node's id as the files write it."""
    return clean_text(str(node))


def value_text(value: Value) -> str:
    """A value as text: ``true``/``false``, ISO dates, floats exact (``INF``, ``NaN``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "INF" if value > 0 else "-INF"
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
