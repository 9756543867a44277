"""A small community to plan convenings in (the plugin is built in: no nic_plugins).

Cedar Valley (America/New_York): a district team (DIDT) and two school teams. Ana
coordinates North and sits on the DIDT; Lee is on the DIDT only; Pat coordinated
South (and sat on the DIDT) until 2024-12-31, Sam from 2025-01-01; Nia is a plain
North member. Fran is a facilitator, Ana a member, Rita a researcher (accounts).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.convenings import agenda_plugin


@pytest.fixture(scope="session")
def nic_plugins() -> list[object]:
    """A small plugin that suggests an agenda item, to see the hook's items drafted."""
    return [agenda_plugin]


@pytest.fixture
async def world(nic_admin: Any, nic_user: Any) -> dict[str, Any]:
    api = nic_admin.api
    community = await api.ok(
        "POST", "/communities",
        {"slug": "cedar", "name": "Cedar Valley", "time_zone": "America/New_York"}, 201,
    )  # fmt: skip
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
    for key, email, name, role in (
        ("fran", "fran@cedar.example", "Fran Facilitator", "facilitator"),
        ("ana", "ana@cedar.example", "Ana Ruiz", "member"),
        ("rita", "rita@cedar.example", "Rita Researcher", "researcher"),
    ):
        users[key] = await nic_user(email, name=name)
        await api.ok("PUT", f"/communities/{cid}/roles", {"user_email": email, "role": role})
    people = {}
    for key, name, user in (
        ("ana", "Ana Ruiz", users["ana"]),
        ("fran", "Fran Facilitator", users["fran"]),
        ("lee", "Lee Park", None),
        ("pat", "Pat Gray", None),
        ("sam", "Sam Cole", None),
        ("nia", "Nia Bell", None),
    ):
        body = {"community_id": cid, "name": name, "email": f"{key}@cedar.example"}
        if user is not None:
            body["user_id"] = user.id
        people[key] = (await api.ok("POST", "/people", body, 201))["id"]
    for person, team, role, start, end in (
        ("ana", "north", "coordinator", "2024-08-01", None),
        ("ana", "didt", "member", "2024-08-01", None),
        ("lee", "didt", "member", "2024-08-01", None),
        ("pat", "south", "coordinator", "2024-08-01", "2024-12-31"),
        ("pat", "didt", "member", "2024-08-01", "2024-12-31"),
        ("sam", "south", "coordinator", "2025-01-01", None),
        ("sam", "didt", "member", "2025-01-01", None),
        ("nia", "north", "member", "2024-08-01", None),
    ):
        body = {"person_id": people[person], "team_id": teams[team], "role": role,
                "start_date": start}  # fmt: skip
        if end:
            body["end_date"] = end
        await api.ok("POST", "/memberships", body, 201)
    return {
        "community_id": cid,
        "teams": teams,
        "people": people,
        "users": users,
        "admin": nic_admin,
    }
