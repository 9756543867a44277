"""A small community to talk in: the platform's fixtures (``core.testing``) build it
through the JSON API, and the forums' own services add the boards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from core.testing import NicUser
from plugins.forums import services
from plugins.forums.schemas import BoardCreate


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
    api = nic_admin.api
    community = await api.ok("POST", "/communities", {"slug": "cedar", "name": "Cedar Valley"}, 201)
    cid = community["id"]
    didt = await api.ok(
        "POST", "/teams",
        {"community_id": cid, "name": "Cedar DIDT", "kind": "district_design_team"}, 201,
    )  # fmt: skip
    north = await api.ok(
        "POST", "/teams",
        {"community_id": cid, "name": "North SIDT", "kind": "school_design_team"}, 201,
    )  # fmt: skip
    users: dict[str, NicUser] = {}
    roles = {"ana": "member", "ben": "member", "fay": "facilitator", "olu": "observer",
             "rae": "researcher", "sam": "member"}  # fmt: skip
    full = {"ana": "Ana Ruiz", "ben": "Ben Okafor", "fay": "Fay Lin", "olu": "Olu Obi",
            "rae": "Rae Stone", "sam": "Sam Vale"}  # fmt: skip
    people: dict[str, int] = {}
    for key, role in roles.items():
        user = await nic_user(f"{key}@cedar.example", name=full[key])
        users[key] = user
        await api.ok("PUT", f"/communities/{cid}/roles", {"user_email": user.email, "role": role})
        person = await api.ok(
            "POST", "/people",
            {"community_id": cid, "name": full[key], "email": user.email, "user_id": user.id},
            201,
        )  # fmt: skip
        people[key] = person["id"]
    for key, team in (("ana", north), ("ben", didt)):
        await api.ok(
            "POST", "/memberships",
            {"person_id": people[key], "team_id": team["id"], "role": "member",
             "start_date": "2024-08-01"}, 201,
        )  # fmt: skip
    north_cycle = await api.ok(
        "POST", "/cycles",
        {"team_id": north["id"], "title": "Advisory huddles", "plan_objective": "Try huddles",
         "planned_start": "2024-09-02"}, 201,
    )  # fmt: skip
    didt_cycle = await api.ok(
        "POST", "/cycles",
        {"team_id": didt["id"], "title": "District data wall", "plan_objective": "Build a wall",
         "planned_start": "2024-09-09"}, 201,
    )  # fmt: skip
    artifact = await api.ok(
        "POST", "/artifacts",
        {"community_id": cid, "team_id": didt["id"], "title": "Huddle protocol",
         "kind": "protocol"}, 201,
    )  # fmt: skip
    ctx = nic_admin.ctx
    general = await services.create_board(ctx, cid, BoardCreate(name="General"))
    north_board = await services.create_board(
        ctx, cid, BoardCreate(name="North room", visibility="team", team_id=north["id"])
    )
    staff = await services.create_board(
        ctx, cid, BoardCreate(name="Facilitators", visibility="facilitators")
    )
    return World(
        community_id=cid,
        slug="cedar",
        teams={"didt": didt["id"], "north": north["id"]},
        people=people,
        cycles={"north": north_cycle["id"], "didt": didt_cycle["id"]},
        artifact=artifact["id"],
        boards={"general": general["id"], "north": north_board["id"], "staff": staff["id"]},
        users=users,
        admin=nic_admin,
    )
