"""The plugin's section of the community file (``plugins.convenings``): each series with
its convenings, their teams, proposed dates and answers, invitees, agenda (with its
minutes) and decisions.

People, teams, cycles and artifact versions are named by the file's keys; each
convening and decision gets a key of its own (``convening-<n>``, ``decision-<n>``) so
learning links in the file may name them. A calendar feed's secret token is not
written (a facilitator makes a new one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import Field

from plugins.api import Cycle, FileKeys, FileSection, SectionEntry, ServiceContext, Team, moment
from plugins.convenings.graph import CONVENING, DECISION
from plugins.convenings.models import (
    ANSWERS,
    CADENCES,
    RSVPS,
    STATUSES,
    AgendaEntry,
    Availability,
    Convening,
    ConveningSeries,
    DateOption,
    Decision,
    Invitee,
)

_CYCLE_PAGE = re.compile(r"^/cycles/([1-9][0-9]{0,9})$")


def _ref_out(ref: str, keys: FileKeys) -> str:
    return keys.node_key(ref)


def _ref_in(ref: str, keys: FileKeys, where: str) -> str:
    kind = ref.partition(":")[0]
    return keys.node(ref, where) if keys.knows(kind) else ref


def _url_out(url: str, keys: FileKeys) -> str:
    match = _CYCLE_PAGE.match(url)
    return keys.node_key(f"cycle:{match.group(1)}") if match else url


def _url_in(url: str, keys: FileKeys, where: str) -> str:
    if url.startswith("cycle:"):
        return f"/cycles/{keys.node(url, where).partition(':')[2]}"
    return url


class OptionEntry(SectionEntry):
    starts_at: datetime
    answers: dict[str, str] = Field(default_factory=dict)


class InviteeEntry(SectionEntry):
    person: str
    reason: str = Field(default="added", max_length=32)
    removed: bool = False
    rsvp: str | None = None
    attended: bool | None = None
    invited_at: datetime | None = None


class AgendaItemEntry(SectionEntry):
    position: int = 0
    title: str = Field(min_length=1, max_length=300)
    kind: str = Field(default="other", max_length=48)
    source: str = Field(default="", max_length=100)
    detail: str = ""
    refs: list[str] = Field(default_factory=list)
    links: list[list[str]] = Field(default_factory=list)
    minutes: int | None = None
    presenter: str | None = None
    notes: str = ""


class DecisionEntry(SectionEntry):
    key: str = Field(min_length=1)
    text: str = Field(min_length=1)
    agenda_item: int | None = None
    artifact_version: str | None = None
    cycles: list[str] = Field(default_factory=list)
    created_at: datetime


class ConveningEntry(SectionEntry):
    key: str = Field(min_length=1)
    title: str = Field(min_length=1, max_length=200)
    status: str = "planning"
    place: str = ""
    video_url: str = ""
    time_zone: str = "UTC"
    starts_at: datetime | None = None
    duration_minutes: int = Field(default=180, ge=1)
    sequence: int = 0
    teams: list[str] = Field(default_factory=list)
    options: list[OptionEntry] = Field(default_factory=list)
    invitees: list[InviteeEntry] = Field(default_factory=list)
    agenda: list[AgendaItemEntry] = Field(default_factory=list)
    decisions: list[DecisionEntry] = Field(default_factory=list)


class SeriesEntry(SectionEntry):
    name: str = Field(min_length=1, max_length=200)
    cadence: str = "quarterly"
    convenings: list[ConveningEntry] = Field(default_factory=list)


def _of(rows: list[dict[str, Any]], field: str, value: int) -> list[dict[str, Any]]:
    return [r for r in rows if r[field] == value]


@dataclass
class _Rows:
    """A community's convening rows, read in a fixed number of queries."""

    teams: list[tuple[int, int]]
    options: list[dict[str, Any]]
    answers: list[dict[str, Any]]
    invitees: list[dict[str, Any]]
    agenda: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    decision_cycles: list[tuple[int, int]]


