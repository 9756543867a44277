"""The plugin's pages: every space you may read, a community's spaces, one space, and
the form that records a session (CSRF-checked through ``read_form``).

A community's pages answer 404 where its facilitators switched the plugin off
(``THIS.community``); the host already leaves the plugin's panels, navigation item and
graph nodes out there."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from nic_learning_spaces import services
from nic_learning_spaces.schemas import SessionCreate
from plugins.api import (
    InvalidInput,
    NotFound,
    ServiceContext,
    form_values,
    panels,
    read_form,
    render,
    signed_in_context,
    this_plugin,
    validate,
)

THIS = this_plugin(__name__)


async def all_spaces_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    spaces = await services.spaces_for(ctx)
    by_community: dict[str, dict[str, Any]] = {}
    for space in spaces:
        group = by_community.setdefault(
            space["community__slug"], {"name": space["community__name"], "spaces": []}
        )
        group["spaces"].append(space)
    return await render(request, "learning_spaces/index.html", {"communities": by_community})


async def community_spaces_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await THIS.community(ctx, request.path_params["slug"])
    context = {
        "community": community,
        "spaces": await services.list_spaces(ctx, community["id"]),
        "month": date.today().strftime("%B"),
    }
    return await render(request, "learning_spaces/community.html", context)


async def _space_in(ctx: ServiceContext, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    community = await THIS.community(ctx, request.path_params["slug"])
    space = await services.get_space(ctx, request.path_params["space_id"])
    if space["community_id"] != community["id"]:
        raise NotFound("There is no such learning space in this community.")
    return community, space


async def space_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community, space = await _space_in(ctx, request)
    context = {
        "community": community,
        "space": space,
        "this_month": date.today().month,
        "can_write": await ctx.allowed("write", community_id=community["id"]),
        "panels": await panels(request, "learning_space", space),
    }
    return await render(request, "learning_spaces/space.html", context)


async def new_session_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community, space = await _space_in(ctx, request)
    await ctx.authorize("write", community_id=community["id"])
    values: dict[str, Any] = {"held_on": date.today().isoformat(), "cycle_ids": []}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = await read_form(request)
        values = form_values(form, ("held_on", "notes"), lists=("cycle_ids",))
        data, errors = validate(SessionCreate, values)
        if data is not None:
            try:
                await services.add_session(ctx, space["id"], data)
            except InvalidInput as exc:
                errors = exc.fields
            else:
                url = f"/communities/{community['slug']}/spaces/{space['id']}"
                return RedirectResponse(url, status_code=303)
    context = {
        "community": community,
        "space": space,
        "cycles": await services.cycle_choices(community["id"]),
        "values": values,
        "chosen": {str(v) for v in values.get("cycle_ids", [])},
        "errors": errors,
    }
    return await render(
        request, "learning_spaces/session_new.html", context, status=422 if errors else 200
    )


ROUTES = [
    Route("/spaces", all_spaces_page),
    Route("/communities/{slug}/spaces", community_spaces_page),
    Route("/communities/{slug}/spaces/{space_id:int}", space_page),
    Route(
        "/communities/{slug}/spaces/{space_id:int}/sessions/new",
        new_session_page,
        methods=["GET", "POST"],
    ),
]
