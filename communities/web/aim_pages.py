"""Aims and their driver diagrams, drawn: aim, primary and secondary drivers, change ideas.

Each page runs a fixed number of queries: the aim page fetches the drivers, the change
ideas and the cycles of the aim in one query each and builds the diagram in Python.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, get_args

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tortoise.functions import Count

from communities.choices import ChangeIdeaStage
from communities.models import Aim, ChangeIdea, Cycle, Driver
from communities.web import queries
from communities.web.page_cache import kept_page
from core.errors import NotFound
from core.web.context import signed_in_context

STAGES: tuple[str, ...] = get_args(ChangeIdeaStage)
SHOWN_CYCLES = 3
"""Cycles listed per team under a change idea; the rest fold into a disclosure."""

AIM_FIELDS = ("id", "title", "statement", "target_date", "team_id", "team__name")


def _cycle_date(cycle: dict[str, Any]) -> date:
    return cycle["actual_start"] or cycle["planned_start"] or date.max


def cycles_by_team(cycles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cycles of one change idea grouped by team (by team name), oldest first in each."""
    teams: dict[int, dict[str, Any]] = {}
    for cycle in cycles:
        team = teams.setdefault(
            cycle["team_id"], {"id": cycle["team_id"], "name": cycle["team__name"], "cycles": []}
        )
        team["cycles"].append(cycle)
    for team in teams.values():
        team["cycles"].sort(key=lambda c: (_cycle_date(c), c["id"]))
    return sorted(teams.values(), key=lambda t: (t["name"], t["id"]))


def driver_diagram(
    drivers: list[dict[str, Any]], ideas: list[dict[str, Any]], cycles: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Primary drivers, each with its ``secondary`` drivers and ``ideas``.

    Every idea gets its ``step`` among the stages (1 to 3), its cycles grouped by ``teams``
    and its ``cycle_count``.
    """
    cycles_of: dict[int, list[dict[str, Any]]] = {}
    for cycle in cycles:
        cycles_of.setdefault(cycle["change_idea_id"], []).append(cycle)
    ideas_of: dict[int, list[dict[str, Any]]] = {}
    for idea in ideas:
        found = cycles_of.get(idea["id"], [])
        ideas_of.setdefault(idea["driver_id"], []).append(
            {
                **idea,
                "step": STAGES.index(idea["stage"]) + 1 if idea["stage"] in STAGES else 0,
                "teams": cycles_by_team(found),
                "cycle_count": len(found),
            }
        )
    nodes = {d["id"]: {**d, "ideas": ideas_of.get(d["id"], []), "secondary": []} for d in drivers}
    primaries = []
    for driver in nodes.values():
        parent = nodes.get(driver["parent_id"]) if driver["parent_id"] is not None else None
        if parent is not None:
            parent["secondary"].append(driver)
        else:
            primaries.append(driver)
    return primaries


def _summary(
    drivers: list[dict[str, Any]], ideas: list[dict[str, Any]], cycles: list[dict[str, Any]]
) -> dict[str, Any]:
    stages = Counter(idea["stage"] for idea in ideas)
    return {
        "primary": sum(1 for d in drivers if d["parent_id"] is None),
        "secondary": sum(1 for d in drivers if d["parent_id"] is not None),
        "ideas": len(ideas),
        "stages": [(stage, stages.get(stage, 0)) for stage in STAGES],
        "cycles": len(cycles),
        "teams": len({c["team_id"] for c in cycles}),
    }


async def aims_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await queries.community_by_slug(ctx, request.path_params["slug"])
    return await kept_page(
        request,
        "communities/aim.html",
        community,
        ("aims",),
        lambda: _aims_context(community),
        subject="aim",
        panels_for="aims",
    )


async def _aims_context(community: dict[str, Any]) -> dict[str, Any]:
    cid = community["id"]
    aims = await Aim.filter(community_id=cid).order_by("id").values(*AIM_FIELDS)
    drivers = await Driver.filter(aim__community_id=cid).values("aim_id", "parent_id")
    ideas = await ChangeIdea.filter(driver__aim__community_id=cid).values("driver__aim_id", "stage")
    cycle_counts = (
        await Cycle.filter(community_id=cid, change_idea_id__isnull=False)
        .annotate(count=Count("id"))
        .group_by("change_idea__driver__aim_id")
        .values("change_idea__driver__aim_id", "count")
    )
    cycles_of = {row["change_idea__driver__aim_id"]: row["count"] for row in cycle_counts}
    primary = Counter(d["aim_id"] for d in drivers if d["parent_id"] is None)
    secondary = Counter(d["aim_id"] for d in drivers if d["parent_id"] is not None)
    stages_of: dict[int, Counter[str]] = {}
    for idea in ideas:
        stages_of.setdefault(idea["driver__aim_id"], Counter())[idea["stage"]] += 1
    listed = []
    for aim in aims:
        stages = stages_of.get(aim["id"], Counter())
        listed.append(
            {
                **aim,
                "primary": primary[aim["id"]],
                "secondary": secondary[aim["id"]],
                "ideas": stages.total(),
                "stages": [(stage, stages[stage]) for stage in STAGES],
                "cycles": cycles_of.get(aim["id"], 0),
            }
        )
    return {"community": community, "aim": None, "aims": listed}


async def aim_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await queries.community_by_slug(ctx, request.path_params["slug"])
    aim_id = request.path_params["aim_id"]
    return await kept_page(
        request,
        "communities/aim.html",
        community,
        ("aim", aim_id),
        lambda: _aim_context(community, aim_id),
        subject="aim",
        panels_for="aim",
    )


async def _aim_context(community: dict[str, Any], aim_id: int) -> dict[str, Any]:
    cid = community["id"]
    rows = await Aim.filter(id=aim_id, community_id=cid).values(*AIM_FIELDS)
    if not rows:
        raise NotFound("There is no such aim in this community.")
    aim = dict(rows[0])
    drivers = list(
        await Driver.filter(aim_id=aim["id"])
        .order_by("id")
        .values("id", "parent_id", "title", "description")
    )
    ideas = list(
        await ChangeIdea.filter(driver__aim_id=aim["id"])
        .order_by("id")
        .values("id", "driver_id", "title", "description", "stage", "team_id", "team__name")
    )
    cycles = list(
        await Cycle.filter(change_idea__driver__aim_id=aim["id"], community_id=cid)
        .order_by("id")
        .values(
            "id",
            "title",
            "status",
            "team_id",
            "team__name",
            "change_idea_id",
            "planned_start",
            "actual_start",
        )
    )
    return {
        "community": community,
        "aim": aim,
        "primaries": driver_diagram(drivers, ideas, cycles),
        "summary": _summary(drivers, ideas, cycles),
        "stages": STAGES,
        "shown_cycles": SHOWN_CYCLES,
    }


ROUTES = [
    Route("/communities/{slug}/aims", aims_page),
    Route("/communities/{slug}/aims/{aim_id:int}", aim_page),
]
