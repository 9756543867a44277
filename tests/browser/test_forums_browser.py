"""The forums in a real browser: a facilitator makes a board, Ana posts a thread that
refers to a cycle chosen from the picker, and the cycle's page shows the thread."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.browser.pages import admin_page, signed_in


def test_post_a_thread_with_a_reference(browser: Browser, site: str) -> None:
    admin = admin_page(browser, site)
    admin.goto("/communities/cedar-valley/forums")
    expect(admin.get_by_text("No boards yet.")).to_be_visible()
    admin.get_by_label("Name").fill("Across teams")
    admin.get_by_role("button", name="Make the board").click()
    expect(admin.get_by_role("heading", name="Across teams")).to_be_visible()

    page = signed_in(browser, site)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.get_by_role("link", name="Forums").first.click()
    page.get_by_role("link", name="Cedar Valley").click()
    page.get_by_role("link", name="Across teams").click()
    page.get_by_role("link", name="New thread").click()
    page.get_by_label("Title").fill("Who else tried huddles?")
    body = page.get_by_label("Message")
    body.fill("We read about ")
    picker = page.get_by_label("Refer to")
    option = picker.locator("option", has_text="#cycle-").first
    value = option.get_attribute("value")
    assert value and value.startswith("cycle:")
    cycle_id = value.split(":")[1]
    picker.select_option(value)
    # Our script put the reference at the cursor and reset the picker.
    expect(body).to_have_value(f"We read about #cycle-{cycle_id} ")
    expect(picker).to_have_value("")
    body.press("End")
    body.type("and want to **try** it.")
    page.get_by_role("button", name="Post the thread").click()

    expect(page.get_by_role("heading", name="Who else tried huddles?")).to_be_visible()
    link = page.locator(f'.post a.ref[href="/cycles/{cycle_id}"]')
    expect(link).to_have_text(f"#cycle-{cycle_id}")
    expect(page.locator(".post .body strong")).to_have_text("try")
    link.click()
    expect(page).to_have_url(re.compile(rf"/cycles/{cycle_id}$"))
    panel = page.locator("section.panel", has=page.get_by_role("heading", name="Forum threads"))
    expect(panel.get_by_role("link", name="Who else tried huddles?")).to_be_visible()
    assert not errors, errors