async def export(ctx: ServiceContext, community_id: int, keys: FileKeys) -> list[dict[str, Any]]:
    series = await ConveningSeries.filter(community_id=community_id).order_by("id").values()
    convenings = await Convening.filter(community_id=community_id).order_by("id").values()
    ids = [c["id"] for c in convenings]
    rows = _Rows(
        teams=list(await Convening.filter(id__in=ids).values_list("id", "teams__id")),
        options=await DateOption.filter(convening_id__in=ids).order_by("starts_at", "id").values(),
        answers=await Availability.filter(option__convening_id__in=ids)
        .order_by("id")
        .values("option_id", "person_id", "answer"),
        invitees=await Invitee.filter(convening_id__in=ids).order_by("id").values(),
        agenda=await AgendaEntry.filter(convening_id__in=ids).order_by("position", "id").values(),
        decisions=await Decision.filter(convening_id__in=ids).order_by("id").values(),
        decision_cycles=list(
            await Decision.filter(convening_id__in=ids).values_list("id", "cycles__id")
        ),
    )
    for n, c in enumerate(convenings, 1):
        keys.add(CONVENING, c["id"], f"convening-{n}")
    for n, d in enumerate(rows.decisions, 1):
        keys.add(DECISION, d["id"], f"decision-{n}")
    return [
        {
            "name": s["name"],
            "cadence": s["cadence"],
            "convenings": [
                _convening_doc(c, rows, keys) for c in _of(convenings, "series_id", s["id"])
            ],
        }
        for s in series
    ]


def _convening_doc(c: dict[str, Any], rows: _Rows, keys: FileKeys) -> dict[str, Any]:
    items = _of(rows.agenda, "convening_id", c["id"])
    position = {item["id"]: i for i, item in enumerate(items)}
    return {
        "key": keys.key(CONVENING, c["id"]),
        "title": c["title"],
        "status": c["status"],
        "place": c["place"],
        "video_url": c["video_url"],
        "time_zone": c["time_zone"],
        "starts_at": moment(c["starts_at"]),
        "duration_minutes": c["duration_minutes"],
        "sequence": c["sequence"],
        "teams": sorted(str(keys.key("team", t)) for i, t in rows.teams if i == c["id"] and t),
        "options": [
            {
                "starts_at": moment(o["starts_at"]),
                "answers": {
                    str(keys.key("person", a["person_id"])): a["answer"]
                    for a in _of(rows.answers, "option_id", o["id"])
                },
            }
            for o in _of(rows.options, "convening_id", c["id"])
        ],
        "invitees": [
            {
                "person": keys.key("person", i["person_id"]),
                "reason": i["reason"],
                "removed": i["removed"],
                "rsvp": i["rsvp"],
                "attended": i["attended"],
                "invited_at": moment(i["invited_at"]),
            }
            for i in _of(rows.invitees, "convening_id", c["id"])
        ],
        "agenda": [_agenda_doc(item, keys) for item in items],
        "decisions": [
            {
                "key": keys.key(DECISION, d["id"]),
                "text": d["text"],
                "agenda_item": position.get(d["entry_id"]),
                "artifact_version": keys.key("artifact_version", d["artifact_version_id"]),
                "cycles": sorted(
                    str(keys.key("cycle", x)) for i, x in rows.decision_cycles if i == d["id"] and x
                ),
                "created_at": moment(d["created_at"]),
            }
            for d in _of(rows.decisions, "convening_id", c["id"])
        ],
    }


def _agenda_doc(item: dict[str, Any], keys: FileKeys) -> dict[str, Any]:
    return {
        "position": item["position"],
        "title": item["title"],
        "kind": item["kind"],
        "source": item["source"],
        "detail": item["detail"],
        "refs": [_ref_out(r, keys) for r in item["refs"]],
        "links": [[title, _url_out(url, keys)] for title, url in item["links"]],
        "minutes": item["minutes"],
        "presenter": keys.key("person", item["presenter_id"]),
        "notes": item["notes"],
    }


