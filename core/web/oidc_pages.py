"""Sign in through an identity provider: ``/sign-in/oidc/{name}`` sends the browser to the
provider, ``/sign-in/oidc/{name}/callback`` receives it back (see :mod:`core.auth.oidc`).

Every way it can go wrong (an unknown provider, an error from the provider, a state that
does not match this browser's or was used already, a token that fails its checks, an
email not verified or not allowed, no account) is a page saying so with a 4xx status, or
502 when the provider cannot be reached; never a 500.
"""

from __future__ import annotations

import logging

import httpx2
from authlib.integrations.base_client import OAuthError
from authlib.integrations.starlette_client import StarletteOAuth2App
from joserfc.errors import JoseError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from core.auth.oidc import SignInFailed, SignInRefused, account_for, label_of, verified_email
from core.errors import NotFound, ServiceError
from core.settings import OidcProvider
from core.web.render import render, safe_next
from core.web.session import sign_in

logger = logging.getLogger(__name__)

NEXT_KEY = "oidc_next"
"""Where the signed session keeps the page to land on, across the provider's pages."""


class ProviderUnreachable(ServiceError):
    status = 502


def _provider(request: Request) -> tuple[str, OidcProvider, StarletteOAuth2App]:
    name = request.path_params["name"]
    providers = request.app.state.settings.oidc
    clients = request.app.state.oidc_clients
    if name not in providers or name not in clients:
        raise NotFound(f"There is no identity provider called {name} on this site.")
    return name, providers[name], clients[name]


async def _check_issuer(client: StarletteOAuth2App, provider: OidcProvider) -> None:
    """The discovery document must name the configured issuer (OpenID Discovery 4.3)."""
    metadata = await client.load_server_metadata()
    if str(metadata.get("issuer", "")).rstrip("/") != provider.issuer:
        raise ProviderUnreachable(
            "The identity provider's discovery document names another issuer than the one "
            "configured. Tell your site administrator."
        )


async def start_page(request: Request) -> Response:
    name, provider, client = _provider(request)
    try:
        await _check_issuer(client, provider)
        redirect_uri = str(request.url_for("oidc_callback", name=name))
        response: Response = await client.authorize_redirect(request, redirect_uri)
    except (httpx2.HTTPError, OAuthError, ValueError, RuntimeError) as exc:
        logger.warning("identity provider %s: %s", name, exc)
        client.server_metadata = {}  # read discovery again next time
        return await _failed(request, name, provider, ProviderUnreachable(_unreachable(name)))
    request.session[NEXT_KEY] = safe_next(request.query_params.get("next"))
    return response


async def callback_page(request: Request) -> Response:
    name, provider, client = _provider(request)
    try:
        email = await _verified_email(request, name, provider, client)
        user_id = await account_for(email, provider, request.app.state.plugins)
    except (SignInFailed, SignInRefused, ProviderUnreachable) as exc:
        return await _failed(request, name, provider, exc)
    target = safe_next(request.session.get(NEXT_KEY))
    await sign_in(request, user_id)
    return RedirectResponse(target, status_code=303)


async def _verified_email(
    request: Request, name: str, provider: OidcProvider, client: StarletteOAuth2App
) -> str:
    issuer_param = request.query_params.get("iss")
    if issuer_param is not None and issuer_param.rstrip("/") != provider.issuer:
        raise SignInFailed("The answer came from another identity provider than this one.")
    try:
        await _check_issuer(client, provider)
        token = await client.authorize_access_token(request)
    except OAuthError as exc:
        raise _oauth_failure(exc) from None
    except JoseError as exc:
        logger.warning("identity provider %s: ID token refused: %r", name, exc)
        raise SignInFailed(
            "The identity provider's answer failed its checks (its signature or its "
            "claims), so it cannot sign you in. Try again."
        ) from None
    except (httpx2.HTTPError, ValueError, RuntimeError) as exc:
        logger.warning("identity provider %s: %s", name, exc)
        raise ProviderUnreachable(_unreachable(name)) from None
    claims = token.get("userinfo")
    if not claims:
        raise SignInFailed("The identity provider sent no ID token, so it cannot sign you in.")
    return verified_email(claims, provider)


def _oauth_failure(exc: OAuthError) -> ServiceError:
    if exc.error == "mismatching_state":
        return SignInFailed(
            "This sign-in answer does not belong to a sign-in started in this browser, or "
            "it was used already. Start again from the sign-in page."
        )
    if exc.error == "access_denied":
        return SignInRefused("The identity provider did not sign you in (access denied).")
    return SignInFailed(f"The identity provider refused the sign-in ({exc.error}).")


def _unreachable(name: str) -> str:
    return f"The identity provider {name} could not be reached. Try again in a moment."


async def _failed(
    request: Request, name: str, provider: OidcProvider, exc: ServiceError
) -> Response:
    return await render(
        request,
        "core/sign_in_failed.html",
        {"message": exc.message, "provider": {"name": name, "label": label_of(name, provider)}},
        status=exc.status,
    )


ROUTES = [
    Route("/sign-in/oidc/{name}", start_page, methods=["GET"], name="oidc_start"),
    Route("/sign-in/oidc/{name}/callback", callback_page, methods=["GET"], name="oidc_callback"),
]
