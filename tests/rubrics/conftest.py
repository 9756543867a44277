"""A small community to assess: the platform's fixtures (``core.testing``) make it through
the JSON API; the rubrics plugin is built in, so it is loaded without naming it."""

from __future__ import annotations

from typing import Any

import pytest

from plugins.rubrics import services
from plugins.rubrics.schemas import AssessmentCreate


@pytest.fixture
async def world(nic_admin: Any, nic_user: Any) -> dict[str, Any]:
    """Cedar Valley: a district team and two school teams. Fay facilitates; Ana, Ben and
    Cal are members of North SIDT (Cal also of South); Dee is a member of South only;
    Rae is a researcher and Olu an observer. The default framework is in the library."""
    api = nic_admin.api
    community = await api.ok("POST", "/communities", {"slug": "cedar", "name": "Cedar Valley"}, 201)
    cid = community["id"]
    teams = {}
    for key, name, kind in (
        ("didt", "Cedar DIDT", "district_design_team"),
        ("north", "North SIDT", "school_design_team"),
        ("south", "South SIDT", "school_design_team"),
    ):
        team = await api.ok(
            "POST", "/teams", {"community_id": cid, "name": name, "kind": kind}, 201
        )
        teams[key] = team["id"]
    users = {}
    roles = {
        "fay": ("Fay Facilitator", "facilitator", []),
        "ana": ("Ana Ruiz", "member", ["north"]),
        "ben": ("Ben Okafor", "member", ["north"]),
        "cal": ("Cal Diaz", "member", ["north", "south"]),
        "dee": ("Dee Lin", "member", ["south"]),
        "rae": ("Rae Researcher", "researcher", []),
        "olu": ("Olu Observer", "observer", []),
    }
    for key, (name, role, member_of) in roles.items():
        user = await nic_user(f"{key}@cedar.example", name=name)
        users[key] = user
        await api.ok("PUT", f"/communities/{cid}/roles", {"user_email": user.email, "role": role})
        person = await api.ok(
            "POST", "/people",
            {"community_id": cid, "name": name, "email": user.email, "user_id": user.id}, 201,
        )  # fmt: skip
        for team in member_of:
            await api.ok(
                "POST", "/memberships",
                {"person_id": person["id"], "team_id": teams[team], "role": "member",
                 "start_date": "2024-08-01"}, 201,
            )  # fmt: skip
    rubric = await services.add_default_framework(users["fay"].ctx, cid)
    return {
        "community_id": cid,
        "teams": teams,
        "users": users,
        "rubric_id": rubric["id"],
        "admin": nic_admin,
    }


async def open_assessment(
    world: dict[str, Any], team: str = "north", period: str = "2025-Q1", kind: str = "self_review"
) -> dict[str, Any]:
    return await services.create_assessment(
        world["users"]["fay"].ctx,
        AssessmentCreate(
            team_id=world["teams"][team],
            rubric_id=world["rubric_id"],
            period=period,
            kind=kind,
            held_on=f"{period[:4]}-0{int(period[-1]) * 3 - 1}-15",
        ),
    )
