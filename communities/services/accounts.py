"""People and their accounts: invitations by mail, linking an account by hand, unlinking.

A person (of one community) becomes someone who can sign in when their record is linked
to an account (``Person.user``). Linking gives the account a role in the community (the
invitation's, or ``member`` when linked by hand) unless it holds one there already: write
rights to a team come from the person on the team, reading from the role.

An invitation is a link mailed to the person's email: single use, for
:data:`INVITATION_LIFETIME`, stored as its SHA-256 digest only. Sending one again (or
inviting again) revokes the earlier link. Inviting someone whose email has an account
already links that account at once (the mail says so) instead of making a second one.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from tortoise import timezone
from tortoise.transactions import in_transaction

from communities.changes import community_write
from communities.models import CommunityRole, Invitation, Membership, Person
from communities.services.base import community_id_of
from core.auth.passwords import hash_password
from core.auth.resets import check_new_password
from core.auth.users import normalize_email
from core.context import ServiceContext
from core.errors import Conflict, InvalidInput, NotFound
from core.mail import Message, send_mail
from core.models import User

INVITATION_LIFETIME = timedelta(days=7)
UNUSABLE_PASSWORD = "!no-password"
"""The password hash of an account made through an identity provider: matches no password."""
MAX_NAME_LENGTH = 200
INVITATION_FIELDS = ("id", "person_id", "email", "role", "created_at", "expires_at")


class InvitationUnusable(Exception):
    """The link is unknown, used, revoked or expired (``reason`` says which)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- account states ---------------------------------------------------------------------


