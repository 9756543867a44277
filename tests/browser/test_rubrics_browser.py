"""A review day in a real browser: a facilitator adds the default framework, a team member
opens an assessment, scores part of it, saves a draft, comes back, finishes and submits,
then sees the team's progress heat map."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.browser.pages import admin_page, signed_in


def test_fill_in_an_assessment_with_a_draft_in_between(browser: Browser, site: str) -> None:
    admin = admin_page(browser, site)
    admin.goto("/communities/cedar-valley/rubrics")
    expect(admin.get_by_text("This community has no rubric yet.")).to_be_visible()
    admin.get_by_role("button", name="Add the default framework").click()
    expect(admin.get_by_text("Rubric added.")).to_be_visible()
    admin.close()

    page = signed_in(browser, site)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.get_by_role("link", name="Rubrics").first.click()
    page.get_by_role("link", name="Cedar Valley").first.click()
    page.get_by_role("link", name="Open an assessment").click()
    page.get_by_label("Team or school").select_option(label="North SIDT")
    page.get_by_label("Rubric").select_option(label="Implementation framework")
    page.get_by_label("Kind of review").select_option(label="Self-review")
    page.get_by_label("Period (quarter)").fill("2025-Q1")
    page.get_by_label("Held on").fill("2025-02-14")
    page.get_by_role("button", name="Open the assessment").click()
    expect(page.get_by_role("heading", name="Your scores")).to_be_visible()

    # Two indicators now, with evidence; then a draft.
    vision = page.locator("#i-vision")
    expect(vision.locator("label").nth(1)).to_contain_text("2. Initial")
    vision.locator("input[value='2']").check()
    page.get_by_label("Evidence for A shared vision for the innovation").fill(
        "Vision drafted by the leadership team; few staff know it yet."
    )
    page.locator("#i-design-team input[value='3']").check()
    page.get_by_role("button", name="Save a draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()

    # Submitting too early: every unscored indicator is marked.
    page.get_by_role("button", name="Submit my scores").click()
    expect(page.locator("#e-level-advisory")).to_be_visible()
    expect(page.locator("#i-vision input[value='2']")).to_be_checked()

    # Come back later: the draft is there; finish and submit.
    page.goto(page.url.split("?")[0])
    expect(page.locator("#i-design-team input[value='3']")).to_be_checked()
    for key, level in (("early-warning", "2"), ("measures", "1"), ("advisory", "4")):
        page.locator(f"#i-{key} input[value='{level}']").check()
    page.get_by_role("button", name="Submit my scores").click()
    expect(page.get_by_text("Your scores are submitted.")).to_be_visible()
    expect(page.get_by_text("Vision drafted by the leadership team")).to_be_visible()

    page.get_by_role("link", name="North SIDT progress").click()
    heat = page.locator("table.heat")
    expect(heat).to_be_visible()
    expect(heat.locator("td.lv").first).to_have_text(re.compile(r"^2"))
    assert errors == []
