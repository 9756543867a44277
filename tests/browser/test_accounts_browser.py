"""Accounts for real people in a real browser, with mail read from the server's log (the
default ``NIC_MAIL_URL=log:``): a facilitator invites a teacher, who makes an account and
posts a cycle; someone who forgot their password gets a new one, after which their older
session and API token are refused."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import served
from tests.browser.pages import signed_in_as
from tests.helpers import PASSWORD
from tests.scratch import run_nic, scratch_database

NEW = "a-brand-new-password"


@pytest.fixture(scope="module")
def logged_site(
    prepared_site: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """The small community served with its log in a file; a facilitator account, and Dana
    Lee, a teacher on North SIDT with no account."""
    template, token = prepared_site
    folder = tmp_path_factory.mktemp("accounts")
    log = folder / "server.log"
    with scratch_database(folder, copy_of=template) as url:
        run_nic("user", "add", "fac@example.org", "--password", PASSWORD, database=url, cwd=folder)
        run_nic(
            "user",
            "role",
            "fac@example.org",
            "cedar-valley",
            "facilitator",
            database=url,
            cwd=folder,
        )
        with served(url, folder, log=log) as base:
            api = httpx.Client(
                base_url=base + "/api/v1", headers={"Authorization": f"Bearer {token}"}
            )
            community = api.get("/communities").json()["items"][0]["id"]
            teams = api.get("/teams", params={"community": community}).json()["items"]
            north = next(t["id"] for t in teams if t["name"] == "North SIDT")
            dana = api.post("/people", json={
                "community_id": community, "name": "Dana Lee", "email": "dana.lee@cedar.example",
                "title": "Grade 9 English teacher",
            })  # fmt: skip
            dana.raise_for_status()
            api.post("/memberships", json={
                "person_id": dana.json()["id"], "team_id": north, "role": "member",
                "start_date": "2025-08-01",
            }).raise_for_status()  # fmt: skip
            yield {"base": base, "log": log, "url": url, "folder": folder, "north": north}


def link_from_log(log: Path, kind: str, before: int = 0) -> str:
    """The first ``/invitations/…`` or ``/account/reset/…`` link the server's log holds past
    ``before`` characters (the mail is written as the server sends it)."""
    pattern = re.compile(rf"http://127\.0\.0\.1:\d+/{kind}/[A-Za-z0-9_-]+")
    deadline = time.monotonic() + 15
    while True:
        found = pattern.search(log.read_text(errors="replace")[before:])
        if found:
            return found.group(0)
        assert time.monotonic() < deadline, log.read_text(errors="replace")[-2000:]
        time.sleep(0.1)


def test_a_facilitator_invites_a_teacher_who_makes_an_account_and_posts_a_cycle(
    browser: Browser, logged_site: dict[str, Any]
) -> None:
    site, log = logged_site["base"], logged_site["log"]
    team = f"/communities/cedar-valley/teams/{logged_site['north']}"
    facilitator = signed_in_as(browser, site, "fac@example.org")
    facilitator.goto(team)
    before = len(log.read_text(errors="replace"))
    facilitator.get_by_role("button", name="Invite Dana Lee").click()
    expect(facilitator.get_by_role("status")).to_contain_text(
        "Invitation mailed to dana.lee@cedar.example"
    )
    expect(facilitator.locator("tr", has_text="Dana Lee").locator(".badge")).to_have_text("invited")
    link = link_from_log(log, "invitations", before)
    assert "dana.lee@cedar.example" in log.read_text(errors="replace")[before:]

    teacher = browser.new_context(base_url=site).new_page()
    teacher.goto(link)
    expect(teacher.get_by_role("heading", name="Join Cedar Valley")).to_be_visible()
    teacher.locator("#f-password").fill(PASSWORD)
    teacher.locator("#f-confirm").fill("not the same one")
    teacher.get_by_role("button", name="Make my account").click()
    expect(teacher.locator("#e-confirm")).to_contain_text("differ")
    teacher.locator("#f-password").fill(PASSWORD)
    teacher.locator("#f-confirm").fill(PASSWORD)
    teacher.get_by_role("button", name="Make my account").click()
    expect(teacher).to_have_url(re.compile(re.escape(team) + "$"))
    expect(teacher.get_by_role("status")).to_contain_text("your account is ready")
    teacher.get_by_role("link", name="Post a cycle").click()
    teacher.locator("#f-title").fill("Sentence starters in English 9")
    teacher.get_by_label("Objective (required)").fill("Learn whether starters lift replies.")
    teacher.get_by_role("button", name="Post the cycle").click()
    expect(
        teacher.get_by_role("heading", name=re.compile("Sentence starters in English 9"))
    ).to_be_visible()

    # The link worked once; the facilitator sees the account active.
    teacher.goto(link)
    expect(teacher.get_by_text("was used already")).to_be_visible()
    facilitator.goto(team)
    expect(facilitator.locator("tr", has_text="Dana Lee").locator(".badge")).to_have_text("active")


def test_forgot_password_from_mail_to_new_password_refuses_the_old_session_and_token(
    browser: Browser, logged_site: dict[str, Any]
) -> None:
    site, log = logged_site["base"], logged_site["log"]
    issued = run_nic(
        "user", "token", "ana.ruiz@cedar.example",
        database=logged_site["url"], cwd=logged_site["folder"],
    )  # fmt: skip
    token = issued.stdout.strip().splitlines()[-1]
    api = httpx.Client(base_url=site + "/api/v1", headers={"Authorization": f"Bearer {token}"})
    assert api.get("/me").status_code == 200
    older = signed_in_as(browser, site, "ana.ruiz@cedar.example")

    page = browser.new_context(base_url=site).new_page()
    page.goto("/sign-in")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("ana.ruiz@cedar.example")
    before = len(log.read_text(errors="replace"))
    page.get_by_role("button", name="Mail me a link").click()
    expect(page.get_by_role("status")).to_contain_text("is on its way")
    page.goto(link_from_log(log, "account/reset", before))
    page.locator("#f-new").fill(NEW)
    page.locator("#f-confirm").fill(NEW)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("status")).to_contain_text("API tokens are revoked")

    older.goto("/account/password")
    expect(older).to_have_url(re.compile("/sign-in"))
    assert api.get("/me").status_code == 401
    fresh = browser.new_context(base_url=site).new_page()
    fresh.goto("/sign-in")
    fresh.get_by_label("Email").fill("ana.ruiz@cedar.example")
    fresh.get_by_label("Password").fill(NEW)
    fresh.get_by_role("button", name="Sign in").click()
    expect(fresh.get_by_role("button", name="Sign out")).to_be_visible()
