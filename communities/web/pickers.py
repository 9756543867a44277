"""What the cycle form offers to choose from, a page at a time: earlier learning and people.

Two pickers share this module. "What informed this cycle" offers the community's cycles and
artifact versions, grouped by team, each with its date and phase; a mention offers the
community's people. Both answer a search (every word must be found, in any order) with a
bounded page, so a community of thousands of cycles never puts thousands of options into a
page: the form lists the most recent few and its Find field (or, with JavaScript, the JSON
endpoints below) reaches the rest.
"""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tortoise.expressions import Q

from communities.models import ArtifactVersion, Cycle, Membership, Person
from communities.web import queries
from core.errors import InvalidInput, ServiceError
from core.jsonutil import dumps
from core.web.context import signed_in_context

FORM_LIMIT = 30
"""How many candidates the form lists without a search (chosen ones come on top)."""
JSON_LIMIT = 20
JSON_MAX = 50
PEOPLE_LIMIT = 8
PEOPLE_MAX = 20
NO_TEAM = "Community-wide"
_CYCLE_FIELDS = ("id", "title", "team__name", "status", "planned_start", "actual_start")
_VERSION_FIELDS = ("id", "number", "created_on", "artifact__title", "artifact__team__name")


def words_of(query: str) -> list[str]:
    """The words of a search, at most five of 40 characters (longer ones are cut)."""
    return [word[:40] for word in query.lower().split()][:5]


def _cycles(community_id: int, words: list[str], exclude: int | None) -> Any:
    found = Cycle.filter(community_id=community_id)
    if exclude:
        found = found.exclude(id=exclude)
    for word in words:
        found = found.filter(Q(title__icontains=word) | Q(team__name__icontains=word))
    return found


def _versions(community_id: int, words: list[str]) -> Any:
    found = ArtifactVersion.filter(artifact__community_id=community_id)
    for word in words:
        found = found.filter(
            Q(artifact__title__icontains=word) | Q(artifact__team__name__icontains=word)
        )
    return found


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def cycle_item(row: dict[str, Any]) -> dict[str, Any]:
    """One cycle as the picker shows it: its team, date (actual start, else planned) and phase."""
    day = row["actual_start"] or row["planned_start"]
    return {
        "value": f"cycle:{row['id']}",
        "kind": "cycle",
        "title": row["title"],
        "team": row["team__name"],
        "date": _iso(day),
        "phase": row["status"],
    }


def version_item(row: dict[str, Any]) -> dict[str, Any]:
    """One artifact version as the picker shows it: its team (if any), date and number."""
    return {
        "value": f"artifact_version:{row['id']}",
        "kind": "artifact_version",
        "title": f"{row['artifact__title']} v{row['number']}",
        "team": row["artifact__team__name"],
        "date": _iso(row["created_on"]),
        "phase": "artifact version",
    }


