"""Plugins' own sections of the community file (the ``nic_community_file_sections`` hook).

A plugin contributes a :class:`FileSection`: how to write its records of one community
as plain data (lists and mappings of text, numbers, booleans and ISO dates) and how to
load them back. Records of the domain are named by the file's keys, never by database
ids, through :class:`FileKeys`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from core.context import ServiceContext
from core.errors import InvalidInput, ServiceError

KINDS = ("organization", "team", "person", "measure", "cycle", "artifact", "artifact_version")
"""The domain's records a plugin section may refer to by key."""

M = TypeVar("M", bound=BaseModel)


class SectionError(InvalidInput):
    """A plugin section of a community file is wrong; names the section and the entry."""


@dataclass(frozen=True)
class FileSection:
    """One plugin's section of the community file, written and read by the plugin.

    ``export(ctx, community_id, keys)`` returns the section's data, or ``None`` when the
    community has nothing of the plugin's (no section is written). ``load(ctx,
    community_id, data, keys)`` creates the records from that data and returns how many
    entries it loaded; the host runs it inside the load's one transaction, after every
    domain record exists and before the learning links (which may name the plugin's
    nodes by key: register them with :meth:`FileKeys.add`).
    """

    name: str
    export: Callable[[ServiceContext, int, FileKeys], Awaitable[Any]]
    load: Callable[[ServiceContext, int, Any, FileKeys], Awaitable[int]]


class Entry(BaseModel):
    """Base of a section's entry models: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class FileKeys:
    """The file's keys of one community's records, both ways (key to id, id to key)."""

    def __init__(self, file_name: str = "<file>") -> None:
        self.file_name = file_name
        self.section = ""
        self._ids: dict[str, dict[str, int]] = {}
        self._keys: dict[str, dict[int, str]] = {}

    def add(self, kind: str, record_id: int, key: str) -> None:
        """Record that ``kind:record_id`` is called ``key`` in the file."""
        self._ids.setdefault(kind, {})[key] = record_id
        self._keys.setdefault(kind, {})[record_id] = key

    def knows(self, kind: str) -> bool:
        """Whether the file has keys for records of this kind."""
        return kind in self._ids

    def has(self, kind: str, record_id: int) -> bool:
        """Whether the record is in the file (a reference to a deleted one is not)."""
        return record_id in self._keys.get(kind, {})

    def key(self, kind: str, record_id: int | None) -> str | None:
        """The file's key of a record (``None`` for ``None``)."""
        if record_id is None:
            return None
        return self._keys.get(kind, {})[record_id]

    def id(self, kind: str, key: str | None, where: str) -> int | None:
        """The database id of the record the file calls ``key``; ``where`` names the field."""
        if key is None:
            return None
        found = self._ids.get(kind, {}).get(key)
        if found is None:
            raise self.fail(where, f"no {kind.replace('_', ' ')} {key!r} in this file")
        return found

    def ids(self, kind: str, keys: list[str], where: str) -> list[int]:
        return [i for i in (self.id(kind, k, where) for k in keys) if i is not None]

    def node(self, ref: str, where: str) -> str:
        """``kind:<file key>`` to ``kind:<id>`` (a node of the graph, a link's end)."""
        kind, _, key = ref.partition(":")
        return f"{kind}:{self.id(kind, key, where)}"

    def node_key(self, ref: str) -> str:
        """``kind:<id>`` to ``kind:<file key>``; a node of a kind without keys stays as it is."""
        kind, _, ident = ref.partition(":")
        known = self._keys.get(kind)
        if known is None or not ident.isdigit() or int(ident) not in known:
            return ref
        return f"{kind}:{known[int(ident)]}"

    def fail(self, where: str, problem: str) -> SectionError:
        joint = "" if where.startswith("[") else "."
        field = f"plugins.{self.section}{joint}{where}" if self.section else where
        return SectionError(f"{self.file_name}: {field}: {problem}", {field: problem})

    def parse(self, model: type[M], data: Any, where: str = "") -> M:
        """``data`` checked against an entry model; an error names the section's field."""
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in err["loc"])
            raise self.fail(
                (where + "." + loc if where else loc).replace(".[", "[").strip(".") or "entry",
                err["msg"],
            ) from None


def moment(value: datetime | None) -> str | None:
    """A datetime as the file writes it (ISO 8601 with its offset)."""
    return value.isoformat() if value is not None else None


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


async def section_contributions(ctx: ServiceContext) -> tuple[dict[str, FileSection], list[str]]:
    """Every installed plugin's section, by name; and the plugins whose hook raised."""
    sections: dict[str, FileSection] = {}
    outcome = await ctx.plugins.call_outcome("nic_community_file_sections")
    for _, contribution in outcome.results:
        for section in contribution:
            sections[section.name] = section
    return sections, outcome.failed


async def export_sections(ctx: ServiceContext, community_id: int, keys: FileKeys) -> dict[str, Any]:
    """The ``plugins`` part of an export: each section that has data, by name.

    A plugin whose hook raised stops the export: the file would lack its data."""
    sections, failed = await section_contributions(ctx)
    if failed:
        raise ServiceError(
            f"plugin {failed[0]} failed in nic_community_file_sections (see the log): "
            "the file would lack its data, so nothing was written"
        )
    written: dict[str, Any] = {}
    for name, section in sorted(sections.items()):
        keys.section = name
        data = await section.export(ctx, community_id, keys)
        if data:
            written[name] = data
    keys.section = ""
    return written
