"""Signing in through an identity provider (OpenID Connect), the parts that need no web.

The protocol (discovery, the authorization-code flow with PKCE, state and nonce kept in
the signed session cookie, the token exchange, the ID token's signature checked against
the provider's keys and its claims ``iss``, ``aud``, ``exp``, ``iat`` and ``nonce``)
is Authlib's Starlette client (:func:`oidc_clients`). What is ours: which verified email
may sign in (:func:`verified_email`) and to which account (:func:`account_for`): the
account with that email; else the one a plugin makes from an invitation
(``nic_claim_account``); else, when the provider lets an allowed domain join a community,
a new account with the observer role there (``nic_join_community``); else none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.auth.passwords import unusable_password
from core.auth.users import normalize_email
from core.errors import InvalidInput, ServiceError
from core.models import User
from core.plugins import PluginHost
from core.settings import OidcProvider

JOIN_ROLE = "observer"
TIMEOUT_SECONDS = 10


class SignInRefused(ServiceError):
    """The provider's answer does not sign anyone in here; the message says why."""

    status = 403


class SignInFailed(ServiceError):
    """The sign-in went wrong on the way (state, provider error, bad token)."""

    status = 400


def oidc_clients(providers: Mapping[str, OidcProvider]) -> dict[str, StarletteOAuth2App]:
    """An Authlib client per configured provider (discovery is read on first use)."""
    oauth = OAuth()
    for name, provider in providers.items():
        assert provider.client_secret is not None  # the settings require it
        oauth.register(
            name,
            client_id=provider.client_id,
            client_secret=provider.client_secret.get_secret_value(),
            server_metadata_url=provider.issuer + "/.well-known/openid-configuration",
            client_kwargs={
                "scope": " ".join(provider.scopes),
                "code_challenge_method": "S256",
                "timeout": TIMEOUT_SECONDS,
            },
        )
    return {name: oauth.create_client(name) for name in providers}


def label_of(name: str, provider: OidcProvider) -> str:
    """The sign-in button's text."""
    return provider.label or f"Sign in with {name}"


def verified_email(claims: Mapping[str, Any], provider: OidcProvider) -> str:
    """The ID token's email, if the provider verified it and its domain may sign in."""
    raw = claims.get("email")
    if not raw:
        raise SignInFailed(
            "The identity provider did not send an email address. Ask your administrator "
            "to allow the email scope for this site."
        )
    try:
        email = normalize_email(raw)
    except InvalidInput:
        raise SignInFailed("The provider sent an email address that is not valid.") from None
    if claims.get(provider.email_verified_claim) not in (True, "true"):
        raise SignInRefused(
            f"The identity provider has not verified the address {email}, so it cannot "
            "sign you in here. Verify it with your provider, or ask your administrator."
        )
    domain = email.rsplit("@", 1)[1]
    if "*" not in provider.allowed_email_domains and domain not in provider.allowed_email_domains:
        raise SignInRefused(
            f"Addresses of {domain} may not sign in here through this provider ({email})."
        )
    return email


async def account_for(email: str, provider: OidcProvider, plugins: PluginHost) -> int:
    """The id of the active account ``email`` signs in to (see the module's docstring)."""
    user_id = await _account_id(email)
    if user_id is None:
        claimed = await plugins.call_first("nic_claim_account", email=email)
        user_id = await _account_id(email) if claimed is not None else None
    if user_id is None and provider.join_community:
        user_id = await _join(email, provider.join_community, plugins)
    if user_id is None:
        raise SignInRefused(
            f"There is no account for {email} here. Ask your facilitator for an invitation."
        )
    if not await User.filter(id=user_id, is_active=True).exists():
        raise SignInRefused(f"The account {email} is deactivated. Ask a site administrator.")
    return user_id


async def _account_id(email: str) -> int | None:
    rows = await User.filter(email=email).values("id")
    return int(rows[0]["id"]) if rows else None


class _NotJoined(Exception):
    """No plugin gave the role: undo the account."""


async def _join(email: str, community: str, plugins: PluginHost) -> int | None:
    """A new account for ``email`` with the observer role in ``community``, or ``None``."""
    try:
        async with in_transaction():
            user = await User.create(email=email, password_hash=unusable_password())
            answers = await plugins.call(
                "nic_join_community", user_id=user.id, community=community, role=JOIN_ROLE
            )
            if True not in answers:
                raise _NotJoined
    except IntegrityError:  # the same person, signing in twice at once
        return await _account_id(email)
    except _NotJoined:
        raise SignInRefused(
            f"There is no account for {email} here, and the community {community} this "
            "provider lets people join was not found. Tell your site administrator."
        ) from None
    return int(user.id)
