"""Site admins managing user accounts: list, create, reset a password, (de)activate.

Every function takes the acting :class:`Actor` and refuses anyone but a site admin,
so a surface that forgets its own check still cannot let a user manage accounts.
"""

from __future__ import annotations

import secrets
import unicodedata
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.api.calls import Page
from core.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from core.auth.sessions import end_sessions
from core.auth.users import USER_FIELDS, create_user, get_user, normalize_email
from core.bounds import MAX_ID
from core.context import Actor
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.models import User

PAGE_SIZE = 50
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 200
MAX_PASSWORD_LENGTH = 1024


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied("only site admins may manage user accounts")


def generate_password() -> str:
    """A random password of 16 URL-safe characters (96 bits)."""
    return secrets.token_urlsafe(12)


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in text)


async def list_users(actor: Actor, search: str, page: Page) -> tuple[list[dict[str, Any]], int]:
    """One page of users by email, optionally those whose email or name contains ``search``."""
    require_admin(actor)
    query = User.all()
    term = search.strip()
    if term:
        query = query.filter(Q(email__icontains=term) | Q(name__icontains=term))
    total = await query.count()
    rows = await query.order_by("email").offset(page.offset).limit(page.size).values(*USER_FIELDS)
    return list(rows), total


async def get_account(actor: Actor, user_id: int) -> dict[str, Any]:
    require_admin(actor)
    if not 0 < user_id <= MAX_ID:
        raise NotFound(f"no user {user_id}")
    return await get_user(user_id)


async def create_account(
    actor: Actor, email: str, name: str, password: str, *, is_admin: bool = False
) -> tuple[dict[str, Any], str | None]:
    """Create a user; a blank ``password`` means one is generated and returned once.

    Every field is checked before anything is written, so the form can show all
    problems at once; a taken email is a :class:`Conflict` with ``{"email": ...}``.
    """
    require_admin(actor)
    errors: dict[str, str] = {}
    address = ""
    try:
        address = normalize_email(email)
    except InvalidInput as exc:
        errors.update(exc.fields)
    else:
        if len(address) > MAX_EMAIL_LENGTH:
            errors["email"] = f"must be at most {MAX_EMAIL_LENGTH} characters"
        elif _has_control_characters(address):
            errors["email"] = "not a valid email address"
    name = name.strip()
    if len(name) > MAX_NAME_LENGTH:
        errors["name"] = f"must be at most {MAX_NAME_LENGTH} characters"
    elif _has_control_characters(name):
        errors["name"] = "may not contain control characters"
    if password and len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = f"must be at least {MIN_PASSWORD_LENGTH} characters"
    elif len(password) > MAX_PASSWORD_LENGTH:
        errors["password"] = f"must be at most {MAX_PASSWORD_LENGTH} characters"
    if errors:
        raise InvalidInput("the user could not be created", errors)
    return await create_user(address, password or None, name=name, is_admin=is_admin)


async def reset_password(
    actor: Actor, user_id: int, *, keep_session: str | None = None
) -> tuple[dict[str, Any], str]:
    """Give a user a new generated password, returned once, and end the user's sessions in
    every browser (but ``keep_session``, the admin's own, when admins reset themselves).
    API tokens are not touched."""
    user = await get_account(actor, user_id)
    password = generate_password()
    async with in_transaction():
        await User.filter(id=user_id).update(password_hash=hash_password(password))
        await end_sessions(user_id, keep=keep_session if user_id == actor.user_id else None)
    return user, password


async def set_active(actor: Actor, user_id: int, active: bool) -> dict[str, Any]:
    """Deactivate (no sign-in, no API token, sessions end at once) or reactivate a user."""
    await get_account(actor, user_id)
    if not active and user_id == actor.user_id:
        raise InvalidInput.field("active", "you cannot deactivate your own account")
    async with in_transaction():
        await User.filter(id=user_id).update(is_active=active)
        if not active:
            await end_sessions(user_id)
    return await get_user(user_id)
