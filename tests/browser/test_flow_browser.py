"""The knowledge-flow explorer in a real browser: tooltips, highlighting, the slider, traces."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.pages import signed_in


def team(page: Page, label: str) -> Locator:
    return page.locator(f'#flow-teams .flow-team[data-label="{label}"]')


def test_explore_the_flow_between_teams_and_trace_a_cycle(browser: Browser, site: str) -> None:
    page = signed_in(browser, site)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/communities/cedar-valley")
    page.get_by_role("link", name="Knowledge flow").click()
    expect(page.get_by_role("heading", name="Knowledge flow")).to_be_visible()
    expect(page.locator("#flow-teams .flow-team")).to_have_count(3)

    # Hover: a tooltip from the node's data-attributes.
    tip = page.locator("#flow-tip")
    expect(tip).to_be_hidden()
    team(page, "South SIDT").hover()
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("South SIDT")
    expect(tip).to_contain_text("0 links out to other teams, 1 in")

    # Click: the teams South learned from stay lit, the others are dimmed.
    team(page, "South SIDT").click()
    expect(team(page, "South SIDT")).to_have_class(re.compile(r"\bis-selected\b"))
    expect(team(page, "North SIDT")).to_have_class(re.compile(r"\bis-upstream\b"))
    expect(team(page, "Cedar Valley DIDT")).to_have_class(re.compile(r"\bis-dimmed\b"))
    didt = team(page, "Cedar Valley DIDT").get_attribute("data-id")
    expect(page.locator(f'#flow-teams .flow-edge[data-target="{didt}"]')).to_have_class(
        re.compile(r"\bis-dimmed\b")
    )
    expect(page.locator("#flow-status")).to_contain_text("South SIDT learned from North SIDT")
    expect(page).to_have_url(re.compile(r"/flow$"))  # the first click did not navigate

    # The slider: the network as of the end of the first quarter; the page reloads.
    slider = page.locator("#flow-slider")
    expect(slider).to_be_visible()
    expect(page.locator("#flow-slider-out")).to_have_text("Today (everything)")
    with page.expect_navigation():
        slider.fill("0")
    expect(page).to_have_url(re.compile(r"/flow\?as_of=2024-12-31$"))
    expect(page.locator("#f-as_of")).to_have_value("2024-12-31")
    expect(page.locator("#flow-slider-out")).to_have_text("2024Q4 (to 2024-12-31)")

    # Drill down: select North, select it again to follow its link.
    team(page, "North SIDT").click()
    expect(page.locator("#flow-status")).to_contain_text("See the neighbourhood of North SIDT")
    page.locator("#flow-status").get_by_role("link", name="Drill down into North SIDT").click()
    expect(page.get_by_role("heading", name="Work of North SIDT")).to_be_visible()
    expect(page).to_have_url(re.compile(r"as_of=2024-12-31&team=team%3A\d+#drill$"))

    # Click a cycle: what it reached downstream is highlighted, the rest dimmed.
    work = page.locator("#flow-work")
    work.locator('[data-label="Huddle with three advisors"]').click()
    expect(page.locator("#flow-trace")).to_contain_text("Downstream: 4 pieces of work reached")
    expect(work.locator('[data-label="Huddle with three advisors"]')).to_have_class(
        re.compile(r"\bis-selected\b")
    )
    for reached in (
        "Huddle with all grade 9 advisors",
        "District huddle protocol pilot",
        "Advisory huddle protocol v1",
        "South's huddle protocol v1",
    ):
        expect(work.locator(f'[data-label="{reached}"]')).to_have_class(
            re.compile(r"\bis-downstream\b")
        )
    expect(team(page, "Cedar Valley DIDT")).to_have_class(re.compile(r"\bis-downstream\b"))
    # The link into the district is lit; still on the explorer (the cycle page opens on
    # a second click).
    expect(work.locator(".flow-edge.is-downstream")).to_have_count(2)
    expect(page.get_by_role("heading", name="Work of North SIDT")).to_be_visible()
    work.locator('[data-label="Huddle with three advisors"]').click()
    expect(
        page.get_by_role("heading", name=re.compile("Huddle with three advisors"))
    ).to_be_visible()
    assert errors == []
