"""A small community to assess: the platform's fixtures (``core.testing``) make it through
the JSON API; the rubrics plugin is built in, so it is loaded without naming it."""

from __future__ import annotations

from typing import Any

import pytest

from plugins.rubrics import services
from tests.factories import build_district


@pytest.fixture
async def world(nic_admin: Any, nic_user: Any) -> dict[str, Any]:
    """Cedar Valley: a district team and two school teams. Fay facilitates; Ana, Ben and
    Cal are members of North SIDT (Cal also of South); Dee is a member of South only;
    Rae is a researcher and Olu an observer. The default framework is in the library."""
    roles = {
        "fay": ("Fay Facilitator", "facilitator", []),
        "ana": ("Ana Ruiz", "member", ["north"]),
        "ben": ("Ben Okafor", "member", ["north"]),
        "cal": ("Cal Diaz", "member", ["north", "south"]),
        "dee": ("Dee Lin", "member", ["south"]),
        "rae": ("Rae Researcher", "researcher", []),
        "olu": ("Olu Observer", "observer", []),
    }
    district = await build_district(
        nic_admin,
        nic_user,
        teams=[
            ("didt", "Cedar DIDT", "district_design_team"),
            ("north", "North SIDT", "school_design_team"),
            ("south", "South SIDT", "school_design_team"),
        ],
        accounts=[(k, f"{k}@cedar.example", name, role) for k, (name, role, _) in roles.items()],
        people=[(k, name, f"{k}@cedar.example", k) for k, (name, _, _) in roles.items()],
        memberships=[
            (k, team, "member", "2024-08-01", None)
            for k, (_, _, member_of) in roles.items()
            for team in member_of
        ],
    )
    cid, teams, users = district.community_id, district.teams, district.users
    rubric = await services.add_default_framework(users["fay"].ctx, cid)
    return {
        "community_id": cid,
        "teams": teams,
        "users": users,
        "rubric_id": rubric["id"],
        "admin": nic_admin,
    }
