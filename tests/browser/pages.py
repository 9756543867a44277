"""Pages of the browser tests: signed in through the sign-in form, watched for what the
Content-Security-Policy refuses (``conftest.py`` fails a test whose pages reported any)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.helpers import PASSWORD

policy_violations: list[str] = []
"""What the browser refused under the site's Content-Security-Policy during the test."""


def _watch(message: ConsoleMessage) -> None:
    if "Content Security Policy" in message.text:
        policy_violations.append(message.text)


def watched(page: Page) -> Page:
    """``page``, its Content-Security-Policy reports collected for ``conftest.py``."""
    page.on("console", _watch)
    return page


def signed_in_as(
    browser: Browser, site: str, email: str, password: str = PASSWORD, **context: Any
) -> Page:
    """A new browser context (with ``context``'s options) signed in as ``email``."""
    page = watched(browser.new_context(base_url=site, **context).new_page())
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def admin_page(browser: Browser, site: str) -> Page:
    """A page signed in as the site admin."""
    return signed_in_as(browser, site, "admin@example.org")


def signed_in(browser: Browser, site: str) -> Page:
    """A page signed in as Ana Ruiz (coordinator of North SIDT, on the DIDT too)."""
    page = signed_in_as(browser, site, "ana.ruiz@cedar.example")
    expect(page.get_by_role("heading", name="My teams")).to_be_visible()
    return page
