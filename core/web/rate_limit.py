"""Sign-in rate limits kept in the database, so they hold across app processes."""

from __future__ import annotations

from datetime import timedelta

from tortoise import timezone

from core.models import SignInAttempt

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5
PER_ADDRESS = 20


async def too_many_attempts(email: str, address: str) -> bool:
    since = timezone.now() - WINDOW
    recent = SignInAttempt.filter(created_at__gte=since)
    if await recent.filter(email=email).count() >= PER_ACCOUNT:
        return True
    return await recent.filter(address=address).count() >= PER_ADDRESS


async def record_failure(email: str, address: str) -> None:
    await SignInAttempt.filter(created_at__lt=timezone.now() - WINDOW).delete()
    await SignInAttempt.create(email=email[:254], address=address[:64])


async def clear_failures(email: str) -> None:
    await SignInAttempt.filter(email=email).delete()