async def account_states(person_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per person: ``state`` (``active``, ``invited`` or ``none``), the linked account's
    email, and the pending invitation's email and expiry (or the last one's, expired)."""
    if not person_ids:
        return {}
    people = await Person.filter(id__in=person_ids).values(
        "id", "email", "user_id", "user__email", "user__is_active"
    )
    pending = await Invitation.filter(
        person_id__in=person_ids, accepted_at__isnull=True, revoked_at__isnull=True
    ).values("person_id", "email", "expires_at", "role")
    latest = {row["person_id"]: row for row in sorted(pending, key=lambda r: r["expires_at"])}
    now = timezone.now()
    states: dict[int, dict[str, Any]] = {}
    for person in people:
        invitation = latest.get(person["id"])
        state = "none"
        if person["user_id"] is not None:
            state = "active" if person["user__is_active"] else "inactive"
            invitation = None
        elif invitation is not None and invitation["expires_at"] > now:
            state = "invited"
        states[person["id"]] = {
            "person_id": person["id"],
            "state": state,
            "person_email": person["email"],
            "user_email": person["user__email"],
            "invitation_email": invitation["email"] if invitation else None,
            "invitation_role": invitation["role"] if invitation else None,
            "invitation_expires_at": invitation["expires_at"] if invitation else None,
            "invitation_expired": bool(invitation and invitation["expires_at"] <= now),
        }
    return states


async def _managed_person(ctx: ServiceContext, person_id: int) -> dict[str, Any]:
    """The person (NotFound unless readable), after checking the actor manages the community."""
    community_id = await community_id_of(ctx, Person, person_id, "community_id", "person")
    await ctx.authorize("manage", community_id=community_id)
    rows = await Person.filter(id=person_id).values(
        "id", "community_id", "name", "email", "user_id", "community__slug", "community__name"
    )
    return dict(rows[0])


async def account_state(ctx: ServiceContext, person_id: int) -> dict[str, Any]:
    await _managed_person(ctx, person_id)
    return (await account_states([person_id]))[person_id]


# --- linking ------------------------------------------------------------------------------


async def grant_role(community_id: int, user_id: int, role: str) -> None:
    """Give ``user_id`` ``role`` in the community unless it holds a role there (inside the
    caller's ``community_write``)."""
    if not await CommunityRole.filter(community_id=community_id, user_id=user_id).exists():
        await CommunityRole.create(community_id=community_id, user_id=user_id, role=role)


async def check_linkable(community_id: int, person_id: int, user_id: int) -> None:
    """One account is at most one person of a community (it may be a person in several)."""
    other = (
        await Person.filter(community_id=community_id, user_id=user_id)
        .exclude(id=person_id)
        .values("id", "name")
    )
    if other:
        raise Conflict(
            f"that account is already {other[0]['name']} (person {other[0]['id']}) here",
            {"user": "already linked to another person of this community"},
        )


async def link_person(community_id: int, person_id: int, user_id: int, role: str) -> None:
    """Link in the caller's ``community_write``: the person, the role, and the end of any pending
    invitation of the person (it has an account now)."""
    await check_linkable(community_id, person_id, user_id)
    await Person.filter(id=person_id).update(user_id=user_id)
    await grant_role(community_id, user_id, role)
    await Invitation.filter(
        person_id=person_id, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


async def user_id_for_email(email: str, field: str = "user_email") -> int:
    try:
        address = normalize_email(email)
    except InvalidInput:
        raise InvalidInput.field(field, "not a valid email address") from None
    rows = await User.filter(email=address).values("id")
    if not rows:
        raise InvalidInput.field(field, f"no account with email {address}")
    return int(rows[0]["id"])


async def link_account(ctx: ServiceContext, person_id: int, user_id: int) -> dict[str, Any]:
    """Link an existing account to a person (facilitators, admins); the account gets the
    role ``member`` in the community unless it has one."""
    person = await _managed_person(ctx, person_id)
    if not await User.filter(id=user_id).exists():
        raise InvalidInput.field("user_id", f"no user {user_id}")
    async with community_write(person["community_id"]):
        await link_person(person["community_id"], person_id, user_id, "member")
    return (await account_states([person_id]))[person_id]


async def unlink_account(ctx: ServiceContext, person_id: int) -> dict[str, Any]:
    """Unlink the person's account; its community role stays (take it on the roles page)."""
    person = await _managed_person(ctx, person_id)
    if person["user_id"] is None:
        raise NotFound(f"person {person_id} has no account linked", {"user": "none linked"})
    async with community_write(person["community_id"]):
        await Person.filter(id=person_id).update(user_id=None)
    return (await account_states([person_id]))[person_id]


# --- invitations --------------------------------------------------------------------------


async def _first_team_id(person_id: int) -> int | None:
    """The team to land on: one the person is on today, a school team before the district
    team (a coordinator sits on both), the latest joined first."""
    today = timezone.now().date()
    rows = await Membership.filter(person_id=person_id, start_date__lte=today).values(
        "team_id", "team__kind", "start_date", "end_date"
    )
    current = [r for r in rows if r["end_date"] is None or r["end_date"] >= today] or rows
    if not current:
        return None
    current.sort(
        key=lambda r: (r["team__kind"] == "district_design_team", -r["start_date"].toordinal())
    )
    return int(current[0]["team_id"])


def _invitation_mail(
    person: dict[str, Any], email: str, link: str | None, sign_in: str, expires: datetime
) -> Message:
    community = person["community__name"]
    if link is None:
        text = (
            f"Hello {person['name']},\n\nYour NIC Platform account ({email}) is now linked to "
            f"you in {community}: you can work with your team there at once.\n\n"
            f"Sign in here: {sign_in}\n"
        )
        return Message(to=(email,), subject=f"You are in {community} on NIC Platform", text=text)
    text = (
        f"Hello {person['name']},\n\nYou are invited to {community} on NIC Platform, to post "
        "and follow your team's improvement cycles.\n\n"
        f"Choose a password to make your account here (the link works once, until "
        f"{expires:%Y-%m-%d %H:%M} UTC):\n\n{link}\n\n"
        "If you did not expect this mail, ignore it.\n"
    )
    return Message(to=(email,), subject=f"Your invitation to {community}", text=text)


def _invitation_email(person: dict[str, Any], email: str | None) -> str:
    """The address to invite: the one given (stored on a person who has none) or the
    person's own."""
    if email:
        address = normalize_email(email)
        if person["email"] and person["email"] != address:
            raise InvalidInput.field(
                "email", f"the person's email is {person['email']}; change it on the person first"
            )
        return address
    if not person["email"]:
        raise InvalidInput.field("email", "the person has no email: give one to invite them")
    return str(person["email"])


async def invite_person(
    ctx: ServiceContext,
    person_id: int,
    role: str = "member",
    email: str | None = None,
    served: str | None = None,
) -> dict[str, Any]:
    """Invite a person to make an account (or link the account their email has already);
    mail them; return their account state, with ``link`` (the plain link, for the
    command line only) and ``linked_existing``."""
    person = await _managed_person(ctx, person_id)
    if person["user_id"] is not None:
        raise Conflict(f"{person['name']} has an account already", {"person": "has an account"})
    address = _invitation_email(person, email)
    cid = person["community_id"]
    settings = ctx.plugins.settings
    existing = [row["id"] for row in await User.filter(email=address).values("id")]
    token = secrets.token_urlsafe(32)
    expires = timezone.now() + INVITATION_LIFETIME
    async with community_write(cid):
        if not person["email"]:
            if await Person.filter(community_id=cid, email=address).exists():
                raise Conflict("a person with that email is in this community", {"email": "taken"})
            await Person.filter(id=person_id).update(email=address)
        if existing:
            await link_person(cid, person_id, int(existing[0]), role)
        else:
            await Invitation.filter(
                person_id=person_id, accepted_at__isnull=True, revoked_at__isnull=True
            ).update(revoked_at=timezone.now())
            await Invitation.create(
                community_id=cid,
                person_id=person_id,
                email=address,
                role=role,
                digest=_digest(token),
                invited_by_id=ctx.actor.user_id,
                expires_at=expires,
            )
    link = None if existing else settings.absolute_url(f"/invitations/{token}", served)
    sign_in = settings.absolute_url("/sign-in", served)
    await send_mail(ctx.plugins, _invitation_mail(person, address, link, sign_in, expires))
    state = (await account_states([person_id]))[person_id]
    return {**state, "linked_existing": bool(existing), "link": link}


async def resend_invitation(
    ctx: ServiceContext, person_id: int, served: str | None = None
) -> dict[str, Any]:
    """Mail a new link for the person's last invitation (pending or expired); the old
    link stops working."""
    await _managed_person(ctx, person_id)
    last = (
        await Invitation.filter(
            person_id=person_id, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .order_by("-id")
        .values("email", "role")
    )
    if not last:
        raise NotFound(f"person {person_id} has no invitation to send again")
    return await invite_person(ctx, person_id, last[0]["role"], last[0]["email"], served)


async def revoke_invitation(ctx: ServiceContext, person_id: int) -> dict[str, Any]:
    """Make the person's pending invitation link stop working."""
    person = await _managed_person(ctx, person_id)
    async with community_write(person["community_id"]):
        revoked = await Invitation.filter(
            person_id=person_id, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
    if not revoked:
        raise NotFound(f"person {person_id} has no pending invitation")
    return (await account_states([person_id]))[person_id]


async def usable_invitation(token: str) -> dict[str, Any]:
    """The invitation of a link, with its person and community, or :class:`InvitationUnusable`."""
    rows = await Invitation.filter(digest=_digest(token)).values(
        "id",
        "community_id",
        "person_id",
        "email",
        "role",
        "expires_at",
        "accepted_at",
        "revoked_at",
        "person__name",
        "person__user_id",
        "community__slug",
        "community__name",
    )
    if not rows:
        raise InvitationUnusable("unknown")
    invitation = dict(rows[0])
    if invitation["accepted_at"] is not None or invitation["person__user_id"] is not None:
        raise InvitationUnusable("used")
    if invitation["revoked_at"] is not None:
        raise InvitationUnusable("revoked")
    if invitation["expires_at"] <= timezone.now():
        raise InvitationUnusable("expired")
    return invitation


async def _accept(invitation: dict[str, Any], user_id: int) -> None:
    """Link the person, give the role and use the invitation (one transaction with the
    account's creation, the caller's)."""
    cid = invitation["community_id"]
    async with community_write(cid):
        used = await Invitation.filter(
            id=invitation["id"], accepted_at__isnull=True, revoked_at__isnull=True
        ).update(accepted_at=timezone.now())
        if not used:
            raise InvitationUnusable("used")
        await link_person(cid, invitation["person_id"], user_id, invitation["role"])


async def accept_invitation(
    token: str, name: str, password: str, confirm: str
) -> tuple[int, dict[str, Any]]:
    """Make the account of an invitation with a password: ``(user id, where to land)``
    (``slug`` and ``team_id``, the person's current team or ``None``)."""
    invitation = await usable_invitation(token)
    name = " ".join(name.split())
    if not name:
        raise InvalidInput.field("name", "Enter your name as colleagues know it.")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput.field("name", f"Use at most {MAX_NAME_LENGTH} characters.")
    check_new_password(password, confirm, field="password")
    password_hash = hash_password(password)
    user_id = await _create_account(invitation, name, password_hash)
    team_id = await _first_team_id(invitation["person_id"])
    return user_id, {"slug": invitation["community__slug"], "team_id": team_id}


async def _create_account(invitation: dict[str, Any], name: str, password_hash: str) -> int:
    if await User.filter(email=invitation["email"]).exists():
        raise InvalidInput.field(
            "password", "an account with this email exists already: sign in with it instead"
        )
    async with in_transaction():
        user = await User.create(email=invitation["email"], name=name, password_hash=password_hash)
        await _accept(invitation, user.id)
    return int(user.id)


async def claim_account(email: str) -> int | None:
    """Make the account of the pending, unexpired invitations for ``email`` (any case),
    with no usable password (it signs in through an identity provider): its id, or
    ``None`` when nobody invited that address."""
    try:
        address = normalize_email(email)
    except InvalidInput:
        return None
    rows = await Invitation.filter(
        email=address,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
        person__user_id__isnull=True,
    ).values("id", "community_id", "person_id", "role", "person__name")
    if not rows or await User.filter(email=address).exists():
        return None
    async with in_transaction():
        user = await User.create(
            email=address, name=rows[0]["person__name"], password_hash=UNUSABLE_PASSWORD
        )
        for invitation in rows:
            await _accept(dict(invitation), user.id)
    return int(user.id)
