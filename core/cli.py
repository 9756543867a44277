"""The ``nic`` command. Kernel commands live here; plugins add theirs through a hook."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from core.auth.users import create_user, find_user, issue_token
from core.backup import backup, restore
from core.cli_commands import Command, HelpFormatter, add_command_parser, text_table
from core.cli_serve import SERVE_HELP, configure_serve, serve
from core.db import (
    migrate,
    migration_status,
    open_database,
    pending_migrations,
    tortoise_config,
)
from core.errors import ServiceError
from core.kept import KeptStore, keeping
from core.plugins import PluginHost
from core.settings import SETTINGS_FILE, Settings, SettingsError, load_settings
from core.worker import computing_here, run_worker


@dataclass
class CommandContext:
    settings: Settings
    plugins: PluginHost
    out: TextIO
    serve_after: dict[str, str] | None = None
    """Set by a command (``nic demo``) to serve the app once it has finished; the
    values are environment variables for the served app."""

    @property
    def tortoise_config(self) -> dict:
        return tortoise_config(self.settings, self.plugins)

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def _migration_progress(ctx: CommandContext) -> Callable[[str, str, str], None]:
    def progress(event: str, app_label: str, name: str) -> None:
        if event == "apply_done":
            ctx.say(f"  applied {app_label}.{name}")

    return progress


async def migrate_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    ctx.say(f"Migrating {ctx.settings.database_kind} database ...")
    await migrate(ctx.tortoise_config, target=args.target, progress=_migration_progress(ctx))
    ctx.say("Database is at the latest migration.")
    return 0


async def backup_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    settings = ctx.settings
    await backup(settings.database_url, settings.database_label(), args.output, ctx.say)
    return 0


async def restore_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    settings = ctx.settings
    await restore(settings.database_url, settings.database_label(), args.file, ctx.say)
    pending = await pending_migrations(ctx.tortoise_config)
    if pending:
        ctx.say(f"The backup is older than this version: run nic migrate ({', '.join(pending)}).")
    else:
        ctx.say("The database is at the latest migration.")
    return 0


def _configure_backup(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", type=Path, required=True, help="the new backup file")


def _configure_restore(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="a file written by nic backup")


async def init_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    settings_path = Path(SETTINGS_FILE)
    if not ctx.settings.secret_key and not settings_path.exists():
        settings_path.write_text(
            f"# NIC Platform settings; keep this file out of version control.\n"
            f'secret_key = "{secrets.token_urlsafe(48)}"\n'
            f'database_url = "{ctx.settings.database_url}"\n',
            encoding="utf-8",
        )
        ctx.say(f"Wrote {settings_path} with a new secret key.")
    await migrate_command(argparse.Namespace(target=None), ctx)
    return 0


async def makemigrations_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    """Write new migration files for model changes (a developer command)."""
    from tortoise import Tortoise
    from tortoise.migrations.autodetector import MigrationAutodetector

    config = ctx.tortoise_config
    async with open_database(config):
        writers = await MigrationAutodetector(Tortoise.apps, config["apps"]).changes()
    if args.app:
        writers = [writer for writer in writers if writer.app_label == args.app]
    if not writers:
        ctx.say("No changes detected.")
    for writer in writers:
        if args.name:
            number = int(writer.name.split("_", 1)[0])
            writer.name = f"{number:04d}_{args.name}"
        ctx.say(f"Created {writer.app_label}.{writer.name}: {writer.write()}")
    return 0


async def user_add_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    user, generated = await create_user(
        args.email, args.password, name=args.name or "", is_admin=args.admin
    )
    ctx.say(
        f"Created {'admin ' if user['is_admin'] else ''}user {user['email']} (id {user['id']})."
    )
    if generated:
        ctx.say(f"Password: {generated}")
    return 0


async def user_token_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    user = await find_user(args.email)
    ctx.say(f"New API token for {user['email']} (shown once):")
    ctx.say(await issue_token(user["id"], name=args.name or "cli"))
    return 0


def _configure_user_add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("email", help="the new user's email address (their sign-in name)")
    parser.add_argument("--password", help="at least 10 characters; generated if left out")
    parser.add_argument("--name", help="display name")
    parser.add_argument("--admin", action="store_true", help="make the user a site admin")


def _configure_user_token(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("email", help="the user's email address")
    parser.add_argument("--name", help="a label for the token")


async def worker_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    return await run_worker(ctx.plugins, once=args.once, say=ctx.say)


def _configure_worker(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--once",
        action="store_true",
        help="stop when nothing is left to do (else run until a signal)",
    )


def plugins_table(listing: dict[str, list[dict[str, Any]]]) -> str:
    """The plugin listing as a text table (cells of several lines), then the failures."""
    columns = [
        ("NAME", "name"),
        ("VERSION", "version"),
        ("STATE", "state"),
        ("HOOKS", "hooks"),
        ("TEMPLATES", "templates"),
        ("STATIC", "static"),
        ("MODELS", "models"),
        ("CONFIG", "config"),
    ]
    out = [text_table(listing["plugins"], columns)]
    if listing["failures"]:
        out.append("")
        out.append("Failed to load:")
        for failure in listing["failures"]:
            version = f" {failure['version']}" if failure["version"] else ""
            out.append(f"  {failure['name']}{version}: {failure['error']}")
    return "\n".join(out)


async def plugins_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    listing = ctx.plugins.describe()
    if args.json:
        ctx.say(json.dumps(listing, indent=2, default=str))
    else:
        ctx.say(plugins_table(listing))
    return 0


def _configure_plugins(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _configure_migrate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", help="APP or APP.MIGRATION to migrate to")


def _configure_makemigrations(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", help="name of the new migration")
    parser.add_argument("--app", help="only this app (e.g. core, communities, a plugin's label)")


KERNEL_COMMANDS = (
    Command(
        "init",
        "Write nic.toml with a secret key (if none) and create the database at head.",
        lambda p: None,
        init_command,
        needs_database=False,
    ),
    Command(
        "migrate",
        "Apply pending migrations of the core, the domain and every plugin.",
        _configure_migrate,
        migrate_command,
        needs_database=False,
    ),
    Command(
        "plugins",
        "List plugins: version, state, hooks, templates, static, models, config (secrets hidden).",
        _configure_plugins,
        plugins_command,
        needs_database=False,
    ),
    Command(
        "backup",
        "Write a consistent snapshot of the whole site's database to a new file, while it runs.",
        _configure_backup,
        backup_command,
        needs_database=False,
    ),
    Command(
        "restore",
        "Fill an empty database from a file written by nic backup.",
        _configure_restore,
        restore_command,
        needs_database=False,
    ),
    Command("user add", "Create a user account.", _configure_user_add, user_add_command),
    Command(
        "user token",
        "Issue an API token for a user (printed on the last line).",
        _configure_user_token,
        user_token_command,
    ),
    Command(
        "worker",
        "Run background work (graph analyses) until stopped; nic serve starts one itself "
        "unless NIC_WORKER=external.",
        _configure_worker,
        worker_command,
    ),
    Command(
        "makemigrations",
        "Write migration files for model changes (for developers).",
        _configure_makemigrations,
        makemigrations_command,
        needs_database=False,
    ),
)


def build_parser(commands: list[Command]) -> argparse.ArgumentParser:
    """The ``nic`` parser: ``serve`` and every command, each with its own ``--help``."""
    parser = argparse.ArgumentParser(
        prog="nic",
        description="NIC Platform. Start with nic init (or nic demo); nic COMMAND --help "
        "tells what a command does and what its options are.",
        formatter_class=HelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    configure_serve(add_command_parser(sub, "serve", SERVE_HELP))
    groups: dict[str, argparse._SubParsersAction] = {}
    members: dict[str, list[str]] = {}
    for command in commands:
        group, _, name = command.name.partition(" ")
        if name:
            members.setdefault(group, []).append(name)
    for command in commands:
        group, _, name = command.name.partition(" ")
        if not name:
            command.configure(add_command_parser(sub, command.name, command.help))
            continue
        if group not in groups:
            text = f"{group} commands: {', '.join(members[group])}."
            group_parser = add_command_parser(sub, group, text)
            groups[group] = group_parser.add_subparsers(
                dest="subcommand", required=True, metavar="SUBCOMMAND"
            )
        command.configure(add_command_parser(groups[group], name, command.help))
    return parser


class NotMigrated(Exception):
    """The database lacks this version's tables: the message says what to run instead."""


