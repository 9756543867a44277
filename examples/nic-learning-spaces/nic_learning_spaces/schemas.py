"""What the services accept, validated the same way from a form, the CLI or a test.

The platform's bounded types (``plugins.api``): ``Id`` for record ids, ``Day`` for dates,
``Line`` for one-line text, on ``InputModel`` (no unknown fields, no control characters).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from plugins.api import Day, Id, InputModel, Line

Kind = Literal["data_dive", "community_of_practice", "onboarding"]
Cadence = Literal["weekly", "biweekly", "monthly", "quarterly"]


class FocusEntry(InputModel):
    """One month of the scope and sequence: ``month`` 1 (January) to 12."""

    month: int = Field(ge=1, le=12)
    focus: Annotated[Line, Field(min_length=1, max_length=300)]


class SpaceCreate(InputModel):
    community_id: Id
    name: Annotated[Line, Field(min_length=1, max_length=200)]
    kind: Kind
    cadence: Cadence
    description: str = Field(default="", max_length=5000)
    facilitator_id: Id | None = None
    participant_ids: list[Id] = Field(default_factory=list)
    scope: list[FocusEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_focus_a_month(self) -> SpaceCreate:
        months = [entry.month for entry in self.scope]
        if len(months) != len(set(months)):
            raise ValueError("the scope and sequence names a month twice")
        return self


class SessionCreate(InputModel):
    held_on: Day
    notes: str = Field(default="", max_length=10000)
    cycle_ids: list[Id] = Field(default_factory=list)
