"""A small community to talk in: the platform's fixtures (``core.testing``) build it
through the JSON API, and the forums' own services add the boards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from core.testing import NicUser
from plugins.forums import services
from plugins.forums.schemas import BoardCreate
from tests.factories import build_district


@dataclass
class World:
    community_id: int
    slug: str
    teams: dict[str, int]
    people: dict[str, int]
    cycles: dict[str, int]
    artifact: int
    boards: dict[str, int]
    users: dict[str, NicUser]
    admin: NicUser


@pytest.fixture
async def world(nic_admin: NicUser, nic_user: Any) -> World:
    """Cedar Valley: a district team (Ben on it) and North (Ana on it); Fay facilitates,
    Olu observes, Rae researches, Sam is a member on no team. Boards: ``general``
    (everyone), ``north`` (North and facilitators) and ``staff`` (facilitators)."""
    roles = {
        "ana": "member",
        "ben": "member",
        "fay": "facilitator",
        "olu": "observer",
        "rae": "researcher",
        "sam": "member",
    }
    full = {
        "ana": "Ana Ruiz",
        "ben": "Ben Okafor",
        "fay": "Fay Lin",
        "olu": "Olu Obi",
        "rae": "Rae Stone",
        "sam": "Sam Vale",
    }
    district = await build_district(
        nic_admin,
        nic_user,
        teams=[
            ("didt", "Cedar DIDT", "district_design_team"),
            ("north", "North SIDT", "school_design_team"),
        ],
        accounts=[(k, f"{k}@cedar.example", full[k], role) for k, role in roles.items()],
        people=[(k, full[k], f"{k}@cedar.example", k) for k in roles],
        memberships=[
            ("ana", "north", "member", "2024-08-01", None),
            ("ben", "didt", "member", "2024-08-01", None),
        ],
    )
    api, cid, users, people = nic_admin.api, district.community_id, district.users, district.people
    teams = district.teams
    north_cycle = await api.ok(
        "POST",
        "/cycles",
        {
            "team_id": teams["north"],
            "title": "Advisory huddles",
            "plan_objective": "Try huddles",
            "planned_start": "2024-09-02",
        },
        201,
    )
    didt_cycle = await api.ok(
        "POST",
        "/cycles",
        {
            "team_id": teams["didt"],
            "title": "District data wall",
            "plan_objective": "Build a wall",
            "planned_start": "2024-09-09",
        },
        201,
    )
    artifact = await api.ok(
        "POST",
        "/artifacts",
        {
            "community_id": cid,
            "team_id": teams["didt"],
            "title": "Huddle protocol",
            "kind": "protocol",
        },
        201,
    )
    ctx = nic_admin.ctx
    general = await services.create_board(ctx, cid, BoardCreate(name="General"))
    north_board = await services.create_board(
        ctx, cid, BoardCreate(name="North room", visibility="team", team_id=teams["north"])
    )
    staff = await services.create_board(
        ctx, cid, BoardCreate(name="Facilitators", visibility="facilitators")
    )
    return World(
        community_id=cid,
        slug="cedar",
        teams=teams,
        people=people,
        cycles={"north": north_cycle["id"], "didt": didt_cycle["id"]},
        artifact=artifact["id"],
        boards={"general": general["id"], "north": north_board["id"], "staff": staff["id"]},
        users=users,
        admin=nic_admin,
    )
