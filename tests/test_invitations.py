"""Invitations and linking people to accounts, through the pages, the API and ``nic user``."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from tortoise import timezone

from communities.models import CommunityRole, Invitation, Person, Team
from core.mail import Message
from core.models import User
from core.testing import Api, csrf_of, page_clients, run_command, sign_in
from tests.factories import UserFactory, load_small
from tests.helpers import PASSWORD

LINK = re.compile(r"https?://\S+/invitations/(\S+)")


@pytest.fixture
async def cv(app: Any, admin: Api, make_user: UserFactory) -> dict[str, Any]:
    """Cedar Valley with a facilitator account; people and teams by first name."""
    cid = (await load_small(app))["community_id"]
    fac = await make_user("fac@example.org")
    await admin.ok(
        "PUT", f"/communities/{cid}/roles", {"user_email": fac.email, "role": "facilitator"}
    )
    people = {p.name.split()[0].lower(): p.id for p in await Person.filter(community_id=cid)}
    teams = {t.name: t.id for t in await Team.filter(community_id=cid)}
    return {"id": cid, "fac": fac, "people": people, "teams": teams}


def link_in(message: Message) -> str:
    found = LINK.search(message.text)
    assert found, message.text
    return found.group(1)


async def accept(client: httpx.AsyncClient, token: str, **fields: str) -> httpx.Response:
    page = await client.get(f"/invitations/{token}")
    assert page.status_code == 200, page.text
    form = {"name": "Ana Ruiz", "password": PASSWORD, "confirm": PASSWORD, **fields}
    return await client.post(
        f"/invitations/{token}", data={"csrf_token": csrf_of(page.text), **form}
    )


async def test_invite_by_api_mails_a_link_that_makes_an_account_able_to_post_for_its_team(
    app: Any, cv: dict[str, Any], nic_outbox: list[Message]
) -> None:
    ana = cv["people"]["ana"]
    state = await cv["fac"].ok("POST", f"/people/{ana}/invitation", {}, status=201)
    assert state["state"] == "invited" and state["invitation_email"] == "ana.ruiz@cedar.example"
    assert "link" not in state and state["linked_existing"] is False
    [mail] = nic_outbox
    assert mail.to == ("ana.ruiz@cedar.example",)
    token = link_in(mail)
    assert mail.text.count("http://testserver/invitations/") == 1
    stored = await Invitation.get(person_id=ana)
    assert token not in stored.digest and len(stored.digest) == 64
    assert stored.expires_at - timezone.now() > timedelta(days=6, hours=23)
    async with page_clients(app) as open_client:
        client = await open_client()
        response = await accept(client, token)
        north, south = cv["teams"]["North SIDT"], cv["teams"]["South SIDT"]
        assert response.status_code == 303
        assert response.headers["location"] == f"/communities/cedar-valley/teams/{north}"
        landing = await client.get(response.headers["location"])
        assert "your account is ready" in landing.text and "Post a cycle" in landing.text
        user = await User.get(email="ana.ruiz@cedar.example")
        assert user.name == "Ana Ruiz" and user.password_hash.startswith("$argon2")
        assert (await Person.get(id=ana)).user_id == user.id  # type: ignore[attr-defined]
        role = await CommunityRole.get(user_id=user.id, community_id=cv["id"])
        assert role.role == "member"
        for team, expected in ((north, 303), (south, 403)):
            path = f"/communities/cedar-valley/teams/{team}/cycles/new"
            form = await client.get(path)
            token_field = csrf_of(form.text) if form.status_code == 200 else csrf_of(landing.text)
            posted = await client.post(
                path,
                data={"csrf_token": token_field, "title": "Try it", "plan_objective": "Learn."},
            )
            assert posted.status_code == expected, (team, posted.text[:300])
        # The link worked once.
        again = await open_client()
        reused = await again.get(f"/invitations/{token}")
        assert reused.status_code == 410 and "used already" in reused.text
    state = await cv["fac"].ok("GET", f"/people/{ana}/account")
    assert state["state"] == "active" and state["user_email"] == "ana.ruiz@cedar.example"


@pytest.mark.parametrize("token", ["nope", "x" * 43, "y" * 500])
async def test_unknown_links_get_a_clear_page(client: httpx.AsyncClient, token: str) -> None:
    response = await client.get(f"/invitations/{token}")
    assert response.status_code == 410 and "not valid" in response.text
    posted = await client.post(f"/invitations/{token}", data={"password": "whatever"})
    assert posted.status_code in (403, 410)


async def test_expired_and_revoked_links_are_refused_and_resend_voids_the_old_link(
    app: Any, cv: dict[str, Any], nic_outbox: list[Message]
) -> None:
    ana, fac = cv["people"]["ana"], cv["fac"]
    await fac.ok("POST", f"/people/{ana}/invitation", {"role": "observer"}, status=201)
    first = link_in(nic_outbox[-1])
    state = await fac.ok("POST", f"/people/{ana}/invitation/resend")
    assert state["state"] == "invited" and state["invitation_role"] == "observer"
    second = link_in(nic_outbox[-1])
    assert first != second
    async with page_clients(app) as open_client:
        client = await open_client()
        old = await client.get(f"/invitations/{first}")
        assert old.status_code == 410 and "newer one was sent" in old.text
        await Invitation.filter(revoked_at__isnull=True).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
        expired = await client.get(f"/invitations/{second}")
        assert expired.status_code == 410 and "expired" in expired.text
        assert (await fac.ok("GET", f"/people/{ana}/account"))["state"] == "none"
        # An expired invitation may be sent again; then revoked.
        await fac.ok("POST", f"/people/{ana}/invitation/resend")
        third = link_in(nic_outbox[-1])
        assert (await client.get(f"/invitations/{third}")).status_code == 200
        status, _ = await fac.delete(f"/people/{ana}/invitation")
        assert status == 204
        revoked = await client.get(f"/invitations/{third}")
        assert revoked.status_code == 410 and "withdrawn" in revoked.text
        status, _ = await fac.delete(f"/people/{ana}/invitation")
        assert status == 404
        status, _ = await fac.post(f"/people/{ana}/invitation/resend", {})
        assert status == 404
    assert not await User.filter(email="ana.ruiz@cedar.example").exists()


async def test_accept_form_checks_name_and_passwords(
    app: Any, cv: dict[str, Any], nic_outbox: list[Message]
) -> None:
    await cv["fac"].ok("POST", f"/people/{cv['people']['ana']}/invitation", {}, status=201)
    token = link_in(nic_outbox[-1])
    async with page_clients(app) as open_client:
        client = await open_client()
        for fields, problem in (
            ({"name": "  "}, "Enter your name"),
            ({"password": "short", "confirm": "short"}, "at least 10"),
            ({"confirm": "something-else-entirely"}, "differ"),
        ):
            response = await accept(client, token, **fields)
            assert response.status_code == 422 and problem in response.text
        assert not await User.filter(email="ana.ruiz@cedar.example").exists()
        assert (await accept(client, token)).status_code == 303


async def test_inviting_someone_with_an_account_links_it_and_says_so(
    cv: dict[str, Any], make_user: UserFactory, nic_outbox: list[Message]
) -> None:
    existing = await make_user("Ana.Ruiz@cedar.example")
    ana = cv["people"]["ana"]
    state = await cv["fac"].ok("POST", f"/people/{ana}/invitation", {}, status=201)
    assert state["state"] == "active" and state["linked_existing"] is True
    assert (await Person.get(id=ana)).user_id == existing.user_id  # type: ignore[attr-defined]
    assert await User.filter(email="ana.ruiz@cedar.example").count() == 1
    [mail] = nic_outbox
    assert "now linked" in mail.text and "/invitations/" not in mail.text
    assert "http://testserver/sign-in" in mail.text
    status, body = await existing.post("/cycles", {
        "team_id": cv["teams"]["North SIDT"], "title": "Mine", "plan_objective": "Try.",
    })  # fmt: skip
    assert status == 201, body
    status, body = await cv["fac"].post(f"/people/{ana}/invitation", {})
    assert status == 409 and "person" in body["error"]["fields"]


async def test_invitation_input_and_permissions(
    cv: dict[str, Any], make_user: UserFactory, admin: Api, nic_outbox: list[Message]
) -> None:
    cleo, fac = cv["people"]["cleo"], cv["fac"]
    status, body = await fac.post(f"/people/{cleo}/invitation", {})
    assert status == 422 and "email" in body["error"]["fields"]
    status, body = await fac.post(f"/people/{cleo}/invitation", {"role": "king"})
    assert status == 422 and "role" in body["error"]["fields"]
    state = await fac.ok(
        "POST", f"/people/{cleo}/invitation", {"email": "Cleo@Cedar.example"}, status=201
    )
    assert state["invitation_email"] == "cleo@cedar.example"
    assert (await Person.get(id=cleo)).email == "cleo@cedar.example"
    member = await make_user("member@example.org")
    await admin.ok(
        "PUT", f"/communities/{cv['id']}/roles", {"user_email": member.email, "role": "member"}
    )
    outsider = await make_user("outsider@example.org")
    ana = cv["people"]["ana"]
    assert (await member.post(f"/people/{ana}/invitation", {}))[0] == 403
    assert (await outsider.post(f"/people/{ana}/invitation", {}))[0] == 404
    assert (await member.get(f"/people/{ana}/account"))[0] == 403
    assert (await admin.post(f"/people/{ana}/invitation", {}))[0] == 201
    assert len(nic_outbox) == 2


async def test_facilitator_invites_resends_and_revokes_on_the_pages(
    app: Any, cv: dict[str, Any], nic_outbox: list[Message]
) -> None:
    ana, north = cv["people"]["ana"], cv["teams"]["North SIDT"]
    person = f"/communities/cedar-valley/people/{ana}"
    team = f"/communities/cedar-valley/teams/{north}"
    async with page_clients(app) as open_client:
        fac = await open_client()
        await sign_in(fac, "fac@example.org")
        page = await fac.get(team)
        assert "account-none" in page.text and 'aria-label="Invite Ana Ruiz"' in page.text
        invite = f"{person}/invitation?next={team}"
        response = await fac.post(
            invite, data={"csrf_token": csrf_of(page.text, invite), "role": "member"}
        )
        assert response.status_code == 303 and response.headers["location"] == team
        page = await fac.get(team)
        assert "Invitation mailed to ana.ruiz@cedar.example" in page.text
        assert "account-invited" in page.text
        first = link_in(nic_outbox[-1])
        page = await fac.get(person)
        assert "Invited as member" in page.text and "Send again" in page.text
        resend = f"{person}/invitation/resend"
        response = await fac.post(resend, data={"csrf_token": csrf_of(page.text, resend)})
        assert response.status_code == 303
        assert "the old one is void" in (await fac.get(person)).text
        assert link_in(nic_outbox[-1]) != first
        confirm = await fac.get(f"{person}/invitation/revoke")
        assert confirm.status_code == 200 and "will stop working" in confirm.text
        revoke = f"{person}/invitation/revoke"
        response = await fac.post(revoke, data={"csrf_token": csrf_of(confirm.text, revoke)})
        assert response.status_code == 303
        page = await fac.get(person)
        assert "is revoked" in page.text and "account-none" in page.text
        # Someone signed out is sent to sign in; a post without the form's token is refused.
        other = await open_client()
        assert (await other.get(person)).status_code == 303
        assert (await other.post(f"{person}/invitation", data={})).status_code in (303, 403)


async def test_link_and_unlink_by_page_api_and_cli(
    app: Any, cv: dict[str, Any], make_user: UserFactory
) -> None:
    ben, cleo, fac = cv["people"]["ben"], cv["people"]["cleo"], cv["fac"]
    someone = await make_user("someone@example.org")
    # The API: PATCH the person with the account's email (or id); member role given.
    row = await fac.ok("PATCH", f"/people/{ben}", {"user_email": "someone@example.org"})
    assert row["user_id"] == someone.user_id
    role = await CommunityRole.get(user_id=someone.user_id, community_id=cv["id"])
    assert role.role == "member"
    status, body = await fac.patch(f"/people/{cleo}", {"user_id": someone.user_id})
    assert status == 409 and "user" in body["error"]["fields"]
    status, body = await fac.patch(f"/people/{cleo}", {"user_email": "ghost@example.org"})
    assert status == 422 and "user_email" in body["error"]["fields"]
    row = await fac.ok("PATCH", f"/people/{ben}", {"user_id": None})
    assert row["user_id"] is None
    # The page: link by email, then unlink; the facilitator keeps their own role.
    person = f"/communities/cedar-valley/people/{cleo}"
    async with page_clients(app) as open_client:
        client = await open_client()
        await sign_in(client, "fac@example.org")
        page = await client.get(person)
        action = f"{person}/account"
        bad = await client.post(
            action, data={"csrf_token": csrf_of(page.text, action), "user_email": "nobody@x.org"}
        )
        assert bad.status_code == 422 and "no account with email" in bad.text
        response = await client.post(
            action, data={"csrf_token": csrf_of(page.text, action), "user_email": "fac@example.org"}
        )
        assert response.status_code == 303
        page = await client.get(person)
        assert "linked to the account fac@example.org" in page.text
        role = await CommunityRole.get(user_id=fac.user_id, community_id=cv["id"])
        assert role.role == "facilitator"
        unlink = f"{person}/account/unlink"
        response = await client.post(unlink, data={"csrf_token": csrf_of(page.text, unlink)})
        assert response.status_code == 303
        assert (await Person.get(id=cleo)).user_id is None  # type: ignore[attr-defined]
    # The command line, by the person's email or id.
    code, out = await run_command(
        app, "user", "link", "someone@example.org", "cedar-valley", "ben.okafor@cedar.example"
    )
    assert code == 0 and "linked to the account someone@example.org" in out
    code, out = await run_command(
        app, "user", "link", "someone@example.org", "cedar-valley", str(cleo)
    )
    assert code == 1 and "already" in out
    code, out = await run_command(app, "user", "unlink", "cedar-valley", str(ben))
    assert code == 0 and "no longer linked" in out
    code, out = await run_command(app, "user", "unlink", "cedar-valley", str(ben))
    assert code == 1


async def test_nic_user_invite_prints_and_mails_the_link(
    app: Any, cv: dict[str, Any], nic_outbox: list[Message]
) -> None:
    code, out = await run_command(
        app, "user", "invite", "cedar-valley", "ana.ruiz@cedar.example", "--role", "researcher"
    )
    assert code == 0, out
    token = link_in(nic_outbox[-1])
    assert f"http://127.0.0.1:8000/invitations/{token}" in out
    code, out = await run_command(app, "user", "invite", "cedar-valley", "999999")
    assert code == 1 and "no person" in out
    async with page_clients(app) as open_client:
        client = await open_client()
        assert (await accept(client, token)).status_code == 303
    user = await User.get(email="ana.ruiz@cedar.example")
    assert (await CommunityRole.get(user_id=user.id)).role == "researcher"


async def test_claim_account_hook_accepts_a_pending_invitation(
    app: Any, cv: dict[str, Any], nic_outbox: list[Message]
) -> None:
    plugins = app.state.plugins
    assert await plugins.call("nic_claim_account", email="ana.ruiz@cedar.example") == []
    await cv["fac"].ok("POST", f"/people/{cv['people']['ana']}/invitation", {}, status=201)
    [user_id] = await plugins.call("nic_claim_account", email="ANA.RUIZ@cedar.example")
    user = await User.get(id=user_id)
    assert user.email == "ana.ruiz@cedar.example" and user.name == "Ana Ruiz"
    assert (await Person.get(id=cv["people"]["ana"])).user_id == user_id  # type: ignore[attr-defined]
    async with page_clients(app) as open_client:
        client = await open_client()
        page = await client.get("/sign-in")
        response = await client.post("/sign-in", data={
            "csrf_token": csrf_of(page.text), "email": user.email, "password": "!no-password",
        })  # fmt: skip
        assert response.status_code == 422
        used = await client.get(f"/invitations/{link_in(nic_outbox[-1])}")
        assert used.status_code == 410
    assert await plugins.call("nic_claim_account", email="ana.ruiz@cedar.example") == []


async def test_with_passwords_off_an_invitation_offers_the_provider_and_no_password(
    app: Any, cv: dict[str, Any], nic_outbox: list[Message]
) -> None:
    from core.settings import Settings

    site = app.state.settings
    provider = {
        "issuer": "https://idp.cedar.example",
        "client_id": "nic",
        "client_secret": "not-used-here",
        "allowed_email_domains": ["cedar.example"],
        "label": "Sign in with Cedar schools",
    }
    configured = Settings(
        database_url=site.database_url, secret_key="x" * 32, oidc={"cedar": provider}
    ).oidc
    await cv["fac"].ok("POST", f"/people/{cv['people']['ana']}/invitation", {}, status=201)
    token = link_in(nic_outbox[-1])
    async with page_clients(app) as open_client:
        client = await open_client()
        csrf_token = csrf_of((await client.get(f"/invitations/{token}")).text)  # passwords on
        app.state.settings = site.model_copy(update={"auth_passwords": False, "oidc": configured})
        try:
            page = await client.get(f"/invitations/{token}")
            assert page.status_code == 200
            assert (
                'href="/sign-in/oidc/cedar"' in page.text
                and "Sign in with Cedar schools" in page.text
            )
            assert 'name="password"' not in page.text
            refused = await client.post(
                f"/invitations/{token}",
                data={"csrf_token": csrf_token, "name": "Ana", "password": PASSWORD,
                      "confirm": PASSWORD},
            )  # fmt: skip
            assert refused.status_code == 403 and "Passwords are switched off" in refused.text
            assert not await User.exists(email="ana.ruiz@cedar.example")
            for path in ("/account/forgot", "/account/reset/anything"):
                off = await client.get(path)
                assert off.status_code == 403 and "Passwords are switched off" in off.text
        finally:
            app.state.settings = site