async def require_migrated(ctx: CommandContext) -> None:
    """Raise :class:`NotMigrated` unless the database (open) is at the latest migration."""
    started, pending = await migration_status(ctx.tortoise_config)
    if not pending:
        return
    label = ctx.settings.database_label()
    if not started:
        raise NotMigrated(f"the database {label} has no tables yet: run nic init first")
    behind = f"{len(pending)} migration{'s' if len(pending) > 1 else ''}"
    raise NotMigrated(f"the database {label} is {behind} behind: run nic migrate first")


async def _check_migrated(ctx: CommandContext) -> None:
    async with open_database(ctx.tortoise_config):
        await require_migrated(ctx)


async def _run(command: Command, args: argparse.Namespace, ctx: CommandContext) -> int:
    # A command keeps what it makes (a community's graph for several analyses) for its run,
    # and computes the background work it asks for itself: no worker is waiting for it.
    with keeping(KeptStore()), computing_here():
        if not command.needs_database:
            return await command.run(args, ctx)
        async with open_database(ctx.tortoise_config):
            await require_migrated(ctx)
            return await command.run(args, ctx)


def all_commands(plugins: PluginHost) -> list[Command]:
    """The kernel's commands and every plugin's; a plugin that raises while listing its
    commands is logged and left out, so ``nic plugins`` can still say what is wrong."""
    return list(KERNEL_COMMANDS) + list(plugins.collect("nic_cli_commands", skip_failing=True))


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        settings = load_settings()
        plugins = PluginHost.from_settings(settings)
    except SettingsError as exc:
        print(f"nic: configuration error: {exc}", file=sys.stderr)
        return 2
    commands = all_commands(plugins)
    args = build_parser(commands).parse_args(argv)
    ctx = CommandContext(settings=settings, plugins=plugins, out=out)
    try:
        if args.command == "serve":
            ctx.settings.require_secret_key()  # the settings first, then the database
            asyncio.run(_check_migrated(ctx))
            return serve(args, ctx)
        wanted = " ".join(filter(None, [args.command, getattr(args, "subcommand", None)]))
        command = next(c for c in commands if c.name == wanted)
        code = asyncio.run(_run(command, args, ctx))
        if code == 0 and ctx.serve_after is not None:
            os.environ.update(ctx.serve_after)
            return serve(args, ctx)
        return code
    except SettingsError as exc:
        print(f"nic: configuration error: {exc}", file=sys.stderr)
        return 2
    except NotMigrated as exc:
        print(f"nic: {exc}", file=sys.stderr)
        return 2
    except ServiceError as exc:
        print(f"nic: {exc.message}", file=sys.stderr)
        details = [f"{name}: {problem}" for name, problem in exc.fields.items()]
        if details != [exc.message]:  # a one-field error's message is that field's line
            for line in details:
                print(f"  {line}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
