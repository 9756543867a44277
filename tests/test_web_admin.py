"""Site-admin user pages and the community roles page, over HTTP in a browser session."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from communities.models import Community, CommunityRole
from core.auth.passwords import verify_password
from core.models import User
from core.testing import csrf_of
from tests.helpers import as_admin, make_account, submit_sign_in


def shown_password(page: str) -> str:
    match = re.search(r'<code class="password">([^<]+)</code>', page)
    assert match, "no password shown on the page"
    return html.unescape(match.group(1))


async def signed_in(client: httpx.AsyncClient) -> bool:
    return "Sign out" in (await client.get("/")).text


async def token(client: httpx.AsyncClient) -> str:
    return csrf_of((await client.get("/")).text)


@asynccontextmanager
async def browser(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A second browser with its own cookie jar."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        yield other


async def password_hash(user_id: int) -> str:
    return str((await User.filter(id=user_id).values_list("password_hash", flat=True))[0])


# --- the user list ----------------------------------------------------------------


async def test_admin_lists_and_searches_users(client) -> None:
    await as_admin(client)
    await make_account("ana@example.org", name="Ana Ruiz")
    await make_account("bo@example.org", name="Bo Chen")
    page = await client.get("/admin/users")
    assert page.status_code == 200
    assert "ana@example.org" in page.text and "Bo Chen" in page.text and "3 users." in page.text
    assert '<th scope="col">Created</th>' in page.text
    found = await client.get("/admin/users", params={"q": "RUIZ"})
    assert "ana@example.org" in found.text and "bo@example.org" not in found.text
    assert "1 user matches" in found.text and 'value="RUIZ"' in found.text
    by_email = await client.get("/admin/users", params={"q": "bo@"})
    assert "bo@example.org" in by_email.text and "ana@example.org" not in by_email.text
    none = await client.get("/admin/users", params={"q": "nobody"})
    assert none.status_code == 200 and "email or name contains" in none.text
    wildcard = await client.get("/admin/users", params={"q": "%"})
    assert "email or name contains" in wildcard.text


async def test_users_are_listed_fifty_to_a_page(client) -> None:
    await as_admin(client)
    await User.bulk_create(
        [User(email=f"user{n:02}@example.org", password_hash="x") for n in range(55)]
    )
    first = await client.get("/admin/users")
    assert first.text.count('<a href="/admin/users/') == 50
    assert "page 1 of 2" in first.text and 'href="/admin/users?page=2"' in first.text
    assert "user00@example.org" in first.text and "user54@example.org" not in first.text
    second = await client.get("/admin/users", params={"page": "2"})
    assert second.text.count('<a href="/admin/users/') == 6
    assert "user54@example.org" in second.text and 'href="/admin/users"' in second.text
    searched = await client.get("/admin/users", params={"q": "user0"})
    assert searched.text.count('<a href="/admin/users/') == 10 and "Next page" not in searched.text
    odd = await client.get("/admin/users", params={"page": "two"})
    assert odd.status_code == 200 and "page 1 of 2" in odd.text
    beyond = await client.get("/admin/users", params={"page": "99999999999999"})
    assert beyond.status_code == 200 and "only 2 pages" in beyond.text


# --- creating users ---------------------------------------------------------------


async def test_admin_creates_a_user_with_a_chosen_password(app, client) -> None:
    await as_admin(client)
    form = {
        "email": " Cleo@Example.org ",
        "name": "Cleo",
        "password": "cleos-own-password",
        "csrf_token": await token(client),
    }
    created = await client.post("/admin/users", data=form)
    assert created.status_code == 200 and "The account is created" in created.text
    assert "cleos-own-password" not in created.text and 'class="password"' not in created.text
    row = await User.get(email="cleo@example.org")
    assert row.name == "Cleo" and not row.is_admin and row.is_active
    async with browser(app) as cleo:
        assert (
            await submit_sign_in(cleo, "cleo@example.org", "cleos-own-password")
        ).status_code == 303


async def test_a_generated_password_is_shown_once(app, client) -> None:
    await as_admin(client)
    form = {
        "email": "dee@example.org",
        "name": "",
        "password": "",
        "is_admin": "yes",
        "csrf_token": await token(client),
    }
    created = await client.post("/admin/users", data=form)
    assert created.status_code == 200 and "Invitation" in created.text
    assert "shown only once" in created.text and "http://testserver/sign-in" in created.text
    assert created.headers["cache-control"] == "no-store"
    password = shown_password(created.text)
    assert len(password) >= 10
    row = await User.get(email="dee@example.org")
    assert row.is_admin and verify_password(row.password_hash, password)
    again = await client.get(f"/admin/users/{row.id}")
    assert again.status_code == 200 and password not in again.text
    async with browser(app) as dee:
        assert (await submit_sign_in(dee, "dee@example.org", password)).status_code == 303


async def test_create_form_shows_problems_beside_the_fields(client) -> None:
    await as_admin(client)
    csrf = await token(client)
    bad = await client.post(
        "/admin/users",
        data={"email": "not-an-email", "name": "Ed", "password": "short", "csrf_token": csrf},
    )
    assert bad.status_code == 422
    assert 'aria-describedby="e-email"' in bad.text and 'id="e-email"' in bad.text
    assert "not a valid email address" in bad.text
    assert 'id="e-password"' in bad.text and "at least 10 characters" in bad.text
    assert 'value="not-an-email"' in bad.text and 'value="Ed"' in bad.text
    assert 'value="short"' not in bad.text  # a password is never echoed
    assert '<details class="card" id="add-user" open>' in bad.text
    long_name = await client.post(
        "/admin/users", data={"email": "ed@example.org", "name": "E" * 201, "csrf_token": csrf}
    )
    assert long_name.status_code == 422 and 'id="e-name"' in long_name.text
    taken = await client.post(
        "/admin/users", data={"email": "ROOT@example.org", "name": "", "csrf_token": csrf}
    )
    assert taken.status_code == 409
    assert 'id="e-email"' in taken.text and "already taken" in taken.text
    assert await User.all().count() == 1


async def test_user_text_is_escaped(client) -> None:
    await as_admin(client)
    form = {
        "email": "x@example.org",
        "name": "<script>alert(1)</script>",
        "password": "",
        "csrf_token": await token(client),
    }
    created = await client.post("/admin/users", data=form)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in created.text
    assert "<script>alert(1)" not in created.text
    listed = await client.get("/admin/users")
    assert "&lt;script&gt;" in listed.text and "<script>alert(1)" not in listed.text
    searched = await client.get("/admin/users", params={"q": '"><script>alert(2)</script>'})
    assert "<script>alert(2)" not in searched.text and "&lt;script&gt;alert(2)" in searched.text


# --- one user: password reset, deactivation ---------------------------------------------


async def test_password_reset_signs_the_user_out_and_shows_the_new_password_once(
    app, client
) -> None:
    await as_admin(client)
    fay = await make_account("fay@example.org")
    async with browser(app) as other:
        assert (await submit_sign_in(other, "fay@example.org")).status_code == 303
        assert await signed_in(other)
        page = await client.get(f"/admin/users/{fay['id']}")
        assert page.status_code == 200 and "Reset password" in page.text
        reset = await client.post(
            f"/admin/users/{fay['id']}/password", data={"csrf_token": csrf_of(page.text)}
        )
        assert reset.status_code == 200 and "signed out everywhere" in reset.text
        assert reset.headers["cache-control"] == "no-store"
        password = shown_password(reset.text)
        assert not await signed_in(other)
        assert (await submit_sign_in(other, "fay@example.org")).status_code == 422
        assert (await submit_sign_in(other, "fay@example.org", password)).status_code == 303
    assert password not in (await client.get(f"/admin/users/{fay['id']}")).text
    assert await signed_in(client)  # the admin's session is untouched


async def test_an_admin_resetting_their_own_password_stays_signed_in(app, client) -> None:
    me = await as_admin(client)
    async with browser(app) as other:
        assert (await submit_sign_in(other, "root@example.org")).status_code == 303
        reset = await client.post(
            f"/admin/users/{me['id']}/password", data={"csrf_token": await token(client)}
        )
        assert reset.status_code == 200
        assert await signed_in(client) and not await signed_in(other)
        assert (
            await submit_sign_in(other, "root@example.org", shown_password(reset.text))
        ).status_code == 303


async def test_deactivate_and_reactivate(app, client) -> None:
    await as_admin(client)
    gus = await make_account("gus@example.org")
    async with browser(app) as other:
        assert (await submit_sign_in(other, "gus@example.org")).status_code == 303
        off = await client.post(
            f"/admin/users/{gus['id']}/active",
            data={"active": "false", "csrf_token": await token(client)},
        )
        assert off.status_code == 303 and off.headers["location"] == f"/admin/users/{gus['id']}"
        page = await client.get(off.headers["location"])
        assert "The account is deactivated" in page.text and "Reactivate account" in page.text
        assert "The account is deactivated" not in (await client.get(page.url)).text
        assert not await signed_in(other)
        assert (await submit_sign_in(other, "gus@example.org")).status_code == 422
        listed = await client.get("/admin/users", params={"q": "gus"})
        assert "Deactivated" in listed.text
        on = await client.post(
            f"/admin/users/{gus['id']}/active",
            data={"active": "true", "csrf_token": await token(client)},
        )
        assert on.status_code == 303
        assert (await submit_sign_in(other, "gus@example.org")).status_code == 303
    nonsense = await client.post(
        f"/admin/users/{gus['id']}/active",
        data={"active": "maybe", "csrf_token": await token(client)},
    )
    assert nonsense.status_code == 422 and 'id="e-active"' in nonsense.text


async def test_an_admin_cannot_deactivate_themself(client) -> None:
    me = await as_admin(client)
    page = await client.get(f"/admin/users/{me['id']}")
    assert "This is your own account" in page.text
    refused = await client.post(
        f"/admin/users/{me['id']}/active",
        data={"active": "false", "csrf_token": csrf_of(page.text)},
    )
    assert refused.status_code == 422
    assert 'id="e-active"' in refused.text and "cannot deactivate your own account" in refused.text
    assert 'aria-describedby="e-active"' in refused.text
    assert (await User.get(id=me["id"])).is_active and await signed_in(client)


async def test_unknown_users_are_not_found(client) -> None:
    await as_admin(client)
    for path in ("/admin/users/999999", "/admin/users/99999999999999", "/admin/users/abc"):
        response = await client.get(path)
        assert response.status_code == 404 and "Not found" in response.text, path
    csrf = await token(client)
    for path in ("/admin/users/999999/password", "/admin/users/99999999999999/active"):
        response = await client.post(path, data={"active": "false", "csrf_token": csrf})
        assert response.status_code == 404, path


# --- who may use the admin pages ------------------------------------------------------


async def test_non_admins_get_403_on_every_admin_page(client) -> None:
    hal = await make_account("hal@example.org")
    ivy = await make_account("ivy@example.org")
    assert (await submit_sign_in(client, "hal@example.org")).status_code == 303
    for path in ("/admin/users", f"/admin/users/{ivy['id']}", f"/admin/users/{hal['id']}"):
        response = await client.get(path)
        assert response.status_code == 403 and "Not allowed" in response.text, path
    before = await password_hash(ivy["id"])
    csrf = await token(client)
    posts = {
        "/admin/users": {"email": "new@example.org", "password": ""},
        f"/admin/users/{ivy['id']}/password": {},
        f"/admin/users/{ivy['id']}/active": {"active": "false"},
        f"/admin/users/{hal['id']}/password": {},
    }
    for path, form in posts.items():
        response = await client.post(path, data={**form, "csrf_token": csrf})
        assert response.status_code == 403, path
        assert 'class="password"' not in response.text
    assert not await User.filter(email="new@example.org").exists()
    assert await password_hash(ivy["id"]) == before
    assert (await User.get(id=ivy["id"])).is_active


async def test_signed_out_visitors_are_sent_to_sign_in(client) -> None:
    someone = await make_account("jo@example.org")
    paths = ["/admin/users", f"/admin/users/{someone['id']}"]
    for path in paths:
        response = await client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/sign-in?next={path}"
    for path in (
        "/admin/users",
        f"/admin/users/{someone['id']}/password",
        f"/admin/users/{someone['id']}/active",
    ):
        response = await client.post(path, data={"active": "false"})
        assert response.status_code == 303 and response.headers["location"].startswith("/sign-in")
    assert (await User.get(id=someone["id"])).is_active


async def test_admin_forms_refuse_a_post_without_the_csrf_token(client) -> None:
    await as_admin(client)
    kim = await make_account("kim@example.org")
    before = await password_hash(kim["id"])
    posts = {
        "/admin/users": {"email": "new@example.org", "password": ""},
        f"/admin/users/{kim['id']}/password": {},
        f"/admin/users/{kim['id']}/active": {"active": "false"},
    }
    for path, form in posts.items():
        for extra in ({}, {"csrf_token": "forged"}):
            response = await client.post(path, data={**form, **extra})
            assert response.status_code == 403 and "form has expired" in response.text, path
    assert not await User.filter(email="new@example.org").exists()
    assert await password_hash(kim["id"]) == before
    assert (await User.get(id=kim["id"])).is_active


# --- the roles page of a community (needs communities.web.roles_pages.ROUTES registered) --


async def community_with_roles() -> dict[str, Any]:
    """A community with a facilitator, a member and an observer; Nia has no role yet."""
    community = await Community.create(slug="north", name="North Network")
    people = {}
    for name, role in (("fran", "facilitator"), ("mo", "member"), ("obi", "observer")):
        people[name] = await make_account(f"{name}@example.org", name=name.title())
        await CommunityRole.create(community=community, user_id=people[name]["id"], role=role)
    people["nia"] = await make_account("nia@example.org", name="Nia")
    return {"community": community, **people}


async def role_of(community: Community, user_id: int) -> str | None:
    rows = await CommunityRole.filter(community=community, user_id=user_id).values_list(
        "role", flat=True
    )
    return str(rows[0]) if rows else None


async def test_a_facilitator_assigns_changes_and_removes_roles(client) -> None:
    world = await community_with_roles()
    north = world["community"]
    assert (await submit_sign_in(client, "fran@example.org")).status_code == 303
    page = await client.get("/communities/north/roles")
    assert page.status_code == 200 and "Roles in North Network" in page.text
    assert "mo@example.org" in page.text and "obi@example.org" in page.text
    assert '<label for="f-user_email">' in page.text and '<label for="f-role">' in page.text
    for role in ("facilitator", "member", "researcher", "observer"):
        assert f'<option value="{role}"' in page.text
    csrf = csrf_of(page.text)
    given = await client.post(
        "/communities/north/roles",
        data={"user_email": "NIA@example.org", "role": "researcher", "csrf_token": csrf},
    )
    assert given.status_code == 303 and given.headers["location"] == "/communities/north/roles"
    assert await role_of(north, world["nia"]["id"]) == "researcher"
    after = await client.get("/communities/north/roles")
    assert "nia@example.org is now a researcher." in after.text
    changed = await client.post(
        "/communities/north/roles",
        data={"user_email": "nia@example.org", "role": "observer", "csrf_token": csrf},
    )
    assert changed.status_code == 303 and await role_of(north, world["nia"]["id"]) == "observer"
    assert await CommunityRole.filter(community=north).count() == 4
    unconfirmed = await client.post(
        f"/communities/north/roles/{world['mo']['id']}/remove", data={"csrf_token": csrf}
    )
    assert unconfirmed.status_code == 303 and await role_of(north, world["mo"]["id"]) == "member"
    asked = await client.get("/communities/north/roles")
    assert "Nothing was removed: tick the box to confirm." in asked.text
    assert 'name="confirm" value="yes" required' in asked.text
    removed = await client.post(
        f"/communities/north/roles/{world['mo']['id']}/remove",
        data={"csrf_token": csrf, "confirm": "yes"},
    )
    assert removed.status_code == 303 and await role_of(north, world["mo"]["id"]) is None
    listed = await client.get("/communities/north/roles")
    assert "mo@example.org no longer has a role" in listed.text
    assert "mo@example.org" not in listed.text.split("People with a role")[1]
    again = await client.post(
        f"/communities/north/roles/{world['mo']['id']}/remove", data={"csrf_token": csrf}
    )
    assert again.status_code == 303
    assert "has no role in this community" in (await client.get("/communities/north/roles")).text


async def test_the_roles_page_keeps_the_last_facilitator(client) -> None:
    world = await community_with_roles()
    north = world["community"]
    assert (await submit_sign_in(client, "fran@example.org")).status_code == 303
    csrf = await token(client)
    demoted = await client.post(
        "/communities/north/roles",
        data={"user_email": "fran@example.org", "role": "member", "csrf_token": csrf},
    )
    assert demoted.status_code == 422 and 'id="e-role"' in demoted.text
    assert "last facilitator" in demoted.text
    removed = await client.post(
        f"/communities/north/roles/{world['fran']['id']}/remove",
        data={"csrf_token": csrf, "confirm": "yes"},
    )
    assert removed.status_code == 303
    assert "last facilitator" in (await client.get("/communities/north/roles")).text
    assert await role_of(north, world["fran"]["id"]) == "facilitator"


async def test_the_roles_form_shows_problems_beside_the_fields(client) -> None:
    world = await community_with_roles()
    assert (await submit_sign_in(client, "fran@example.org")).status_code == 303
    csrf = await token(client)
    unknown = await client.post(
        "/communities/north/roles",
        data={"user_email": "ghost@example.org", "role": "member", "csrf_token": csrf},
    )
    assert unknown.status_code == 422
    assert 'id="e-user_email"' in unknown.text and "no such user" in unknown.text
    assert 'aria-describedby="e-user_email' in unknown.text
    assert 'value="ghost@example.org"' in unknown.text
    bad_role = await client.post(
        "/communities/north/roles",
        data={"user_email": "nia@example.org", "role": "owner", "csrf_token": csrf},
    )
    assert bad_role.status_code == 422 and 'id="e-role"' in bad_role.text
    assert 'aria-describedby="e-role"' in bad_role.text
    empty = await client.post("/communities/north/roles", data={"csrf_token": csrf})
    assert empty.status_code == 422 and 'id="e-user_email"' in empty.text
    not_email = await client.post(
        "/communities/north/roles",
        data={"user_email": "nia", "role": "member", "csrf_token": csrf},
    )
    assert not_email.status_code == 422 and "not a valid email address" in not_email.text
    assert await role_of(world["community"], world["nia"]["id"]) is None


async def test_members_and_observers_may_not_manage_roles(app, client) -> None:
    world = await community_with_roles()
    north = world["community"]
    # Nia has no role in north: to her it does not exist (404, not 403).
    for email, refused in (
        ("mo@example.org", 403),
        ("obi@example.org", 403),
        ("nia@example.org", 404),
    ):
        async with browser(app) as someone:
            assert (await submit_sign_in(someone, email)).status_code == 303
            page = await someone.get("/communities/north/roles")
            title = "Not allowed" if refused == 403 else "Not found"
            assert page.status_code == refused and title in page.text, email
            csrf = await token(someone)
            give = await someone.post(
                "/communities/north/roles",
                data={"user_email": email, "role": "facilitator", "csrf_token": csrf},
            )
            assert give.status_code == refused, email
            remove = await someone.post(
                f"/communities/north/roles/{world['fran']['id']}/remove", data={"csrf_token": csrf}
            )
            assert remove.status_code == refused, email
    assert await role_of(north, world["fran"]["id"]) == "facilitator"
    assert await role_of(north, world["mo"]["id"]) == "member"
    assert await role_of(north, world["nia"]["id"]) is None


async def test_a_site_admin_manages_roles_without_holding_one(client) -> None:
    world = await community_with_roles()
    await as_admin(client)
    page = await client.get("/communities/north/roles")
    assert page.status_code == 200
    given = await client.post(
        "/communities/north/roles",
        data={
            "user_email": "nia@example.org",
            "role": "facilitator",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert given.status_code == 303
    assert await role_of(world["community"], world["nia"]["id"]) == "facilitator"


async def test_unknown_communities_are_not_found(client) -> None:
    await community_with_roles()
    assert (await submit_sign_in(client, "fran@example.org")).status_code == 303
    missing = await client.get("/communities/nowhere/roles")
    assert missing.status_code == 404 and "Not found" in missing.text
    csrf = await token(client)
    post = await client.post(
        "/communities/nowhere/roles",
        data={"user_email": "nia@example.org", "role": "member", "csrf_token": csrf},
    )
    assert post.status_code == 404
    remove = await client.post("/communities/nowhere/roles/1/remove", data={"csrf_token": csrf})
    assert remove.status_code == 404


async def test_roles_forms_refuse_a_post_without_the_csrf_token(client) -> None:
    world = await community_with_roles()
    assert (await submit_sign_in(client, "fran@example.org")).status_code == 303
    for extra in ({}, {"csrf_token": "forged"}):
        give = await client.post(
            "/communities/north/roles",
            data={"user_email": "nia@example.org", "role": "member", **extra},
        )
        assert give.status_code == 403 and "form has expired" in give.text
        remove = await client.post(
            f"/communities/north/roles/{world['mo']['id']}/remove", data=extra
        )
        assert remove.status_code == 403
    assert await role_of(world["community"], world["nia"]["id"]) is None
    assert await role_of(world["community"], world["mo"]["id"]) == "member"


async def test_the_roles_page_needs_a_signed_in_user_and_escapes_names(client) -> None:
    world = await community_with_roles()
    response = await client.get("/communities/north/roles")
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=/communities/north/roles"
    await User.filter(id=world["mo"]["id"]).update(name="<script>alert(1)</script>")
    assert (await submit_sign_in(client, "fran@example.org")).status_code == 303
    page = await client.get("/communities/north/roles")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text


async def test_a_facilitator_who_gives_up_managing_is_sent_home(client) -> None:
    world = await community_with_roles()
    await CommunityRole.filter(community=world["community"], user_id=world["mo"]["id"]).update(
        role="facilitator"
    )  # the community keeps a facilitator
    assert (await submit_sign_in(client, "fran@example.org")).status_code == 303
    demoted = await client.post(
        "/communities/north/roles",
        data={
            "user_email": "fran@example.org",
            "role": "member",
            "csrf_token": await token(client),
        },
    )
    assert demoted.status_code == 303 and demoted.headers["location"] == "/"
    assert await role_of(world["community"], world["fran"]["id"]) == "member"
    assert (await client.get("/communities/north/roles")).status_code == 403
