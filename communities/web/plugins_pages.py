"""The plugins page of a community: facilitators switch plugins on and off for it.

Site admins and the community's facilitators (the ``manage`` permission) use it; the
essential domain plugin is not listed (it cannot be switched off).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from communities.services import plugins as plugin_service
from communities.services.base import community_id_for_slug, get_row
from communities.services.communities import COMMUNITIES
from core.context import ServiceContext
from core.errors import InvalidInput
from core.web.context import signed_in_context
from core.web.csrf import read_form
from core.web.flash import flash
from core.web.render import render


async def _community(request: Request, ctx: ServiceContext) -> dict[str, Any]:
    """The community of the URL (404 when unknown), after checking the actor manages it."""
    community_id = await community_id_for_slug(request.path_params["slug"], ctx)
    community = await get_row(ctx, COMMUNITIES, community_id)
    await ctx.authorize("manage", community_id=community_id)
    return community


async def _page(
    request: Request,
    ctx: ServiceContext,
    community: dict[str, Any],
    rows: list[dict[str, Any]] | None = None,
    *,
    error: str | None = None,
) -> Response:
    if rows is None:
        rows = await plugin_service.community_plugins(ctx, community["id"])
    context = {
        "community": community,
        "plugins": [row for row in rows if not row["essential"]],
        "error": error,
    }
    return await render(request, "communities/plugins.html", context, status=422 if error else 200)


async def plugins_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await _community(request, ctx)
    if request.method == "GET":
        return await _page(request, ctx, community)
    form = await read_form(request)
    shown = [v for v in form.getlist("shown") if isinstance(v, str)]
    enabled = {v for v in form.getlist("enabled") if isinstance(v, str)}
    # Every plugin the page listed is set: ticked ones on, the others off.
    states = {name: name in enabled for name in shown} | {name: True for name in enabled}
    try:
        await plugin_service.switch_plugins(ctx, community["id"], states)
    except InvalidInput as exc:
        return await _page(request, ctx, community, error=exc.fields.get("plugin", exc.message))
    flash(request, "The plugins of this community are saved.")
    return RedirectResponse(f"/communities/{community['slug']}/plugins", status_code=303)


ROUTES = [
    Route("/communities/{slug}/plugins", plugins_page, methods=["GET", "POST"]),
]
