"""What the services accept, validated the same way from a form, the API, the CLI or a test."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from core.plugin_api import MAX_ID, Day, Id, InputModel, Line

PERIOD = re.compile(r"^(\d{4})-Q([1-4])$")
Kind = Literal["self_review", "external_review"]
Level = Annotated[int, Field(ge=0, le=100)]


def valid_id(value: int) -> bool:
    """Whether ``value`` can be an id (larger ones are refused before any query)."""
    return 0 < value <= MAX_ID


def quarter_index(period: str) -> int:
    """``2025-Q3`` as a count of quarters (for ordering and distances)."""
    match = PERIOD.match(period)
    if not match:
        raise ValueError(f"expected a period such as 2025-Q3, got {period!r}")
    return int(match.group(1)) * 4 + int(match.group(2)) - 1


class RubricImport(InputModel):
    """A rubric as YAML text (a new rubric, or a new version of the one with its name)."""

    yaml: str = Field(min_length=1, max_length=500_000)
    note: Annotated[Line, Field(max_length=300)] = ""


class RubricCreate(InputModel):
    """A rubric as data (the JSON API): the shape of the YAML file."""

    definition: dict[str, Any]
    note: Annotated[Line, Field(max_length=300)] = ""


class AssessmentCreate(InputModel):
    """Of a team (``team_id``) or an organization such as a school (``organization_id``)."""

    team_id: Id | None = None
    organization_id: Id | None = None
    rubric_id: Id
    period: str = Field(description="a quarter, such as 2025-Q3")
    kind: Kind
    held_on: Day
    note: str = Field(default="", max_length=5000)

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        quarter_index(value)
        return value


class ScoreIn(InputModel):
    indicator: Annotated[Line, Field(min_length=1, max_length=64)]
    level: Level | None = None
    evidence: str = Field(default="", max_length=10_000)
    cycle_ids: list[Id] = Field(default_factory=list, max_length=50)
    artifact_ids: list[Id] = Field(default_factory=list, max_length=50)


class ScoresIn(InputModel):
    """One rater's scores; ``submit`` asks for every indicator to have a level."""

    scores: list[ScoreIn] = Field(default_factory=list)
    submit: bool = False


class ConsensusIn(InputModel):
    indicator: Annotated[Line, Field(min_length=1, max_length=64)]
    level: Level
    note: str = Field(default="", max_length=5000)


class ConsensusSet(InputModel):
    consensus: list[ConsensusIn]


class TargetIn(InputModel):
    indicator: Annotated[Line, Field(min_length=1, max_length=64)]
    level: Level


class TargetsSet(InputModel):
    rubric_id: Id
    year: int = Field(ge=2000, le=2100)
    targets: list[TargetIn]
