"""What an API handler receives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request

from core.context import ServiceContext


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


@dataclass(frozen=True)
class ApiCall:
    request: Request
    ctx: ServiceContext
    path: dict[str, Any]
    query: dict[str, Any]
    body: BaseModel | None
    page: Page

    def body_as(self, model: type[Any]) -> Any:
        assert isinstance(self.body, model)
        return self.body
