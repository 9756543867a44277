"""What the forum services accept, validated the same way from a form, the API or a test."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from plugins.api import MAX_ID, Id, InputModel, Line

Visibility = Literal["community", "team", "facilitators"]
BODY_LIMIT = 20000
RecordId = Id
"""A record id: 1 to ``MAX_ID`` (the platform's bound; a larger one names nothing)."""


class BoardCreate(InputModel):
    """A board of the community (no ``team_id``) or of one of its teams."""

    name: Annotated[Line, Field(min_length=1, max_length=200)]
    description: str = Field(default="", max_length=2000)
    visibility: Visibility = "community"
    team_id: RecordId | None = None


class ThreadCreate(InputModel):
    title: Annotated[Line, Field(min_length=1, max_length=200)]
    body: str = Field(min_length=1, max_length=BODY_LIMIT)
    is_question: bool = False


class ReplyCreate(InputModel):
    body: str = Field(min_length=1, max_length=BODY_LIMIT)
    quote_of: RecordId | None = None
    """A post of the same thread this reply quotes (one level: its own text only)."""


class PostEdit(InputModel):
    body: str = Field(min_length=1, max_length=BODY_LIMIT)
    version: int = Field(ge=1, le=MAX_ID)
    """The version the edit started from: a later one means someone else edited (409)."""


class ReportCreate(InputModel):
    reason: str = Field(min_length=1, max_length=2000)


class Moderation(InputModel):
    action: Literal["lock", "unlock", "hide", "unhide", "move"]
    board_id: RecordId | None = None
    """Where ``move`` takes the thread (a board of the same community)."""


class Resolution(InputModel):
    resolved: bool


class ReportDecision(InputModel):
    outcome: Literal["dismissed", "hidden"]
    """``hidden`` hides the reported post; ``dismissed`` leaves it as it is."""


class PostModeration(InputModel):
    action: Literal["hide", "unhide"]
