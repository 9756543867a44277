"""Accounts of people on pages: invite a person, send again, revoke, link and unlink an
account (facilitators and admins, from the person page and the team's member list), and
the page an invited person opens to make their account."""

from __future__ import annotations

from typing import Any, get_args

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from communities.choices import CommunityRoleName
from communities.models import Person
from communities.services import accounts
from communities.web import queries
from core.errors import Conflict, InvalidInput, NotFound
from core.web.auth_pages import PASSWORDS_OFF, ways_in
from core.web.context import signed_in_context
from core.web.csrf import read_form
from core.web.flash import flash
from core.web.render import render, safe_next
from core.web.session import sign_in

ROLE_NAMES: tuple[str, ...] = get_args(CommunityRoleName)
MAX_TOKEN_LENGTH = 100

UNUSABLE = {
    "unknown": "This invitation link is not valid. Check that you copied all of it, or ask "
    "the person who invited you to send it again.",
    "used": "This invitation was used already: the account exists. Sign in with it.",
    "revoked": "This invitation was withdrawn, or a newer one was sent: use the link of the "
    "latest mail, or ask the person who invited you.",
    "expired": "This invitation has expired. Ask the person who invited you to send it again.",
}


def person_url(slug: str, person_id: int) -> str:
    return f"/communities/{slug}/people/{person_id}"


async def _person(request: Request) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """``(ctx, community, person)`` of the URL: 404 unless the actor reads the community
    and the person is in it; the services check that the actor manages it."""
    ctx = await signed_in_context(request)
    community = await queries.community_by_slug(ctx, request.path_params["slug"])
    rows = await Person.filter(
        id=request.path_params["person_id"], community_id=community["id"]
    ).values("id", "name", "email", "user_id")
    if not rows:
        raise NotFound("There is no such person in this community.")
    return ctx, community, dict(rows[0])


async def account_context(ctx: Any, community_id: int, person: dict[str, Any]) -> dict[str, Any]:
    """What the person page's account section shows to those who manage the community."""
    if not await ctx.allowed("manage", community_id=community_id):
        return {}
    state = (await accounts.account_states([person["id"]])).get(person["id"])
    return {"account": state, "roles": ROLE_NAMES} if state else {}


async def _done(
    request: Request, community: dict[str, Any], person: dict[str, Any], notice: str
) -> Response:
    flash(request, notice)
    back = safe_next(request.query_params.get("next"))
    target = back if back != "/" else person_url(community["slug"], person["id"])
    return RedirectResponse(target, status_code=303)


async def _refused(
    request: Request,
    ctx: Any,
    community: dict[str, Any],
    person: dict[str, Any],
    exc: InvalidInput | Conflict | NotFound,
    form: dict[str, str],
) -> Response:
    """The account section again, with what was wrong (422, or 409 for a conflict)."""
    context = {
        "community": community,
        "person": person,
        "errors": exc.fields or {"form": exc.message},
        "form": form,
        **await account_context(ctx, community["id"], person),
    }
    status = 409 if isinstance(exc, Conflict) else 404 if isinstance(exc, NotFound) else 422
    return await render(request, "communities/person_account.html", context, status=status)


async def invite_page(request: Request) -> Response:
    ctx, community, person = await _person(request)
    form = await read_form(request)
    values = {"role": str(form.get("role", "member")), "email": str(form.get("email", ""))}
    try:
        if values["role"] not in ROLE_NAMES:
            raise InvalidInput.field("role", "choose one of: " + ", ".join(ROLE_NAMES))
        state = await accounts.invite_person(
            ctx, person["id"], values["role"], values["email"].strip() or None,
            str(request.base_url),
        )  # fmt: skip
    except (InvalidInput, Conflict) as exc:
        return await _refused(request, ctx, community, person, exc, values)
    if state["linked_existing"]:
        notice = f"{person['name']} had an account already: it is linked now, and mailed."
    else:
        notice = f"Invitation mailed to {state['invitation_email']}."
    return await _done(request, community, person, notice)


async def resend_page(request: Request) -> Response:
    ctx, community, person = await _person(request)
    await read_form(request)
    try:
        state = await accounts.resend_invitation(ctx, person["id"], str(request.base_url))
    except (InvalidInput, Conflict, NotFound) as exc:
        return await _refused(request, ctx, community, person, exc, {})
    notice = f"A new invitation link went to {state['invitation_email']}; the old one is void."
    return await _done(request, community, person, notice)


