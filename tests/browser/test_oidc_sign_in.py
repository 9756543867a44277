"""Signing in through an OpenID provider, end to end: ``nic serve`` and the certified
``oidc-provider`` package, each a real server; httpx plays the browser (real redirects,
PKCE, the token exchange and the ID token's signature checked by the site).

The site has two providers (see :func:`tests.browser.oidc_site.oidc_site`): ``local``
lets cedar.example addresses sign in to their accounts, ``joiner`` lets maple.example
addresses join cedar-valley as observers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest

from core.testing import csrf_of
from tests.browser.oidc_site import (
    STARTUP_SECONDS,
    OidcSite,
    oidc_site,
    provider_answer,
    provider_cancel,
)
from tests.helpers import PASSWORD
from tests.scratch import run_nic, sql

ANA = "ana.ruiz@cedar.example"


@pytest.fixture(scope="module")
def site(
    prepared_site: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OidcSite]:
    template, _ = prepared_site
    with oidc_site(template, tmp_path_factory.mktemp("oidc")) as served_site:
        yield served_site


@pytest.fixture
def browser_client() -> Iterator[httpx.Client]:
    """A fresh 'browser': its own cookies for the site and for the provider."""
    with httpx.Client(timeout=10) as client:
        yield client


def test_sign_in_through_the_provider_lands_on_next_signed_in(
    site: OidcSite, browser_client: httpx.Client
) -> None:
    callback = provider_answer(browser_client, site, "local", "Ana.Ruiz@Cedar.example", "/me?x=1")
    assert callback.startswith(site.base + "/sign-in/oidc/local/callback?code=")
    landed = browser_client.get(callback)
    assert landed.status_code == 303, landed.text
    assert landed.headers["location"] == "/me?x=1"
    home = browser_client.get(site.base + "/")
    assert "Sign out" in home.text and f"Welcome, {ANA}" in home.text
    print(f"provider start-up: {', '.join(f'{s:.2f} s' for s in STARTUP_SECONDS)}")


def test_the_sign_in_page_offers_each_provider_beside_passwords(site: OidcSite) -> None:
    page = httpx.get(site.base + "/sign-in", params={"next": "/communities/1"})
    assert 'href="/sign-in/oidc/local?next=/communities/1"' in page.text
    assert "Sign in with Cedar Valley schools" in page.text and "Maple district" in page.text
    assert 'name="password"' in page.text


def test_a_used_answer_is_refused_the_second_time_and_in_another_browser(
    site: OidcSite, browser_client: httpx.Client
) -> None:
    callback = provider_answer(browser_client, site, "local", ANA)
    assert browser_client.get(callback).status_code == 303
    again = browser_client.get(callback)
    assert again.status_code == 400
    assert "used already" in again.text
    elsewhere = httpx.get(callback)
    assert elsewhere.status_code == 400 and "Start again" in elsewhere.text


def test_a_tampered_state_is_refused(site: OidcSite, browser_client: httpx.Client) -> None:
    callback = provider_answer(browser_client, site, "local", ANA)
    parts = urlsplit(callback)
    query = dict(parse_qsl(parts.query))
    query["state"] = query["state"][:-2] + ("AA" if not query["state"].endswith("AA") else "BB")
    tampered = browser_client.get(urlunsplit(parts._replace(query=urlencode(query))))
    assert tampered.status_code == 400
    assert "does not belong to a sign-in started in this browser" in tampered.text
    assert "Sign out" not in tampered.text


def test_a_code_swapped_into_another_sign_in_is_refused(
    site: OidcSite, browser_client: httpx.Client
) -> None:
    """A code with the state of another sign-in of the same browser: the PKCE verifier (and
    the nonce) are that other sign-in's, so the provider or the ID token check refuses."""
    first = dict(parse_qsl(urlsplit(provider_answer(browser_client, site, "local", ANA)).query))
    second = provider_answer(browser_client, site, "local", ANA)
    parts = urlsplit(second)
    query = {**dict(parse_qsl(parts.query)), "code": first["code"]}
    swapped = browser_client.get(urlunsplit(parts._replace(query=urlencode(query))))
    assert swapped.status_code == 400, swapped.text
    assert "Sign out" not in browser_client.get(site.base + "/").text


def test_an_email_with_no_account_is_refused(site: OidcSite, browser_client: httpx.Client) -> None:
    callback = provider_answer(browser_client, site, "local", "nobody@cedar.example")
    refused = browser_client.get(callback)
    assert refused.status_code == 403
    assert "There is no account for nobody@cedar.example here" in refused.text
    assert "Ask your facilitator for an invitation" in refused.text
    users = sql(
        site.database, [], "SELECT count(*) FROM nic_user WHERE email = 'nobody@cedar.example'"
    )
    assert users == [(0,)]


