"""Argon2 password hashing."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

SITE_HASHER = PasswordHasher()
"""Argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes)."""

_hasher = SITE_HASHER

MIN_PASSWORD_LENGTH = 10


UNUSABLE_PREFIX = "!"
"""A stored hash that starts so matches no password (argon2 refuses it as no hash)."""


def unusable_password() -> str:
    """What an account that signs in only through an identity provider stores."""
    return UNUSABLE_PREFIX + secrets.token_hex(16)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
