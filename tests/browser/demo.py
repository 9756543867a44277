"""The demo (``nic demo --no-serve``) served by ``nic serve``, with a teacher's account: for the
accessibility and phone tests and for ``tests/browser/screenshots.py``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from communities.cli import DEMO_PASSWORD
from tests.browser.conftest import served
from tests.helpers import PASSWORD
from tests.scratch import run_nic, scratch_database

SLUG = "harrow-creek-hs-network"
FACILITATOR = "facilitator@demo.example"
TEACHER = "teacher.a11y@demo.example"


@dataclass(frozen=True)
class Demo:
    """A served demo: its base URL, the teacher's team, and the accounts to sign in with."""

    base: str
    team_id: int
    accounts: dict[str, tuple[str, str]]
    """``{"facilitator" | "teacher": (email, password)}``"""


def _teacher(base: str, token: str, folder: Path, url: str) -> int:
    """Give the teacher's account to a current member of a school design team (the first one
    without an account); the id of that team."""
    api = httpx.Client(base_url=base + "/api/v1", headers={"Authorization": f"Bearer {token}"})
    teams = {t["id"]: t for t in api.get("/teams", params={"per_page": 200}).json()["items"]}
    people = {p["id"]: p for p in api.get("/people", params={"per_page": 200}).json()["items"]}
    memberships = api.get("/memberships", params={"per_page": 200}).json()["items"]
    chosen = next(
        m
        for m in memberships
        if m["role"] == "member"
        and m["end_date"] is None
        and teams[m["team_id"]]["kind"] == "school_design_team"
        and teams[m["team_id"]]["community_id"] == 1
        and people[m["person_id"]]["user_id"] is None
    )
    run_nic("user", "add", TEACHER, "--password", PASSWORD, database=url, cwd=folder)
    run_nic("user", "role", TEACHER, SLUG, "member", database=url, cwd=folder)
    roles = api.get("/communities/1/roles", params={"per_page": 200}).json()["items"]
    user_id = next(r["user_id"] for r in roles if r["user__email"] == TEACHER)
    api.patch(f"/people/{chosen['person_id']}", json={"user_id": user_id}).raise_for_status()
    return int(chosen["team_id"])


@contextmanager
def demo_served(folder: Path) -> Iterator[Demo]:
    """A fresh demo database (of the kind the suite runs on), served; dropped afterwards."""
    with scratch_database(folder) as url:
        out = run_nic("demo", "--no-serve", "--database", url, database=url, cwd=folder).stdout
        token = re.search(r"admin@demo\.example.*API token (\S+)", out)
        assert token, out
        with served(url, folder) as base:
            team_id = _teacher(base, token.group(1), folder, url)
            yield Demo(
                base,
                team_id,
                {"facilitator": (FACILITATOR, DEMO_PASSWORD), "teacher": (TEACHER, PASSWORD)},
            )
