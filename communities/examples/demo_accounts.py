"""The demo's accounts of people: a teacher on a school design team and a school team's
coordinator who also sits on the district team, each linked to their person."""

from __future__ import annotations

from typing import Any

from communities.models import Membership
from communities.services.accounts import link_account
from communities.services.base import community_id_for_slug
from core.auth.users import create_user, issue_token
from core.context import ServiceContext

TEACHER = "teacher@demo.example"
COORDINATOR = "coordinator@demo.example"


async def _current_spells(community_id: int) -> list[dict[str, Any]]:
    """Open memberships of the community's people (the demo's are open to this day)."""
    return list(
        await Membership.filter(team__community_id=community_id, end_date__isnull=True)
        .order_by("person_id", "id")
        .values("person_id", "person__name", "person__title", "team__name", "team__kind", "role")
    )


def _pick(spells: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The first teacher who is a plain member of a school team, and the first school
    team coordinator who is on the district team too."""
    on_district = {s["person_id"] for s in spells if s["team__kind"] == "district_design_team"}
    teacher = next(
        s
        for s in spells
        if s["team__kind"] == "school_design_team"
        and s["role"] == "member"
        and "teacher" in s["person__title"].lower()
    )
    coordinator = next(
        s
        for s in spells
        if s["team__kind"] == "school_design_team"
        and s["role"] == "coordinator"
        and s["person_id"] in on_district
    )
    return teacher, coordinator


async def demo_people_accounts(ctx: ServiceContext, slug: str, password: str) -> list[str]:
    """Make and link the two accounts in the community ``slug``; the lines that show them."""
    community_id = await community_id_for_slug(slug)
    teacher, coordinator = _pick(await _current_spells(community_id))
    lines = []
    for email, spell, what in (
        (TEACHER, teacher, f"a teacher on {teacher['team__name']}"),
        (
            COORDINATOR,
            coordinator,
            f"coordinator of {coordinator['team__name']}, also on the district team",
        ),
    ):
        user, _ = await create_user(email, password, name=spell["person__name"])
        await link_account(ctx, spell["person_id"], user["id"])
        token = await issue_token(user["id"], name="demo")
        lines.append(f"  {email:28} password {password}   API token {token}")
        lines.append(f"    {spell['person__name']}, {what} in {slug}")
    return lines
