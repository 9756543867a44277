"""The knowledge-flow explorer page, and the JSON trace it calls for a piece of work.

``/communities/{slug}/flow`` shows the team → team flow graph (server-side SVG), the
school ↔ district lag, the top brokers, the silos and the network's evolution by
quarter; ``?team=team:3`` adds a drill-down into that team's work and its links with
other teams. Every filter is a plain GET form field, so the page works without
JavaScript; ``/static/flow.js`` adds tooltips, highlighting and traces through
``/communities/{slug}/flow/trace`` (signed-in session, same ``read`` check as the page).

Aggregate first, drill down on demand: the page always draws teams, never all work; the
drill-down draws at most :data:`WORK_CAP` pieces of one team's work.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from communities.flow.results import readable_result, stored_result
from communities.web import queries
from communities.web.flow_downloads import picture_download
from communities.web.flow_view import (
    COLOURS,
    GROUPINGS,
    KINDS,
    SILO_DAYS,
    TEAM_LEVELS,
    VIEWS,
    Filters,
    explorer_params,
    form_date,
    read_filters,
)
from communities.web.page_cache import kept_page
from core.context import ServiceContext
from core.errors import InvalidInput, ServiceError, StillComputing
from core.jsonutil import dumps
from core.web.context import signed_in_context

DIRECTIONS = ("downstream", "upstream")


# --- The page ----------------------------------------------------------------------------


async def flow_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await queries.community_by_slug(ctx, request.path_params["slug"])
    filters = read_filters(request.query_params)
    asked = (tuple(filters.params().items()), tuple(filters.errors.items()))
    return await kept_page(
        request,
        "communities/flow.html",
        community,
        asked,
        lambda: _flow_context(ctx, community, filters),
        panels_for="flow",
    )


async def _flow_context(
    ctx: ServiceContext, community: dict[str, Any], filters: Filters
) -> dict[str, Any]:
    slug = community["slug"]
    page: dict[str, Any] = {
        "community": community,
        "filters": filters,
        "as_of": filters.as_of,
        "kinds": KINDS,
        "silo_days": SILO_DAYS,
        "trace_url": f"/communities/{slug}/flow/trace",
    }
    params = explorer_params(filters, date.today())
    try:
        result = await stored_result(ctx.plugins, community["id"], "explorer", params)
    except StillComputing as exc:
        # Shown, never kept: the next view finds the worker's result.
        return page | {"computing": True, "refresh": exc.retry_after, "keep": False}
    view = dict(result.payload)
    for name, problem in view.pop("filter_errors").items():
        filters.errors[name] = problem
        setattr(filters, name, None)  # team, open, focus: the form forgets them
    picture = view.pop("picture")
    picture["svg"] = Markup(picture["svg"])
    query = filters.url()
    downloads = f"/communities/{slug}/flow/view"
    drill = view.pop("drill")
    if drill is not None:
        drill["svg"] = Markup(drill["svg"]) if drill["svg"] else None
    return (
        page
        | view
        | {
            "picture": picture,
            "picture_urls": {
                "top": filters.url(open=None, focus=None, q=None) + "#picture",
                "nodes_csv": f"{downloads}.nodes.csv{query}",
                "edges_csv": f"{downloads}.edges.csv{query}",
                "gexf": f"{downloads}.gexf{query}",
            },
            "drill": drill,
            "views": VIEWS,
            "groupings": GROUPINGS,
            "colours": COLOURS,
            "team_levels": TEAM_LEVELS,
            "result": result.meta() | {"computed_at": result.computed_at},
            # A stale view is shown while the worker recomputes it, but not kept.
            "keep": not result.stale,
        }
    )


# --- The trace, as JSON for flow.js --------------------------------------------------------


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        dumps(data),
        status_code=status,
        media_type="application/json",
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


async def trace_json(request: Request) -> Response:
    """Where a piece of work's learning went (or came from), for the signed-in user."""
    try:
        ctx = await signed_in_context(request)
        params = request.query_params
        errors: dict[str, str] = {}
        as_of = form_date(params, "as_of", errors)
        direction = params.get("direction", "downstream")
        if direction not in DIRECTIONS:
            errors["direction"] = f"must be one of {', '.join(DIRECTIONS)}"
        bound = form_date(params, "until" if direction == "downstream" else "since", errors)
        if errors:
            name, problem = next(iter(errors.items()))
            raise InvalidInput(f"{name}: {problem}", errors)
        bound_name = "until" if direction == "downstream" else "since"
        query = {"as_of": as_of, "node": params.get("node"), bound_name: bound}
        found = {k: v.isoformat() if isinstance(v, date) else v for k, v in query.items()}
        slug = request.path_params["slug"]
        result = await readable_result(ctx, slug, direction, found)
        return _json({**result.payload, **result.meta()})
    except ServiceError as exc:
        return _json(exc.to_dict(), exc.status, exc.headers())


ROUTES = [
    Route("/communities/{slug}/flow", flow_page),
    Route("/communities/{slug}/flow/view.{format}", picture_download),
    Route("/communities/{slug}/flow/trace", trace_json),
]
