"""A design-team member's week in a real browser: post a cycle, run it, link it, see it."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.pages import signed_in


def edit(page: Page, fields: dict[str, str], decision: str | None = None) -> None:
    page.get_by_role("link", name="Edit this cycle").click()
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    if decision:
        page.get_by_label("Decision").select_option(decision)
    page.get_by_role("button", name="Save").click()


def advance(page: Page, to: str) -> None:
    page.get_by_role("button", name=f"Move to {to}").click()
    expect(page.locator("h1 .badge")).to_have_text(to)


def test_post_a_cycle_through_all_four_phases_and_link_it(browser: Browser, site: str) -> None:
    page = signed_in(browser, site)
    page.get_by_role("link", name="North SIDT").first.click()
    page.get_by_role("link", name="Post a cycle").click()

    page.get_by_role("button", name="Post the cycle").click()  # nothing filled in
    expect(page.locator("#e-title")).to_be_visible()
    expect(page.locator("#e-plan_objective")).to_be_visible()

    page.locator("#f-title").fill("Exit tickets in advisory")
    page.get_by_label("Objective (required)").fill("Learn whether exit tickets surface slips.")
    page.get_by_label("Predictions").fill("Two in three advisors use them weekly.")
    page.get_by_label("Planned start").fill("2025-01-06")
    page.get_by_label("Weekly attendance of the pilot group").check()
    page.get_by_label("Ana Ruiz").check()
    page.get_by_role("button", name="Post the cycle").click()
    expect(page.get_by_role("heading", name=re.compile("Exit tickets in advisory"))).to_be_visible()
    expect(page.locator("h1 .badge")).to_have_text("planning")

    advance(page, "doing")
    edit(page, {"What happened": "Five advisors used the tickets for three weeks."})
    advance(page, "studying")
    edit(page, {"Results compared with predictions": "Five of nine, below the two in three."})
    advance(page, "acting")
    edit(page, {"Rationale": "Useful where used; needs a shorter form."}, decision="adapt")
    advance(page, "completed")
    expect(page.get_by_text("Decision: adapt.")).to_be_visible()

    # Data for the run chart, then what informed the cycle: another team's cycle.
    page.get_by_label("Date").fill("2025-01-17")
    page.get_by_label("Value").fill("93")
    page.get_by_role("button", name="Add the data point").click()
    chart = page.locator("figure svg").first
    expect(chart).to_be_visible()
    expect(chart.locator("circle")).to_have_count(3)
    page.get_by_label("Record what informed this cycle", exact=True).select_option(
        label="Cedar Valley DIDT: District huddle protocol pilot (planning)"
    )
    page.get_by_role("button", name="Record the link").click()
    informed = page.locator("#informed-by + ul")
    expect(informed).to_contain_text("District huddle protocol pilot")

    # It shows on the team page and the community page.
    page.get_by_role("link", name="North SIDT").click()
    expect(page.get_by_role("link", name="Exit tickets in advisory")).to_be_visible()
    page.goto("/communities/cedar-valley")
    expect(page.get_by_role("link", name="Exit tickets in advisory")).to_be_visible()


def test_a_stale_edit_shows_both_versions(browser: Browser, site: str) -> None:
    first, second = signed_in(browser, site), signed_in(browser, site)
    first.goto("/communities/cedar-valley")
    first.get_by_role("link", name="Huddle with all grade 9 advisors").first.click()
    cycle_url = first.url
    first.get_by_role("link", name="Edit this cycle").click()
    second.goto(cycle_url)
    edit(second, {"What happened": "All nine advisors joined by week two."})
    first.get_by_label("What happened").fill("Seven of nine advisors joined in week one, again.")
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_role("alert")).to_contain_text("Someone else saved this cycle")
    expect(first.get_by_role("alert")).to_contain_text("All nine advisors joined by week two.")
    first.goto(cycle_url)
    expect(first.locator(".phases")).to_contain_text("All nine advisors joined by week two.")


def test_a_form_post_without_its_csrf_token_is_refused(browser: Browser, site: str) -> None:
    page = signed_in(browser, site)
    page.goto("/communities/cedar-valley")
    page.get_by_role("link", name="Huddle with all grade 9 advisors").first.click()
    page.get_by_role("link", name="Edit this cycle").click()
    # The click only starts the navigation: strip the token from the edit form, not the page
    # being left (which let the form post with its token when the server was slow).
    page.wait_for_url("**/cycles/*/edit")
    expect(page.locator("#f-title")).to_be_visible()
    page.evaluate("document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove())")
    assert page.locator("input[name=csrf_token]").count() == 0
    page.locator("#f-title").fill("Tampered")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_text("form has expired")).to_be_visible()
