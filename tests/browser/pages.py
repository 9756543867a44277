"""Pages of the browser tests: signed in through the sign-in form, watched for what the
Content-Security-Policy refuses (``conftest.py`` fails a test whose pages reported any)."""

from __future__ import annotations

from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.helpers import PASSWORD

policy_violations: list[str] = []
"""What the browser refused under the site's Content-Security-Policy during the test."""


def _watch(message: ConsoleMessage) -> None:
    if "Content Security Policy" in message.text:
        policy_violations.append(message.text)


def signed_in_as(browser: Browser, site: str, email: str) -> Page:
    """A new browser context signed in as ``email``."""
    page = browser.new_context(base_url=site).new_page()
    page.on("console", _watch)
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
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
