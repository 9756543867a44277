"""``nic`` subcommands of the domain: communities, load, export, demo, user role."""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

from starlette.requests import HTTPConnection

from communities.exchange import export_community, load_community, read_document, write_document
from communities.models import Community
from communities.schemas import RoleAssign
from communities.services.base import community_id_for_slug
from communities.services.communities import assign_role, community_counts
from core.cli import CommandContext
from core.cli_commands import Command, text_table
from core.cli_serve import address, configure_serve
from core.context import Actor, ServiceContext
from core.errors import InvalidInput


def system_context(source: CommandContext | HTTPConnection) -> ServiceContext:
    """The site operator's context: the CLI acts as the operator, and so does a request
    that carries its own credential (a calendar feed's token)."""
    plugins = source.app.state.plugins if isinstance(source, HTTPConnection) else source.plugins
    return ServiceContext(actor=Actor.system(), plugins=plugins)


async def load_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    path = Path(args.path)
    document = read_document(path)
    ctx.say(f"Loading {path} ...")
    started = time.perf_counter()
    summary = await load_community(
        system_context(ctx),
        document,
        str(path),
        progress=ctx.say,
        skip_missing_plugins=args.skip_missing_plugins,
    )
    ctx.say(
        f"Loaded community {document['community']['slug']!r}: {summary['teams']} teams, "
        f"{summary['people']} people, {summary['cycles']} cycles, {summary['artifacts']} "
        f"artifacts, {summary['links']} links in {time.perf_counter() - started:.1f} s."
    )
    if summary["missing_accounts"]:
        ctx.say(
            f"No account on this site for {len(summary['missing_accounts'])} of the file's "
            f"roles: {', '.join(summary['missing_accounts'])}. Add them with `nic user add "
            "EMAIL`, then give each its role with `nic user role EMAIL SLUG ROLE`."
        )
    if summary["skipped"]:
        ctx.say(f"Left out (no plugin here reads them): {', '.join(summary['skipped'])}.")
    return 0


async def export_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    document = await export_community(system_context(ctx), args.slug, args.with_roles)
    path = Path(args.output) if args.output else None
    text = write_document(document, path, "json" if args.json else "yaml")
    if path is None:
        sys.stdout.write(text)
    else:
        ctx.say(f"Wrote {path}.")
    return 0


async def role_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    community_id = await community_id_for_slug(args.community)
    row = await assign_role(
        system_context(ctx),
        community_id,
        RoleAssign.model_validate({"user_email": args.email, "role": args.role}),
    )
    ctx.say(f"{row['user__email']} is now {row['role']} in {args.community}.")
    return 0


COMMUNITY_COLUMNS = (
    ("SLUG", "slug"),
    ("NAME", "name"),
    ("TEAMS", "teams"),
    ("PEOPLE", "people"),
    ("CYCLES", "cycles"),
)


async def communities_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    rows = await community_counts()
    if args.json:
        ctx.say(json.dumps(rows, indent=2))
    elif not rows:
        ctx.say("No communities yet: nic load FILE adds one (or nic demo builds a demo site).")
    else:
        ctx.say(text_table(rows, COMMUNITY_COLUMNS))
    return 0