def grouped(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items grouped by team, teams in alphabetical order (community-wide ones last); each
    group keeps the items' order (most recent first, cycles before artifact versions)."""
    order = sorted(items, key=lambda item: (item["team"] is None, item["team"] or ""))
    return [
        {"team": team or NO_TEAM, "items": list(members)}
        for team, members in groupby(order, key=lambda item: item["team"])
    ]


async def candidates(
    community_id: int,
    query: str = "",
    *,
    exclude_cycle: int | None = None,
    limit: int = FORM_LIMIT,
    offset: int = 0,
    leave_out: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """A page of the cycles (most recently posted first), then the artifact versions, that
    match ``query``: ``{"groups", "total", "shown", "offset", "next_offset"}``."""
    words = words_of(query)
    cycles = _cycles(community_id, words, exclude_cycle)
    versions = _versions(community_id, words)
    cycle_total, version_total = await cycles.count(), await versions.count()
    items: list[dict[str, Any]] = []
    if offset < cycle_total:
        rows = await cycles.order_by("-id").offset(offset).limit(limit).values(*_CYCLE_FIELDS)
        items += [cycle_item(row) for row in rows]
    room, start = limit - len(items), max(0, offset - cycle_total)
    if room > 0 and start < version_total:
        rows = await versions.order_by("-id").offset(start).limit(room).values(*_VERSION_FIELDS)
        items += [version_item(row) for row in rows]
    total = cycle_total + version_total
    end = offset + len(items)
    shown = [item for item in items if item["value"] not in leave_out]
    return {
        "groups": grouped(shown),
        "total": total,
        "shown": len(shown),
        "offset": offset,
        "next_offset": end if end < total else None,
    }


async def chosen_items(community_id: int, refs: list[str]) -> list[dict[str, Any]]:
    """The chosen ``kind:id`` references of this community as picker items, in their order;
    references to nothing (or to another community) are left out."""
    ids: dict[str, list[int]] = {"cycle": [], "artifact_version": []}
    for ref in refs:
        kind, _, number = ref.partition(":")
        if kind in ids and number.isdigit() and len(number) < 10:
            ids[kind].append(int(number))
    found: dict[str, dict[str, Any]] = {}
    if ids["cycle"]:
        rows = await Cycle.filter(community_id=community_id, id__in=ids["cycle"]).values(
            *_CYCLE_FIELDS
        )
        found |= {f"cycle:{row['id']}": cycle_item(row) for row in rows}
    if ids["artifact_version"]:
        rows = await ArtifactVersion.filter(
            artifact__community_id=community_id, id__in=ids["artifact_version"]
        ).values(*_VERSION_FIELDS)
        found |= {f"artifact_version:{row['id']}": version_item(row) for row in rows}
    return [found[ref] for ref in dict.fromkeys(refs) if ref in found]


async def people(community_id: int, query: str, limit: int = PEOPLE_LIMIT) -> dict[str, Any]:
    """The community's people whose name has every word of ``query``, by name, with the teams
    they belong to today and the mention the form stores: ``{"items", "total"}``."""
    found = Person.filter(community_id=community_id)
    for word in words_of(query):
        found = found.filter(name__icontains=word)
    total = await found.count()
    rows = await found.order_by("name", "id").limit(limit).values("id", "name")
    teams: dict[int, list[str]] = {row["id"]: [] for row in rows}
    if rows:
        memberships = (
            await Membership.filter(queries.active_on(date.today()), person_id__in=list(teams))
            .order_by("team__name")
            .values("person_id", "team__name")
        )
        for membership in memberships:
            teams[membership["person_id"]].append(membership["team__name"])
    items = [
        {
            "id": row["id"],
            "name": row["name"],
            "teams": teams[row["id"]],
            "mention": mention_of(row["id"], row["name"]),
        }
        for row in rows
    ]
    return {"items": items, "total": total}


def mention_of(person_id: int, name: str) -> str:
    """How a mention is stored in text: ``@[Their Name](person:7)`` (brackets in the name
    become parentheses, so the link stays whole)."""
    label = name.replace("[", "(").replace("]", ")")
    return f"@[{label}](person:{person_id})"


# --- The JSON endpoints the form's script asks -------------------------------------------


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        dumps(data),
        status_code=status,
        media_type="application/json",
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def _number(request: Request, name: str, default: int, top: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) > top or (name != "offset" and int(raw) == 0):
        low = 0 if name == "offset" else 1
        raise InvalidInput(f"{name}: a whole number from {low} to {top}", {name: "not valid"})
    return int(raw)


async def cycle_choices_json(request: Request) -> Response:
    """``GET /communities/{slug}/cycles/choices?q=&limit=&offset=&exclude=``: candidates of
    "what informed this cycle", grouped by team, for anyone who may read the community."""
    try:
        ctx = await signed_in_context(request)
        community = await queries.community_by_slug(ctx, request.path_params["slug"])
        limit = _number(request, "limit", JSON_LIMIT, JSON_MAX)
        offset = _number(request, "offset", 0, 10**9)
        exclude = _number(request, "exclude", 0, 2**31 - 1)
        page = await candidates(
            community["id"],
            request.query_params.get("q", "")[:200],
            exclude_cycle=exclude or None,
            limit=limit,
            offset=offset,
        )
        return _json(page)
    except ServiceError as exc:
        return _json(exc.to_dict(), exc.status, exc.headers())


async def people_choices_json(request: Request) -> Response:
    """``GET /communities/{slug}/people/choices?q=&limit=``: people to mention."""
    try:
        ctx = await signed_in_context(request)
        community = await queries.community_by_slug(ctx, request.path_params["slug"])
        limit = _number(request, "limit", PEOPLE_LIMIT, PEOPLE_MAX)
        found = await people(community["id"], request.query_params.get("q", "")[:200], limit)
        return _json(found)
    except ServiceError as exc:
        return _json(exc.to_dict(), exc.status, exc.headers())


ROUTES = [
    Route("/communities/{slug}/cycles/choices", cycle_choices_json),
    Route("/communities/{slug}/people/choices", people_choices_json),
]
