"""``nic rubrics import|export|report``: rubrics from the command line (as the operator)."""

from __future__ import annotations

import argparse
from pathlib import Path

from plugins.api import (
    Command,
    CommandContext,
    InvalidInput,
    NotFound,
    community_id_for_slug,
    system_context,
)
from plugins.rubrics import progress, services
from plugins.rubrics.models import Rubric


async def import_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    community_id = await community_id_for_slug(args.slug)
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput.field("file", f"cannot read {args.file}: {exc}") from None
    saved = await services.import_yaml(system_context(ctx), community_id, text, args.note or "")
    said = {
        "created": "Created",
        "new_version": "Saved a new version of",
        "unchanged": "Unchanged:",
    }
    ctx.say(f"{said[saved['outcome']]} rubric {saved['id']}, version {saved['version']}.")
    return 0


async def _rubric_id(community_id: int, rubric: str) -> int:
    query = Rubric.filter(community_id=community_id)
    query = query.filter(id=int(rubric)) if rubric.isdigit() else query.filter(name=rubric)
    ids = await query.values_list("id", flat=True)
    if not ids:
        raise NotFound(f"no rubric {rubric!r} in this community")
    return int(ids[0])


async def export_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    community_id = await community_id_for_slug(args.slug)
    rubric_id = await _rubric_id(community_id, args.rubric)
    text = await services.export_yaml(system_context(ctx), rubric_id, args.version)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        ctx.say(f"Wrote {args.output}.")
    else:
        ctx.say(text.rstrip("\n"))
    return 0


async def report_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    community_id = await community_id_for_slug(args.slug)
    system = system_context(ctx)
    rollup = await progress.rollup(system, community_id)
    if not rollup["rubrics"]:
        ctx.say(f"No team of {args.slug} has been assessed yet.")
    for r in rollup["rubrics"]:
        ctx.say(f"{r['rubric_name']} (levels 1-{len(r['levels'])}: {', '.join(r['levels'])})")
        ctx.say(f"  {'team':30} {'period':8} {'mean':>5}  since previous")
        for t in r["subjects"]:
            m = t["movement"]
            moved = (
                f"{len(m['up'])} up, {len(m['down'])} down, {len(m['same'])} same"
                if m
                else "first period"
            )
            ctx.say(f"  {t['subject_name'][:30]:30} {t['period']:8} {t['mean']!s:>5}  {moved}")
    association = await progress.association(system, community_id)
    ctx.say("")
    ctx.say("Incoming learning links and movement per quarter:")
    for row in association["rows"]:
        ctx.say(
            f"  {row['team_name'][:30]:30} links {row['incoming_links']:>3}  "
            f"movement {row['per_quarter']:+.2f}/quarter ({row['first']} to {row['latest']})"
        )
    ctx.say(association["statement"])
    return 0


def _configure_import(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", help="the community's slug")
    parser.add_argument("file", help="a rubric as YAML (see docs/rubrics.md)")
    parser.add_argument("--note", help="a note on this version")


def _configure_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", help="the community's slug")
    parser.add_argument("rubric", help="the rubric's id or name")
    parser.add_argument("--version", type=int, help="a version number (default: the latest)")
    parser.add_argument("--output", "-o", help="write to this file instead of printing")


def _configure_report(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", help="the community's slug")


COMMANDS = [
    Command(
        "rubrics import",
        "Import a rubric (or its next version) from a YAML file.",
        _configure_import,
        import_command,
    ),
    Command(
        "rubrics export", "Print or write a rubric as YAML.", _configure_export, export_command
    ),
    Command(
        "rubrics report",
        "Every team's latest rubric levels and movement, and links against movement.",
        _configure_report,
        report_command,
    ),
]
