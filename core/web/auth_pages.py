"""Sign in, sign out and change password."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from tortoise.transactions import in_transaction

from core.auth.oidc import label_of
from core.auth.passwords import hash_password, verify_password
from core.auth.resets import check_new_password, set_password
from core.errors import InvalidInput, NotAuthenticated
from core.models import User
from core.web.csrf import read_form
from core.web.rate_limit import clear_failures, lockout, record_failure
from core.web.render import render, safe_next
from core.web.session import session_key, session_user, sign_in, sign_out


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


PASSWORDS_OFF = (
    "Passwords are switched off on this site: sign in with your organization's identity "
    "provider below."
)


def ways_in(request: Request) -> dict[str, Any]:
    """What the sign-in page offers: passwords (unless switched off) and each provider."""
    settings = request.app.state.settings
    return {
        "passwords": settings.auth_passwords,
        "providers": [
            {"name": name, "label": label_of(name, provider)}
            for name, provider in settings.oidc.items()
        ],
    }


async def sign_in_page(request: Request) -> Response:
    ways = ways_in(request)
    if request.method == "GET":
        next_page = safe_next(request.query_params.get("next"))
        return await render(request, "core/sign_in.html", {"next": next_page, **ways})
    if not ways["passwords"]:  # refused before reading the form: nothing is changed
        refused = {"next": "/", "errors": {"form": PASSWORDS_OFF}, **ways}
        return await render(request, "core/sign_in.html", refused, status=403)
    form = await read_form(request)
    email = str(form.get("email", "")).strip().lower()
    password = str(form.get("password", ""))
    target = safe_next(str(form.get("next", "/")))
    context: dict[str, Any] = {"email": email, "next": target, "errors": {}, **ways}
    if not email or not password:
        context["errors"] = {
            name: "required"
            for name, value in (("email", email), ("password", password))
            if not value
        }
        return await render(request, "core/sign_in.html", context, status=422)
    address = _address(request)
    wait = await lockout(email, address)
    if wait is not None:
        minutes = int(wait.total_seconds() // 60)
        context["errors"] = {
            "form": f"Too many failed attempts. Wait {minutes} minutes and try again."
        }
        response = await render(request, "core/sign_in.html", context, status=429)
        response.headers["Retry-After"] = str(int(wait.total_seconds()))
        return response
    rows = await User.filter(email=email, is_active=True).values("id", "password_hash")
    if not rows or not verify_password(rows[0]["password_hash"], password):
        await record_failure(email, address)
        context["errors"] = {"form": "That email and password do not match an account."}
        return await render(request, "core/sign_in.html", context, status=422)
    await clear_failures(email, address)
    await sign_in(request, rows[0]["id"])
    return RedirectResponse(target, status_code=303)


async def sign_out_page(request: Request) -> Response:
    await read_form(request)
    await sign_out(request)
    return RedirectResponse("/", status_code=303)


async def password_page(request: Request) -> Response:
    user = await session_user(request)
    if user is None:
        raise NotAuthenticated("sign in first")
    if request.method == "GET":
        return await render(request, "core/password.html", {"errors": {}})
    form = await read_form(request)
    current, new, confirm = (str(form.get(k, "")) for k in ("current", "new", "confirm"))
    errors: dict[str, str] = {}
    stored = (await User.filter(id=user["id"]).values("password_hash"))[0]["password_hash"]
    if not verify_password(stored, current):
        errors["current"] = "This is not your current password."
    try:
        check_new_password(new, confirm)
    except InvalidInput as exc:
        errors.update(exc.fields)
    if errors:
        return await render(request, "core/password.html", {"errors": errors}, status=422)
    new_hash = hash_password(new)
    async with in_transaction():
        await set_password(user["id"], new_hash, keep_session=session_key(request))
    return await render(request, "core/password.html", {"errors": {}, "changed": True})


ROUTES = [
    Route("/sign-in", sign_in_page, methods=["GET", "POST"]),
    Route("/sign-out", sign_out_page, methods=["POST"]),
    Route("/account/password", password_page, methods=["GET", "POST"]),
]
