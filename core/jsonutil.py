"""JSON encoding that knows dates, used by every JSON surface."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def dumps(data: Any, *, indent: int | None = None) -> str:
    return json.dumps(data, default=_default, ensure_ascii=False, indent=indent, sort_keys=False)
