"""The plugin's section of the community file: spaces, their scope and sequence, and
their sessions with the cycles shared at each (``plugins.learning_spaces``).

People and cycles are named by the file's keys; each session gets a key of its own
(``session-<n>``), so learning links in the file may name ``learning_session:<key>``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from nic_learning_spaces.graph import KIND
from nic_learning_spaces.models import CADENCES, KINDS, LearningSession, LearningSpace, MonthlyFocus
from plugins.api import Cycle, FileKeys, FileSection, Person, SectionEntry, ServiceContext, day


class FocusEntry(SectionEntry):
    month: int = Field(ge=1, le=12)
    focus: str = Field(min_length=1, max_length=300)


class SessionEntry(SectionEntry):
    key: str = Field(min_length=1)
    held_on: date
    notes: str = ""
    shared_cycles: list[str] = Field(default_factory=list)


class SpaceEntry(SectionEntry):
    name: str = Field(min_length=1, max_length=200)
    kind: str
    cadence: str
    description: str = ""
    facilitator: str | None = None
    participants: list[str] = Field(default_factory=list)
    focus: list[FocusEntry] = Field(default_factory=list)
    sessions: list[SessionEntry] = Field(default_factory=list)


async def export(ctx: ServiceContext, community_id: int, keys: FileKeys) -> list[dict[str, Any]]:
    spaces = (
        await LearningSpace.filter(community_id=community_id)
        .order_by("id")
        .values("id", "name", "kind", "cadence", "description", "facilitator_id")
    )
    ids = [s["id"] for s in spaces]
    participants = await LearningSpace.filter(id__in=ids).values_list("id", "participants__id")
    focus = await MonthlyFocus.filter(space_id__in=ids).order_by("month").values()
    sessions = (
        await LearningSession.filter(space_id__in=ids)
        .order_by("held_on", "id")
        .values("id", "space_id", "held_on", "notes")
    )
    shared = await LearningSession.filter(space_id__in=ids).values_list("id", "shared_cycles__id")
    for n, session in enumerate(sorted(sessions, key=lambda s: s["id"]), 1):
        keys.add(KIND, session["id"], f"session-{n}")
    return [
        {
            "name": s["name"],
            "kind": s["kind"],
            "cadence": s["cadence"],
            "description": s["description"],
            "facilitator": keys.key("person", s["facilitator_id"]),
            "participants": sorted(
                str(keys.key("person", p)) for i, p in participants if i == s["id"] and p
            ),
            "focus": [
                {"month": f["month"], "focus": f["focus"]}
                for f in focus
                if f["space_id"] == s["id"]
            ],
            "sessions": [
                {
                    "key": keys.key(KIND, x["id"]),
                    "held_on": day(x["held_on"]),
                    "notes": x["notes"],
                    "shared_cycles": sorted(
                        str(keys.key("cycle", c)) for i, c in shared if i == x["id"] and c
                    ),
                }
                for x in sessions
                if x["space_id"] == s["id"]
            ],
        }
        for s in spaces
    ]


async def load(ctx: ServiceContext, community_id: int, data: Any, keys: FileKeys) -> int:
    entries = [keys.parse(SpaceEntry, item, f"[{i}]") for i, item in enumerate(data or [])]
    for i, entry in enumerate(entries):
        if entry.kind not in KINDS:
            raise keys.fail(f"[{i}].kind", f"expected one of {', '.join(KINDS)}")
        if entry.cadence not in CADENCES:
            raise keys.fail(f"[{i}].cadence", f"expected one of {', '.join(CADENCES)}")
        space = await LearningSpace.create(
            community_id=community_id,
            name=entry.name,
            kind=entry.kind,
            cadence=entry.cadence,
            description=entry.description,
            facilitator_id=keys.id("person", entry.facilitator, f"[{i}].facilitator"),
        )
        people = keys.ids("person", entry.participants, f"[{i}].participants")
        if people:
            await space.participants.add(*await Person.filter(id__in=people))
        await MonthlyFocus.bulk_create(
            [MonthlyFocus(space_id=space.id, month=f.month, focus=f.focus) for f in entry.focus]
        )
        for j, s in enumerate(entry.sessions):
            session = await LearningSession.create(
                space_id=space.id, held_on=s.held_on, notes=s.notes
            )
            keys.add(KIND, session.id, s.key)
            cycles = keys.ids("cycle", s.shared_cycles, f"[{i}].sessions[{j}].shared_cycles")
            if cycles:
                await session.shared_cycles.add(*await Cycle.filter(id__in=cycles))
    return len(entries)


SECTION = FileSection("learning_spaces", export, load)
