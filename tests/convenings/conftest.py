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
from tests.factories import build_district


@pytest.fixture(scope="session")
def nic_plugins() -> list[object]:
    """A small plugin that suggests an agenda item, to see the hook's items drafted."""
    return [agenda_plugin]


@pytest.fixture
async def world(nic_admin: Any, nic_user: Any) -> dict[str, Any]:
    district = await build_district(
        nic_admin,
        nic_user,
        time_zone="America/New_York",
        teams=[
            ("didt", "Cedar DIDT", "district_design_team"),
            ("north", "North SIDT", "school_design_team"),
            ("south", "South SIDT", "school_design_team"),
        ],
        accounts=[
            ("fran", "fran@cedar.example", "Fran Facilitator", "facilitator"),
            ("ana", "ana@cedar.example", "Ana Ruiz", "member"),
            ("rita", "rita@cedar.example", "Rita Researcher", "researcher"),
        ],
        people=[
            ("ana", "Ana Ruiz", "ana@cedar.example", "ana"),
            ("fran", "Fran Facilitator", "fran@cedar.example", "fran"),
            ("lee", "Lee Park", "lee@cedar.example", None),
            ("pat", "Pat Gray", "pat@cedar.example", None),
            ("sam", "Sam Cole", "sam@cedar.example", None),
            ("nia", "Nia Bell", "nia@cedar.example", None),
        ],
        memberships=[
            ("ana", "north", "coordinator", "2024-08-01", None),
            ("ana", "didt", "member", "2024-08-01", None),
            ("lee", "didt", "member", "2024-08-01", None),
            ("pat", "south", "coordinator", "2024-08-01", "2024-12-31"),
            ("pat", "didt", "member", "2024-08-01", "2024-12-31"),
            ("sam", "south", "coordinator", "2025-01-01", None),
            ("sam", "didt", "member", "2025-01-01", None),
            ("nia", "north", "member", "2024-08-01", None),
        ],
    )
    cid, teams, users, people = (
        district.community_id,
        district.teams,
        district.users,
        district.people,
    )
    return {
        "community_id": cid,
        "teams": teams,
        "people": people,
        "users": users,
        "admin": nic_admin,
    }