async def revoke_page(request: Request) -> Response:
    """GET asks to confirm; POST revokes."""
    ctx, community, person = await _person(request)
    if request.method == "GET":
        context = {
            "community": community,
            "person": person,
            "next": safe_next(request.query_params.get("next")),
            **await account_context(ctx, community["id"], person),
        }
        if not context.get("account"):
            await ctx.authorize("manage", community_id=community["id"])
        return await render(request, "communities/revoke_invitation.html", context)
    await read_form(request)
    try:
        await accounts.revoke_invitation(ctx, person["id"])
    except NotFound as exc:
        return await _refused(request, ctx, community, person, exc, {})
    notice = f"The invitation of {person['name']} is revoked: its link no longer works."
    return await _done(request, community, person, notice)


async def link_page(request: Request) -> Response:
    ctx, community, person = await _person(request)
    form = await read_form(request)
    values = {"user_email": str(form.get("user_email", "")).strip()}
    try:
        user_id = await accounts.user_id_for_email(values["user_email"])
        state = await accounts.link_account(ctx, person["id"], user_id)
    except (InvalidInput, Conflict) as exc:
        return await _refused(request, ctx, community, person, exc, values)
    notice = f"{person['name']} is linked to the account {state['user_email']}."
    return await _done(request, community, person, notice)


async def unlink_page(request: Request) -> Response:
    ctx, community, person = await _person(request)
    await read_form(request)
    try:
        await accounts.unlink_account(ctx, person["id"])
    except NotFound as exc:
        return await _refused(request, ctx, community, person, exc, {})
    notice = (
        f"{person['name']} is no longer linked to an account. The account keeps its role "
        "in the community: change it on the roles page."
    )
    return await _done(request, community, person, notice)


async def _unusable(request: Request, reason: str) -> Response:
    context = {"title": "This invitation does not work", "message": UNUSABLE[reason]}
    return await render(request, "communities/invitation_unusable.html", context, status=410)


async def accept_page(request: Request) -> Response:
    """The invited person's page: choose a name and password, and the account is made."""
    token = request.path_params["token"]
    try:
        if len(token) > MAX_TOKEN_LENGTH:
            raise accounts.InvitationUnusable("unknown")
        invitation = await accounts.usable_invitation(token)
    except accounts.InvitationUnusable as exc:
        return await _unusable(request, exc.reason)
    context: dict[str, Any] = {
        "invitation": invitation,
        "errors": {},
        "name": invitation["person__name"],
        "action": f"/invitations/{token}",
        **ways_in(request),
    }
    if request.method == "GET":
        return await render(request, "communities/invitation.html", context)
    if not context["passwords"]:
        context["errors"] = {"form": PASSWORDS_OFF}
        return await render(request, "communities/invitation.html", context, status=403)
    form = await read_form(request)
    context["name"] = str(form.get("name", ""))[:300]
    try:
        user_id, where = await accounts.accept_invitation(
            token,
            context["name"],
            str(form.get("password", "")),
            str(form.get("confirm", "")),
        )
    except InvalidInput as exc:
        context["errors"] = exc.fields
        return await render(request, "communities/invitation.html", context, status=422)
    except accounts.InvitationUnusable as exc:
        return await _unusable(request, exc.reason)
    await sign_in(request, user_id)
    flash(
        request,
        f"Welcome, {context['name'].strip()}: your account is ready, and you are signed in.",
    )
    slug = where["slug"]
    target = (
        f"/communities/{slug}/teams/{where['team_id']}"
        if where["team_id"]
        else (f"/communities/{slug}")
    )
    return RedirectResponse(target, status_code=303)


PERSON = "/communities/{slug}/people/{person_id:int}"
ROUTES = [
    Route("/invitations/{token}", accept_page, methods=["GET", "POST"]),
    Route(PERSON + "/invitation", invite_page, methods=["POST"]),
    Route(PERSON + "/invitation/resend", resend_page, methods=["POST"]),
    Route(PERSON + "/invitation/revoke", revoke_page, methods=["GET", "POST"]),
    Route(PERSON + "/account", link_page, methods=["POST"]),
    Route(PERSON + "/account/unlink", unlink_page, methods=["POST"]),
]
