"""Kernel models: user accounts and API tokens. Community roles live in the domain."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=200, default="")
    password_hash = fields.CharField(max_length=255)
    is_admin = fields.BooleanField(default=False)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField(null=True)
    """When the user last opened their home page; "what changed since" starts here."""

    class Meta:
        table = "nic_user"
        ordering = ["id"]


class ApiToken(Model):
    """A bearer token, stored as its SHA-256 digest only."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="tokens", on_delete=fields.CASCADE
    )
    digest = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=100, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "nic_api_token"


class WebSession(Model):
    """A signed-in browser session. The cookie holds a random key, the table its digest.

    Deleting the row ends the session in every app process at its next request.
    """

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="web_sessions", on_delete=fields.CASCADE
    )
    digest = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "nic_web_session"


class SignInAttempt(Model):
    """A failed sign-in, kept briefly to rate-limit guessing across app processes."""

    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, db_index=True)
    address = fields.CharField(max_length=64, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "nic_sign_in_attempt"


class Notification(Model):
    """An in-app notice for one user (a reply, a mention, an invitation), from a plugin.

    ``community_id`` is plain data, not a foreign key: the kernel knows no communities.
    """

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="notifications", on_delete=fields.CASCADE
    )
    community_id = fields.IntField(null=True)
    source = fields.CharField(max_length=100)
    kind = fields.CharField(max_length=50, default="")
    text = fields.CharField(max_length=500)
    url = fields.CharField(max_length=500)
    created_at = fields.DatetimeField(auto_now_add=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "nic_notification"
        ordering = ["-id"]
        indexes = (("user_id", "read_at"),)


class PasswordReset(Model):
    """A link mailed to reset a password: single use, expiring, kept as its SHA-256 digest."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="password_resets", on_delete=fields.CASCADE
    )
    digest = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "nic_password_reset"


class ResetRequest(Model):
    """A request for a reset link, kept briefly to rate-limit them per address and per email."""

    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, db_index=True)
    address = fields.CharField(max_length=64, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "nic_reset_request"
