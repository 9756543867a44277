"""Pages that read right at 1280 px (issue 20): checkboxes beside their labels, tables that
fit their cards, explorer filters that show their whole choices, a cycle page that says
what happened and asks before it abandons, convening forms a planner can use."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.pages import admin_page, signed_in

WIDE = {"width": 1280, "height": 900}


def wide(page: Page) -> Page:
    page.set_viewport_size(WIDE)
    return page


def status(page: Page) -> Locator:
    """The page's status region, where a form's confirmation shows (core/web/flash.py)."""
    return page.locator("main > .flashes[role=status]")


def assert_inline(box: Locator) -> None:
    """Every checkbox in ``box`` sits at the start of its label's line, not above it."""
    count = box.locator("input[type=checkbox]").count()
    assert count, "no checkboxes to look at"
    for index in range(count):
        check = box.locator("input[type=checkbox]").nth(index)
        label = box.locator("label:has(> input[type=checkbox])").nth(index)
        c, lab = check.bounding_box(), label.bounding_box()
        assert c is not None and lab is not None
        assert c["width"] < 30, f"checkbox {index} is {c['width']} px wide"
        assert c["x"] - lab["x"] < 5, "the checkbox starts its label's line"
        assert c["y"] - lab["y"] < 12, "the checkbox is on the label's first line"
        text_left = float(
            label.evaluate(
                """label => { const r = document.createRange();
                  r.selectNodeContents(label); r.setStartAfter(label.querySelector('input'));
                  return r.getClientRects()[0].left; }"""
            )
        )
        assert text_left >= c["x"] + c["width"], "the label's text follows the checkbox"


def test_checkboxes_sit_beside_their_labels_on_the_cycle_form(browser: Browser, site: str) -> None:
    page = wide(signed_in(browser, site))
    page.get_by_role("link", name="North SIDT").first.click()
    page.get_by_role("link", name="Post a cycle").click()
    for legend in ("Authors", "Team measures this cycle tracks"):
        assert_inline(page.locator("fieldset", has=page.locator(f"legend:text-is('{legend}')")))


def test_home_recent_cycles_fit_their_card(browser: Browser, site: str) -> None:
    page = wide(signed_in(browser, site))
    card = page.locator("section.panel", has=page.get_by_role("heading", name="Recent cycles"))
    table = card.locator("table")
    expect(table).to_be_visible()
    c, t = card.bounding_box(), table.bounding_box()
    assert c is not None and t is not None
    assert t["x"] >= c["x"] and t["x"] + t["width"] <= c["x"] + c["width"] + 0.5
    main = page.locator("main").bounding_box()
    assert main is not None and c["width"] > 0.9 * (main["width"] - 40), "the table's row is full"
    line = float(page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)"))
    for cell in table.locator("tbody td:first-child").all():
        box = cell.bounding_box()
        assert box is not None and box["height"] < 3.2 * line, "titles wrap to at most two lines"


WIDEST_OPTION = """select => {
  const ctx = document.createElement("canvas").getContext("2d");
  ctx.font = getComputedStyle(select).font;
  return Math.max(...[...select.options].map(o => ctx.measureText(o.text).width));
}"""


def test_flow_explorer_selects_show_whole_choices_and_the_graph_fills_its_card(
    browser: Browser, site: str
) -> None:
    page = wide(signed_in(browser, site))
    page.goto("/communities/cedar-valley/flow")
    graph = page.locator("#flow-teams")
    expect(graph).to_be_visible()
    selects = page.locator("#flow-filters select")
    assert selects.count() >= 6
    for select in selects.all():
        box = select.bounding_box()
        assert box is not None
        text = float(select.evaluate(WIDEST_OPTION))
        # The select's own padding and arrow besides the text of its longest choice.
        assert box["width"] >= text + 20, f"{select.get_attribute('id')} cuts its choices"
    figure, drawn = page.locator("#picture").bounding_box(), graph.bounding_box()
    assert figure is not None and drawn is not None
    assert drawn["width"] >= 0.9 * (figure["width"] - 40), "the graph uses the card's width"
    # Edge numbers stand apart from each other.
    weights = [w.bounding_box() for w in page.locator("#flow-teams .flow-weight").all()]
    for i, a in enumerate(weights):
        for b in weights[i + 1 :]:
            assert a is not None and b is not None
            apart_x = a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
            apart_y = a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
            assert apart_x or apart_y, "two arrows' numbers overlap"


