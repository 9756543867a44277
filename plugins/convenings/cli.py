"""``nic convenings plan|agenda|ics``: convenings from the command line (as the operator)."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from plugins.api import (
    Command,
    CommandContext,
    InvalidInput,
    community_id_for_slug,
    system_context,
)
from plugins.convenings import agenda, services
from plugins.convenings.ics import calendar
from plugins.convenings.records import convening_row
from plugins.convenings.schemas import ConveningCreate


async def plan_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    community_id = await community_id_for_slug(args.slug)
    try:
        data = ConveningCreate(
            community_id=community_id,
            title=args.title,
            place=args.place or "",
            video_url=args.video or "",
            time_zone=args.time_zone,
            options=args.option or [],
        )
    except ValidationError as exc:
        fields = {".".join(map(str, e["loc"])) or "input": e["msg"] for e in exc.errors()}
        raise InvalidInput("invalid input", fields) from None
    conv = await services.create_convening(system_context(ctx), data)
    ctx.say(f"Planned convening {conv['id']}: {conv['title']} ({conv['time_zone']}).")
    for option in conv["options"]:
        ctx.say(f"  option {option['id']}: {option['when']}")
    invited = [i["name"] for i in conv["invitees"] if not i["removed"]]
    ctx.say(f"  {len(invited)} invitees: {', '.join(invited) or 'nobody'}")
    return 0


async def agenda_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    system = system_context(ctx)
    if args.draft:
        await agenda.draft(system, args.convening_id)
    conv = await services.get_convening(system, args.convening_id)
    ctx.say(f"{conv['title']} · {conv['when'] or 'date not set yet'}")
    if not conv["agenda"]:
        ctx.say("The agenda is empty (draft it with --draft).")
    for entry in conv["agenda"]:
        clock = f"{entry['at']} " if entry["at"] else ""
        length = f" [{entry['minutes']} min]" if entry["minutes"] else ""
        presenter = f" - {entry['presenter_name']}" if entry["presenter_name"] else ""
        ctx.say(f"{entry['number']:>3}. {clock}{entry['title']}{length}{presenter}")
        if entry["detail"]:
            ctx.say(f"       {entry['detail'].splitlines()[0]}")
    return 0


async def ics_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    conv = await services.readable_convening(system_context(ctx), args.convening_id)
    if conv["starts_at"] is None:
        raise InvalidInput.field("convening_id", "this convening has no confirmed date yet")
    body = calendar([await convening_row(conv["id"])], args.base_url.rstrip("/"))
    if args.output:
        Path(args.output).write_bytes(body)
        ctx.say(f"Wrote {args.output}.")
    else:
        ctx.say(body.decode("utf-8").replace("\r\n", "\n").rstrip("\n"))
    return 0


def _configure_plan(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", help="the community's slug")
    parser.add_argument("title", help="the convening's title")
    parser.add_argument(
        "--option",
        type=datetime.fromisoformat,
        action="append",
        help="a proposed local start, e.g. 2025-02-04T16:00 (repeat for more)",
    )
    parser.add_argument("--place", help="where it meets (a room, an address)")
    parser.add_argument("--video", help="a video link")
    parser.add_argument("--time-zone", help="IANA name (default: the community's)")


def _configure_agenda(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("convening_id", type=int, help="the convening's id")
    parser.add_argument("--draft", action="store_true", help="add the graph's suggestions first")


def _configure_ics(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("convening_id", type=int, help="the convening's id")
    parser.add_argument("--output", help="write to this file instead of printing")
    parser.add_argument("--base-url", default="http://localhost:8000", help="the site's address")


COMMANDS = [
    Command("convenings plan", "Plan a convening with proposed dates.", _configure_plan,
            plan_command),
    Command("convenings agenda", "Show (or draft) a convening's agenda.", _configure_agenda,
            agenda_command),
    Command("convenings ics", "A convening as an iCalendar file.", _configure_ics, ics_command),
]  # fmt: skip
