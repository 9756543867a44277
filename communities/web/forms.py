"""Turning submitted forms into validated service inputs, with messages per field."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from core.api.routing import validation_fields

M = TypeVar("M", bound=BaseModel)


def form_values(
    form: FormData, fields: tuple[str, ...], lists: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Text fields as sent ("" means not given) and multi-valued fields as lists."""
    values: dict[str, Any] = {}
    for name in fields:
        raw = form.get(name)
        if isinstance(raw, str) and raw.strip() != "":
            values[name] = raw
    for name in lists:
        values[name] = [v for v in form.getlist(name) if isinstance(v, str) and v]
    return values


def validate(model: type[M], values: dict[str, Any]) -> tuple[M | None, dict[str, str]]:
    try:
        return model.model_validate(values), {}
    except ValidationError as exc:
        return None, validation_fields(exc)
