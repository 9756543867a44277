"""The JSON API of the caller's own notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from core.api.calls import ApiCall
from core.api.operations import Operation, QueryParam
from core.api.routing import paginated
from core.bounds import Id, InputModel
from core.notifications import list_notifications, mark_read


class NotificationOut(BaseModel):
    id: int
    community_id: int | None
    source: str
    kind: str
    text: str
    url: str
    created_at: datetime
    read_at: datetime | None


class MarkRead(InputModel):
    ids: list[Id] | None = Field(None, description="the notifications to mark; all when left out")


class Marked(BaseModel):
    marked: int


def _user_id(call: ApiCall) -> int:
    assert call.ctx.actor.user_id is not None  # the API only lets signed-in callers through
    return call.ctx.actor.user_id


async def get_notifications(call: ApiCall) -> dict[str, Any]:
    rows, total = await list_notifications(
        _user_id(call),
        offset=call.page.offset,
        limit=call.page.size,
        unread_only=bool(call.query.get("unread")),
    )
    return paginated(rows, total, call.page)


async def post_read(call: ApiCall) -> dict[str, Any]:
    body = call.body
    assert isinstance(body, MarkRead)
    return {"marked": await mark_read(_user_id(call), body.ids)}


OPERATIONS = [
    Operation(
        "GET",
        "/notifications",
        "listNotifications",
        "Your notifications, newest first",
        "accounts",
        get_notifications,
        response=NotificationOut,
        paginated=True,
        query=(QueryParam("unread", bool, "only those not yet read"),),
    ),
    Operation(
        "POST",
        "/notifications/read",
        "markNotificationsRead",
        "Mark your notifications read (all, or the ids given)",
        "accounts",
        post_read,
        body=MarkRead,
        response=Marked,
    ),
]
