"""Who is invited by default, from the memberships active on the meeting date.

Every member of a participating district design team, and the coordinators of every
other participating team (the SIDT members who also sit on the DIDT). Facilitators
add and remove people afterwards; those edits survive a re-derivation.
"""

from __future__ import annotations

from datetime import date

from tortoise.expressions import Q

from plugins.api import Membership

DISTRICT_KINDS = frozenset({"district_design_team"})


async def team_members_on(team_ids: list[int], days: list[date]) -> dict[date, dict[int, set[int]]]:
    """``{day: {team id: person ids}}`` of the memberships active on each day: one query."""
    if not team_ids or not days:
        return {day: {} for day in days}
    rows = await Membership.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=min(days)),
        team_id__in=team_ids,
        start_date__lte=max(days),
    ).values("person_id", "team_id", "start_date", "end_date")
    found: dict[date, dict[int, set[int]]] = {day: {} for day in days}
    for day in days:
        for r in rows:
            if r["start_date"] <= day and (r["end_date"] is None or r["end_date"] >= day):
                found[day].setdefault(r["team_id"], set()).add(r["person_id"])
    return found


async def derive(teams: dict[int, str], on: date) -> dict[int, str]:
    """``{person id: reason}`` for participating ``teams`` (``{team id: team kind}``) on
    ``on``: ``coordinator`` for coordinators of the other teams (even when on the DIDT
    too), ``district_team`` for the other DIDT members. One query."""
    rows = await Membership.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on),
        team_id__in=list(teams),
        start_date__lte=on,
    ).values("person_id", "team_id", "role")
    found: dict[int, str] = {}
    for r in rows:
        if teams[r["team_id"]] in DISTRICT_KINDS:
            found.setdefault(r["person_id"], "district_team")
        elif r["role"] == "coordinator":
            # A coordinator is often on the DIDT too: say the bridging role.
            found[r["person_id"]] = "coordinator"
    return found
