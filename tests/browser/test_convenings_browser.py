"""A facilitator plans a convening end to end in a real browser, and a coordinator answers.

The site admin plans (admins may do what facilitators do); Ana Ruiz, on North SIDT and
the district team, is invited by default and answers for herself.
"""

from __future__ import annotations

import re

import httpx
from icalendar import Calendar
from playwright.sync_api import Browser, expect

from tests.browser.pages import admin_page, signed_in


def test_plan_answer_confirm_draft_and_record_a_convening(browser: Browser, site: str) -> None:
    planner = admin_page(browser, site)
    planner.goto("/communities/cedar-valley/convenings")
    expect(planner.get_by_text("No convening yet.")).to_be_visible()
    planner.get_by_role("link", name="Plan a convening").click()
    planner.get_by_role("button", name="Plan the convening").click()  # no title
    expect(planner.locator("#e-title")).to_be_visible()
    planner.get_by_label("Title").fill("Winter convening")
    planner.get_by_label("Place").fill("Cedar High library")
    expect(planner.get_by_label("Time zone")).to_have_value("America/Chicago")
    planner.get_by_label("Option 1").fill("2025-02-04T16:00")
    planner.get_by_label("Option 2").fill("2025-02-06T16:00")
    planner.get_by_role("button", name="Plan the convening").click()
    expect(planner.get_by_role("heading", name=re.compile("Winter convening"))).to_be_visible()
    expect(planner.get_by_role("cell", name="Ana Ruiz")).to_be_visible()
    url = planner.url

    ana = signed_in(browser, site)
    ana.goto(url)
    ana.get_by_role("radio", name="No").first.check()
    ana.get_by_role("radio", name="Yes").nth(1).check()
    ana.get_by_role("button", name="Save my answers").click()
    expect(ana.locator("tr.best")).to_contain_text("Thu 06 Feb 2025, 16:00 CST")

    planner.reload()
    expect(planner.locator("#best-reason")).to_contain_text("1 can come")
    planner.get_by_role("button", name="Confirm and send invitations").click()
    expect(planner.locator("h1 .badge")).to_have_text("Confirmed")
    expect(planner.locator("h1 + p strong")).to_have_text("Thu 06 Feb 2025, 16:00 CST")

    ana.reload()
    ana.get_by_role("radio", name="Coming", exact=True).check()
    ana.get_by_role("button", name="Answer").click()
    expect(ana.get_by_role("cell", name="Coming")).to_be_visible()

    planner.get_by_role("button", name=re.compile("Draft the agenda")).click()
    items = planner.locator("article.agenda-item")
    expect(items.first).to_be_visible()
    count = items.count()
    assert count >= 2
    last_title = items.nth(count - 1).locator("h3").inner_text()
    # Move the last item to the top and give it a presenter and ten minutes.
    last = items.nth(count - 1)
    last.locator("summary").click()
    last.get_by_label("Position").fill("1")
    last.get_by_label("Minutes", exact=True).fill("10")
    last.get_by_label("Presenter").select_option(label="Ana Ruiz")
    last.get_by_label("Notes (minutes)").fill("North shared its advisory huddles.")
    last.get_by_role("button", name=re.compile("Save item")).click()
    first = planner.locator("article.agenda-item").first
    title = re.sub(r"^\d+\.\s*", "", last_title).split(" ", 1)[-1]
    expect(first).to_contain_text(title[:20])
    expect(first).to_contain_text("Presenter: Ana Ruiz")
    expect(first.locator("h3")).to_contain_text("16:00")

    planner.locator("input[name=attended]").first.check()
    planner.get_by_role("button", name="Record attendance").click()
    expect(planner.locator("h1 .badge")).to_have_text("Held")

    planner.locator("#decision").get_by_label("Decision").fill("Every school tries huddles")
    planner.locator("#decision input[name=cycle_ids]").first.check()
    planner.get_by_role("button", name="Record the decision").click()
    outcome = planner.locator("#outcome")
    expect(outcome).to_contain_text("Every school tries huddles")
    expect(outcome).to_contain_text("North shared its advisory huddles.")

    # The calendar file: the confirmed time in Chicago, parsed back.
    link = planner.get_by_role("link", name="Add to calendar (.ics)").get_attribute("href")
    cookies = {c["name"]: c["value"] for c in planner.context.cookies()}
    body = httpx.get(site + link, cookies=cookies).content
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert event["SUMMARY"] == "Winter convening"
    assert event["DTSTART"].params["TZID"] == "America/Chicago"
    assert event.decoded("DTSTART").hour == 16
