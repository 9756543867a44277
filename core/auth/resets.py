"""Forgotten passwords: a single-use, expiring link by mail, and what a new password ends.

A request gets the same answer whether its address has an account or not: the lookup, the
link and the mail happen after the answer is sent (:func:`send_reset_link` runs as the
response's background task), so neither the page nor its timing tells them apart.
Requests are rate-limited per email and per client address, in the database.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from tortoise import timezone
from tortoise.transactions import in_transaction

from core.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from core.auth.sessions import end_sessions
from core.errors import InvalidInput
from core.mail import Message, send_mail
from core.models import ApiToken, PasswordReset, ResetRequest, User

if TYPE_CHECKING:
    from core.plugins import PluginHost

RESET_LIFETIME = timedelta(hours=1)
REQUEST_WINDOW = timedelta(hours=1)
PER_EMAIL = 3
"""Reset links mailed to one address in an hour: enough for a lost mail, too few to flood."""
PER_ADDRESS = 20
"""Requests from one client address in an hour, over any emails."""
MAX_PASSWORD_LENGTH = 1024


class ResetUnusable(Exception):
    """The reset link is unknown, used or expired (``reason`` says which, for the page)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def reset_requests_allowed(email: str, address: str) -> bool:
    """Record a request for ``email`` from ``address``; ``False`` once either is over its limit."""
    now = timezone.now()
    await ResetRequest.filter(created_at__lt=now - REQUEST_WINDOW).delete()
    recent = ResetRequest.filter(created_at__gte=now - REQUEST_WINDOW)
    if (
        await recent.filter(email=email).count() >= PER_EMAIL
        or await recent.filter(address=address).count() >= PER_ADDRESS
    ):
        return False
    await ResetRequest.create(email=email[:254], address=address[:64])
    return True


async def send_reset_link(plugins: PluginHost, email: str, served: str | None) -> None:
    """Mail a reset link to the active account of ``email``, if there is one (else nothing)."""
    rows = await User.filter(email=email, is_active=True).values("id")
    if not rows:
        return
    token = secrets.token_urlsafe(32)
    await PasswordReset.create(
        user_id=rows[0]["id"],
        digest=token_digest(token),
        expires_at=timezone.now() + RESET_LIFETIME,
    )
    link = plugins.settings.absolute_url(f"/account/reset/{token}", served)
    minutes = int(RESET_LIFETIME.total_seconds() // 60)
    text = (
        "Someone (we hope you) asked to reset the password of your NIC Platform account.\n\n"
        f"Choose a new password here (the link works once, for {minutes} minutes):\n\n"
        f"{link}\n\n"
        "Setting it signs you out everywhere else and revokes your API tokens.\n"
        "If you did not ask, ignore this mail: your password stays as it is.\n"
    )
    await send_mail(plugins, Message(to=(email,), subject="Reset your password", text=text))


async def usable_reset(token: str) -> int:
    """The user id a reset link belongs to, or :class:`ResetUnusable`."""
    rows = await PasswordReset.filter(digest=token_digest(token)).values(
        "user_id", "expires_at", "used_at", "user__is_active"
    )
    if not rows or not rows[0]["user__is_active"]:
        raise ResetUnusable("unknown")
    if rows[0]["used_at"] is not None:
        raise ResetUnusable("used")
    if rows[0]["expires_at"] <= timezone.now():
        raise ResetUnusable("expired")
    return int(rows[0]["user_id"])


def check_new_password(new: str, confirm: str, field: str = "new") -> None:
    """A new password long enough and typed twice the same, else :class:`InvalidInput`."""
    if len(new) < MIN_PASSWORD_LENGTH:
        raise InvalidInput.field(field, f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(new) > MAX_PASSWORD_LENGTH:
        raise InvalidInput.field(field, f"Use at most {MAX_PASSWORD_LENGTH} characters.")
    if new != confirm:
        raise InvalidInput.field("confirm", "The two passwords differ.")


async def set_password(user_id: int, new_hash: str, *, keep_session: str | None = None) -> None:
    """Store a new password hash, end the user's other sessions and revoke their API tokens
    (in the caller's transaction, if any)."""
    await User.filter(id=user_id).update(password_hash=new_hash)
    await end_sessions(user_id, keep=keep_session)
    await ApiToken.filter(user_id=user_id).delete()


async def reset_password(token: str, new: str, confirm: str) -> int:
    """Use a reset link: check it and the password, set it (once), and return the user id."""
    user_id = await usable_reset(token)
    check_new_password(new, confirm)
    new_hash = hash_password(new)
    async with in_transaction():
        used = await PasswordReset.filter(digest=token_digest(token), used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not used:
            raise ResetUnusable("used")
        await PasswordReset.filter(user_id=user_id, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        await set_password(user_id, new_hash)
    return user_id
