"""Browser sessions kept on the server, so signing out, a new password or a deactivation
ends a session in every app process, whatever copy of the cookie is replayed.

The signed cookie carries a random key; the table keeps only its SHA-256 digest.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from tortoise import timezone

from core.models import WebSession

SESSION_MAX_AGE = timedelta(days=14)
"""How long a session lasts; the cookie's signature expires at the same age."""


def session_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def open_session(user_id: int) -> str:
    """Record a new session for ``user_id`` and return its key (for the cookie only)."""
    await WebSession.filter(created_at__lt=timezone.now() - SESSION_MAX_AGE).delete()
    key = secrets.token_urlsafe(32)
    await WebSession.create(user_id=user_id, digest=session_digest(key))
    return key


async def close_session(key: str) -> None:
    await WebSession.filter(digest=session_digest(key)).delete()


async def end_sessions(user_id: int, *, keep: str | None = None) -> None:
    """End every session of ``user_id``, except the one whose key is ``keep``."""
    sessions = WebSession.filter(user_id=user_id)
    if keep is not None:
        sessions = sessions.exclude(digest=session_digest(keep))
    await sessions.delete()
