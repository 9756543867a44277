"""What the services accept, validated the same way from a form, the API, the CLI or a test."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from plugins.api import MAX_ID, Day, Id, InputModel, Line

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


# --- what the progress operations answer (documented in the OpenAPI document) ---------------


class _Output(BaseModel):
    model_config = ConfigDict(extra="allow")


class ProgressPeriod(_Output):
    """One period the subject was assessed in with this rubric (the assessment counted)."""

    period: str = Field(description="a quarter, such as 2025-Q3")
    assessment_id: int
    kind: Kind
    held_on: date
    version: int = Field(description="the rubric version the assessment used")
    mean: float | None = Field(description="the mean level over the indicators scored")


class ProgressRow(_Output):
    """One indicator of the rubric's latest version, with its level in each period."""

    key: str
    name: str
    dimension: str
    dimension_index: int
    levels: list[str] = Field(description="what each level means on this indicator")
    cells: list[int | None] = Field(description="the level per period, in `periods` order")
    change: int | None = Field(description="latest level minus the previous period's")
    target: int | None = Field(description="this year's target level, if set")
    met: bool


class Movement(_Output):
    up: list[str]
    down: list[str]
    same: list[str]


class RubricProgress(_Output):
    """A subject's progress on one rubric: a team assessed with two rubrics has two."""

    rubric_id: int
    rubric_name: str
    levels: list[str] = Field(description="the rubric's level names, level 1 first")
    periods: list[ProgressPeriod]
    rows: list[ProgressRow]
    year: int = Field(description="the year of the latest period, which the targets are for")
    targets_set: int
    targets_met: int
    movement: Movement | None = Field(description="indicator keys by direction since `previous`")
    previous: str | None
    latest: str


class SubjectProgress(_Output):
    """``items``: one entry per rubric the team or organization was assessed with, by id."""

    items: list[RubricProgress]
