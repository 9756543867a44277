"""Data for a measure in bulk, in a real browser: a CSV with one bad row is previewed with
that row's error, fixed, uploaded again, confirmed, and the new points are on the chart."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.browser.pages import signed_in

MEASURE = "Weekly attendance of the pilot group"
GOOD_ROWS = "2024-09-20,90.5,\n2024-09-27,91,\n2024-10-04,92.5,huddle with all advisors\n"


def _csv(rows: str) -> dict[str, object]:
    return {"name": "attendance.csv", "mimeType": "text/csv", "buffer": rows.encode()}


def test_upload_fix_and_confirm_a_csv_of_data_points(browser: Browser, site: str) -> None:
    page = signed_in(browser, site)
    page.get_by_role("link", name="North SIDT").first.click()
    page.get_by_role("link", name=f"Import data into {MEASURE}").click()
    expect(page.get_by_role("heading", name=f"Import data into {MEASURE}")).to_be_visible()

    page.get_by_label("CSV or XLSX file").set_input_files(
        _csv("date,value,note\n" + GOOD_ROWS + "2024-10-11,ninety,\n")
    )
    page.get_by_role("button", name="Preview").click()
    problems = page.locator("#problems")
    expect(problems).to_contain_text("'ninety' is not a number")
    expect(problems.locator("tbody tr")).to_have_count(1)
    expect(problems.locator("tbody tr td").first).to_have_text(
        "5"
    )  # the row as a spreadsheet shows it
    expect(page.get_by_role("button", name=re.compile("^Save"))).to_have_count(0)

    # Fixed, with the week already stored (2024-09-13) left in: a duplicate, skipped.
    fixed = "date,value,note\n2024-09-13,90,\n" + GOOD_ROWS + "2024-10-11,90,\n"
    page.get_by_label("CSV or XLSX file").set_input_files(_csv(fixed))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#problems")).to_have_count(0)
    expect(page.locator("#rows-to-add tbody tr")).to_have_count(4)
    expect(page.locator("#duplicates")).to_contain_text("stored: 90")
    page.get_by_role("button", name="Save 4 data points").click()

    expect(page).to_have_url(re.compile(r"/communities/cedar-valley/measures/\d+$"))

    # The new points are on the run chart of the cycle that tracks the measure.
    page.goto("/communities/cedar-valley")
    page.get_by_role("link", name="Huddle with three advisors").first.click()
    expect(page.locator("figure svg").first.locator("circle")).to_have_count(6)
