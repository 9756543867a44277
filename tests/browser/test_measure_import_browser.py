"""Data for a measure in bulk, in a real browser: a CSV with one bad row is previewed with
that row's error, fixed, uploaded again, confirmed, and the measure page shows the control
chart with the new points and its phase split."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Browser, expect

from tests.browser.pages import signed_in

MEASURE = "Weekly attendance of the pilot group"
GOOD_ROWS = "2024-09-20,90.5,\n2024-09-27,91,\n2024-10-04,92.5,huddle with all advisors\n"


def _csv(rows: str) -> dict[str, object]:
    return {"name": "attendance.csv", "mimeType": "text/csv", "buffer": rows.encode()}


def _xmr_with_a_phase(site: str, token: str) -> None:
    """The measure as an XmR chart, split on 2024-09-27 (through the API, as the admin)."""
    with httpx.Client(
        base_url=site + "/api/v1", headers={"Authorization": f"Bearer {token}"}
    ) as api:
        measures = api.get("/measures", params={"per_page": 200}).json()["items"]
        measure = next(m for m in measures if m["name"] == MEASURE)
        api.patch(f"/measures/{measure['id']}", json={"chart_type": "xmr"}).raise_for_status()
        phase = {"measure_id": measure["id"], "start": "2024-09-27", "label": "All advisors"}
        api.post("/measure-phases", json=phase).raise_for_status()


def test_upload_fix_and_confirm_a_csv_of_data_points(
    browser: Browser, site: str, prepared_site: tuple[str, str]
) -> None:
    _xmr_with_a_phase(site, prepared_site[1])
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
    expect(page.get_by_role("status")).to_contain_text("Imported 4 data points")
    chart = page.locator("figure.nic-chart-figure svg")
    expect(chart.locator("circle.nic-point")).to_have_count(6)  # 2 stored, 4 imported
    expect(chart.locator(".nic-phase-split")).to_have_count(1)
    expect(chart.locator(".nic-phase-split")).to_contain_text("All advisors")
    expect(chart.locator(".nic-limit").first).to_be_attached()
    expect(page.locator("table.measure-data tbody tr")).to_have_count(6)
    expect(page.locator("table.measure-data")).to_contain_text("huddle with all advisors")
