"""Search within one community: cycles, artifacts and people.

Matching is a case-insensitive substring (``icontains``), the same on SQLite and
PostgreSQL. Each group reads its count and at most 20 rows: six queries, whatever
the number of matches.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tortoise.expressions import Q

from communities.models import Artifact, Cycle, Person
from communities.web import queries
from communities.web.page_cache import kept_page
from core.bounds import fold_line
from core.web.context import signed_in_context

MIN_LENGTH = 2
MAX_LENGTH = 200
PER_GROUP = 20
EXCERPT = 80


def excerpt(text: str, needle: str, width: int = EXCERPT) -> str:
    """A short piece of ``text`` around the first match of ``needle`` (case-insensitive)."""
    flat = " ".join(text.split())
    at = flat.casefold().find(needle.casefold())
    if at < 0:
        return flat[:width] + ("…" if len(flat) > width else "")
    start = max(0, at - width // 2)
    end = min(len(flat), start + width)
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")


async def _group(query: Any, order: tuple[str, ...], *fields: str) -> dict[str, Any]:
    total = await query.count()
    rows = list(await query.order_by(*order).limit(PER_GROUP).values(*fields))
    return {"total": total, "rows": rows}


async def search_community(community_id: int, q: str) -> dict[str, dict[str, Any]]:
    cycles = await _group(
        Cycle.filter(
            Q(title__icontains=q) | Q(plan_objective__icontains=q) | Q(study_learning__icontains=q),
            community_id=community_id,
        ),
        ("-updated_at", "-id"),
        "id",
        "title",
        "status",
        "team__name",
        "plan_objective",
        "study_learning",
    )
    for row in cycles["rows"]:
        for name in ("study_learning", "plan_objective"):
            if q.casefold() in row[name].casefold():
                row["excerpt"] = excerpt(row[name], q)
                row["excerpt_of"] = "Learning" if name == "study_learning" else "Objective"
    artifacts = await _group(
        Artifact.filter(
            Q(title__icontains=q) | Q(description__icontains=q), community_id=community_id
        ),
        ("title", "id"),
        "id",
        "title",
        "kind",
        "vetting",
        "team__name",
        "description",
    )
    for row in artifacts["rows"]:
        if q.casefold() in row["description"].casefold():
            row["excerpt"] = excerpt(row["description"], q)
    people = await _group(
        Person.filter(Q(name__icontains=q) | Q(title__icontains=q), community_id=community_id),
        ("name", "id"),
        "id",
        "name",
        "title",
        "organization__name",
    )
    return {"cycles": cycles, "artifacts": artifacts, "people": people}


async def search_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await queries.community_by_slug(ctx, request.path_params["slug"])
    q = fold_line(request.query_params.get("q", ""))
    return await kept_page(
        request,
        "communities/search.html",
        community,
        (q,),
        lambda: _search_context(community, q),
        panels_for="search",
        around={"q": q},
    )


async def _search_context(community: dict[str, Any], q: str) -> dict[str, Any]:
    message = None
    results = None
    if len(q) > MAX_LENGTH:
        message = f"Search for at most {MAX_LENGTH} characters."
    elif q and len(q) < MIN_LENGTH:
        message = f"Type at least {MIN_LENGTH} characters to search."
    elif q:
        results = await search_community(community["id"], q)
    return {
        "community": community,
        "q": q,
        "message": message,
        "results": results,
        "total": sum(group["total"] for group in results.values()) if results else 0,
        "per_group": PER_GROUP,
        "min_length": MIN_LENGTH,
    }


ROUTES = [Route("/communities/{slug}/search", search_page)]
