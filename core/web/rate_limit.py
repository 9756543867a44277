"""Sign-in throttling, kept in the database so it holds across app processes.

Limits are chosen so that nobody can turn them against a user (OWASP ASVS 2.2.1):

- **5 failures in 15 minutes for one account from one address** stop that address guessing
  that account; the account's owner, signing in from anywhere else, is not affected.
- **100 failures in 15 minutes from one address**, over any accounts, stop an address spraying
  many accounts, yet leave room for a whole school behind one address mistyping.
- **50 failures in an hour on one account**, from any addresses, stop a guesser who spreads
  over many addresses; locking an account this way takes an attacker more than ten addresses,
  and it lasts an hour at most.

A successful sign-in clears its own (account, address) failures only, so the owner cannot
reset the account-wide count for a guesser, nor a guesser for the owner.
"""

from __future__ import annotations

from datetime import timedelta

from tortoise import timezone

from core.models import SignInAttempt

PAIR_WINDOW = timedelta(minutes=15)
PER_PAIR = 5
PER_ADDRESS = 100
ACCOUNT_WINDOW = timedelta(hours=1)
PER_ACCOUNT = 50


async def lockout(email: str, address: str) -> timedelta | None:
    """How long to wait before ``email`` may try again from ``address``, or ``None``."""
    now = timezone.now()
    recent = SignInAttempt.filter(created_at__gte=now - PAIR_WINDOW)
    if await recent.filter(email=email, address=address).count() >= PER_PAIR:
        return PAIR_WINDOW
    if await recent.filter(address=address).count() >= PER_ADDRESS:
        return PAIR_WINDOW
    account = SignInAttempt.filter(email=email, created_at__gte=now - ACCOUNT_WINDOW)
    if await account.count() >= PER_ACCOUNT:
        return ACCOUNT_WINDOW
    return None


async def record_failure(email: str, address: str) -> None:
    await SignInAttempt.filter(created_at__lt=timezone.now() - ACCOUNT_WINDOW).delete()
    await SignInAttempt.create(email=email[:254], address=address[:64])


async def clear_failures(email: str, address: str) -> None:
    await SignInAttempt.filter(email=email, address=address).delete()
