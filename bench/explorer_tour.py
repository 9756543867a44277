"""A researcher's tour of the knowledge-flow explorer at national size, in Chromium, with a
screenshot of each step.

    python bench/explorer_tour.py [--size national|light] [--out explorer-tour]
                                  [--keep] [--data-dir DIR] [--database URL]
    python bench/explorer_tour.py --prepare-only --database URL [--size light]

bench/flow.py's seeded community (200 teams in 10 districts; ``light`` keeps the teams and
districts with fewer people and cycles) is served by ``nic serve`` with its own worker; an
admin signs in through the form, and the tour walks, writing ``NN-step.png`` into ``--out``
and printing what each step shows:

1. the community by district (one circle per district);
2. one district opened to its teams;
3. one team's neighbourhood;
4. a threshold: only the arrows at least as strong as the top third of those drawn;
5. a search for one school's team, which focuses it.

tests/browser/test_explorer_at_scale.py runs the same :func:`walk` on the light community
and checks every step: the districts, the opening, the focus, the cuts, labels that never
overlap and a top level that fits the window.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import flow
from pages import nic, serving

SEED = flow.SEED
LIGHT = flow.Size(200, 1_200, 3_000, 6_000)
"""National's 200 teams in 10 districts, with fewer people and cycles (the browser test)."""
PASSWORD = "a tour of the network"
ADMIN = "researcher@example.org"
VIEWPORT = {"width": 1280, "height": 800}
COMPUTE_TIMEOUT_MS = 180_000

OBSERVE = """() => {
  const svg = document.getElementById("flow-teams");
  const box = svg.getBoundingClientRect();
  const labels = [...svg.querySelectorAll("text.flow-label, text.flow-row-label")]
    .map((t) => { const r = t.getBoundingClientRect();
                  return {text: t.textContent, x: r.left, y: r.top, w: r.width, h: r.height}; })
    .filter((r) => r.w > 0 && r.h > 0);
  return {
    heading: document.getElementById("h-teams").textContent.trim(),
    groups: svg.querySelectorAll('.flow-node[data-kind="group"]').length,
    teams: svg.querySelectorAll('.flow-node[data-kind="team"]').length,
    arrows: svg.querySelectorAll(".flow-edge").length,
    weights: [...svg.querySelectorAll(".flow-edge")].map((e) => Number(e.dataset.weight)),
    places: Object.fromEntries([...svg.querySelectorAll(".flow-node")].map((n) => {
      const c = n.querySelector("circle");
      return [n.dataset.id, [Number(c.getAttribute("cx")), Number(c.getAttribute("cy"))]]; })),
    svg_left: box.left, svg_right: box.right, svg_width: box.width,
    window_width: window.innerWidth,
    labels: labels,
    page_height: document.documentElement.scrollHeight,
  };
}"""


@dataclass
class Step:
    name: str
    url: str
    seen: dict[str, Any]

    def overlaps(self) -> list[tuple[str, str]]:
        """Pairs of labels whose boxes overlap (by more than a pixel's rounding)."""
        boxes = self.seen["labels"]
        found = []
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                if (
                    a["x"] + a["w"] - 1 > b["x"]
                    and b["x"] + b["w"] - 1 > a["x"]
                    and a["y"] + a["h"] - 1 > b["y"]
                    and b["y"] + b["h"] - 1 > a["y"]
                ):
                    found.append((a["text"], b["text"]))
        return found

    def line(self) -> str:
        s = self.seen
        return (
            f"{self.name:<14} {s['heading'][:44]:<44} groups {s['groups']:>3}  teams "
            f"{s['teams']:>3}  arrows {s['arrows']:>4}  svg {s['svg_width']:.0f}/"
            f"{s['window_width']} px  overlaps {len(self.overlaps())}"
        )


def _computed(page: Any) -> None:
    """Wait until the picture is drawn (the "computing" page refreshes itself)."""
    page.locator("#flow-teams").wait_for(state="attached", timeout=COMPUTE_TIMEOUT_MS)


def _follow(page: Any, node: Any) -> None:
    """Select a node, then follow its link (flow.js: the first click selects)."""
    node.click()
    with page.expect_navigation():
        node.click()
    _computed(page)


def walk(page: Any, slug: str, shots: Path | None = None) -> list[Step]:
    """The tour on a signed-in page; each step's observations (and screenshot)."""
    steps: list[Step] = []

    def record(name: str) -> None:
        _computed(page)
        steps.append(Step(name, page.url, page.evaluate(OBSERVE)))
        if shots is not None:
            stem = shots / f"{len(steps):02d}-{name}"
            page.screenshot(path=f"{stem}.png", full_page=True)
            page.locator("#picture").screenshot(path=f"{stem}-picture.png")

    page.goto(f"/communities/{slug}/flow")
    record("districts")
    busiest = page.locator('#flow-teams .flow-node[data-kind="group"]').first
    _follow(page, busiest)
    record("district")
    school = page.locator('#flow-teams .flow-node.level-school[data-kind="team"]').first
    _follow(page, school)
    record("neighbourhood")
    page.goto(f"/communities/{slug}/flow")
    _computed(page)
    weights = sorted(steps[0].seen["weights"])
    page.locator("#f-min").fill(str(weights[len(weights) * 2 // 3]))
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    record("threshold")
    page.locator("#f-min").fill("")
    page.locator("#f-q").fill("School 150")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    record("search")
    return steps


# -- the script -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(url: str, size: flow.Size, folder: Path, env: dict[str, str]) -> None:
    """The community loaded (bench/flow.py's generator) and an admin to sign in as."""
    asyncio.run(flow.load(url, flow.generate("national", size, SEED), SEED))
    nic("user", "add", ADMIN, "--admin", "--password", PASSWORD, env=env, cwd=folder)


def sign_in(page: Any) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("national", "light"), default="national")
    parser.add_argument("--out", type=Path, default=Path("explorer-tour"))
    parser.add_argument("--keep", action="store_true", help="keep the data; reuse it when present")
    parser.add_argument("--data-dir", type=Path, help="where the data is kept")
    parser.add_argument("--chromium", default=os.environ.get("NIC_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--database", help="a database URL (default: a SQLite file in --data-dir)")
    parser.add_argument(
        "--prepare-only", action="store_true", help="load the community and the admin, then stop"
    )
    args = parser.parse_args()
    folder = args.data_dir or Path(tempfile.mkdtemp(prefix="nic-tour-"))
    folder.mkdir(parents=True, exist_ok=True)
    sqlite = folder / f"tour-{args.size}.sqlite3"
    url = args.database or f"sqlite://{sqlite}"
    secret = os.environ.get("NIC_SECRET_KEY", "tour-" + "x" * 40)
    env = {**os.environ, "NIC_DATABASE_URL": url, "NIC_SECRET_KEY": secret}
    size = flow.SIZES["national"] if args.size == "national" else LIGHT
    if args.prepare_only or not (args.keep and args.database is None and sqlite.exists()):
        print(f"Loading the {args.size} community into {url}", file=sys.stderr)
        prepare(url, size, folder, env)
    if args.prepare_only:
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    with serving(env, folder, _free_port(), 1) as (base, _), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        page = browser.new_context(base_url=base, viewport=VIEWPORT).new_page()
        sign_in(page)
        for step in walk(page, "bench-national", args.out):
            print(step.line())
        browser.close()
    print(f"Screenshots in {args.out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
