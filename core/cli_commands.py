"""The shape of a ``nic`` subcommand, so plugins can add their own."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.cli import CommandContext


@dataclass(frozen=True)
class Command:
    """A subcommand: ``configure`` adds arguments, ``run`` does the work.

    ``run`` receives the parsed arguments and a :class:`core.cli.CommandContext`
    (settings, plugin host, an output stream). With ``needs_database`` the
    ORM is open while it runs. It returns the process exit code.
    """

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, CommandContext], Awaitable[int]]
    needs_database: bool = True
