"""axe-core, from the npm registry at test time, run in the browser tests' pages.

``tests/browser/node/package.json`` and its lock file pin axe-core; ``npm ci`` there installs it
into ``node_modules`` (ignored by git, never committed). ``.ci/run`` runs it before the tests;
:func:`axe_source` runs it too when the file is missing, so a fresh checkout needs only node.
"""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

NODE = Path(__file__).parent / "node"
AXE = NODE / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
"""The rule tags of WCAG 2.1 levels A and AA (what Section 508 refers to, and more)."""


@cache
def axe_source() -> str:
    """The text of ``axe.min.js``, installed with ``npm ci`` first if it is missing."""
    if not AXE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE, check=True)
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core finds against WCAG 2.1 A and AA on the page as it is now.

    The script is evaluated in the page (not added as a ``<script>`` element), so the site's
    Content-Security-Policy has nothing to refuse.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    run = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: []})"
    result: dict[str, Any] = page.evaluate(run, WCAG_21_AA)
    return list(result["violations"])


def describe(url: str, violations: list[dict[str, Any]]) -> str:
    """The violations of one page as lines a person can act on: rule, impact, where, help."""
    lines = []
    for violation in violations:
        lines.append(
            f"{url}: {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:5]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}: {summary[:240]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)
