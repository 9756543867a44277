"""Forgot password: the same answer for every address, a rate limit, a single-use link that
ends the account's other sessions and revokes its API tokens (and so does a change)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
from tortoise import timezone

from core.mail import Message
from core.models import ApiToken, PasswordReset
from core.testing import csrf_of, page_clients, sign_in
from tests.factories import UserFactory
from tests.helpers import PASSWORD

LINK = re.compile(r"http://testserver/account/reset/(\S+)")
NEW = "a-brand-new-password"


async def ask(client: httpx.AsyncClient, email: str) -> httpx.Response:
    page = await client.get("/account/forgot")
    return await client.post(
        "/account/forgot", data={"csrf_token": csrf_of(page.text), "email": email}
    )


def answer_of(response: httpx.Response) -> str:
    """The page's answer, with the address it names taken out."""
    found = re.search(r'<p class="notice" role="status">(.*?)</p>', response.text, re.S)
    assert found, response.text
    return found.group(1)


async def test_the_sign_in_page_links_to_forgot(client: httpx.AsyncClient) -> None:
    assert 'href="/account/forgot"' in (await client.get("/sign-in")).text


async def test_known_and_unknown_addresses_get_the_same_answer(
    app: Any, make_user: UserFactory, nic_outbox: list[Message]
) -> None:
    await make_user("ana@example.org")
    async with page_clients(app) as open_client:
        client = await open_client()
        known = await ask(client, "Ana@Example.org")
        unknown = await ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert answer_of(known).replace("ana@example.org", "X") == answer_of(unknown).replace(
        "nobody@example.org", "X"
    )
    [mail] = nic_outbox
    assert mail.to == ("ana@example.org",)
    token = LINK.search(mail.text).group(1)  # type: ignore[union-attr]
    [stored] = await PasswordReset.all().values("digest", "expires_at")
    assert token not in stored["digest"]
    assert timedelta(minutes=59) < stored["expires_at"] - timezone.now() <= timedelta(hours=1)


async def test_bad_email_is_a_form_error(client: httpx.AsyncClient) -> None:
    response = await ask(client, "not an email")
    assert response.status_code == 422 and "not a valid email address" in response.text


async def test_requests_are_rate_limited_per_email_and_per_address(
    app: Any, make_user: UserFactory, nic_outbox: list[Message]
) -> None:
    await make_user("ana@example.org")
    async with page_clients(app) as open_client:
        client = await open_client()
        for _ in range(3):
            assert (await ask(client, "ana@example.org")).status_code == 200
        limited = await ask(client, "ana@example.org")
        assert limited.status_code == 429 and "Too many" in limited.text
        assert limited.headers["Retry-After"] == "3600"
        assert len(nic_outbox) == 3
        # The same for an address with no account: the limit tells nothing either.
        for _ in range(3):
            assert (await ask(client, "ghost@example.org")).status_code == 200
        assert (await ask(client, "ghost@example.org")).status_code == 429
        # Per client address, over any emails (20 an hour).
        codes = [(await ask(client, f"p{i}@example.org")).status_code for i in range(16)]
        assert codes[:14] == [200] * 14 and codes[14:] == [429, 429]


async def test_a_reset_ends_other_sessions_and_revokes_tokens_once(
    app: Any, make_user: UserFactory, nic_outbox: list[Message]
) -> None:
    ana = await make_user("ana@example.org")
    async with page_clients(app) as open_client:
        old_session = await open_client("ana@example.org")
        assert (await old_session.get("/account/password")).status_code == 200
        assert (await ana.get("/me"))[0] == 200
        client = await open_client()
        await ask(client, "ana@example.org")
        token = LINK.search(nic_outbox[-1].text).group(1)  # type: ignore[union-attr]
        path = f"/account/reset/{token}"
        page = await client.get(path)
        assert page.status_code == 200 and "revokes your API tokens" in page.text
        short = await client.post(
            path, data={"csrf_token": csrf_of(page.text, path), "new": "short", "confirm": "short"}
        )
        assert short.status_code == 422 and "at least 10" in short.text
        done = await client.post(
            path, data={"csrf_token": csrf_of(page.text, path), "new": NEW, "confirm": NEW}
        )
        assert done.status_code == 200 and "API tokens are revoked" in done.text
        assert (await client.get("/account/password")).status_code == 200  # signed in
        assert (await old_session.get("/account/password")).status_code == 303  # ended
        status, body = await ana.get("/me")
        assert status == 401, body
        assert not await ApiToken.filter(user_id=ana.user_id).exists()
        again = await client.get(path)
        assert again.status_code == 410 and "used already" in again.text
        fresh = await open_client()
        await sign_in(fresh, "ana@example.org", NEW)


async def test_expired_and_unknown_reset_links_get_a_clear_page(
    app: Any, make_user: UserFactory, nic_outbox: list[Message]
) -> None:
    await make_user("ana@example.org")
    async with page_clients(app) as open_client:
        client = await open_client()
        await ask(client, "ana@example.org")
        token = LINK.search(nic_outbox[-1].text).group(1)  # type: ignore[union-attr]
        await PasswordReset.all().update(expires_at=timezone.now() - timedelta(seconds=1))
        expired = await client.get(f"/account/reset/{token}")
        assert expired.status_code == 410 and "expired" in expired.text
        for bad in ("nope", "z" * 300):
            unknown = await client.get(f"/account/reset/{bad}")
            assert unknown.status_code == 410 and "not valid" in unknown.text


async def test_changing_the_password_revokes_tokens_and_says_so(
    app: Any, make_user: UserFactory
) -> None:
    ana = await make_user("ana@example.org")
    async with page_clients(app) as open_client:
        client = await open_client("ana@example.org")
        other = await open_client("ana@example.org")
        page = await client.get("/account/password")
        assert "revokes your API tokens" in page.text
        action = "/account/password"
        changed = await client.post(action, data={
            "csrf_token": csrf_of(page.text, action), "current": PASSWORD, "new": NEW,
            "confirm": NEW,
        })  # fmt: skip
        assert changed.status_code == 200 and "API tokens are revoked" in changed.text
        assert (await client.get("/account/password")).status_code == 200
        assert (await other.get("/account/password")).status_code == 303
    assert (await ana.get("/me"))[0] == 401
