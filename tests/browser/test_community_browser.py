"""The community page in a real browser: a national-size community (bench/flow.py's
generator: 200 teams in 10 districts, 3,000 people, 20,000 cycles) fits in four screens,
and the small one still shows its teams open, with who sits on several."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import served
from tests.browser.pages import admin_page, signed_in
from tests.helpers import PASSWORD
from tests.scratch import run_nic, scratch_database

GENERATOR = Path(__file__).parents[2] / "bench" / "flow.py"
SCREEN = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def national_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """bench/flow.py's national community, with the site admin, served by ``nic serve``."""
    folder = tmp_path_factory.mktemp("national")
    with scratch_database(folder) as url:
        generate = ("--child", "generate", "--size", "national", "--url", url)
        subprocess.run(
            [sys.executable, str(GENERATOR), *generate],
            check=True,
            capture_output=True,
            env={**os.environ, "NIC_DEBUG": "0"},
            timeout=600,
        )
        add = ("user", "add", "admin@example.org", "--password", PASSWORD, "--admin")
        run_nic(*add, database=url, cwd=folder)
        with served(url, folder) as base:
            yield base


def test_a_national_community_fits_in_four_screens(browser: Browser, national_site: str) -> None:
    page = admin_page(browser, national_site)
    page.set_viewport_size(SCREEN)
    page.goto("/communities/bench-national")
    groups = page.locator("details.team-group")
    expect(groups).to_have_count(10)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4 * SCREEN["height"], height

    # A district opens to its district team and 19 school teams.
    district = groups.filter(has=page.get_by_role("heading", name="District 3 DIDT"))
    expect(district.locator("tbody tr").first).to_be_hidden()
    district.locator("summary").click()
    expect(district.locator("tbody tr")).to_have_count(20)
    expect(district.locator("tbody tr").first).to_contain_text("District 3 DIDT")

    # While typing, the listed teams narrow (nic.js) and the groups holding them open.
    box = page.get_by_label("Find teams by name")
    box.fill("school 42 ")
    shown = page.locator("details.team-group[open] tbody tr:not([hidden])")
    expect(shown).to_have_count(1)
    expect(page.locator("details.team-group:not([hidden])")).to_have_count(1)
    box.fill("")
    expect(page.locator("details.team-group[open]")).to_have_count(1)  # District 3, opened above
    expect(page.locator("details.team-group:not([hidden])")).to_have_count(10)

    # Find asks the server (what works without JavaScript); the district opens by itself.
    box.fill("school 42 sidt")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("status")).to_have_text("1 of 200 teams match “school 42 sidt”.")
    rows = page.locator("details.team-group[open] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.get_by_role("link", name="School 42 SIDT")).to_be_visible()

    # Recent cycles come ten to a page.
    page.get_by_role("link", name="Show all teams").click()
    page.get_by_role("link", name="Older cycles").click()
    expect(page.get_by_text("Page 2 of 2000 (20000 cycles)")).to_be_visible()
    expect(page.locator("#recent-cycles + p + .table-scroll tbody tr")).to_have_count(10)


def test_a_small_community_shows_its_teams_open(browser: Browser, site: str) -> None:
    page = signed_in(browser, site)
    page.set_viewport_size(SCREEN)
    page.goto("/communities/cedar-valley")
    expect(page.locator("details.team-group")).to_have_count(0)
    table = page.get_by_role("table", name="Teams of Cedar Valley DIDT")
    expect(table.locator("tbody tr")).to_have_count(3)
    north = table.get_by_role("row", name="North SIDT")
    expect(north.get_by_role("link", name="Ana Ruiz")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Also on other teams")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollHeight") < 2 * SCREEN["height"]
