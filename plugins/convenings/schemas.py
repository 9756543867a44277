"""What the services accept, validated the same way from a form, the API, the CLI or a test.

Times arrive as wall-clock times (``2025-01-14T16:00``) in the convening's time zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from plugins.convenings.times import zone

Answer = Literal["yes", "maybe", "no"]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _checked_zone(value: str | None) -> str | None:
    if value:
        zone(value)
    return value or None


class ConveningCreate(_Input):
    community_id: int
    title: str = Field(min_length=1, max_length=200)
    series: str = Field(default="Quarterly convening", min_length=1, max_length=200)
    team_ids: list[int] | None = Field(
        default=None, description="participating teams; default: the DIDT and every SIDT"
    )
    place: str = Field(default="", max_length=300)
    video_url: str = Field(default="", max_length=500, pattern=r"^(https?://\S+)?$")
    time_zone: str | None = Field(default=None, description="IANA name; default: the community's")
    duration_minutes: int = Field(default=180, ge=15, le=720)
    options: list[datetime] = Field(
        default_factory=list, max_length=12, description="proposed local start times"
    )

    _zone = field_validator("time_zone")(_checked_zone)


class ConveningUpdate(_Input):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    place: str | None = Field(default=None, max_length=300)
    video_url: str | None = Field(default=None, max_length=500, pattern=r"^(https?://\S+)?$")
    time_zone: str | None = None
    duration_minutes: int | None = Field(default=None, ge=15, le=720)
    team_ids: list[int] | None = None
    status: Literal["planning", "confirmed", "held", "cancelled"] | None = None

    _zone = field_validator("time_zone")(_checked_zone)


class OptionCreate(_Input):
    starts_at: datetime = Field(description="local start time in the convening's time zone")


class AvailabilityIn(_Input):
    answers: dict[int, Answer] = Field(description="option id to yes, maybe (if need be) or no")
    person_id: int | None = Field(default=None, description="whose answers (default: yours)")


class ConfirmIn(_Input):
    option_id: int


class RsvpIn(_Input):
    answer: Answer
    person_id: int | None = None


class AttendanceIn(_Input):
    attended: list[int] = Field(description="ids of the people who came; other invitees did not")


class InviteeChange(_Input):
    person_id: int
    invited: bool = True


class AgendaEntryCreate(_Input):
    title: str = Field(min_length=1, max_length=300)
    detail: str = Field(default="", max_length=10000)
    minutes: int | None = Field(default=None, ge=1, le=600)
    presenter_id: int | None = None


class AgendaEntryUpdate(_Input):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    detail: str | None = Field(default=None, max_length=10000)
    minutes: int | None = Field(default=None, ge=1, le=600)
    presenter_id: int | None = None
    position: int | None = Field(default=None, ge=1, description="1 = first")
    notes: str | None = Field(default=None, max_length=20000)


class DecisionCreate(_Input):
    text: str = Field(min_length=1, max_length=5000)
    cycle_ids: list[int] = Field(default_factory=list, description="the cycles it rests on")
    entry_id: int | None = Field(default=None, description="the agenda item it was taken on")
    artifact_version_id: int | None = Field(
        default=None, description="the artifact version it led to"
    )
