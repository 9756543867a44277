"""What the services accept, validated the same way from a form, the API, the CLI or a test.

Times arrive as wall-clock times (``2025-01-14T16:00``) in the convening's time zone,
within the platform's window of dates (``Moment``), so that no conversion to UTC or
another zone can leave the calendar.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from plugins.api import Id, InputModel, Line, Moment
from plugins.convenings.times import zone

Answer = Literal["yes", "maybe", "no"]
Title = Annotated[Line, Field(min_length=1, max_length=200)]


def _checked_zone(value: str | None) -> str | None:
    if value:
        zone(value)
    return value or None


class ConveningCreate(InputModel):
    community_id: Id
    title: Title
    series: Annotated[Line, Field(min_length=1, max_length=200)] = "Quarterly convening"
    team_ids: list[Id] | None = Field(
        default=None, description="participating teams; default: the DIDT and every SIDT"
    )
    place: Annotated[Line, Field(max_length=300)] = ""
    video_url: str = Field(default="", max_length=500, pattern=r"^(https?://\S+)?$")
    time_zone: Line | None = Field(default=None, description="IANA name; default: the community's")
    duration_minutes: int = Field(default=180, ge=15, le=720)
    options: list[Moment] = Field(
        default_factory=list, max_length=12, description="proposed local start times"
    )

    _zone = field_validator("time_zone")(_checked_zone)


class ConveningUpdate(InputModel):
    title: Title | None = None
    place: Annotated[Line, Field(max_length=300)] | None = None
    video_url: str | None = Field(default=None, max_length=500, pattern=r"^(https?://\S+)?$")
    time_zone: Line | None = None
    duration_minutes: int | None = Field(default=None, ge=15, le=720)
    team_ids: list[Id] | None = None
    status: Literal["planning", "confirmed", "held", "cancelled"] | None = None

    _zone = field_validator("time_zone")(_checked_zone)


class OptionCreate(InputModel):
    starts_at: Moment = Field(description="local start time in the convening's time zone")


class AvailabilityIn(InputModel):
    answers: dict[Id, Answer] = Field(description="option id to yes, maybe (if need be) or no")
    person_id: Id | None = Field(default=None, description="whose answers (default: yours)")


class ConfirmIn(InputModel):
    option_id: Id


class RsvpIn(InputModel):
    answer: Answer
    person_id: Id | None = None


class AttendanceIn(InputModel):
    attended: list[Id] = Field(description="ids of the people who came; other invitees did not")


class InviteeChange(InputModel):
    person_id: Id
    invited: bool = True


class AgendaEntryCreate(InputModel):
    title: Annotated[Line, Field(min_length=1, max_length=300)]
    detail: str = Field(default="", max_length=10000)
    minutes: int | None = Field(default=None, ge=1, le=600)
    presenter_id: Id | None = None


class AgendaEntryUpdate(InputModel):
    title: Annotated[Line, Field(min_length=1, max_length=300)] | None = None
    detail: str | None = Field(default=None, max_length=10000)
    minutes: int | None = Field(default=None, ge=1, le=600)
    presenter_id: Id | None = None
    position: int | None = Field(default=None, ge=1, le=10_000, description="1 = first")
    notes: str | None = Field(default=None, max_length=20000)


class DecisionCreate(InputModel):
    text: str = Field(min_length=1, max_length=5000)
    cycle_ids: list[Id] = Field(default_factory=list, description="the cycles it rests on")
    entry_id: Id | None = Field(default=None, description="the agenda item it was taken on")
    artifact_version_id: Id | None = Field(
        default=None, description="the artifact version it led to"
    )
