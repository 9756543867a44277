"""Screenshots of the main pages at a desktop's and a phone's width, to look at.

    python -m tests.browser.screenshots [DIRECTORY]      (default: ./screenshots, ignored by git)

Builds the demo in a scratch SQLite database (``nic demo --no-serve``), serves it with
``nic serve`` on a free port (the browser tests' own serving code, ``tests/browser/demo.py``),
signs in as a teacher of a school design team and saves full-page PNGs of the home, team,
cycle, cycle form, flow explorer and convening pages at 1280 px and 390 px wide, named
``<page>-<width>.png``. Needs Chromium (``/usr/bin/chromium`` or ``NIC_CHROMIUM``).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.browser.conftest import CHROMIUM
from tests.browser.demo import SLUG, demo_served
from tests.browser.phone import PHONE

DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def _first(page: Page, listing: str, pattern: str) -> str:
    page.goto(listing)
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    return str(next(h for h in hrefs if re.search(pattern, h.split("?")[0])))


def shoot(folder: Path) -> list[Path]:
    """Save the screenshots into ``folder``; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    with tempfile.TemporaryDirectory() as scratch, demo_served(Path(scratch)) as demo:
        email, password = demo.accounts["teacher"]
        community = f"/communities/{SLUG}"
        team = f"{community}/teams/{demo.team_id}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            for width, options in ((1280, DESKTOP), (390, PHONE)):
                page = browser.new_context(base_url=demo.base, **options).new_page()  # type: ignore[arg-type]
                page.goto("/sign-in")
                page.get_by_label("Email").fill(email)
                page.get_by_label("Password").fill(password)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_load_state()
                pages = {
                    "home": "/",
                    "team": team,
                    "cycle": _first(page, team, r"^/cycles/\d+$"),
                    "cycle-form": f"{team}/cycles/new",
                    "flow-explorer": f"{community}/flow",
                    "convening": _first(page, f"{community}/convenings", r"/convenings/\d+$"),
                }
                for name, url in pages.items():
                    page.goto(url)
                    page.wait_for_load_state("networkidle")
                    path = folder / f"{name}-{width}.png"
                    page.screenshot(path=path, full_page=True)
                    saved.append(path)
                page.context.close()
            browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", default="screenshots", type=Path)
    args = parser.parse_args(argv)
    for path in shoot(args.directory):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