def _choice(keys: FileKeys, value: str | None, choices: dict[str, str], where: str) -> None:
    if value is not None and value not in choices:
        raise keys.fail(where, f"expected one of {', '.join(choices)}")


async def load(ctx: ServiceContext, community_id: int, data: Any, keys: FileKeys) -> int:
    entries = [keys.parse(SeriesEntry, item, f"[{i}]") for i, item in enumerate(data or [])]
    for i, s in enumerate(entries):
        _choice(keys, s.cadence, CADENCES, f"[{i}].cadence")
        series = await ConveningSeries.create(
            community_id=community_id, name=s.name, cadence=s.cadence
        )
        for j, c in enumerate(s.convenings):
            await _convening(community_id, series.id, c, keys, f"[{i}].convenings[{j}]")
    return len(entries)


async def _convening(
    community_id: int, series_id: int, c: ConveningEntry, keys: FileKeys, where: str
) -> None:
    _choice(keys, c.status, STATUSES, f"{where}.status")
    convening = await Convening.create(
        series_id=series_id,
        community_id=community_id,
        title=c.title,
        status=c.status,
        place=c.place,
        video_url=c.video_url,
        time_zone=c.time_zone,
        starts_at=c.starts_at,
        duration_minutes=c.duration_minutes,
        sequence=c.sequence,
    )
    keys.add(CONVENING, convening.id, c.key)
    team_ids = keys.ids("team", c.teams, f"{where}.teams")
    if team_ids:
        await convening.teams.add(*await Team.filter(id__in=team_ids))
    for k, o in enumerate(c.options):
        option = await DateOption.create(convening_id=convening.id, starts_at=o.starts_at)
        rows = []
        for person, answer in o.answers.items():
            _choice(keys, answer, ANSWERS, f"{where}.options[{k}].answers.{person}")
            person_id = keys.id("person", person, f"{where}.options[{k}].answers")
            rows.append(Availability(option_id=option.id, person_id=person_id, answer=answer))
        await Availability.bulk_create(rows)
    invitees = []
    for k, inv in enumerate(c.invitees):
        _choice(keys, inv.rsvp, RSVPS, f"{where}.invitees[{k}].rsvp")
        invitees.append(
            Invitee(
                convening_id=convening.id,
                person_id=keys.id("person", inv.person, f"{where}.invitees[{k}].person"),
                reason=inv.reason,
                removed=inv.removed,
                rsvp=inv.rsvp,
                attended=inv.attended,
                invited_at=inv.invited_at,
            )
        )
    await Invitee.bulk_create(invitees)
    entry_ids = []
    for k, item in enumerate(c.agenda):
        at = f"{where}.agenda[{k}]"
        row = await AgendaEntry.create(
            convening_id=convening.id,
            position=item.position,
            title=item.title,
            kind=item.kind,
            source=item.source,
            detail=item.detail,
            refs=[_ref_in(r, keys, f"{at}.refs") for r in item.refs],
            links=[[link[0], _url_in(link[-1], keys, f"{at}.links")] for link in item.links],
            minutes=item.minutes,
            presenter_id=keys.id("person", item.presenter, f"{at}.presenter"),
            notes=item.notes,
        )
        entry_ids.append(row.id)
    for k, d in enumerate(c.decisions):
        at = f"{where}.decisions[{k}]"
        if d.agenda_item is not None and not 0 <= d.agenda_item < len(entry_ids):
            raise keys.fail(f"{at}.agenda_item", "no such item in this convening's agenda")
        decision = await Decision.create(
            convening_id=convening.id,
            entry_id=entry_ids[d.agenda_item] if d.agenda_item is not None else None,
            text=d.text,
            artifact_version_id=keys.id(
                "artifact_version", d.artifact_version, f"{at}.artifact_version"
            ),
            created_at=d.created_at,
        )
        keys.add(DECISION, decision.id, d.key)
        cycle_ids = keys.ids("cycle", d.cycles, f"{at}.cycles")
        if cycle_ids:
            await decision.cycles.add(*await Cycle.filter(id__in=cycle_ids))


SECTION = FileSection("convenings", export, load)
