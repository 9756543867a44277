"""A team member on a measure's page in a real browser: split the chart, note an event,
delete the split after confirming, and read it all on a phone without sideways scrolling."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.pages import signed_in


def test_split_note_and_read_the_chart_on_a_phone(browser: Browser, site: str) -> None:
    page = signed_in(browser, site)
    page.get_by_role("link", name="North SIDT").first.click()
    page.get_by_role("link", name="Weekly attendance of the pilot group", exact=True).click()
    chart = page.locator("figure svg[role=group]")
    expect(chart).to_be_visible()
    expect(page.locator("table.measure-data tbody tr")).to_have_count(2)

    page.get_by_role("button", name="Add the phase").click()  # nothing filled in
    expect(page.locator("#e-start")).to_be_visible()
    page.get_by_label("New phase from").fill("2024-09-13")
    page.get_by_label("Label").fill("After the huddles")
    page.get_by_label("Freeze the baseline").check()
    page.get_by_role("button", name="Add the phase").click()
    expect(chart.locator("g.nic-phase-split")).to_contain_text("After the huddles")

    page.get_by_label("Date").fill("2024-09-10")
    page.get_by_label("Note").fill("Picture day")
    page.get_by_role("button", name="Add the note").click()
    expect(chart.locator("a.nic-note")).to_have_count(1)
    expect(page.locator("ul.notes")).to_contain_text("Picture day")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = chart.bounding_box()
    assert box is not None and box["width"] >= 300  # the chart is drawn, scaled, not clipped

    page.get_by_role("link", name="Delete…").click()
    expect(
        page.get_by_role("heading", name="Delete the phase “After the huddles”?")
    ).to_be_visible()
    page.get_by_role("button", name="Delete the phase").click()
    expect(page.locator("#phases")).to_be_visible()
    expect(chart.locator("g.nic-phase-split")).to_have_count(0)
