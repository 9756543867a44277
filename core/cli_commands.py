"""The shape of a ``nic`` subcommand, so plugins can add their own."""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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


class HelpFormatter(argparse.HelpFormatter):
    """``--help`` that shows each option's default (unless it has none, or is a flag)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if (
            "%(default)" in text
            or default in (None, False, argparse.SUPPRESS)
            or isinstance(action, argparse._StoreConstAction)
            or not action.option_strings
        ):
            return text
        return f"{text} (default: %(default)s)"


def add_command_parser(
    sub: argparse._SubParsersAction, name: str, text: str
) -> argparse.ArgumentParser:
    """A subcommand's parser: ``text`` in the command list and atop its own ``--help``."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=text, description=text, formatter_class=HelpFormatter
    )
    return parser


def _cell(value: Any) -> list[str]:
    """A table cell as lines: lists one item a line, tables ``key = value``."""
    if value is None or value == [] or value == {}:
        return ["-"]
    if isinstance(value, dict):
        return [f"{k} = {json.dumps(v) if not isinstance(v, str) else v}" for k, v in value.items()]
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]


def text_table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    """Rows as a text table: ``columns`` are (title, key) pairs; a cell may hold several
    lines (a list one item a line, a dict ``key = value``), an empty one shows ``-``."""
    cells = [[_cell(row[key]) for _, key in columns] for row in rows]
    widths = [
        max([len(title)] + [len(line) for row in cells for line in row[i]])
        for i, (title, _) in enumerate(columns)
    ]

    def line(parts: list[str]) -> str:
        return "  ".join(part.ljust(width) for part, width in zip(parts, widths, strict=True))

    out = [line([title for title, _ in columns]).rstrip()]
    for row in cells:
        for n in range(max(len(cell) for cell in row)):
            out.append(line([cell[n] if n < len(cell) else "" for cell in row]).rstrip())
    return "\n".join(out)
