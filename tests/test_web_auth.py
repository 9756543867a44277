"""Signing in and out in the browser: sessions, CSRF, rate limits, password change."""

from __future__ import annotations

import httpx
from argon2 import Type, extract_parameters

from core.auth.passwords import SITE_HASHER, verify_password
from core.auth.users import create_user
from core.models import User
from core.testing import csrf_of
from tests.helpers import PASSWORD, submit_sign_in


async def test_passwords_are_stored_as_argon2id(app, client) -> None:
    user, _ = await create_user("ana@example.org", PASSWORD)
    stored = (await User.get(id=user["id"])).password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert (await submit_sign_in(client, "ana@example.org")).status_code == 303
    # The site's own parameters (the suite hashes cheaply): RFC 9106's low-memory profile.
    site_hash = SITE_HASHER.hash(PASSWORD)
    parameters = extract_parameters(site_hash)
    assert parameters.type is Type.ID
    assert parameters.memory_cost >= 65536 and parameters.time_cost >= 3
    assert verify_password(site_hash, PASSWORD) and not verify_password(site_hash, "wrong-one!")


async def test_sign_in_sets_a_signed_http_only_cookie(client) -> None:
    await create_user("ana@example.org", PASSWORD, name="Ana Ruiz")
    response = await submit_sign_in(client, "Ana@Example.org", next="/account/password")
    assert response.status_code == 303
    assert response.headers["location"] == "/account/password"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("nic_session=") and "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    home = await client.get("/")
    assert "Ana Ruiz" in home.text and "Sign out" in home.text


async def test_next_may_not_leave_the_site(client) -> None:
    await create_user("ana@example.org", PASSWORD)
    response = await submit_sign_in(client, "ana@example.org", next="//evil.example/x")
    assert response.headers["location"] == "/"


async def test_wrong_password_re_renders_the_form(client) -> None:
    await create_user("ana@example.org", PASSWORD)
    response = await submit_sign_in(client, "ana@example.org", "not-the-password")
    assert response.status_code == 422
    assert "do not match an account" in response.text
    assert 'value="ana@example.org"' in response.text
    empty = await submit_sign_in(client, "", "")
    assert empty.status_code == 422 and 'id="e-email"' in empty.text


def browser_at(app, address: str) -> httpx.AsyncClient:
    """A client whose requests come from ``address``, as the sign-in throttle sees them."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_five_wrong_passwords_stop_that_address_not_the_owner(app, client) -> None:
    await create_user("ana@example.org", PASSWORD)
    async with browser_at(app, "203.0.113.9") as guesser, browser_at(app, "198.51.100.4") as ana:
        for _ in range(5):
            assert (
                await submit_sign_in(guesser, "ana@example.org", "wrong-guess!")
            ).status_code == 422
        blocked = await submit_sign_in(guesser, "ana@example.org")
        assert blocked.status_code == 429 and "Wait 15 minutes" in blocked.text
        assert blocked.headers["retry-after"] == "900"
        assert "Sign out" not in (await guesser.get("/")).text
        assert (await submit_sign_in(ana, "ana@example.org")).status_code == 303
        assert (await submit_sign_in(guesser, "ana@example.org")).status_code == 429


async def test_one_address_spraying_many_accounts_is_stopped(app) -> None:
    for n in range(21):
        await create_user(f"user{n}@example.org", PASSWORD)
    async with browser_at(app, "203.0.113.9") as sprayer, browser_at(app, "198.51.100.4") as other:
        for n in range(20):
            for _ in range(5):
                await submit_sign_in(sprayer, f"user{n}@example.org", "wrong-guess!")
        assert (await submit_sign_in(sprayer, "user20@example.org")).status_code == 429
        assert (await submit_sign_in(other, "user20@example.org")).status_code == 303


async def test_many_addresses_guessing_one_account_lock_it_for_an_hour(app) -> None:
    await create_user("ana@example.org", PASSWORD)
    for n in range(10):
        async with browser_at(app, f"203.0.113.{n}") as guesser:
            for _ in range(5):
                assert (
                    await submit_sign_in(guesser, "ana@example.org", "wrong!")
                ).status_code == 422
    async with browser_at(app, "198.51.100.4") as ana:
        locked = await submit_sign_in(ana, "ana@example.org")
        assert locked.status_code == 429 and "Wait 60 minutes" in locked.text
        assert locked.headers["retry-after"] == "3600"


async def test_forms_without_a_csrf_token_are_refused(client) -> None:
    await create_user("ana@example.org", PASSWORD)
    await client.get("/sign-in")
    refused = await client.post("/sign-in", data={"email": "ana@example.org", "password": PASSWORD})
    assert refused.status_code == 403 and "form has expired" in refused.text
    wrong = await client.post(
        "/sign-in", data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": "x"}
    )
    assert wrong.status_code == 403
    await submit_sign_in(client, "ana@example.org")
    assert (await client.post("/sign-out", data={})).status_code == 403
    assert "Sign out" in (await client.get("/")).text


async def test_sign_out(client) -> None:
    await create_user("ana@example.org", PASSWORD)
    await submit_sign_in(client, "ana@example.org")
    home = await client.get("/")
    response = await client.post("/sign-out", data={"csrf_token": csrf_of(home.text)})
    assert response.status_code == 303
    assert "Sign out" not in (await client.get("/")).text


async def test_a_cookie_saved_before_sign_out_opens_nothing(app, client) -> None:
    await create_user("ana@example.org", PASSWORD)
    await submit_sign_in(client, "ana@example.org")
    saved = client.cookies["nic_session"]
    home = await client.get("/")
    await client.post("/sign-out", data={"csrf_token": csrf_of(home.text)})
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as thief:
        thief.cookies.set("nic_session", saved)
        replayed = await thief.get("/account/password", follow_redirects=False)
        assert replayed.status_code in (302, 303)
        assert replayed.headers["location"].startswith("/sign-in")


async def test_signing_in_again_replaces_the_browsers_session(app, client) -> None:
    await create_user("ana@example.org", PASSWORD)
    await submit_sign_in(client, "ana@example.org")
    first = client.cookies["nic_session"]
    await submit_sign_in(client, "ana@example.org")
    assert "Sign out" in (await client.get("/")).text
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as old:
        old.cookies.set("nic_session", first)
        assert "Sign out" not in (await old.get("/")).text


async def test_password_change_ends_other_sessions(app, client) -> None:
    await create_user("ana@example.org", PASSWORD)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        await submit_sign_in(other, "ana@example.org")
        await submit_sign_in(client, "ana@example.org")
        page = await client.get("/account/password")
        token = csrf_of(page.text)
        bad = await client.post(
            "/account/password",
            data={"current": "wrong", "new": "short", "confirm": "short", "csrf_token": token},
        )
        assert bad.status_code == 422
        assert "not your current password" in bad.text and "at least 10" in bad.text
        done = await client.post(
            "/account/password",
            data={
                "current": PASSWORD,
                "new": "a-newer-password",
                "confirm": "a-newer-password",
                "csrf_token": token,
            },
        )
        assert done.status_code == 200 and "password is changed" in done.text
        assert "Sign out" in (await client.get("/")).text
        assert "Sign out" not in (await other.get("/")).text
    assert (await submit_sign_in(client, "ana@example.org", "a-newer-password")).status_code == 303


async def test_pages_need_a_signed_in_user_and_errors_are_friendly(client) -> None:
    response = await client.get("/account/password")
    assert response.status_code == 303 and response.headers["location"].startswith("/sign-in")
    missing = await client.get("/no/such/page")
    assert missing.status_code == 404 and "Not found" in missing.text
    assert "Traceback" not in missing.text
