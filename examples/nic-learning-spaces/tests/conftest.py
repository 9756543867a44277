"""The platform's pytest plugin (``core.testing``) gives the fixtures; we name our plugin
and build a small community to work in."""

from __future__ import annotations

from datetime import date
from typing import Any

import nic_learning_spaces.plugin
import pytest
from nic_learning_spaces.schemas import FocusEntry, SpaceCreate
from nic_learning_spaces.services import create_space


@pytest.fixture(scope="session")
def nic_plugins() -> list[object]:
    return [nic_learning_spaces.plugin]


@pytest.fixture
async def world(nic_admin: Any, nic_user: Any) -> dict[str, Any]:
    """Cedar Valley: a district team and a school team, Ana (a member user on the school
    team), Olu (an observer), a cycle of each team (through the JSON API, as an admin)
    and a monthly data dive that Lee (district team) facilitates and Ana takes part in
    (through the plugin's own service)."""
    api = nic_admin.api
    community = await api.ok("POST", "/communities", {"slug": "cedar", "name": "Cedar Valley"}, 201)
    cid = community["id"]
    didt = await api.ok(
        "POST",
        "/teams",
        {"community_id": cid, "name": "Cedar DIDT", "kind": "district_design_team"},
        201,
    )
    north = await api.ok(
        "POST",
        "/teams",
        {"community_id": cid, "name": "North SIDT", "kind": "school_design_team"},
        201,
    )
    ana = await nic_user("ana@cedar.example", name="Ana Ruiz")
    olu = await nic_user("olu@cedar.example", name="Olu Observer")
    for user, role in ((ana, "member"), (olu, "observer")):
        await api.ok("PUT", f"/communities/{cid}/roles", {"user_email": user.email, "role": role})
    ana_person = await api.ok(
        "POST",
        "/people",
        {"community_id": cid, "name": "Ana Ruiz", "email": ana.email, "user_id": ana.id},
        201,
    )
    lee = await api.ok(
        "POST",
        "/people",
        {"community_id": cid, "name": "Lee Park", "email": "lee@cedar.example"},
        201,
    )
    await api.ok(
        "POST",
        "/memberships",
        {
            "person_id": ana_person["id"],
            "team_id": north["id"],
            "role": "coordinator",
            "start_date": "2024-08-01",
        },
        201,
    )
    await api.ok(
        "POST",
        "/memberships",
        {
            "person_id": lee["id"],
            "team_id": didt["id"],
            "role": "member",
            "start_date": "2024-08-01",
        },
        201,
    )
    north_cycle = await api.ok(
        "POST",
        "/cycles",
        {
            "team_id": north["id"],
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
            "team_id": didt["id"],
            "title": "District data wall",
            "plan_objective": "Build a wall",
            "planned_start": "2024-09-09",
        },
        201,
    )
    month = date.today().month
    space = await create_space(
        nic_admin.ctx,
        SpaceCreate(
            community_id=cid,
            name="Monthly data dive",
            kind="data_dive",
            cadence="monthly",
            facilitator_id=lee["id"],
            participant_ids=[ana_person["id"]],
            scope=[
                FocusEntry(month=month, focus="Reading attendance data"),
                FocusEntry(month=month % 12 + 1, focus="Grades at the quarter"),
            ],
        ),
    )
    return {
        "community_id": cid,
        "teams": {"didt": didt["id"], "north": north["id"]},
        "people": {"ana": ana_person["id"], "lee": lee["id"]},
        "cycles": {"north": north_cycle["id"], "didt": didt_cycle["id"]},
        "space": space,
        "users": {"ana": ana, "olu": olu},
        "admin": nic_admin,
    }
