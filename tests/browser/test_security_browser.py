"""Hardening seen from a browser: the plugins form saves, a saved cookie dies with sign-out,
and the pages run under the site's Content-Security-Policy (checked for every test)."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.pages import admin_page, signed_in


def test_a_facilitator_saves_the_plugins_page(browser: Browser, site: str) -> None:
    page = admin_page(browser, site)
    page.goto("/communities/cedar-valley/plugins")
    forums = page.get_by_role("checkbox", name="forums")
    expect(forums).to_be_checked()
    forums.uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The plugins of this community are saved.")).to_be_visible()
    expect(page.get_by_role("checkbox", name="forums")).not_to_be_checked()
    page.get_by_role("checkbox", name="forums").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("checkbox", name="forums")).to_be_checked()


def test_a_cookie_kept_from_before_sign_out_opens_nothing(browser: Browser, site: str) -> None:
    page = signed_in(browser, site)
    saved = page.context.cookies()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()

    replay = browser.new_context(base_url=site)
    replay.add_cookies(saved)
    stolen = replay.new_page()
    stolen.goto("/account/password")
    expect(stolen.get_by_role("heading", name="Sign in")).to_be_visible()
    assert "/sign-in" in stolen.url
