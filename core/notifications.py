"""In-app notifications: short notices to users that plugins send (a reply, a mention,
an invitation) and the site lists on ``/notifications`` with an unread count in the
header.

A notification is a line of text and a same-site link. It is stored once per user; a
user reads and marks only their own. Plugins call :func:`notify` after their write
committed; it inserts every row in one statement.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import RawSQL

from core.errors import InvalidInput
from core.models import Notification, User

TEXT_LIMIT = 500
URL_LIMIT = 500
BADGE_CAP = 100
"""The header counts unread notifications up to this many (and shows "99+" beyond)."""
FIELDS = ("id", "community_id", "source", "kind", "text", "url", "created_at", "read_at")


def _checked_url(url: str) -> str:
    """Only a path on this site: a notification must never send anyone elsewhere."""
    if not url.startswith("/") or url.startswith("//") or "\\" in url or len(url) > URL_LIMIT:
        raise InvalidInput.field(
            "url", f"must be a path on this site of at most {URL_LIMIT} characters"
        )
    return url


async def notify(
    user_ids: Iterable[int],
    text: str,
    url: str,
    *,
    source: str,
    kind: str = "",
    community_id: int | None = None,
) -> int:
    """Send one notification to each of ``user_ids`` (once each; unknown or deactivated
    accounts are skipped) and return how many were stored.

    ``text`` is plain text (shortened to 500 characters; pages escape it); ``url`` a
    path on this site; ``source`` the sending plugin's name; ``kind`` a slug the plugin
    chooses (``reply``, ``mention``, ``invitation``).
    """
    text = " ".join(str(text).split())
    if not text:
        raise InvalidInput.field("text", "must not be empty")
    if len(text) > TEXT_LIMIT:
        text = text[: TEXT_LIMIT - 1] + "…"
    url = _checked_url(url)
    wanted = sorted({int(uid) for uid in user_ids})
    if not wanted:
        return 0
    active = await User.filter(id__in=wanted, is_active=True).values_list("id", flat=True)
    rows = [
        Notification(
            user_id=uid, community_id=community_id, source=source, kind=kind, text=text, url=url
        )
        for uid in sorted(active)
    ]
    if rows:
        await Notification.bulk_create(rows)
    return len(rows)


async def unread_count(user_id: int) -> int:
    return await Notification.filter(user_id=user_id, read_at__isnull=True).count()


def unread_badge_column() -> RawSQL:
    """:func:`unread_count` up to :data:`BADGE_CAP`, as a column of a query of users: the
    header's badge comes with the signed-in user's row, which every page reads anyway,
    instead of in a query of its own."""
    notifications, users = Notification._meta.db_table, User._meta.db_table
    return RawSQL(
        f'(SELECT count(*) FROM (SELECT 1 FROM "{notifications}" WHERE "user_id" = '
        f'"{users}"."id" AND "read_at" IS NULL LIMIT {BADGE_CAP}) AS "unread_badge")'
    )


async def list_notifications(
    user_id: int, *, offset: int, limit: int, unread_only: bool = False
) -> tuple[list[dict[str, Any]], int]:
    """A user's notifications, newest first, and how many there are."""
    query = Notification.filter(user_id=user_id)
    if unread_only:
        query = query.filter(read_at__isnull=True)
    total = await query.count()
    rows = await query.order_by("-id").offset(offset).limit(limit).values(*FIELDS)
    return [dict(row) for row in rows], total


async def mark_read(user_id: int, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when ``ids`` is ``None``); others'
    ids are ignored. Returns how many changed."""
    query = Notification.filter(user_id=user_id, read_at__isnull=True)
    if ids is not None:
        query = query.filter(id__in=[int(i) for i in ids])
    return await query.update(read_at=datetime.now(UTC))


async def open_notification(user_id: int, notification_id: int) -> str | None:
    """Mark one of the user's notifications read and return its link (``None`` if it is
    not theirs)."""
    rows = await Notification.filter(id=notification_id, user_id=user_id).values("url", "read_at")
    if not rows:
        return None
    if rows[0]["read_at"] is None:
        await mark_read(user_id, [notification_id])
    return str(rows[0]["url"])
