"""The shape of a community file, checked entry by entry before anything is written."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from communities.choices import (
    ActDecision,
    ArtifactKind,
    ChangeIdeaStage,
    ChartType,
    CollectionFrequency,
    CommunityRoleName,
    CycleStatus,
    Direction,
    LinkKind,
    MeasureKind,
    MembershipRole,
    OrganizationKind,
    Vetting,
)
from communities.schemas import CommunityCreate

Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Day = date


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrganizationEntry(Entry):
    name: str
    kind: OrganizationKind


class TeamEntry(Entry):
    name: str
    kind: str
    organization: str | None = None
    parent: str | None = None
    description: str = ""


class MembershipEntry(Entry):
    team: str
    role: MembershipRole
    start: date
    end: date | None = None


class PersonEntry(Entry):
    key: Key
    name: str
    email: str | None = None
    title: str = ""
    organization: str | None = None
    memberships: list[MembershipEntry] = Field(default_factory=list)


class InnovationVersionEntry(Entry):
    number: int
    released_on: date
    summary: str = ""


class InnovationEntry(Entry):
    name: str
    description: str = ""
    versions: list[InnovationVersionEntry] = Field(default_factory=list)


class ChangeIdeaEntry(Entry):
    key: Key
    title: str
    description: str = ""
    stage: ChangeIdeaStage = "testing"
    team: str | None = None


class SecondaryDriverEntry(Entry):
    title: str
    description: str = ""
    change_ideas: list[ChangeIdeaEntry] = Field(default_factory=list)


class DriverEntry(SecondaryDriverEntry):
    secondary: list[SecondaryDriverEntry] = Field(default_factory=list)


class AimEntry(Entry):
    title: str
    statement: str = ""
    team: str | None = None
    target_date: date | None = None
    drivers: list[DriverEntry] = Field(default_factory=list)


class DataPointEntry(Entry):
    date: Day
    value: float = Field(allow_inf_nan=False)
    numerator: float | None = Field(default=None, allow_inf_nan=False)
    denominator: float | None = Field(default=None, allow_inf_nan=False)
    note: str = ""
    cycle: str | None = None


class PhaseEntry(Entry):
    start: Day
    label: str
    frozen: bool = False


class NoteEntry(Entry):
    date: Day
    text: str
    author: str | None = None


class MeasureEntry(Entry):
    key: Key
    name: str
    kind: MeasureKind
    unit: str = ""
    team: str | None = None
    description: str = ""
    operational_definition: str = ""
    data_source: str = ""
    collection_frequency: CollectionFrequency | None = None
    goal: float | None = Field(default=None, allow_inf_nan=False)
    goal_date: Day | None = None
    direction: Direction | None = None
    chart_type: ChartType = "run"
    phases: list[PhaseEntry] = Field(default_factory=list)
    notes: list[NoteEntry] = Field(default_factory=list)
    data: list[DataPointEntry] = Field(default_factory=list)


class PlanEntry(Entry):
    objective: str
    questions: str = ""
    predictions: str = ""
    who: str = ""
    what: str = ""
    when: str = ""
    where: str = ""
    measures: str = ""


class DoEntry(Entry):
    what_happened: str = ""
    observations: str = ""


class StudyEntry(Entry):
    results: str = ""
    learning: str = ""


class ActEntry(Entry):
    decision: ActDecision | None = None
    rationale: str = ""
    next_steps: str = ""


class CycleEntry(Entry):
    key: Key
    title: str
    team: str
    change_idea: str | None = None
    builds_on: str | None = None
    status: CycleStatus = "planning"
    plan: PlanEntry
    do: DoEntry = Field(default_factory=DoEntry)
    study: StudyEntry = Field(default_factory=StudyEntry)
    act: ActEntry = Field(default_factory=ActEntry)
    planned_start: date | None = None
    planned_end: date | None = None
    actual_start: date | None = None
    actual_end: date | None = None
    authors: list[str] = Field(default_factory=list)
    measures: list[str] = Field(default_factory=list)


class ArtifactVersionEntry(Entry):
    number: int
    created_on: date
    summary: str = ""
    content: str = ""
    url: str = ""
    author: str | None = None


class ArtifactEntry(Entry):
    key: Key
    title: str
    kind: ArtifactKind
    team: str | None = None
    description: str = ""
    vetting: Vetting = "draft"
    derived_from: str | None = None
    shared_with: list[str] = Field(default_factory=list)
    versions: list[ArtifactVersionEntry] = Field(default_factory=list)


class LinkEntry(Entry):
    source: str
    target: str
    kind: LinkKind = "informed"
    date: Day | None = None
    note: str = ""


class RoleEntry(Entry):
    email: str = Field(min_length=3, max_length=254)
    role: CommunityRoleName


class CommunityDocument(Entry):
    format: str
    digest: str | None = None
    community: CommunityCreate
    organizations: list[OrganizationEntry] = Field(default_factory=list)
    teams: list[TeamEntry] = Field(default_factory=list)
    people: list[PersonEntry] = Field(default_factory=list)
    innovations: list[InnovationEntry] = Field(default_factory=list)
    aims: list[AimEntry] = Field(default_factory=list)
    measures: list[MeasureEntry] = Field(default_factory=list)
    cycles: list[CycleEntry] = Field(default_factory=list)
    artifacts: list[ArtifactEntry] = Field(default_factory=list)
    links: list[LinkEntry] = Field(default_factory=list)
    plugin_switches: dict[str, bool] = Field(default_factory=dict)
    roles: list[RoleEntry] = Field(default_factory=list)
    plugins: dict[str, Any] = Field(default_factory=dict)
