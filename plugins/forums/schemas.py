"""What the forum services accept, validated the same way from a form, the API or a test."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Visibility = Literal["community", "team", "facilitators"]
BODY_LIMIT = 20000
MAX_ID = 2**31 - 1
"""The id columns are 32-bit integers: a larger id names nothing (and PostgreSQL refuses it)."""
RecordId = Annotated[int, Field(gt=0, le=MAX_ID)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class BoardCreate(_Input):
    """A board of the community (no ``team_id``) or of one of its teams."""

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    visibility: Visibility = "community"
    team_id: RecordId | None = None


class ThreadCreate(_Input):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=BODY_LIMIT)
    is_question: bool = False


class ReplyCreate(_Input):
    body: str = Field(min_length=1, max_length=BODY_LIMIT)
    quote_of: RecordId | None = None
    """A post of the same thread this reply quotes (one level: its own text only)."""


class PostEdit(_Input):
    body: str = Field(min_length=1, max_length=BODY_LIMIT)
    version: int = Field(ge=1, le=MAX_ID)
    """The version the edit started from: a later one means someone else edited (409)."""


class ReportCreate(_Input):
    reason: str = Field(min_length=1, max_length=2000)


class Moderation(_Input):
    action: Literal["lock", "unlock", "hide", "unhide", "move"]
    board_id: RecordId | None = None
    """Where ``move`` takes the thread (a board of the same community)."""


class Resolution(_Input):
    resolved: bool


class ReportDecision(_Input):
    outcome: Literal["dismissed", "hidden"]
    """``hidden`` hides the reported post; ``dismissed`` leaves it as it is."""


class PostModeration(_Input):
    action: Literal["hide", "unhide"]
