"""The teams of a community page: grouped by district, counted in SQL, filtered by name.

A community's teams are grouped under their top team (a district design team with its
school teams, or any team with teams under it); top teams with nobody under them share
one group of other teams. Each team carries its members today, the cycles started this
quarter and its last activity, from two grouped queries whatever the number of teams.
Past :data:`COLLAPSE_BEYOND` teams the groups are shown folded with their totals, and the
names of the people on several teams (one more query) only for communities below it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tortoise.expressions import F, Q
from tortoise.functions import Coalesce, Count, Max

from communities.models import Cycle, Membership, Team
from communities.web.queries import active_on

COLLAPSE_BEYOND = 30
"""More teams than this and the groups are folded, their totals in the summary."""
MAX_FILTER = 200
"""The longest team-name filter kept (a team name is at most 200 characters)."""


def quarter_of(day: date) -> tuple[date, date]:
    """The first and last day of the calendar quarter holding ``day``."""
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    after = (
        date(first.year + 1, 1, 1) if first.month == 10 else first.replace(month=first.month + 3)
    )
    return first, date.fromordinal(after.toordinal() - 1)


async def _counts(community_id: int, day: date) -> tuple[dict[int, int], dict[int, Any]]:
    """Members today per team, and cycles started this quarter with the last change per
    team: ``({team: members}, {team: {"started", "last"}})``."""
    first, last = quarter_of(day)
    members = (
        await Membership.filter(active_on(day), team__community_id=community_id)
        .group_by("team_id")
        .annotate(members=Count("person_id", distinct=True))
        .values("team_id", "members")
    )
    started = Q(actual_start__gte=first, actual_start__lte=last) | Q(
        actual_start__isnull=True, planned_start__gte=first, planned_start__lte=last
    )
    cycles = (
        await Cycle.filter(community_id=community_id)
        .group_by("team_id")
        .annotate(started=Count("id", _filter=started), last=Max("updated_at"))
        .values("team_id", "started", "last")
    )
    return {r["team_id"]: r["members"] for r in members}, {r["team_id"]: r for r in cycles}


async def _people_by_group(community_id: int, day: date) -> dict[int, int]:
    """People on a team today, without repeats, per top team and the teams right under it."""
    rows = (
        await Membership.filter(active_on(day), team__community_id=community_id)
        .annotate(top=Coalesce("team__parent_id", F("team_id")))
        .group_by("top")
        .annotate(people=Count("person_id", distinct=True))
        .values("top", "people")
    )
    return {r["top"]: r["people"] for r in rows}


async def _shared(community_id: int, day: date) -> dict[int, list[dict[str, Any]]]:
    """Per team, its members today who also sit on another team (for small communities)."""
    spells = await Membership.filter(active_on(day), team__community_id=community_id).values(
        "team_id", "person_id", "person__name", "role"
    )
    teams_of: dict[int, set[int]] = {}
    for spell in spells:
        teams_of.setdefault(spell["person_id"], set()).add(spell["team_id"])
    shared: dict[int, dict[int, dict[str, Any]]] = {}
    for spell in spells:
        if len(teams_of[spell["person_id"]]) > 1:
            shared.setdefault(spell["team_id"], {}).setdefault(spell["person_id"], spell)
    return {
        team: sorted(found.values(), key=lambda s: (s["role"], s["person__name"]))
        for team, found in shared.items()
    }


def natural(name: str) -> tuple[Any, ...]:
    """A sort key that puts "School 9" before "School 10"."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", name)
    )


def _top_of(team: dict[str, Any], by_id: dict[int, dict[str, Any]]) -> int:
    seen = {team["id"]}
    while team["parent_id"] in by_id and team["parent_id"] not in seen:
        team = by_id[team["parent_id"]]
        seen.add(team["id"])
    return int(team["id"])


def _group(head: dict[str, Any] | None, teams: list[dict[str, Any]], people: int | None) -> Any:
    dates = [t["last"] for t in teams if t["last"]]
    return {
        "head": head,
        "teams": teams,
        "team_count": len(teams),
        "members": people if people is not None else sum(t["members"] for t in teams),
        "started": sum(t["started"] for t in teams),
        "last": max(dates) if dates else None,
    }


async def team_overview(community_id: int, day: date, name_filter: str = "") -> dict[str, Any]:
    """The community's teams in groups, with their counts on ``day``; only the teams whose
    name holds ``name_filter`` (any case) are listed, each group's totals stay whole."""
    teams = list(
        await Team.filter(community_id=community_id)
        .order_by("id")
        .values("id", "name", "kind", "parent_id", "organization__name")
    )
    members, cycles = await _counts(community_id, day)
    collapsed = len(teams) > COLLAPSE_BEYOND
    shared = {} if collapsed else await _shared(community_id, day)
    people = await _people_by_group(community_id, day)
    teams.sort(key=lambda t: natural(t["name"]))
    by_id = {t["id"]: t for t in teams}
    for team in teams:
        found = cycles.get(team["id"], {})
        team["members"] = members.get(team["id"], 0)
        team["started"] = found.get("started", 0)
        team["last"] = found["last"].date() if found.get("last") else None
        team["shared"] = shared.get(team["id"], [])
    under: dict[int, list[dict[str, Any]]] = {}
    for team in teams:
        under.setdefault(_top_of(team, by_id), []).append(team)
    groups, others = [], []
    for top, members_of in under.items():
        head = by_id[top]
        if len(members_of) == 1 and head["kind"] != "district_design_team":
            others.append(head)
            continue
        rest = [t for t in members_of if t["id"] != top]
        groups.append(_group(head, [head, *rest], people.get(top)))
    groups.sort(key=lambda g: natural(g["head"]["name"]))
    if others:
        groups.append(_group(None, others, None))
    needle = name_filter.casefold()
    for group in groups:
        group["shown"] = [t for t in group["teams"] if needle in t["name"].casefold()]
    return {
        "groups": [g for g in groups if g["shown"]],
        "team_count": len(teams),
        "shown_count": sum(len(g["shown"]) for g in groups),
        "collapsed": collapsed,
        "quarter": quarter_of(day),
        "shared_count": len({s["person_id"] for found in shared.values() for s in found}),
    }
