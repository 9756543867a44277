"""Site-admin pages: the user list, adding a user, resetting a password, (de)activating;
the installed plugins."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from core.api.calls import Page
from core.auth import admin
from core.auth.passwords import MIN_PASSWORD_LENGTH
from core.bounds import fold_line
from core.context import ServiceContext
from core.errors import Conflict, InvalidInput, PermissionDenied
from core.web.context import signed_in_context
from core.web.csrf import read_form
from core.web.flash import flash
from core.web.paging import page_number
from core.web.render import render
from core.web.session import session_key

MAX_SEARCH = 254


async def _admin_context(
    request: Request, refusal: str = "Only site admins may manage user accounts."
) -> ServiceContext:
    """Signed-out visitors go to the sign-in page; signed-in non-admins get a 403 page."""
    ctx = await signed_in_context(request)
    if not ctx.actor.is_admin:
        raise PermissionDenied(refusal)
    return ctx


def _no_store(response: Response) -> Response:
    """Pages that show a password once must not be kept by the browser or a proxy."""
    response.headers["Cache-Control"] = "no-store"
    return response


async def _users_page(
    request: Request,
    ctx: ServiceContext,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    search = fold_line(request.query_params.get("q", ""))[:MAX_SEARCH]
    number = page_number(request)
    page = Page(number, admin.PAGE_SIZE)
    users, total = await admin.list_users(ctx.actor, search, page)
    pages = max(1, -(-total // admin.PAGE_SIZE))

    def page_url(n: int) -> str:
        query = {"q": search} if search else {}
        if n > 1:
            query["page"] = str(n)
        return "/admin/users" + ("?" + urlencode(query) if query else "")

    context = {
        "users": users,
        "total": total,
        "search": search,
        "page_number": number,
        "pages": pages,
        "first_row": page.offset + 1,
        "previous_url": page_url(min(number - 1, pages)) if number > 1 else None,
        "next_url": page_url(number + 1) if number < pages else None,
        "form": form or {},
        "errors": errors or {},
        "min_password": MIN_PASSWORD_LENGTH,
    }
    return await render(request, "core/admin_users.html", context, status=status)


async def _user_page(
    request: Request,
    user: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    **extra: Any,
) -> Response:
    context = {"account": user, "errors": errors or {}, **extra}
    return await render(request, "core/admin_user.html", context, status=status)


async def users_page(request: Request) -> Response:
    ctx = await _admin_context(request)
    if request.method == "GET":
        return await _users_page(request, ctx)
    form = await read_form(request)
    email = str(form.get("email", "")).strip()
    name = str(form.get("name", "")).strip()
    password = str(form.get("password", ""))
    is_admin = "is_admin" in form
    try:
        user, generated = await admin.create_account(
            ctx.actor, email, name, password, is_admin=is_admin
        )
    except (InvalidInput, Conflict) as exc:
        values = {"email": email, "name": name, "is_admin": is_admin}
        errors = exc.fields or {"form": exc.message}
        return await _users_page(request, ctx, form=values, errors=errors, status=exc.status)
    response = await _user_page(
        request, user, created=True, password=generated, sign_in_url=f"{request.base_url}sign-in"
    )
    return _no_store(response)


async def user_page(request: Request) -> Response:
    ctx = await _admin_context(request)
    user = await admin.get_account(ctx.actor, request.path_params["user_id"])
    return await _user_page(request, user)


async def password_reset_page(request: Request) -> Response:
    ctx = await _admin_context(request)
    user_id = request.path_params["user_id"]
    await admin.get_account(ctx.actor, user_id)  # 404 before the form is read
    await read_form(request)
    user, password = await admin.reset_password(
        ctx.actor, user_id, keep_session=session_key(request)
    )
    response = await _user_page(
        request, user, reset=True, password=password, sign_in_url=f"{request.base_url}sign-in"
    )
    return _no_store(response)


async def active_page(request: Request) -> Response:
    ctx = await _admin_context(request)
    user_id = request.path_params["user_id"]
    user = await admin.get_account(ctx.actor, user_id)
    form = await read_form(request)
    wanted = form.get("active")
    if wanted not in ("true", "false"):
        errors = {"active": "choose to deactivate or reactivate the account"}
        return await _user_page(request, user, errors=errors, status=422)
    try:
        user = await admin.set_active(ctx.actor, user_id, wanted == "true")
    except InvalidInput as exc:
        return await _user_page(request, user, errors=exc.fields, status=exc.status)
    flash(
        request,
        "The account is active again."
        if user["is_active"]
        else "The account is deactivated: it cannot sign in or use API tokens.",
    )
    return RedirectResponse(f"/admin/users/{user_id}", status_code=303)


async def plugins_page(request: Request) -> Response:
    """Every plugin with its version, state, hooks, folders, models and (redacted) config."""
    await _admin_context(request, "Only site admins may see the installed plugins.")
    listing = request.app.state.plugins.describe()
    return await render(request, "core/admin_plugins.html", listing)


ROUTES = [
    Route("/admin/plugins", plugins_page),
    Route("/admin/users", users_page, methods=["GET", "POST"]),
    Route("/admin/users/{user_id:int}", user_page),
    Route("/admin/users/{user_id:int}/password", password_reset_page, methods=["POST"]),
    Route("/admin/users/{user_id:int}/active", active_page, methods=["POST"]),
]
