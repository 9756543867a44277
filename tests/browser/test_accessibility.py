"""Every page type of the demo passes axe-core's WCAG 2.1 A and AA rules (what Section 508
asks, and more) with no violation, as the facilitator and as a teacher on a school team; and
every page is usable on a phone: no sideways scrolling, tap targets of 44 px, along the
teacher's path (sign in, home, team, post a cycle, the cycle) and on the other page types.

One demo is served for the module and each account's page is reused from page to page.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import axe_violations, describe
from tests.browser.demo import SLUG, Demo, demo_served
from tests.browser.pages import signed_in_as, watched
from tests.browser.phone import PHONE, phone_problems

COMMUNITY = f"/communities/{SLUG}"
# Pages whose address is fixed, and pages found by following the first link of a listing.
FIXED = (
    "/",
    "/communities",
    COMMUNITY,
    f"{COMMUNITY}/aims",
    f"{COMMUNITY}/artifacts",
    f"{COMMUNITY}/search?q=ninth",
    f"{COMMUNITY}/flow",
    "/notifications",
    "/account/password",
    "/no-such-page",
    f"{COMMUNITY}/rubrics",
    f"{COMMUNITY}/rubrics/roll-up",
    f"{COMMUNITY}/forums",
    f"{COMMUNITY}/forums/search?q=data",
    f"{COMMUNITY}/convenings",
    "/rubrics",
    "/forums",
    "/convenings",
)
FOLLOWED = (
    (COMMUNITY, r"^/cycles/\d+$"),
    (COMMUNITY, r"/people/\d+$"),
    (f"{COMMUNITY}/aims", r"/aims/\d+$"),
    (f"{COMMUNITY}/artifacts", r"/artifacts/\d+$"),
    (f"{COMMUNITY}/convenings", r"/convenings/\d+$"),
    (f"{COMMUNITY}/forums", r"/forums/boards/\d+$"),
    (f"{COMMUNITY}/rubrics", r"/rubrics/\d+$"),
    (f"{COMMUNITY}/rubrics", r"/rubrics/assessments/\d+$"),
)
FACILITATOR_ONLY = (
    f"{COMMUNITY}/roles",
    f"{COMMUNITY}/plugins",
    f"{COMMUNITY}/convenings/new",
    f"{COMMUNITY}/forums/moderation",
    f"{COMMUNITY}/rubrics/assessments/new",
)
ADMIN = ("/admin/users", "/admin/plugins", "/admin/users/2")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    with demo_served(tmp_path_factory.mktemp("demo")) as served_demo:
        yield served_demo


def first_link(page: Page, listing: str, pattern: str) -> str:
    page.goto(listing)
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    found = [h for h in hrefs if re.search(pattern, h.split("?")[0])]
    assert found, f"no link matching {pattern} on {listing}"
    return str(found[0])


def page_types(page: Page, demo: Demo) -> list[str]:
    """An address of every page type a member of the demo's first community may open."""
    found = [first_link(page, listing, pattern) for listing, pattern in FOLLOWED]
    cycle = next(u for u in found if u.startswith("/cycles/"))
    board = next(u for u in found if "/boards/" in u)
    found.append(first_link(page, board, r"/forums/threads/\d+$"))
    team = f"{COMMUNITY}/teams/{demo.team_id}"
    measure = first_link(page, team, r"/measures/\d+$")
    return [
        *FIXED,
        *found,
        team,
        measure,
        f"{measure}?type=run",
        f"{measure}/import",
        f"{team}/cycles/new",
        f"{cycle}/edit",
        f"{board}/new",
        f"{COMMUNITY}/flow?team={demo.team_id}",
        f"{COMMUNITY}/rubrics/teams/{demo.team_id}",
    ]


def check(page: Page, urls: list[str], phone: bool = True) -> tuple[list[str], dict[str, int]]:
    """Open each address ("" for the page as it is) and run axe-core with every
    ``<details>`` opened (so what it hides is checked too), and on a phone's screen the phone
    checks: the problems found, and how many elements each axe rule caught."""
    problems: list[str] = []
    counts: dict[str, int] = {}
    for url in urls:
        if url:
            page.goto(url)
        where = url or urlsplit(page.url).path
        if phone:
            problems += [f"{where}: {problem}" for problem in phone_problems(page)]
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        violations = axe_violations(page)
        for violation in violations:
            counts[violation["id"]] = counts.get(violation["id"], 0) + len(violation["nodes"])
        if violations:
            problems.append(describe(where, violations))
    return problems, counts


