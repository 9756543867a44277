"""``nic data import`` and ``nic data export``: a measure's data points from and to a file,
through the same reader and service as the import page and the API."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from communities.cli import system_context
from communities.data_files import MAX_FILE_BYTES, read_table
from communities.services import data_import
from communities.services.base import community_id_for_slug
from core.bounds import id_or_none
from core.cli import CommandContext
from core.cli_commands import Command
from core.errors import InvalidInput, NotFound


async def _measure_in(ctx: CommandContext, slug: str, measure_id: int) -> None:
    """Refuse a measure that is not the community's (the command names both)."""
    community_id = await community_id_for_slug(slug)
    measure = await data_import.importable_measure(system_context(ctx), measure_id)
    if measure["community_id"] != community_id:
        raise NotFound(f"no measure {measure_id} in {slug}")


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            content = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InvalidInput.field("FILE", f"cannot read {path}: {exc.strerror}") from None
    return content


def _say_rows(ctx: CommandContext, preview: dict[str, Any]) -> None:
    for problem in preview["errors"]:
        ctx.say(f"  row {problem['row']}, {problem['column']}: {problem['message']}")
    for row in preview["rows"]:
        if row["duplicate"]:
            what = "replaces" if row["action"] == "replace" else "skipped, same date as"
            ctx.say(f"  row {row['row']} ({row['date'].isoformat()}): {what} {row['duplicate']}")


async def import_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    await _measure_in(ctx, args.slug, args.measure_id)
    path = Path(args.file)
    ctx.say(f"Reading {path} ...")
    table = read_table(_read(path), path.name)
    mode = "replace" if args.replace_duplicates else "skip"
    service = system_context(ctx)
    preview = await data_import.preview_import(service, args.measure_id, table, mode)
    counts = preview["counts"]
    _say_rows(ctx, preview)
    ctx.say(
        f"{counts['rows']} rows read: {counts['add']} to add, {counts['replace']} replacing "
        f"stored points, {counts['skip']} duplicates skipped, {counts['errors']} problems."
    )
    if counts["errors"]:
        ctx.say("Nothing was saved: fix the rows above and run the command again.")
        return 1
    if args.dry_run:
        ctx.say("Dry run: nothing was saved.")
        return 0
    saved = await data_import.save_import(service, args.measure_id, table, mode)
    done = saved["counts"]["add"] + saved["counts"]["replace"]
    ctx.say(f"Saved {done} data points of measure {args.measure_id}.")
    return 0


async def export_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    await _measure_in(ctx, args.slug, args.measure_id)
    _, text = await data_import.export_csv(system_context(ctx), args.measure_id)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8", newline="")
        ctx.say(f"Wrote {args.output}.")
    else:
        sys.stdout.write(text)
    return 0


def _measure_id(text: str) -> int:
    found = id_or_none(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a measure id (a positive number)")
    return found


def _measure_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", help="the community's slug (nic communities lists them)")
    parser.add_argument(
        "measure_id", type=_measure_id, help="the measure's id (GET /api/v1/measures lists them)"
    )


def _configure_import(parser: argparse.ArgumentParser) -> None:
    _measure_arguments(parser)
    parser.add_argument(
        "file", help="a CSV (UTF-8, comma or semicolon) or XLSX file: date, value, ..."
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="check the file and show the preview; save nothing"
    )
    parser.add_argument(
        "--replace-duplicates",
        action="store_true",
        help="rows on a date that has data replace the stored points (default: skip them)",
    )


def _configure_export(parser: argparse.ArgumentParser) -> None:
    _measure_arguments(parser)
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")


COMMANDS: tuple[Command, ...] = (
    Command(
        "data import",
        "Add a CSV or XLSX file of data points to a measure (duplicates skipped unless told).",
        _configure_import,
        import_command,
    ),
    Command(
        "data export",
        "Write a measure's data points as CSV (formula-safe; the layout the import reads).",
        _configure_export,
        export_command,
    ),
)
