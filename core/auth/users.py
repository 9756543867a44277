"""User and token services of the kernel."""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from core.context import Actor
from core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from core.models import ApiToken, User
from core.prepared import PreparedValues

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_PREFIX = "nic_"
USER_FIELDS = ("id", "email", "name", "is_admin", "is_active", "created_at")


def normalize_email(email: Any) -> str:
    if not isinstance(email, str) or not _EMAIL.match(email.strip()) or len(email.strip()) > 254:
        raise InvalidInput.field("email", "not a valid email address")
    return email.strip().lower()


async def create_user(
    email: str, password: str | None, *, name: str = "", is_admin: bool = False
) -> tuple[dict[str, Any], str | None]:
    """Create a user; with no password one is generated and returned once."""
    address = normalize_email(email)
    if len(name) > 200:
        raise InvalidInput.field("name", "must be at most 200 characters")
    generated = None
    if password is None:
        generated = password = secrets.token_urlsafe(12)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput.field("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    try:
        async with in_transaction():
            user = await User.create(
                email=address, name=name, password_hash=hash_password(password), is_admin=is_admin
            )
    except IntegrityError as exc:
        raise Conflict(f"a user with email {address} exists", {"email": "already taken"}) from exc
    return await get_user(user.id), generated


async def get_user(user_id: int) -> dict[str, Any]:
    row = await User.filter(id=user_id).values(*USER_FIELDS)
    if not row:
        raise NotFound(f"no user {user_id}")
    return row[0]


async def find_user(email: str) -> dict[str, Any]:
    rows = await User.filter(email=normalize_email(email)).values(*USER_FIELDS)
    if not rows:
        raise NotFound(f"no user with email {email}", {"email": "no such user"})
    return rows[0]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(user_id: int, name: str = "") -> str:
    """Create an API token; the plain token is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    await ApiToken.create(user_id=user_id, digest=_digest(token), name=name)
    return token


_TOKEN_ACTOR = PreparedValues(
    ApiToken,
    lambda digest: ApiToken.filter(digest=digest, user__is_active=True).values(
        "user_id", "user__email", "user__is_admin"
    ),
)


async def actor_for_token(token: str) -> Actor:
    """The active user a bearer token belongs to (every API request asks)."""
    rows = await _TOKEN_ACTOR(_digest(token))
    if not rows:
        raise NotAuthenticated("the API token is not valid")
    row = rows[0]
    return Actor(user_id=row["user_id"], email=row["user__email"], is_admin=row["user__is_admin"])
