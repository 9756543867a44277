"""The knowledge-flow explorer on bench/flow.py's national-size network (200 teams in 10
districts, 3,000 people, 20,000 cycles) in Chromium: bench/explorer_tour.py's walk, checked
step by step. Set ``NIC_TOUR_SHOTS`` to a
folder to keep its screenshots."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import _free_port
from tests.browser.pages import policy_violations
from tests.scratch import SECRET, scratch_database

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:  # the tour imports its neighbours, as when run
    sys.path.insert(0, str(BENCH))

import explorer_tour as tour  # noqa: E402


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The national network served by ``nic serve`` (its worker computes the views)."""
    folder = tmp_path_factory.mktemp("national")
    with scratch_database(folder) as url:
        env = {**os.environ, "NIC_DATABASE_URL": url, "NIC_SECRET_KEY": SECRET}
        env.pop("NIC_DEBUG", None)
        subprocess.run(
            [sys.executable, str(BENCH / "explorer_tour.py"), "--prepare-only",
             "--size", "national", "--database", url, "--data-dir", str(folder)],
            env=env, cwd=folder, check=True, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        with tour.serving(env, folder, _free_port(), 1) as (base, _):
            yield base


def test_a_researcher_walks_a_national_network(browser: Browser, national: str) -> None:
    context = browser.new_context(base_url=national, viewport=tour.VIEWPORT)
    page = context.new_page()
    page.on(
        "console",
        lambda m: policy_violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    tour.sign_in(page)
    shots = Path(os.environ["NIC_TOUR_SHOTS"]) if os.environ.get("NIC_TOUR_SHOTS") else None
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    steps = {step.name: step for step in tour.walk(page, "bench-national", shots)}

    top = steps["districts"].seen
    assert top["heading"] == "The community by district"
    assert (top["groups"], top["teams"]) == (10, 0)
    assert top["svg_left"] >= 0 and top["svg_right"] <= top["window_width"]  # fits the window
    for step in steps.values():
        assert step.overlaps() == [], (step.name, step.overlaps())

    district = steps["district"].seen
    assert district["heading"].startswith("Teams of District ")
    assert (district["groups"], district["teams"]) == (9, 20)  # its DIDT, 19 schools; 9 others

    near = steps["neighbourhood"].seen
    assert near["heading"].startswith("Neighbourhood of School ")
    assert near["groups"] == 0 and near["teams"] >= 2

    cut = steps["threshold"].seen
    threshold = min(cut["weights"])
    assert 0 < cut["arrows"] < top["arrows"]
    assert threshold >= sorted(top["weights"])[len(top["weights"]) * 2 // 3]
    assert cut["places"] == {k: v for k, v in top["places"].items()}  # nothing moved

    found = steps["search"].seen
    assert found["heading"] == "Neighbourhood of School 150 SIDT"
    context.close()
