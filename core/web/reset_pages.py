"""Forgot password: ask for a reset link by mail, then choose a new password with it."""

from __future__ import annotations

from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.auth.resets import (
    ResetUnusable,
    reset_password,
    reset_requests_allowed,
    send_reset_link,
    usable_reset,
)
from core.auth.users import normalize_email
from core.errors import InvalidInput, PermissionDenied
from core.web.csrf import read_form
from core.web.render import render
from core.web.session import sign_in

MAX_TOKEN_LENGTH = 100

UNUSABLE = {
    "unknown": "This reset link is not valid. Check that you copied all of it, or ask for "
    "a new one.",
    "used": "This reset link was used already: each link works once. Ask for a new one if "
    "you need it.",
    "expired": "This reset link has expired. Ask for a new one.",
}


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _passwords_on(request: Request) -> None:
    if not request.app.state.settings.auth_passwords:
        raise PermissionDenied(
            "Passwords are switched off on this site: sign in with your organization's "
            "identity provider on the sign-in page."
        )


async def forgot_page(request: Request) -> Response:
    _passwords_on(request)
    if request.method == "GET":
        return await render(request, "core/forgot.html", {"errors": {}, "email": ""})
    form = await read_form(request)
    raw = str(form.get("email", ""))
    try:
        email = normalize_email(raw)
    except InvalidInput as exc:
        context = {"errors": exc.fields, "email": raw[:254]}
        return await render(request, "core/forgot.html", context, status=422)
    if not await reset_requests_allowed(email, client_address(request)):
        context = {
            "errors": {"form": "Too many reset requests. Wait an hour and try again."},
            "email": email,
        }
        response = await render(request, "core/forgot.html", context, status=429)
        response.headers["Retry-After"] = "3600"
        return response
    response = await render(request, "core/forgot.html", {"errors": {}, "sent_to": email})
    response.background = BackgroundTask(
        send_reset_link, request.app.state.plugins, email, str(request.base_url)
    )
    return response


async def _unusable(request: Request, reason: str) -> Response:
    context = {"title": "This link does not work", "message": UNUSABLE[reason]}
    return await render(request, "core/reset_unusable.html", context, status=410)


async def reset_page(request: Request) -> Response:
    _passwords_on(request)
    token = request.path_params["token"]
    try:
        if len(token) > MAX_TOKEN_LENGTH:
            raise ResetUnusable("unknown")
        await usable_reset(token)
    except ResetUnusable as exc:
        return await _unusable(request, exc.reason)
    action = f"/account/reset/{token}"
    if request.method == "GET":
        return await render(request, "core/reset.html", {"errors": {}, "action": action})
    form = await read_form(request)
    try:
        user_id = await reset_password(
            token, str(form.get("new", "")), str(form.get("confirm", ""))
        )
    except InvalidInput as exc:
        context: dict[str, Any] = {"errors": exc.fields, "action": action}
        return await render(request, "core/reset.html", context, status=422)
    except ResetUnusable as exc:
        return await _unusable(request, exc.reason)
    await sign_in(request, user_id)
    return await render(request, "core/reset.html", {"errors": {}, "done": True})


ROUTES = [
    Route("/account/forgot", forgot_page, methods=["GET", "POST"]),
    Route("/account/reset/{token}", reset_page, methods=["GET", "POST"]),
]
