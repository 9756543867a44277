"""The cycle form's pickers in a real browser, driven from the keyboard: what informed a cycle
(a search-as-you-type list box grouped by team) and @-mention suggestions; and a teacher
posting a cycle from the team page with the keyboard alone."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from core.testing import csrf_of
from tests.browser.pages import admin_page, signed_in, signed_in_as
from tests.helpers import PASSWORD

TEACHER = "tess.teacher@cedar.example"


def tab_to(page: Page, target: Locator, most: int = 120) -> None:
    """Press Tab (only Tab) until ``target`` has the focus."""
    for _ in range(most):
        if target.evaluate("node => node === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} never took the focus after {most} presses of Tab")


@pytest.fixture(scope="module")
def teacher(site: str, prepared_site: tuple[str, str]) -> Iterator[int]:
    """Tess Teacher, a member of North SIDT with an account, made as an admin would: the
    account on the admin's page, her person and membership through the API. Her team's id."""
    token = prepared_site[1]
    with httpx.Client(base_url=site) as web:
        form = {"email": "admin@example.org", "password": PASSWORD}
        web.post("/sign-in", data={**form, "csrf_token": csrf_of(web.get("/sign-in").text)})
        token_field = csrf_of(web.get("/admin/users").text, "/admin/users")
        added = web.post(
            "/admin/users",
            data={
                "csrf_token": token_field,
                "email": TEACHER,
                "name": "Tess Teacher",
                "password": PASSWORD,
            },
        )
        assert added.status_code in (200, 303), added.text
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=site + "/api/v1", headers=headers) as api:
        role = {"user_email": TEACHER, "role": "member"}
        assigned = api.put("/communities/1/roles", json=role).raise_for_status().json()
        teams = api.get("/teams", params={"per_page": 50}).raise_for_status().json()["items"]
        north = next(t["id"] for t in teams if t["name"] == "North SIDT")
        person = api.post(
            "/people",
            json={
                "community_id": 1,
                "name": "Tess Teacher",
                "email": TEACHER,
                "user_id": assigned["user_id"],
            },
        ).raise_for_status()
        api.post(
            "/memberships",
            json={
                "person_id": person.json()["id"],
                "team_id": north,
                "role": "member",
                "start_date": "2024-08-01",
            },
        ).raise_for_status()
    yield north


def new_cycle_form(page: Page) -> None:
    page.get_by_role("link", name="North SIDT").first.click()
    page.get_by_role("link", name="Post a cycle").click()
    expect(page.get_by_role("heading", name="Post a PDSA cycle")).to_be_visible()


def test_choose_what_informed_a_cycle_with_the_keyboard(browser: Browser, site: str) -> None:
    page = signed_in(browser, site)
    new_cycle_form(page)
    # Without a search, the 30 most recent are offered as checkboxes; with the script, a
    # combobox replaces them and the Find button goes.
    expect(page.get_by_role("button", name="Find")).to_have_count(0)
    expect(page.locator("input[type=checkbox][name=informed_by]")).to_have_count(0)
    page.locator("#f-title").fill("Advisory huddles in grade 10")
    page.get_by_label("Objective (required)").fill("See whether grade 10 advisors keep it up.")

    box = page.get_by_role("combobox", name="Find earlier cycles and artifacts")
    box.focus()
    page.keyboard.type("huddle")
    listbox = page.get_by_role("listbox", name="Earlier cycles and artifact versions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    # Grouped by team, each with its phase and date.
    for team in ("Cedar Valley DIDT", "North SIDT", "South SIDT"):
        expect(listbox.get_by_role("group", name=team)).to_be_visible()
    district = listbox.get_by_role("group", name="Cedar Valley DIDT")
    expect(district.get_by_role("option")).to_have_text(
        ["District huddle protocol pilot planning, 2024-11-04"]
    )
    status = page.locator("#informed-picker [role=status]")
    expect(status).to_contain_text("5 of 5 shown")

    page.keyboard.type(" district")  # narrows as you type
    expect(listbox.get_by_role("option")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    expect(listbox.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    remove = page.get_by_role("button", name="Remove District huddle protocol pilot")
    expect(remove).to_be_visible()
    expect(status).to_contain_text("Chose District huddle protocol pilot. 1 chosen.")

    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    page.keyboard.press("Control+A")
    page.keyboard.type("three")
    expect(listbox.get_by_role("option")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Remove Huddle with three advisors")).to_be_visible()
    # Un-choose the first again with its button, then choose it back.
    remove.focus()
    page.keyboard.press("Enter")
    expect(remove).to_have_count(0)
    box.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("pilot")
    expect(listbox.get_by_role("option")).to_have_text(
        ["District huddle protocol pilot planning, 2024-11-04"]
    )
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(status).to_contain_text("Chose District huddle protocol pilot. 2 chosen.")
    page.keyboard.press("Escape")

    page.get_by_role("button", name="Post the cycle").click()
    expect(
        page.get_by_role("heading", name=re.compile("Advisory huddles in grade 10"))
    ).to_be_visible()
    informed = page.locator("#informed-by + ul")
    expect(informed).to_contain_text("District huddle protocol pilot")
    expect(informed).to_contain_text("Huddle with three advisors")


def test_a_failed_post_keeps_the_chosen_items(browser: Browser, site: str) -> None:
    page = signed_in(browser, site)
    new_cycle_form(page)
    page.get_by_role("combobox", name="Find earlier cycles and artifacts").focus()
    page.keyboard.type("three")
    expect(page.locator("#informed-picker [role=option]")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")  # the list lies over the button below it
    page.get_by_role("button", name="Post the cycle").click()  # no title, no objective
    expect(page.locator("#e-title")).to_be_visible()
    expect(page.get_by_role("button", name="Remove Huddle with three advisors")).to_be_visible()


def test_mention_someone_with_the_keyboard(browser: Browser, site: str) -> None:
    page = signed_in(browser, site)
    new_cycle_form(page)
    page.locator("#f-title").fill("Ask the district first")
    objective = page.get_by_label("Objective (required)")
    objective.focus()
    page.keyboard.type("Check with @cl")
    suggestions = page.get_by_role("listbox", name="People to mention").first
    expect(suggestions).to_be_visible()
    expect(suggestions.get_by_role("option")).to_have_text(["Cleo Park Cedar Valley DIDT"])
    expect(page.get_by_text("1 person matches cl")).to_be_attached()
    page.keyboard.press("Escape")
    expect(suggestions).to_be_hidden()
    page.keyboard.type("e")  # typing on asks again
    expect(suggestions).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(suggestions).to_be_hidden()
    page.keyboard.type("before the pilot.")
    value = objective.input_value()
    assert re.fullmatch(r"Check with @\[Cleo Park\]\(person:\d+\) before the pilot\.", value), value
    page.get_by_role("button", name="Post the cycle").click()
    link = page.get_by_role("link", name="@Cleo Park")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", re.compile(r"^/communities/cedar-valley/people/\d+$"))
    link.click()
    expect(page.get_by_role("heading", name=re.compile("Cleo Park"))).to_be_visible()


def test_a_teacher_posts_a_cycle_with_the_keyboard_alone(
    browser: Browser, site: str, teacher: int
) -> None:
    page = signed_in_as(browser, site, TEACHER)
    page.goto(f"/communities/cedar-valley/teams/{teacher}")
    tab_to(page, page.get_by_role("link", name="Post a cycle"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Post a PDSA cycle")).to_be_visible()

    tab_to(page, page.locator("#f-title"))
    page.keyboard.type("Exit tickets in my grade 9 class")
    tab_to(page, page.get_by_label("Objective (required)"))
    page.keyboard.type("Try exit tickets, as @an")
    expect(page.get_by_role("listbox", name="People to mention").first).to_contain_text("Ana Ruiz")
    page.keyboard.press("Tab")  # Tab inserts the suggestion too
    page.keyboard.type("suggested.")
    tab_to(page, page.get_by_label("Predictions"))
    page.keyboard.type("Half of the class fills them in.")
    tab_to(page, page.get_by_role("checkbox", name="Tess Teacher"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("combobox", name="Find earlier cycles and artifacts"))
    page.keyboard.type("advisory protocol")
    expect(page.locator("#informed-picker [role=option]")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Remove Advisory huddle protocol v1")).to_be_attached()
    tab_to(page, page.get_by_role("button", name="Post the cycle"))
    page.keyboard.press("Enter")

    heading = page.get_by_role("heading", name=re.compile("Exit tickets in my grade 9 class"))
    expect(heading).to_be_visible()
    assert re.search(r"/cycles/\d+$", page.url)
    expect(page.get_by_role("link", name="@Ana Ruiz")).to_be_visible()
    expect(page.locator("#informed-by + ul")).to_contain_text("Advisory huddle protocol")
    expect(page.get_by_text("Half of the class fills them in.")).to_be_visible()


def test_mention_someone_in_a_forum_post_with_the_keyboard(browser: Browser, site: str) -> None:
    admin = admin_page(browser, site)
    admin.goto("/communities/cedar-valley/forums")
    admin.get_by_label("Name").fill("Mentions")
    admin.get_by_role("button", name="Make the board").click()
    expect(admin.get_by_role("heading", name="Mentions")).to_be_visible()

    page = signed_in(browser, site)
    page.goto("/communities/cedar-valley/forums")
    page.get_by_role("link", name="Mentions").click()
    page.get_by_role("link", name="New thread").click()
    page.get_by_label("Title").fill("Data prep for huddles")
    page.get_by_label("Message").focus()
    page.keyboard.type("Could @ben")
    suggestions = page.get_by_role("listbox", name="People to mention")
    expect(suggestions.get_by_role("option")).to_have_text(["Ben Okafor"])  # no team today
    page.keyboard.press("Enter")
    page.keyboard.type("share the list?")
    page.get_by_role("button", name="Post the thread").click()
    expect(page.get_by_role("heading", name="Data prep for huddles")).to_be_visible()
    expect(page.locator(".post a.mention")).to_have_text("@Ben Okafor")