def test_an_address_of_another_domain_is_refused(
    site: OidcSite, browser_client: httpx.Client
) -> None:
    callback = provider_answer(browser_client, site, "local", "ana.ruiz@maple.example")
    refused = browser_client.get(callback)
    assert refused.status_code == 403
    assert "Addresses of maple.example may not sign in here" in refused.text


def test_an_unverified_address_is_refused(site: OidcSite, browser_client: httpx.Client) -> None:
    callback = provider_answer(browser_client, site, "local", "unverified.ana@cedar.example")
    refused = browser_client.get(callback)
    assert refused.status_code == 403
    assert "has not verified the address unverified.ana@cedar.example" in refused.text


def test_an_allowed_domain_joins_the_community_as_an_observer(
    site: OidcSite, browser_client: httpx.Client
) -> None:
    callback = provider_answer(browser_client, site, "joiner", "New.Teacher@maple.example")
    landed = browser_client.get(callback)
    assert landed.status_code == 303, landed.text
    community = browser_client.get(site.base + "/communities/cedar-valley")
    assert community.status_code == 200 and "Sign out" in community.text
    roles = sql(
        site.database,
        [],
        "SELECT r.role, c.slug FROM community_role r JOIN nic_user u ON u.id = r.user_id "
        "JOIN community c ON c.id = r.community_id WHERE u.email = 'new.teacher@maple.example'",
    )
    assert roles == [("observer", "cedar-valley")]
    # The account has no password: the password form does not let anyone in with one.
    form = httpx.get(site.base + "/sign-in")
    refused = httpx.post(
        site.base + "/sign-in",
        data={
            "email": "new.teacher@maple.example",
            "password": "!",
            "csrf_token": csrf_of(form.text, "/sign-in"),
        },
        cookies=form.cookies,
    )
    assert refused.status_code == 422
    # Signing in again finds the account made the first time.
    again = httpx.Client(timeout=10)
    assert (
        again.get(provider_answer(again, site, "joiner", "new.teacher@maple.example")).status_code
        == 303
    )


def sign_in_with_password(client: httpx.Client, email: str) -> None:
    form = client.get("/sign-in")
    data = {"email": email, "password": PASSWORD, "csrf_token": csrf_of(form.text, "/sign-in")}
    assert client.post("/sign-in", data=data).status_code == 303


def test_a_deactivated_account_is_refused(site: OidcSite, browser_client: httpx.Client) -> None:
    run_nic(
        "user",
        "add",
        "gone@cedar.example",
        "--password",
        PASSWORD,
        database=site.database,
        cwd=site.folder.parent,
    )
    with httpx.Client(base_url=site.base, timeout=10) as admin:
        sign_in_with_password(admin, "admin@example.org")
        listing = admin.get("/admin/users").text
        user_id = re.search(r'href="/admin/users/(\d+)">gone@cedar.example<', listing)
        assert user_id
        path = f"/admin/users/{user_id.group(1)}/active"
        page = admin.get(f"/admin/users/{user_id.group(1)}").text
        assert (
            admin.post(
                path, data={"active": "false", "csrf_token": csrf_of(page, path)}
            ).status_code
            == 303
        )
    refused = browser_client.get(
        provider_answer(browser_client, site, "local", "gone@cedar.example")
    )
    assert refused.status_code == 403
    assert "The account gone@cedar.example is deactivated" in refused.text


def test_the_provider_s_refusal_is_a_clear_page(
    site: OidcSite, browser_client: httpx.Client
) -> None:
    answer = provider_cancel(browser_client, site, "local")
    assert "error=access_denied" in answer
    refused = browser_client.get(answer)
    assert refused.status_code == 403
    assert "did not sign you in (access denied)" in refused.text


def test_an_unknown_provider_is_not_found(site: OidcSite) -> None:
    for path in ("/sign-in/oidc/nope", "/sign-in/oidc/nope/callback?code=x&state=y"):
        page = httpx.get(site.base + path)
        assert page.status_code == 404
        assert "There is no identity provider called nope" in page.text


def test_a_callback_without_a_sign_in_is_refused(site: OidcSite) -> None:
    page = httpx.get(site.base + "/sign-in/oidc/local/callback")
    assert page.status_code == 400
    assert "Start again" in page.text


def test_with_passwords_switched_off_only_providers_sign_in(
    prepared_site: tuple[str, str], tmp_path: Path
) -> None:
    template, _ = prepared_site
    with oidc_site(template, tmp_path, passwords=False) as off, httpx.Client(timeout=10) as client:
        page = client.get(off.base + "/sign-in")
        assert "Sign in with Cedar Valley schools" in page.text
        assert 'name="password"' not in page.text
        refused = client.post(
            off.base + "/sign-in",
            data={"email": ANA, "password": PASSWORD},
        )
        assert refused.status_code == 403
        assert "Passwords are switched off on this site" in refused.text
        assert "Sign out" not in client.get(off.base + "/").text
        assert client.get(provider_answer(client, off, "local", ANA)).status_code == 303
        assert "Sign out" in client.get(off.base + "/").text
