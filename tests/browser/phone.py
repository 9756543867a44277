"""Checks of a page at a phone's width: no sideways scrolling, tap targets of 44 px.

WCAG 2.5.5 (Target Size, AAA, the size Apple and Android recommend too) asks 44 by 44 CSS
pixels for a pointer target, except a link inside a sentence or block of text, a target whose
size the browser decides (a native control left unstyled is still checked here), and one with an
equivalent elsewhere on the page. We apply it to every interactive element on the page but:

- links in running text (an inline link whose block holds other words);
- the nodes of the knowledge-flow picture (an SVG drawing whose every node and edge has its row
  in the tables beside it);
- what is not shown (visually hidden, off-screen until focused, like the skip link).

A checkbox or radio button counts with its label: the label is the target a finger presses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
"""An iPhone-sized screen (390 x 844 CSS pixels), touch, mobile layout."""
MIN_TARGET = 44

_CHECK = (Path(__file__).parent / "phone_check.js").read_text(encoding="utf-8")


def phone_context(browser: Browser, site: str) -> BrowserContext:
    """A browser context the size of a phone, on ``site``."""
    return browser.new_context(base_url=site, **PHONE)  # type: ignore[arg-type]


def phone_problems(page: Page) -> list[str]:
    """What makes the page at hand hard to use on a phone: sideways scrolling (and which
    elements stick out), tap targets under 44 px."""
    found: dict[str, Any] = page.evaluate(_CHECK, MIN_TARGET)
    problems = []
    if found["overflow"] > 0:
        problems.append(
            f"the page scrolls sideways by {found['overflow']} px: " + "; ".join(found["wide"])
        )
    problems += [f"tap target under {MIN_TARGET} px: {target}" for target in found["small"]]
    return problems
