"""Who is signed in: the user id and session key in the signed cookie, checked against the
database's sessions (:mod:`core.auth.sessions`) on every request, so a session that was
ended (sign-out, a new password, a deactivated account) is over whatever cookie comes back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from starlette.requests import Request
from tortoise import timezone

from core.auth.sessions import close_session, open_session, session_digest
from core.context import Actor
from core.models import User
from core.notifications import unread_badge_column
from core.prepared import PreparedValues
from core.request_memory import request_memo

SESSION_USER = "uid"
SESSION_KEY = "sk"
_USER, _ACTOR = "session_user", "session_actor"
"""Where a request's memory holds the signed-in user and actor."""


_ACTIVE_USER = PreparedValues(
    User,
    lambda user_id, digest: (
        User.filter(id=user_id, is_active=True, web_sessions__digest=digest)
        .annotate(unread_notifications=unread_badge_column())
        .values("id", "email", "name", "is_admin", "last_seen_at", "unread_notifications")
    ),
)


async def sign_in(request: Request, user_id: int) -> None:
    """Start a new session for ``user_id`` (any earlier one in this browser is dropped)."""
    key = request.session.get(SESSION_KEY)
    if isinstance(key, str):
        await close_session(key)
    request.session.clear()
    request.session[SESSION_USER] = user_id
    request.session[SESSION_KEY] = await open_session(user_id)


async def sign_out(request: Request) -> None:
    key = request.session.get(SESSION_KEY)
    if isinstance(key, str):
        await close_session(key)
    request.session.clear()


def session_key(request: Request) -> str | None:
    """This browser's session key, to keep it when a user's other sessions end."""
    key = request.session.get(SESSION_KEY)
    return key if isinstance(key, str) else None


async def session_user(request: Request) -> dict[str, Any] | None:
    """The signed-in user's row, or ``None``; read once per request (its memory).

    The row carries ``last_seen_at`` as it was when the request began (see :func:`mark_visit`),
    and ``unread_notifications``, the header's badge (up to 100), as the request began too.
    """
    memo = request_memo()
    if memo is not None and _USER in memo:
        return cast(dict[str, Any] | None, memo[_USER])
    user = None
    user_id = request.session.get(SESSION_USER)
    key = request.session.get(SESSION_KEY)
    if isinstance(user_id, int) and isinstance(key, str):
        rows = await _ACTIVE_USER(user_id, session_digest(key))
        if rows:
            user = rows[0]
    if memo is not None:
        memo[_USER] = user
    return user


async def session_actor(request: Request) -> Actor | None:
    """The signed-in user as an actor (one object per request), or ``None``."""
    memo = request_memo()
    if memo is not None and _ACTOR in memo:
        return cast(Actor | None, memo[_ACTOR])
    user = await session_user(request)
    actor = None
    if user is not None:
        actor = Actor(user_id=user["id"], email=user["email"], is_admin=user["is_admin"])
    if memo is not None:
        memo[_ACTOR] = actor
    return actor


VISIT_GAP = timedelta(seconds=60)
"""Openings of home closer than this to the recorded visit are part of that visit."""


async def mark_visit(user: dict[str, Any]) -> datetime | None:
    """Record a visit to the home page; return the previous one (``None`` the first time).

    ``user`` is the :func:`session_user` row, read at the start of this request, so the
    previous visit costs no query of its own. Opening home again within :data:`VISIT_GAP`
    of the recorded visit writes nothing (a reload is not a write), so "since your last
    visit" may start up to that much before the previous opening.
    """
    previous = cast(datetime | None, user.get("last_seen_at"))
    now = timezone.now()
    if previous is None or not timedelta(0) <= now - previous < VISIT_GAP:
        await User.filter(id=user["id"]).update(last_seen_at=now)
    return previous