def every_page_type(browser: Browser, demo: Demo) -> list[str]:
    """axe-core and the phone checks on every page type, at a phone's width (where the
    tables scroll in their own boxes and the header is compact), as the facilitator, signed
    out and as the site admin (the admin pages)."""
    signed_out = watched(browser.new_context(base_url=demo.base, **PHONE).new_page())
    problems, counts = check(
        signed_out, ["/sign-in", "/", "/account/forgot", "/invitations/no-such-link"]
    )
    email, password = demo.accounts["facilitator"]
    page = signed_in_as(browser, demo.base, email, password, **PHONE)
    urls = page_types(page, demo) + list(FACILITATOR_ONLY) + list(ADMIN)  # admin: forbidden
    found, more = check(page, urls)
    admin = signed_in_as(browser, demo.base, "admin@demo.example", password, **PHONE)
    found_admin, more_admin = check(admin, list(ADMIN))
    for extra in (more, more_admin):
        for rule, n in extra.items():
            counts[rule] = counts.get(rule, 0) + n
    problems += found + found_admin
    return [f"axe-core, elements per rule: {counts}", *problems] if problems else []


def teacher_walk(browser: Browser, demo: Demo) -> list[str]:
    """The teacher's path at a phone's width: sign in, home, the team, the cycle form (sent
    empty first: it comes back with its errors), post, the cycle page; then the pages a
    teacher sees differently (a convening, a forum thread, the explorer of their team)."""
    email, password = demo.accounts["teacher"]
    page = watched(browser.new_context(base_url=demo.base, **PHONE).new_page())
    problems, _ = check(page, ["/sign-in"])
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My teams")).to_be_visible()
    problems += check(page, [""])[0]

    page.locator(f"main a[href$='/teams/{demo.team_id}']").first.click()
    problems += check(page, [""])[0]
    page.get_by_role("link", name="Post a cycle").click()
    problems += check(page, [""])[0]
    page.get_by_role("button", name="Post the cycle").click()  # nothing filled in
    expect(page.locator("#e-title")).to_be_visible()
    problems += check(page, [""])[0]
    page.locator("#f-title").fill("Phone-posted exit tickets")
    page.get_by_label("Objective (required)").fill("Learn whether exit tickets surface slips.")
    page.get_by_role("button", name="Post the cycle").click()
    expect(page.get_by_role("heading", name=re.compile("Phone-posted"))).to_be_visible()
    cycle = page.url.removeprefix(demo.base)
    problems += check(page, ["", f"{cycle}/edit", "/notifications", "/admin/users"])[0]
    board = first_link(page, f"{COMMUNITY}/forums", r"/boards/\d+$")
    others = [
        first_link(page, f"{COMMUNITY}/convenings", r"/convenings/\d+$"),
        first_link(page, board, r"/threads/\d+$"),
        f"{COMMUNITY}/flow?team={demo.team_id}",
    ]
    problems += check(page, others)[0]

    # The same pages on a wide screen pass axe-core too.
    page.set_viewport_size({"width": 1280, "height": 900})
    team = f"{COMMUNITY}/teams/{demo.team_id}"
    wide = ["/", team, f"{team}/cycles/new", cycle, *others]
    return problems + check(page, wide, phone=False)[0]


def test_every_page_passes_axe_and_fits_a_phone(browser: Browser, demo: Demo) -> None:
    """One test (one demo, built once, whichever worker runs it): every page type as the
    facilitator and the admin, then the teacher's path."""
    started = time.monotonic()
    problems = every_page_type(browser, demo)
    middle = time.monotonic()
    problems += teacher_walk(browser, demo)
    assert not problems, "\n".join(problems)
    print(f"every page type {middle - started:.1f} s, teacher {time.monotonic() - middle:.1f} s")
