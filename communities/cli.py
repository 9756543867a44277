"""``nic`` subcommands of the domain: load, export, demo, user."""

from __future__ import annotations

from core.cli_commands import Command

COMMANDS: tuple[Command, ...] = ()
