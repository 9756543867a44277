"""The roles page of a community: who holds which role, assigning and removing roles.

Site admins and the community's facilitators (the ``manage`` permission) use it.
"""

from __future__ import annotations

from typing import Any, get_args

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from communities.choices import CommunityRoleName
from communities.models import CommunityRole
from communities.schemas import RoleAssign
from communities.services.base import Listing, community_id_for_slug, get_row, list_rows
from communities.services.communities import COMMUNITIES, assign_role, remove_role
from core.api.calls import Page
from core.bounds import MAX_ID
from core.context import ServiceContext
from core.errors import Conflict, InvalidInput, NotFound
from core.web.context import signed_in_context
from core.web.csrf import read_form
from core.web.flash import confirmed, flash
from core.web.paging import page_number
from core.web.render import render

ROLE_NAMES: tuple[str, ...] = get_args(CommunityRoleName)
PAGE_SIZE = 100

HOLDERS = Listing(
    CommunityRole,
    "role",
    ("id", "user_id", "user__email", "user__name", "user__is_active", "role"),
    filters={"community": "community_id"},
    order=("user__email",),
)


def _roles_url(slug: str) -> str:
    return f"/communities/{slug}/roles"


async def _community(request: Request, ctx: ServiceContext) -> dict[str, Any]:
    """The community of the URL (404 when unknown), after checking the actor manages it."""
    community_id = await community_id_for_slug(request.path_params["slug"], ctx)
    community = await get_row(ctx, COMMUNITIES, community_id)
    await ctx.authorize("manage", community_id=community_id)
    return community


async def _roles_page(
    request: Request,
    ctx: ServiceContext,
    community: dict[str, Any],
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    number = page_number(request)
    page = Page(number, PAGE_SIZE)
    holders, total = await list_rows(ctx, HOLDERS, {"community": community["id"]}, page)
    pages = max(1, -(-total // PAGE_SIZE))
    base = _roles_url(community["slug"])
    context = {
        "community": community,
        "holders": holders,
        "total": total,
        "roles": ROLE_NAMES,
        "form": form or {"role": "member"},
        "errors": errors or {},
        "previous_url": f"{base}?page={min(number - 1, pages)}" if number > 1 else None,
        "next_url": f"{base}?page={number + 1}" if number < pages else None,
    }
    return await render(request, "communities/roles.html", context, status=status)


async def _after_change(
    ctx: ServiceContext, community: dict[str, Any], notice: str
) -> tuple[str, str | None]:
    """Where to go after a change: back to the roles page, or home if the actor just
    gave up their own right to manage the community."""
    if await ctx.allowed("manage", community_id=community["id"]):
        return _roles_url(community["slug"]), notice
    return "/", None


async def roles_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await _community(request, ctx)
    if request.method == "GET":
        return await _roles_page(request, ctx, community)
    form = await read_form(request)
    values = {
        "user_email": str(form.get("user_email", "")).strip(),
        "role": str(form.get("role", "")),
    }
    errors: dict[str, str] = {}
    if values["role"] not in ROLE_NAMES:
        errors["role"] = "choose one of: " + ", ".join(ROLE_NAMES)
    if not values["user_email"]:
        errors["user_email"] = "enter the email of a user of this site"
    if not errors:
        try:
            data = RoleAssign.model_validate(values)
            role = await assign_role(ctx, community["id"], data)
        except ValidationError as exc:
            errors = {str(e["loc"][0]): e["msg"] for e in exc.errors() if e["loc"]}
        except InvalidInput as exc:
            errors = exc.fields or {"form": exc.message}
        except Conflict as exc:
            errors = {"role": exc.message}
    if errors:
        return await _roles_page(request, ctx, community, form=values, errors=errors, status=422)
    target, notice = await _after_change(
        ctx, community, f"{role['user__email']} is now {_article(role['role'])} {role['role']}."
    )
    if notice:
        flash(request, notice)
    return RedirectResponse(target, status_code=303)


async def remove_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await _community(request, ctx)
    form = await read_form(request)
    user_id = request.path_params["user_id"]
    emails: list[Any] = []
    if 0 < user_id <= MAX_ID:
        emails = await CommunityRole.filter(
            community_id=community["id"], user_id=user_id
        ).values_list("user__email", flat=True)
    message = "That user has no role in this community (any more)."
    if emails and not confirmed(form):
        flash(request, "Nothing was removed: tick the box to confirm.", kind="warning")
        return RedirectResponse(_roles_url(community["slug"]), status_code=303)
    if emails:
        try:
            await remove_role(ctx, community["id"], user_id)
        except NotFound:  # removed by someone else a moment ago
            pass
        except Conflict as exc:
            message = exc.message
        else:
            message = f"{emails[0]} no longer has a role in this community."
    target, notice = await _after_change(ctx, community, message)
    if notice:
        flash(request, notice)
    return RedirectResponse(target, status_code=303)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


ROUTES = [
    Route("/communities/{slug}/roles", roles_page, methods=["GET", "POST"]),
    Route("/communities/{slug}/roles/{user_id:int}/remove", remove_page, methods=["POST"]),
]
