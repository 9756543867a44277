"""The loader's state and error reporting: the file's keys of what is loaded so far, and
errors that name the file, the entry and the field."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from communities.exchange.document import (
    ArtifactVersionEntry,
    CommunityDocument,
    InnovationVersionEntry,
)
from communities.exchange.sections import FileKeys, FileSection, SectionError
from core.context import ServiceContext
from core.errors import InvalidInput, ServiceError

T = TypeVar("T")
V = TypeVar("V", InnovationVersionEntry, ArtifactVersionEntry)
Progress = Callable[[str], None]

# Service field names as they are spelled in the file, for error messages.
_FILE_NAMES = {
    **{
        f"plan_{n}": f"plan.{n}"
        for n in (
            "objective",
            "questions",
            "predictions",
            "who",
            "what",
            "when",
            "where",
            "measures",
        )
    },
    "do_what_happened": "do.what_happened",
    "do_observations": "do.observations",
    "study_results": "study.results",
    "study_learning": "study.learning",
    "act_decision": "act.decision",
    "act_rationale": "act.rationale",
    "act_next_steps": "act.next_steps",
    "team_id": "team",
    "organization_id": "organization",
    "parent_id": "parent",
    "change_idea_id": "change_idea",
    "builds_on_id": "builds_on",
    "author_ids": "authors",
    "measure_ids": "measures",
    "derived_from_id": "derived_from",
    "team_ids": "shared_with",
    "author_id": "author",
    "cycle_id": "cycle",
    "start_date": "start",
    "end_date": "end",
}


class LoadError(InvalidInput):
    """A community file is wrong; the message names the file, the entry and the field."""


class LoaderBase:
    """What a load has created so far, by the file's keys, and how its errors read."""

    def __init__(self, ctx: ServiceContext, doc: CommunityDocument, raw: dict, name: str) -> None:
        self.ctx = ctx
        self.doc = doc
        self.raw = raw
        self.name = name
        self.community_id = 0
        self.orgs: dict[str, int] = {}
        self.teams: dict[str, int] = {}
        self.people: dict[str, int] = {}
        self.ideas: dict[str, int] = {}
        self.measures: dict[str, int] = {}
        self.cycles: dict[str, int] = {}
        self.artifacts: dict[str, int] = {}
        self.versions: dict[str, int] = {}
        self.sections: dict[str, FileSection] = {}
        self.section_counts: dict[str, int] = {}
        self.missing_accounts: list[str] = []
        self.keys = FileKeys(name)

    # --- error reporting ------------------------------------------------------

    def entry_label(self, section: str, index: int | None) -> str:
        if index is None:
            return section
        label = f"{section}[{index}]"
        items = self.raw.get(section)
        if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
            key = items[index].get("key") or items[index].get("name") or items[index].get("title")
            if key:
                label += f" ({'key ' if 'key' in items[index] else ''}{key})"
        return label

    def fail(self, section: str, index: int | None, field: str, problem: str) -> LoadError:
        where = self.entry_label(section, index)
        return LoadError(f"{self.name}: {where}: {field}: {problem}", {f"{where}.{field}": problem})

    @contextmanager
    def entry(self, section: str, index: int | None, prefix: str = "") -> Iterator[None]:
        try:
            yield
        except LoadError:
            raise
        except ServiceError as exc:
            field, problem = next(iter(exc.fields.items()), ("entry", exc.message))
            raise self.fail(
                section, index, prefix + _FILE_NAMES.get(field, field), problem
            ) from exc

    def ref(
        self, table: dict[str, T], key: str | None, what: str, section: str, index: int, field: str
    ) -> T | None:
        if key is None:
            return None
        if key not in table:
            raise self.fail(section, index, field, f"no {what} {key!r} in this file")
        return table[key]

    def must(
        self, table: dict[str, T], key: str, what: str, section: str, index: int, field: str
    ) -> T:
        if key not in table:
            raise self.fail(section, index, field, f"no {what} {key!r} in this file")
        return table[key]

    def numbered(self, versions: list[V], section: str, index: int) -> list[tuple[int, V]]:
        """Versions in number order; they must be numbered 1, 2, ... without gaps."""
        ordered = sorted(versions, key=lambda v: v.number)
        for j, version in enumerate(ordered):
            if version.number != j + 1:
                raise self.fail(
                    section,
                    index,
                    f"versions[{j}].number",
                    f"expected {j + 1}: versions are numbered 1, 2, ...",
                )
        return list(enumerate(ordered))

    # --- sections ---------------------------------------------------------------

    def unique(self, table: dict[str, Any], key: str, section: str, index: int) -> None:
        if key in table:
            raise self.fail(section, index, "key", f"{key!r} is used twice")

    def node(self, text: str, section: str, index: int, field: str) -> str:
        """Translate ``kind:<file key>`` (``cycle:<key>``, ``artifact_version:<key>#<n>``,
        or a plugin's node) to ``kind:<database id>``."""
        kind, sep, key = text.partition(":")
        if not sep or not key:
            raise self.fail(
                section,
                index,
                field,
                "expected cycle:<key> or artifact_version:<artifact key>#<number>",
            )
        try:
            return self.keys.node(text, field)
        except SectionError:
            raise self.fail(
                section, index, field, f"no {kind.replace('_', ' ')} {key!r} in this file"
            ) from None
