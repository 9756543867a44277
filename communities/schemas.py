"""Input and output shapes of the domain, shared by the API, the loader and the OpenAPI document.

Pydantic checks types and vocabularies; the services check the rules that need
the database (references, ownership, dates against other records).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

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
from core.bounds import Day, Id, InputModel, Int, Line

Name = Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Title = Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
Short = Annotated[Line, StringConstraints(max_length=100)]
Email = Annotated[Line, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
# Inputs take `Day` (core.bounds: a date in the window); outputs the plain `date`.


class Input(InputModel):
    """Ids, dates and single-line text bounded as core.bounds says."""


class Output(BaseModel):
    model_config = ConfigDict(extra="allow")


# --- communities, organizations, teams, people -------------------------------


class CommunityCreate(Input):
    slug: Slug
    name: Name
    description: Text = ""
    method: Annotated[Line, StringConstraints(min_length=1, max_length=100)] = "PDSA"
    time_zone: Short = "UTC"


class CommunityUpdate(Input):
    name: Name | None = None
    description: Text | None = None
    method: Annotated[Line, StringConstraints(min_length=1, max_length=100)] | None = None
    time_zone: Short | None = None


class CommunityOut(Output):
    id: int
    slug: str
    name: str
    description: str
    method: str
    time_zone: str
    created_at: datetime


class RoleAssign(Input):
    user_email: Annotated[Line, StringConstraints(max_length=254)]
    role: CommunityRoleName


class RoleOut(Output):
    id: int
    community_id: int
    user_id: int
    user__email: str
    role: CommunityRoleName


class PluginSwitch(Input):
    """Switch one plugin on or off in a community."""

    plugin: Annotated[Line, StringConstraints(min_length=1, max_length=100)]
    enabled: bool = Field(strict=True)


class CommunityPluginOut(Output):
    plugin: str
    version: str | None
    description: str
    essential: bool
    enabled: bool


class CommunityPluginList(Output):
    items: list[CommunityPluginOut]


class OrganizationCreate(Input):
    community_id: Id
    name: Name
    kind: OrganizationKind


class OrganizationUpdate(Input):
    name: Name | None = None
    kind: OrganizationKind | None = None


class OrganizationOut(Output):
    id: int
    community_id: int
    name: str
    kind: OrganizationKind


class TeamCreate(Input):
    community_id: Id
    name: Name
    kind: Short
    organization_id: Id | None = None
    parent_id: Id | None = None
    description: Text = ""


class TeamUpdate(Input):
    name: Name | None = None
    kind: Short | None = None
    organization_id: Id | None = None
    parent_id: Id | None = None
    description: Text | None = None


class TeamOut(Output):
    id: int
    community_id: int
    organization_id: int | None
    parent_id: int | None
    name: str
    kind: str
    description: str


class PersonCreate(Input):
    community_id: Id
    name: Name
    email: Email | None = None
    title: Annotated[Line, StringConstraints(max_length=200)] = ""
    organization_id: Id | None = None
    user_id: Id | None = None


class PersonUpdate(Input):
    name: Name | None = None
    email: Email | None = None
    title: Annotated[Line, StringConstraints(max_length=200)] | None = None
    organization_id: Id | None = None
    user_id: Id | None = None
    """Link the person to this account (``null`` unlinks); the account gets the role
    ``member`` in the community unless it holds one."""
    user_email: Email | None = None
    """Link the person to the account with this email (instead of ``user_id``)."""


class InvitationCreate(Input):
    role: CommunityRoleName = "member"
    """The community role the account gets (``member`` unless told)."""
    email: Email | None = None
    """Where to send it; needed only when the person has no email (it becomes theirs)."""


class AccountStateOut(Output):
    person_id: int
    state: Literal["none", "invited", "active", "inactive"]
    person_email: str | None
    user_email: str | None
    invitation_email: str | None
    invitation_role: CommunityRoleName | None
    invitation_expires_at: datetime | None
    invitation_expired: bool
    linked_existing: bool = False
    """After an invitation: the email had an account already, which is now linked."""


class PersonOut(Output):
    id: int
    community_id: int
    organization_id: int | None
    user_id: int | None
    name: str
    email: str | None
    title: str


class MembershipCreate(Input):
    person_id: Id
    team_id: Id
    role: MembershipRole
    start_date: Day
    end_date: Day | None = None


class MembershipUpdate(Input):
    role: MembershipRole | None = None
    start_date: Day | None = None
    end_date: Day | None = None


class MembershipEnd(Input):
    end_date: Day


class MembershipOut(Output):
    id: int
    person_id: int
    team_id: int
    role: MembershipRole
    start_date: date
    end_date: date | None


# --- aims, drivers, change ideas, innovations --------------------------------


class AimCreate(Input):
    community_id: Id
    title: Title
    statement: Text = ""
    team_id: Id | None = None
    target_date: Day | None = None


class AimUpdate(Input):
    title: Title | None = None
    statement: Text | None = None
    team_id: Id | None = None
    target_date: Day | None = None


class AimOut(Output):
    id: int
    community_id: int
    team_id: int | None
    title: str
    statement: str
    target_date: date | None


class DriverCreate(Input):
    aim_id: Id
    title: Title
    description: Text = ""
    parent_id: Id | None = Field(None, description="a primary driver; makes this one secondary")


class DriverUpdate(Input):
    title: Title | None = None
    description: Text | None = None


class DriverOut(Output):
    id: int
    aim_id: int
    parent_id: int | None
    title: str
    description: str


class ChangeIdeaCreate(Input):
    driver_id: Id
    title: Title
    description: Text = ""
    stage: ChangeIdeaStage = "testing"
    team_id: Id | None = None


class ChangeIdeaUpdate(Input):
    title: Title | None = None
    description: Text | None = None
    stage: ChangeIdeaStage | None = None
    team_id: Id | None = None


class ChangeIdeaOut(Output):
    id: int
    driver_id: int
    team_id: int | None
    title: str
    description: str
    stage: ChangeIdeaStage


class InnovationCreate(Input):
    community_id: Id
    name: Name
    description: Text = ""


class InnovationUpdate(Input):
    name: Name | None = None
    description: Text | None = None


class InnovationOut(Output):
    id: int
    community_id: int
    name: str
    description: str


class InnovationVersionCreate(Input):
    summary: Text = ""
    released_on: Day


class InnovationVersionOut(Output):
    id: int
    innovation_id: int
    number: int
    summary: str
    released_on: date


# --- cycles --------------------------------------------------------------------


class CycleFields(Input):
    """The editable content of a cycle: the four phases and the dates."""

    title: Title | None = None
    change_idea_id: Id | None = None
    builds_on_id: Id | None = None
    plan_objective: Text | None = None
    plan_questions: Text | None = None
    plan_predictions: Text | None = None
    plan_who: Text | None = None
    plan_what: Text | None = None
    plan_when: Text | None = None
    plan_where: Text | None = None
    plan_measures: Text | None = None
    do_what_happened: Text | None = None
    do_observations: Text | None = None
    study_results: Text | None = None
    study_learning: Text | None = None
    act_decision: ActDecision | None = None
    act_rationale: Text | None = None
    act_next_steps: Text | None = None
    planned_start: Day | None = None
    planned_end: Day | None = None
    actual_start: Day | None = None
    actual_end: Day | None = None
    author_ids: list[Id] | None = None
    measure_ids: list[Id] | None = None


class CycleCreate(CycleFields):
    team_id: Id
    title: Title
    plan_objective: Text
    status: CycleStatus = "planning"


class CycleUpdate(CycleFields):
    version: Int = Field(strict=True, description="the version you read; a stale one answers 409")


class CycleAdvance(Input):
    version: Int = Field(strict=True)
    to: CycleStatus | None = Field(None, description="next phase (default) or `abandoned`")


class CycleOut(Output):
    id: int
    community_id: int
    team_id: int
    change_idea_id: int | None
    builds_on_id: int | None
    title: str
    status: CycleStatus
    plan_objective: str
    plan_questions: str
    plan_predictions: str
    plan_who: str
    plan_what: str
    plan_when: str
    plan_where: str
    plan_measures: str
    do_what_happened: str
    do_observations: str
    study_results: str
    study_learning: str
    act_decision: ActDecision | None
    act_rationale: str
    act_next_steps: str
    planned_start: date | None
    planned_end: date | None
    actual_start: date | None
    actual_end: date | None
    version: int
    created_at: datetime
    updated_at: datetime
    author_ids: list[int]
    measure_ids: list[int]


# --- measures and data ----------------------------------------------------------


Source = Annotated[Line, StringConstraints(max_length=200)]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Count = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0)]


class MeasureCreate(Input):
    community_id: Id
    name: Name
    kind: MeasureKind
    unit: Annotated[Line, StringConstraints(max_length=50)] = ""
    team_id: Id | None = None
    description: Text = ""
    operational_definition: Text = ""
    data_source: Source = ""
    collection_frequency: CollectionFrequency | None = None
    goal: Number | None = None
    goal_date: Day | None = None
    direction: Direction | None = None
    chart_type: ChartType = "run"


class MeasureUpdate(Input):
    name: Name | None = None
    kind: MeasureKind | None = None
    unit: Annotated[Line, StringConstraints(max_length=50)] | None = None
    team_id: Id | None = None
    description: Text | None = None
    operational_definition: Text | None = None
    data_source: Source | None = None
    collection_frequency: CollectionFrequency | None = None
    goal: Number | None = None
    goal_date: Day | None = None
    direction: Direction | None = None
    chart_type: ChartType | None = None


class MeasureOut(Output):
    id: int
    community_id: int
    team_id: int | None
    name: str
    kind: MeasureKind
    unit: str
    description: str
    operational_definition: str
    data_source: str
    collection_frequency: CollectionFrequency | None
    goal: float | None
    goal_date: date | None
    direction: Direction | None
    chart_type: ChartType


class DataPointCreate(Input):
    """A value, or a numerator and denominator whose ratio is the value when none is sent."""

    measure_id: Id
    date: Day
    value: Number | None = None
    numerator: Count | None = None
    denominator: Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0)] | None = None
    note: Text = ""
    cycle_id: Id | None = None


class DataPointOut(Output):
    id: int
    measure_id: int
    cycle_id: int | None
    date: Day
    value: float
    numerator: float | None
    denominator: float | None
    note: str


# --- artifacts --------------------------------------------------------------------


class ArtifactCreate(Input):
    community_id: Id
    title: Title
    kind: ArtifactKind
    team_id: Id | None = None
    description: Text = ""
    vetting: Vetting = "draft"
    derived_from_id: Id | None = None


class ArtifactUpdate(Input):
    title: Title | None = None
    kind: ArtifactKind | None = None
    description: Text | None = None
    vetting: Vetting | None = None


class ArtifactShare(Input):
    team_ids: list[Id] = Field(min_length=1)


class ArtifactOut(Output):
    id: int
    community_id: int
    team_id: int | None
    derived_from_id: int | None
    title: str
    kind: ArtifactKind
    description: str
    vetting: Vetting
    created_at: datetime
    shared_with_ids: list[int]


class ArtifactVersionCreate(Input):
    summary: Text = ""
    content: Text = ""
    url: Annotated[str, StringConstraints(max_length=500, pattern=r"^(https?://\S+)?$")] = ""
    created_on: Day
    author_id: Id | None = None


class ArtifactVersionOut(Output):
    id: int
    artifact_id: int
    number: int
    summary: str
    content: str
    url: str
    created_on: date
    author_id: int | None


# --- learning links -----------------------------------------------------------------


class LinkCreate(Input):
    source: str = Field(description="kind:id, e.g. cycle:12")
    target: str = Field(description="kind:id, e.g. artifact_version:3")
    kind: LinkKind = "informed"
    date: Day | None = Field(None, description="defaults to the later node's date or today")
    note: Text = ""


class LinkOut(Output):
    id: int
    community_id: int
    source: str
    target: str
    kind: LinkKind
    date: Day
    note: str
    recorded_by_id: int | None
    created_at: datetime
