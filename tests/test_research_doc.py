"""docs/research.md: the worked example gives, on a fresh demo, the figures it states.

The example is written as a Python session (``>>>`` lines and the output they print).
These tests build the demo with ``nic demo`` and run that session with :mod:`doctest` in
a fresh interpreter, exactly as the page tells a reader to (``python -m doctest``), so a
change in the code or the demo that moves a figure fails here until the page says so.
"""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.scratch import SECRET, run_nic, scratch_database

DOC = Path(__file__).resolve().parents[1] / "docs" / "research.md"
DAY = "2026-04-17"
"""The day the page's demo lives in (``nic demo --today``): its figures hold on any day."""
DEMO_URL = "sqlite://nic-demo.sqlite3"
"""The database URL the page uses: the file ``nic demo --no-serve`` writes, in the folder
the reader works in."""


def worked_example(text: str) -> str:
    """The page's worked example: from its heading to the next second-level heading."""
    start = text.index("## A worked example on the demo")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def run_doctest(doc: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m doctest`` on ``doc`` in ``cwd``, in the environment ``nic`` runs with."""
    environment = {**os.environ, "NIC_SECRET_KEY": SECRET}
    for name in ("NIC_SETTINGS_FILE", "NIC_DEBUG"):
        environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "doctest", "-o", "NORMALIZE_WHITESPACE", str(doc)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_snippet_of_the_worked_example_is_a_checked_session() -> None:
    text = DOC.read_text(encoding="utf-8")
    example = worked_example(text)
    # Plain ``python`` blocks would not be run: every snippet is a session with output.
    assert "```python" not in example
    blocks = re.findall(r"```pycon\n(.*?)```", example, flags=re.DOTALL)
    assert len(blocks) >= 8
    for block in blocks:
        assert block.startswith(">>> "), block[:60]
        assert block.endswith("\n\n"), f"a session must end with a blank line: {block[-60:]!r}"
    examples = doctest.DocTestParser().get_examples(text)
    assert len(examples) >= 40
    # Every session's examples lie in the worked example, where the test runs them.
    assert len(doctest.DocTestParser().get_examples(example)) == len(examples)
    assert sum(1 for e in examples if e.want) >= 25, "most examples state a figure"
    assert f'load_graph("{DEMO_URL}", "harrow-creek-hs-network")' in example


def test_the_page_builds_the_demo_on_the_day_this_test_does() -> None:
    assert f"nic demo --no-serve --today {DAY}" in DOC.read_text(encoding="utf-8")


def test_the_worked_example_gives_its_figures_on_a_fresh_demo(tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    with scratch_database(tmp_path) as url:
        if url.startswith("sqlite://"):
            # As the page says: ``nic demo --no-serve`` writes nic-demo.sqlite3 here.
            run_nic("demo", "--no-serve", "--today", DAY, database=url, cwd=tmp_path)
            assert (tmp_path / "nic-demo.sqlite3").exists()
            doc = DOC
        else:
            run_nic(
                "demo", "--no-serve", "--today", DAY, "--database", url, database=url, cwd=tmp_path
            )
            doc = tmp_path / "research.md"
            doc.write_text(text.replace(DEMO_URL, url), encoding="utf-8")
        result = run_doctest(doc, tmp_path)
    assert result.returncode == 0, (
        "docs/research.md's worked example no longer matches the code:\n"
        + result.stdout[-6000:]
        + result.stderr[-2000:]
    )
