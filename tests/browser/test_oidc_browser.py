"""In Chromium: sign in through the local OpenID provider (``oidc-provider``, a real
server) and land on the page asked for, signed in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.oidc_site import OidcSite, oidc_site
from tests.browser.pages import _watch


@pytest.fixture(scope="module")
def site(
    prepared_site: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OidcSite]:
    template, _ = prepared_site
    with oidc_site(template, tmp_path_factory.mktemp("oidc-browser")) as served_site:
        yield served_site


def test_sign_in_through_the_districts_provider(browser: Browser, site: OidcSite) -> None:
    page = browser.new_context(base_url=site.base).new_page()
    page.on("console", _watch)
    page.goto("/sign-in?next=/communities/cedar-valley")
    page.get_by_role("link", name="Sign in with Cedar Valley schools").click()
    # The provider's own sign-in form (oidc-provider's development interactions).
    expect(page.locator("input[name=login]")).to_be_visible()
    assert page.url.startswith(site.issuer + "/interaction/")
    page.locator("input[name=login]").fill("ana.ruiz@cedar.example")
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.url == f"{site.base}/communities/cedar-valley"
    expect(page.get_by_role("link", name="ana.ruiz@cedar.example")).to_be_visible()