def test_the_cycle_page_confirms_each_form_and_asks_before_abandoning(
    browser: Browser, site: str
) -> None:
    page = wide(signed_in(browser, site))
    page.get_by_role("link", name="North SIDT").first.click()
    page.get_by_role("link", name="Post a cycle").click()
    page.locator("#f-title").fill("Peer tutors at lunch")
    page.get_by_label("Objective (required)").fill("See whether peer tutors fill the lunch room.")
    page.get_by_label("Weekly attendance of the pilot group").check()
    page.get_by_label("Ana Ruiz").check()
    page.get_by_role("button", name="Post the cycle").click()
    expect(status(page)).to_contain_text("Your cycle is posted: Peer tutors at lunch.")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Ana Ruiz")
    expect(facts).to_contain_text("not edited since it was posted")
    expect(facts).not_to_contain_text("Version")

    page.get_by_label("Date").fill("2025-01-17")
    page.get_by_label("Value").fill("88")
    page.get_by_role("button", name="Add the data point").click()
    expect(status(page)).to_contain_text("The data point of 17 Jan 2025 is added to the chart.")

    page.get_by_role("button", name="Move to doing").click()
    expect(status(page)).to_have_text("The cycle moved to doing.")
    page.reload()
    expect(status(page)).to_be_empty()  # shown once
    history = page.locator("#history + .table-scroll table")
    expect(history).to_contain_text("Ana Ruiz")
    expect(history).not_to_contain_text("@")
    when = history.locator("time").first
    expect(when).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d"))
    expect(when).to_have_text(re.compile(r"\d\d:\d\d (CST|CDT)$"))
    expect(facts).to_contain_text("edited 1 time, last on")

    # Abandon is not one of the actions: it is set apart and asks first.
    actions = page.locator(".actions")
    expect(actions.get_by_role("button", name="Move to studying")).to_be_visible()
    expect(actions.get_by_role("button", name=re.compile("Abandon"))).to_have_count(0)
    zone = page.locator("#abandon")
    zone.locator("summary").click()
    zone.get_by_role("button", name="Abandon the cycle").click()  # the box is not ticked
    expect(page.locator("h1 .badge")).to_have_text("doing")
    zone.get_by_label("Yes, abandon this cycle").check()
    zone.get_by_role("button", name="Abandon the cycle").click()
    expect(page.locator("h1 .badge")).to_have_text("abandoned")
    expect(status(page)).to_have_text("The cycle is abandoned.")


def test_convening_forms_a_planner_can_use(browser: Browser, site: str) -> None:
    planner = wide(admin_page(browser, site))
    planner.goto("/communities/cedar-valley/convenings/new")
    assert_inline(planner.locator(".choices"))
    planner.get_by_label("Title").fill("Spring convening")
    planner.get_by_label("Option 1").fill("2025-04-08T16:00")
    planner.get_by_role("button", name="Plan the convening").click()
    expect(status(planner)).to_contain_text("The convening is planned")
    planner.get_by_role("button", name="Confirm and send invitations").click()
    expect(status(planner)).to_contain_text("The date is confirmed")

    decision = planner.locator("#decision")
    version = decision.get_by_label("Artifact version it led to (optional)")
    expect(version).to_have_js_property("tagName", "SELECT")
    names = version.locator("option").all_inner_texts()
    assert names[0] == "None" and len(names) > 1
    assert all(re.search(r", version \d+", name) for name in names[1:]), names
    cycles = decision.locator(".choices")
    assert_inline(cycles)
    columns = {
        round(box["x"]) for box in (c.bounding_box() for c in cycles.locator("input").all()) if box
    }
    assert len(columns) >= 2, "the cycles are laid out in columns"
    box = cycles.bounding_box()
    assert box is not None and box["height"] <= 25 * 17 + 20, "a long list scrolls in its box"

    decision.get_by_label("Decision").fill("Peer tutoring goes to every school")
    cycles.locator("input").last.check()  # an early cycle: learning flows forward in time
    planner.get_by_role("button", name="Record the decision").click()
    expect(status(planner)).to_have_text("The decision is recorded in the minutes.")
    expect(planner.locator("#outcome")).to_contain_text("Peer tutoring goes to every school")


def test_removing_a_role_and_turning_a_feed_off_ask_first(browser: Browser, site: str) -> None:
    admin = wide(admin_page(browser, site))
    admin.goto("/communities/cedar-valley/convenings")
    admin.get_by_role("button", name="Make a feed address").click()
    expect(status(admin)).to_contain_text("The calendar feed has a new address")
    zone = admin.locator("#feed details.danger-zone")
    zone.locator("summary").click()
    zone.get_by_role("button", name="Turn the feed off").click()  # not ticked: nothing sent
    expect(admin.locator("#feed code")).to_be_visible()
    zone.get_by_label(re.compile("Yes, turn the feed off")).check()
    zone.get_by_role("button", name="Turn the feed off").click()
    expect(status(admin)).to_contain_text("The calendar feed is off")
    expect(admin.locator("#feed code")).to_have_count(0)

    admin.goto("/communities/cedar-valley/roles")
    row = admin.get_by_role("row", name=re.compile("ana.ruiz@cedar.example"))
    row.locator("summary").click()
    row.get_by_role("button", name="Remove the role").click()
    expect(row).to_be_visible()  # not ticked: the browser asks for the box first
    row.get_by_label(re.compile("Yes, remove the role of")).check()
    row.get_by_role("button", name="Remove the role").click()
    expect(status(admin)).to_contain_text("no longer has a role in this community")
