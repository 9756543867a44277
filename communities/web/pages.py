"""Read pages of the domain: communities, a community, a team, a cycle."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tortoise.expressions import Q

from communities.changes import note_counter
from communities.kept import STAMP_FIELDS, stamp_of
from communities.models import Cycle, DataPoint, LearningLink, Measure, Membership, Person
from communities.services import cycles as cycle_service
from communities.services.accounts import account_states
from communities.services.links import node_kinds
from communities.web import queries
from communities.web.mentions import with_mentions
from communities.web.page_cache import kept_body, kept_page
from communities.web.team_overview import MAX_FILTER, team_overview
from core.bounds import fold_line
from core.errors import NotFound
from core.nodes import NodeRef
from core.prepared import PreparedValues
from core.web.context import signed_in_context
from core.web.paging import page_number
from core.web.render import panels, render

TEAM_CYCLES_PER_PAGE = 100
COMMUNITY_CYCLES_PER_PAGE = 10


async def communities_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    return await render(
        request, "communities/list.html", {"communities": await queries.my_communities(ctx)}
    )


async def community_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await queries.community_by_slug(ctx, request.path_params["slug"])
    cid = community["id"]
    can_manage = await ctx.allowed("manage", community_id=cid)
    name_filter = fold_line(request.query_params.get("q", ""))[:MAX_FILTER]
    page, today = page_number(request), date.today()

    async def data() -> dict[str, Any]:
        total = await Cycle.filter(community_id=cid).count()
        pages = max(1, -(-total // COMMUNITY_CYCLES_PER_PAGE))
        base = f"/communities/{community['slug']}"

        def page_url(number: int) -> str:
            query = {"q": name_filter} if name_filter else {}
            return f"{base}?{urlencode({**query, 'page': number})}#recent-cycles"

        return {
            "community": community,
            "overview": await team_overview(cid, today, name_filter),
            "name_filter": name_filter,
            "cycles": await queries.recent_cycles(
                Q(community_id=cid),
                limit=COMMUNITY_CYCLES_PER_PAGE,
                offset=(page - 1) * COMMUNITY_CYCLES_PER_PAGE,
            ),
            "cycle_total": total,
            "page": page,
            "pages": pages,
            "previous_url": page_url(page - 1) if page > 1 else None,
            "next_url": page_url(page + 1) if page < pages else None,
            "first_url": page_url(1),
            "artifacts": await queries.recent_artifacts(cid),
            "can_manage": can_manage,
        }

    return await kept_page(
        request,
        "communities/community.html",
        community,
        (can_manage, name_filter, page, today),
        data,
        panels_for="community",
    )


async def team_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await queries.community_by_slug(ctx, request.path_params["slug"])
    cid, team_id, page = community["id"], request.path_params["team_id"], page_number(request)
    can_write = await ctx.allowed("write_team", community_id=cid, team_id=team_id)
    can_manage = await ctx.allowed("manage", community_id=cid)
    body = await kept_body(
        request,
        "communities/_team_body.html",
        ("team", cid, team_id, page, can_write, can_manage),
        stamp_of(cid, community["created_at"], community["change_counter"]),
        lambda: _team_context(community, team_id, page, can_write, can_manage),
        subject="team",
    )
    team = body.subject
    context = {
        "community": community,
        "team": team,
        "body": body.html,
        "panels": await panels(request, "team", dict(team, community_id=cid), community_id=cid),
    }
    return await render(request, "communities/team.html", context)


async def _team_context(
    community: dict[str, Any], team_id: int, page: int, can_write: bool, can_manage: bool
) -> dict[str, Any]:
    """What the team page shows, apart from its panels: the same for everyone who may (or
    may not) write to the team, and manage the community (who sees each member's account
    state, with their invitation's expiry date, kept until the community's next write)."""
    structure = await queries.team_structure(community["id"], date.today())
    team = next((t for t in structure["teams"] if t["id"] == team_id), None)
    if team is None:
        raise NotFound("There is no such team in this community.")
    spells = (
        await Membership.filter(team_id=team["id"])
        .order_by("-start_date")
        .values("person_id", "person__name", "role", "start_date", "end_date")
    )
    total = await Cycle.filter(team_id=team["id"]).count()
    cycles = await queries.recent_cycles(
        Q(team_id=team["id"]), limit=TEAM_CYCLES_PER_PAGE, offset=(page - 1) * TEAM_CYCLES_PER_PAGE
    )
    by_status: dict[str, list[dict[str, Any]]] = {}
    for cycle in cycles:
        by_status.setdefault(cycle["status"], []).append(cycle)
    return {
        "community": community,
        "team": team,
        "parent": next((t for t in structure["teams"] if t["id"] == team["parent_id"]), None),
        "children": [t for t in structure["teams"] if t["parent_id"] == team["id"]],
        "spells": spells,
        "by_status": by_status,
        "page": page,
        "pages": max(1, -(-total // TEAM_CYCLES_PER_PAGE)),
        "cycle_total": total,
        "measures": await Measure.filter(team_id=team["id"]).values("id", "name", "kind", "unit"),
        "artifacts": await queries.recent_artifacts_of_team(team["id"]),
        "can_write": can_write,
        "accounts": (
            await account_states(list({s["person_id"] for s in spells})) if can_manage else None
        ),
    }


async def _link_labels(ctx: Any, refs: list[str]) -> dict[str, str]:
    kinds = await node_kinds(ctx)
    wanted: dict[str, list[int]] = {}
    for ref in refs:
        node = NodeRef.parse(ref)
        wanted.setdefault(node.kind, []).append(node.id)
    labels: dict[str, str] = {}
    for kind, ids in wanted.items():
        if kind in kinds:
            for ident, info in (await kinds[kind].resolve(ids)).items():
                labels[f"{kind}:{ident}"] = info.label
    return labels


async def cycle_context(request: Request, ctx: Any, cycle_id: int) -> dict[str, Any]:
    """Everything the cycle page shows (used to re-show it with an error; never kept)."""
    context = await _cycle_data(ctx, cycle_id)
    context["panels"] = await panels(
        request, "cycle", context["cycle"], community_id=context["cycle"]["community_id"]
    )
    return context


async def _cycle_data(ctx: Any, cycle_id: int) -> dict[str, Any]:
    """What the cycle page shows apart from its panels (for one actor's right to write)."""
    from communities.charts.run import Point
    from communities.web.runchart import Marker, render_svg

    cycle = await cycle_service.get_cycle(ctx, cycle_id)
    ref = f"cycle:{cycle['id']}"
    links = await LearningLink.filter(Q(source=ref) | Q(target=ref)).values(
        "source", "target", "kind", "date", "note"
    )
    labels = await _link_labels(
        ctx, [link["source"] for link in links] + [link["target"] for link in links]
    )
    measures = await Measure.filter(
        Q(id__in=cycle["measure_ids"]) | Q(team_id=cycle["team_id"])
    ).values("id", "name", "unit")
    attached = [m for m in measures if m["id"] in cycle["measure_ids"]]
    points = (
        await DataPoint.filter(measure_id__in=[m["id"] for m in attached])
        .order_by("date")
        .values("measure_id", "date", "value")
    )
    related = [
        link for link in links if link["source"].startswith("cycle:") and link["target"] == ref
    ]
    markers = [Marker(cycle_service.cycle_date(cycle) or date.today(), "this cycle", True)]
    for other in await queries.cycle_dates([NodeRef.parse(link["source"]).id for link in related]):
        if other["date"]:
            markers.append(Marker(other["date"], other["title"][:24]))
    charts = [
        render_svg(
            [Point(p["date"], p["value"]) for p in points if p["measure_id"] == m["id"]],
            title=m["name"],
            unit=m["unit"],
            markers=markers,
        )
        for m in attached
    ]
    can_write = await ctx.allowed(
        "write_team", community_id=cycle["community_id"], team_id=cycle["team_id"]
    )
    from communities.web.cycle_forms import TEXTS

    team = await queries.team_of(cycle["team_id"])
    zone = _zone(team["community__time_zone"])
    history = await cycle_service.cycle_history(ctx, cycle["id"])
    for revision in history:
        revision["changed_at"] = revision["changed_at"].astimezone(zone)
    authors = await Person.filter(id__in=cycle["author_ids"]).order_by("name").values("name")
    context: dict[str, Any] = {
        # Mentions of the community's people become links to their pages.
        "cycle": await with_mentions(cycle, TEXTS, cycle["community_id"], team["community__slug"]),
        "team": team,
        "authors": [a["name"] for a in authors],
        "informed_by": [
            {**link, "label": labels.get(link["source"], link["source"])}
            for link in links
            if link["target"] == ref
        ],
        "informed": [
            {**link, "label": labels.get(link["target"], link["target"])}
            for link in links
            if link["source"] == ref
        ],
        "charts": charts,
        "history": history,
        "can_write": can_write,
        "measures": measures,
        "next_status": None,
    }
    if can_write:
        from communities.web.cycle_forms import source_choices

        if cycle["status"] not in ("completed", "abandoned"):
            context["next_status"] = cycle_service.next_status(cycle["status"])
        context["sources"] = await source_choices(cycle["community_id"], cycle["id"])
    return context


def _zone(name: str | None) -> ZoneInfo:
    """The community's time zone, for the times its pages show (UTC if it names none)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


_CYCLE_STAMP = PreparedValues(
    Cycle,
    lambda cycle_id: Cycle.filter(id=cycle_id).values(
        "community_id", "team_id", *(f"community__{name}" for name in STAMP_FIELDS)
    ),
)


async def cycle_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    cycle_id = request.path_params["cycle_id"]
    rows = await _CYCLE_STAMP(cycle_id)
    missing = NotFound(f"no cycle {cycle_id}")
    if not rows:
        raise missing
    row = rows[0]
    # Noted before the role is read, so the role is kept under the stamp.
    note_counter(
        row["community_id"], row["community__created_at"], row["community__change_counter"]
    )
    cid = await ctx.require_readable(row["community_id"], missing)
    can_write = await ctx.allowed("write_team", community_id=cid, team_id=row["team_id"])
    body = await kept_body(
        request,
        "communities/_cycle_body.html",
        ("cycle", cid, cycle_id, can_write),
        stamp_of(cid, row["community__created_at"], row["community__change_counter"]),
        lambda: _cycle_data(ctx, cycle_id),
        subject="cycle",
    )
    cycle = body.subject
    context = {
        "cycle": cycle,
        "body": body.html,
        "panels": await panels(request, "cycle", dict(cycle), community_id=cid),
    }
    return await render(request, "communities/cycle.html", context, community_id=cid)


ROUTES = [
    Route("/communities", communities_page),
    Route("/communities/{slug}", community_page),
    Route("/communities/{slug}/teams/{team_id:int}", team_page),
    Route("/cycles/{cycle_id:int}", cycle_page),
]
