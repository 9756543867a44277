"""``nic user invite``, ``nic user link`` and ``nic user unlink``: people and their accounts
from the command line (acting as the site operator)."""

from __future__ import annotations

import argparse
from typing import get_args

from communities.choices import CommunityRoleName
from communities.cli import system_context
from communities.models import Person
from communities.services import accounts
from communities.services.base import community_id_for_slug
from core.cli import CommandContext
from core.cli_commands import Command
from core.errors import InvalidInput, NotFound

ROLE_NAMES: tuple[str, ...] = get_args(CommunityRoleName)


async def person_of(slug: str, person: str) -> tuple[int, str]:
    """The id and name of a person of a community, named by id or email."""
    community_id = await community_id_for_slug(slug)
    query = Person.filter(community_id=community_id)
    if person.isdigit():
        query = query.filter(id=int(person))
    elif "@" in person:
        query = query.filter(email=person.strip().lower())
    else:
        raise InvalidInput.field("person", "give the person's id or email")
    rows = await query.values("id", "name")
    if not rows:
        raise NotFound(f"no person {person} in {slug}", {"person": "not in this community"})
    return int(rows[0]["id"]), str(rows[0]["name"])


async def invite_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    person_id, name = await person_of(args.community, args.person)
    state = await accounts.invite_person(
        system_context(ctx), person_id, args.role, args.email, ctx.settings.base_url
    )
    if state["linked_existing"]:
        ctx.say(f"{name} had an account ({state['user_email']}): linked now, and mailed.")
        return 0
    ctx.say(f"Invited {name} as {args.role}: mailed to {state['invitation_email']}.")
    ctx.say(f"The link (works once, for 7 days): {state['link']}")
    return 0


async def link_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    person_id, name = await person_of(args.community, args.person)
    user_id = await accounts.user_id_for_email(args.email, field="email")
    state = await accounts.link_account(system_context(ctx), person_id, user_id)
    ctx.say(f"{name} in {args.community} is linked to the account {state['user_email']}.")
    return 0


async def unlink_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    person_id, name = await person_of(args.community, args.person)
    await accounts.unlink_account(system_context(ctx), person_id)
    ctx.say(f"{name} in {args.community} is no longer linked to an account.")
    return 0


def _community_and_person(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("community", help="the community's slug (nic communities lists them)")
    parser.add_argument("person", help="the person's id or email in that community")


def _configure_invite(parser: argparse.ArgumentParser) -> None:
    _community_and_person(parser)
    parser.add_argument("--role", choices=ROLE_NAMES, default="member", help="community role")
    parser.add_argument("--email", help="where to send it, when the person has no email yet")


def _configure_link(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("email", help="the email of the existing account")
    _community_and_person(parser)


COMMANDS: tuple[Command, ...] = (
    Command(
        "user invite",
        "Mail a person of a community an invitation to make an account (links the "
        "account their email already has).",
        _configure_invite,
        invite_command,
    ),
    Command(
        "user link",
        "Link an existing account to a person of a community (the account gets the role "
        "member there unless it has one).",
        _configure_link,
        link_command,
    ),
    Command(
        "user unlink",
        "Unlink the account of a person of a community (its role there stays).",
        _community_and_person,
        unlink_command,
    ),
)
