"""What the services accept, validated the same way from a form, the CLI or a test."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Kind = Literal["data_dive", "community_of_practice", "onboarding"]
Cadence = Literal["weekly", "biweekly", "monthly", "quarterly"]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class FocusEntry(_Input):
    """One month of the scope and sequence: ``month`` 1 (January) to 12."""

    month: int = Field(ge=1, le=12)
    focus: str = Field(min_length=1, max_length=300)


class SpaceCreate(_Input):
    community_id: int
    name: str = Field(min_length=1, max_length=200)
    kind: Kind
    cadence: Cadence
    description: str = Field(default="", max_length=5000)
    facilitator_id: int | None = None
    participant_ids: list[int] = Field(default_factory=list)
    scope: list[FocusEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_focus_a_month(self) -> SpaceCreate:
        months = [entry.month for entry in self.scope]
        if len(months) != len(set(months)):
            raise ValueError("the scope and sequence names a month twice")
        return self


class SessionCreate(_Input):
    held_on: date
    notes: str = Field(default="", max_length=10000)
    cycle_ids: list[int] = Field(default_factory=list)
