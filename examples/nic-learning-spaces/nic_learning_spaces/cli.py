"""``nic spaces list|add|add-session``: learning spaces from the command line (as the operator)."""

from __future__ import annotations

import argparse
from datetime import date

from pydantic import ValidationError

from nic_learning_spaces import services
from nic_learning_spaces.models import CADENCES, KINDS
from nic_learning_spaces.schemas import SessionCreate, SpaceCreate
from plugins.api import (
    Command,
    CommandContext,
    InvalidInput,
    Person,
    community_id_for_slug,
    system_context,
)


def _invalid(exc: ValidationError) -> InvalidInput:
    fields = {".".join(map(str, e["loc"])) or "input": e["msg"] for e in exc.errors()}
    return InvalidInput("invalid input", fields)


async def list_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    community_id = await community_id_for_slug(args.slug)
    spaces = await services.list_spaces(system_context(ctx), community_id)
    if not spaces:
        ctx.say(f"{args.slug} has no learning space.")
    for s in spaces:
        last = f", last {s['last_held_on']}" if s["last_held_on"] else ""
        ctx.say(
            f"{s['id']:>4}  {s['name']}  [{s['kind_label']}, {s['cadence_label']}]"
            f"  facilitator: {s['facilitator__name'] or '-'}"
            f"  sessions: {s['session_count']}{last}"
        )
        if s["focus_now"]:
            ctx.say(f"      focus this month: {s['focus_now']}")
    return 0


async def _people(community_id: int, emails: list[str], option: str) -> list[int]:
    rows = dict(
        await Person.filter(community_id=community_id, email__in=emails).values_list("email", "id")
    )
    missing = [e for e in emails if e not in rows]
    if missing:
        raise InvalidInput.field(option, f"no person with email {missing[0]} in this community")
    return [int(str(rows[e])) for e in emails]


def _focus(text: str) -> dict[str, object]:
    month, sep, focus = text.partition("=")
    if not sep or not month.strip().isdigit():
        raise argparse.ArgumentTypeError(
            f"expected MONTH=FOCUS such as 9=Reading data, got {text!r}"
        )
    return {"month": int(month), "focus": focus}


async def add_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    community_id = await community_id_for_slug(args.slug)
    facilitator = (
        await _people(community_id, [args.facilitator], "--facilitator") if args.facilitator else []
    )
    participants = await _people(community_id, args.participant or [], "--participant")
    try:
        data = SpaceCreate(
            community_id=community_id,
            name=args.name,
            kind=args.kind,
            cadence=args.cadence,
            description=args.description or "",
            facilitator_id=facilitator[0] if facilitator else None,
            participant_ids=participants,
            scope=args.focus or [],
        )
    except ValidationError as exc:
        raise _invalid(exc) from None
    space = await services.create_space(system_context(ctx), data)
    ctx.say(f"Created learning space {space['id']}: {space['name']}.")
    return 0


async def add_session_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    try:
        data = SessionCreate(held_on=args.date, notes=args.notes or "", cycle_ids=args.cycle or [])
    except ValidationError as exc:
        raise _invalid(exc) from None
    session = await services.add_session(system_context(ctx), args.space_id, data)
    shared = ", ".join(f"cycle:{c}" for c in session["cycle_ids"]) or "no cycles"
    ctx.say(f"Recorded session {session['id']} on {session['held_on']} ({shared} shared).")
    return 0


def _configure_list(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", help="the community's slug")


def _configure_add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", help="the community's slug")
    parser.add_argument("name", help="the learning space's name")
    parser.add_argument("--kind", choices=sorted(KINDS), required=True, help="what kind of space")
    parser.add_argument(
        "--cadence", choices=list(CADENCES), required=True, help="how often it meets"
    )
    parser.add_argument("--description", help="what the space is for")
    parser.add_argument("--facilitator", metavar="EMAIL", help="a person of the community")
    parser.add_argument(
        "--participant", metavar="EMAIL", action="append", help="a person (repeat for more)"
    )
    parser.add_argument(
        "--focus",
        metavar="MONTH=FOCUS",
        type=_focus,
        action="append",
        help="a month of the scope and sequence, e.g. 9='Reading the data wall'",
    )


def _configure_add_session(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("space_id", type=int, help="the learning space's id")
    parser.add_argument("--date", type=date.fromisoformat, default=date.today(), help="YYYY-MM-DD")
    parser.add_argument("--notes", help="what happened in the session")
    parser.add_argument("--cycle", type=int, action="append", help="id of a cycle shared there")


COMMANDS = [
    Command("spaces list", "List a community's learning spaces.", _configure_list, list_command),
    Command("spaces add", "Add a learning space to a community.", _configure_add, add_command),
    Command(
        "spaces add-session",
        "Record a session of a learning space and the cycles shared at it.",
        _configure_add_session,
        add_session_command,
    ),
]
