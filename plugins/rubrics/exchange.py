"""The plugin's section of the community file (``plugins.rubrics``): each rubric with its
versions, yearly targets and assessments with their consensus levels.

Teams and organizations are named as the file names them. What one rater scored on
their own sheet (tied to a signed-in account) is not written: the consensus is the
assessment's result.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field, field_validator

from plugins.api import FileKeys, FileSection, SectionEntry, ServiceContext, day
from plugins.rubrics.definitions import check
from plugins.rubrics.models import KINDS, Assessment, Consensus, Rubric, RubricVersion, Target
from plugins.rubrics.schemas import quarter_index


class VersionEntry(SectionEntry):
    number: int = Field(ge=1)
    note: str = Field(default="", max_length=300)
    definition: dict[str, Any]


class Subject(SectionEntry):
    team: str | None = None
    organization: str | None = None


class TargetEntry(Subject):
    year: int = Field(ge=1900, le=2200)
    indicator: str = Field(min_length=1, max_length=64)
    level: int = Field(ge=0)


class ConsensusEntry(SectionEntry):
    indicator: str = Field(min_length=1, max_length=64)
    level: int = Field(ge=0)
    note: str = ""


class AssessmentEntry(Subject):
    version: int = Field(ge=1)
    period: str
    kind: str
    held_on: date
    note: str = ""
    consensus: list[ConsensusEntry] = Field(default_factory=list)

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        quarter_index(value)
        return value


class RubricEntry(SectionEntry):
    name: str = Field(min_length=1, max_length=200)
    versions: list[VersionEntry] = Field(min_length=1)
    targets: list[TargetEntry] = Field(default_factory=list)
    assessments: list[AssessmentEntry] = Field(default_factory=list)


def _ordered(value: Any) -> Any:
    """A definition with its keys in one order (PostgreSQL's JSON columns reorder them)."""
    if isinstance(value, dict):
        return {k: _ordered(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    return value


def _subject(keys: FileKeys, row: dict[str, Any]) -> dict[str, Any]:
    if row["team_id"] is not None:
        return {"team": keys.key("team", row["team_id"])}
    return {"organization": keys.key("organization", row["organization_id"])}


async def export(ctx: ServiceContext, community_id: int, keys: FileKeys) -> list[dict[str, Any]]:
    rubrics = await Rubric.filter(community_id=community_id).order_by("id").values("id", "name")
    ids = [r["id"] for r in rubrics]
    versions = (
        await RubricVersion.filter(rubric_id__in=ids)
        .order_by("number")
        .values("id", "rubric_id", "number", "note", "definition")
    )
    number_of = {v["id"]: (v["rubric_id"], v["number"]) for v in versions}
    targets = (
        await Target.filter(rubric_id__in=ids)
        .order_by("id")
        .values("rubric_id", "team_id", "organization_id", "year", "indicator", "level")
    )
    assessments = (
        await Assessment.filter(community_id=community_id)
        .order_by("id")
        .values(
            "id", "team_id", "organization_id", "version_id", "period", "kind", "held_on", "note"
        )
    )
    consensus = (
        await Consensus.filter(assessment__community_id=community_id)
        .order_by("id")
        .values("assessment_id", "indicator", "level", "note")
    )
    return [
        {
            "name": r["name"],
            "versions": [
                {"number": v["number"], "note": v["note"], "definition": _ordered(v["definition"])}
                for v in versions
                if v["rubric_id"] == r["id"]
            ],
            "targets": [
                {
                    **_subject(keys, t),
                    "year": t["year"],
                    "indicator": t["indicator"],
                    "level": t["level"],
                }
                for t in targets
                if t["rubric_id"] == r["id"]
            ],
            "assessments": [
                {
                    **_subject(keys, a),
                    "version": number_of[a["version_id"]][1],
                    "period": a["period"],
                    "kind": a["kind"],
                    "held_on": day(a["held_on"]),
                    "note": a["note"],
                    "consensus": [
                        {"indicator": c["indicator"], "level": c["level"], "note": c["note"]}
                        for c in consensus
                        if c["assessment_id"] == a["id"]
                    ],
                }
                for a in assessments
                if number_of[a["version_id"]][0] == r["id"]
            ],
        }
        for r in rubrics
    ]


def _subject_ids(keys: FileKeys, entry: Subject, where: str) -> dict[str, Any]:
    if (entry.team is None) == (entry.organization is None):
        raise keys.fail(where, "name either a team or an organization")
    return {
        "team_id": keys.id("team", entry.team, f"{where}.team"),
        "organization_id": keys.id("organization", entry.organization, f"{where}.organization"),
    }


async def load(ctx: ServiceContext, community_id: int, data: Any, keys: FileKeys) -> int:
    entries = [keys.parse(RubricEntry, item, f"[{i}]") for i, item in enumerate(data or [])]
    for i, entry in enumerate(entries):
        rubric = await Rubric.create(community_id=community_id, name=entry.name)
        version_ids: dict[int, int] = {}
        for j, v in enumerate(sorted(entry.versions, key=lambda v: v.number)):
            if v.number != j + 1:
                raise keys.fail(f"[{i}].versions[{j}].number", f"expected {j + 1}")
            try:
                definition = check(v.definition)
            except Exception as exc:
                raise keys.fail(f"[{i}].versions[{j}].definition", str(exc)) from None
            row = await RubricVersion.create(
                rubric_id=rubric.id, number=v.number, note=v.note, definition=definition
            )
            version_ids[v.number] = row.id
        await Target.bulk_create(
            [
                Target(
                    rubric_id=rubric.id,
                    year=t.year,
                    indicator=t.indicator,
                    level=t.level,
                    **_subject_ids(keys, t, f"[{i}].targets[{k}]"),
                )
                for k, t in enumerate(entry.targets)
            ]
        )
        for k, a in enumerate(entry.assessments):
            where = f"[{i}].assessments[{k}]"
            if a.kind not in KINDS:
                raise keys.fail(f"{where}.kind", f"expected one of {', '.join(KINDS)}")
            if a.version not in version_ids:
                raise keys.fail(f"{where}.version", f"no version {a.version} of this rubric")
            assessment = await Assessment.create(
                community_id=community_id,
                version_id=version_ids[a.version],
                period=a.period,
                kind=a.kind,
                held_on=a.held_on,
                note=a.note,
                **_subject_ids(keys, a, where),
            )
            await Consensus.bulk_create(
                [
                    Consensus(
                        assessment_id=assessment.id,
                        indicator=c.indicator,
                        level=c.level,
                        note=c.note,
                    )
                    for c in a.consensus
                ]
            )
    return len(entries)


SECTION = FileSection("rubrics", export, load)