def _configure_communities(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _configure_load(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="a community file (.yaml, .yml or .json)")
    parser.add_argument(
        "--skip-missing-plugins",
        action="store_true",
        help="load the file without the sections of plugins not installed here (reported)",
    )


def _configure_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", help="the community's slug (nic communities lists them)")
    parser.add_argument("-o", "--output", help="write to this file (.json for JSON)")
    parser.add_argument("--json", action="store_true", help="write JSON instead of YAML")
    parser.add_argument(
        "--with-roles",
        action="store_true",
        help="also write the community roles of the site's accounts, by email",
    )


def _configure_role(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("email", help="the user's email address")
    parser.add_argument("community", help="the community's slug (nic communities lists them)")
    parser.add_argument(
        "role",
        choices=["facilitator", "member", "researcher", "observer"],
        help="what the user may do there: facilitator, member, researcher or observer",
    )


COMMANDS: tuple[Command, ...] = (
    Command(
        "communities",
        "List the site's communities: slug, name, and how many teams, people and cycles.",
        _configure_communities,
        communities_command,
    ),
    Command("load", "Load a community file (YAML or JSON).", _configure_load, load_command),
    Command("export", "Export a community as a community file.", _configure_export, export_command),
    Command("user role", "Give a user a role in a community.", _configure_role, role_command),
)


DEMO_DATABASE = "nic-demo.sqlite3"
DEMO_PASSWORD = "demo-password"
DEMO_USERS = (
    ("admin@demo.example", "Demo Admin", True, None),
    ("facilitator@demo.example", "Demo Facilitator", False, "facilitator"),
    ("researcher@demo.example", "Demo Researcher", False, "researcher"),
)


async def demo_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    """Build a fresh demo database with the example communities, then serve it."""
    import secrets

    from communities.examples.demo import demo_communities
    from communities.examples.demo_accounts import demo_people_accounts
    from core.auth.users import create_user, issue_token
    from core.db import migrate, open_database, tortoise_config
    from core.settings import Settings

    target = str(args.database)
    if "://" in target:  # a database URL: an existing, empty database, never dropped
        if not target.startswith(("sqlite://", "postgres://", "postgresql://")):
            raise InvalidInput.field(
                "--database", "give a SQLite file or the URL of an empty database"
            )
        url = target
    else:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        url = f"sqlite://{target}"
    settings = Settings(database_url=url, secret_key=secrets.token_urlsafe(32))
    config = tortoise_config(settings, ctx.plugins)
    started = time.perf_counter()
    ctx.say(f"Creating the demo database {settings.database_label()} ...")
    await migrate(config)
    async with open_database(config):
        if await Community.exists():
            raise InvalidInput.field(
                "--database",
                f"{settings.database_label()} already holds communities; "
                "the demo needs a new, empty database",
            )
        system = system_context(ctx)
        slugs = []
        today = args.today or datetime.date.today()
        for document in demo_communities(today):
            slug = document["community"]["slug"]
            ctx.say(f"Loading demo community {slug!r} ...")
            await load_community(system, document, f"demo:{slug}", progress=ctx.say)
            slugs.append(slug)
        lines = []
        for email, name, is_admin, role in DEMO_USERS:
            user, _ = await create_user(email, DEMO_PASSWORD, name=name, is_admin=is_admin)
            for slug in slugs:
                if role:
                    await assign_role(
                        system,
                        await community_id_for_slug(slug),
                        RoleAssign(user_email=email, role=role),
                    )
            token = await issue_token(user["id"], name="demo")
            lines.append(f"  {email:28} password {DEMO_PASSWORD}   API token {token}")
        lines += await demo_people_accounts(system, slugs[0], DEMO_PASSWORD)
        community_ids = [await community_id_for_slug(slug) for slug in slugs]
        await ctx.plugins.call(
            "nic_demo_data", ctx=system, community_ids=community_ids, today=today
        )
    ctx.say(f"Demo ready in {time.perf_counter() - started:.1f} s. Sign in as:")
    for line in lines:
        ctx.say(line)
    if args.no_serve:
        ctx.say(
            f"To serve it: NIC_DATABASE_URL={settings.database_label()} nic serve "
            "(with a secret key: nic.toml or NIC_SECRET_KEY)."
        )
    else:
        api = f"{address(args.host, args.port)}api/v1/cycles?per_page=5"
        ctx.say(f"Try: curl -H 'Authorization: Bearer <token>' '{api}'")
        ctx.serve_after = {
            "NIC_DATABASE_URL": settings.database_url,
            "NIC_SECRET_KEY": settings.require_secret_key(),
        }
    return 0


def _configure_demo(parser: argparse.ArgumentParser) -> None:
    configure_serve(parser)
    parser.add_argument(
        "--database",
        default=DEMO_DATABASE,
        help="the SQLite file to (re)create, or the URL of an empty database (postgres://...)",
    )
    parser.add_argument("--no-serve", action="store_true", help="build the database and stop")
    parser.add_argument(
        "--today",
        type=_day,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day the demo lives in: its dates move by whole weeks to it (default: today); "
        "a fixed day gives the same figures on every run (docs/research.md uses one)",
    )


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-04-17") from None


COMMANDS = (
    *COMMANDS,
    Command(
        "demo",
        "Create a fresh demo database with two example communities and serve it.",
        _configure_demo,
        demo_command,
        needs_database=False,
    ),
)
