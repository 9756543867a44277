"""The fixed vocabularies of the domain. Team kinds can grow through a plugin hook."""

from __future__ import annotations

from typing import Literal, get_args

OrganizationKind = Literal[
    "district", "school", "research_partner", "support_organization", "other"
]
MembershipRole = Literal[
    "coordinator",
    "member",
    "facilitator",
    "researcher",
    "liaison",
    "central_office",
    "at_large",
    "program_developer",
    "other",
]
CommunityRoleName = Literal["facilitator", "member", "researcher", "observer"]
ChangeIdeaStage = Literal["testing", "implementing", "spreading"]
CycleStatus = Literal["planning", "doing", "studying", "acting", "completed", "abandoned"]
ActDecision = Literal["adopt", "adapt", "abandon", "test_again"]
MeasureKind = Literal["outcome", "process", "balancing"]
CollectionFrequency = Literal[
    "daily", "weekly", "fortnightly", "monthly", "termly", "quarterly", "yearly", "other"
]
Direction = Literal["up", "down"]
ChartType = Literal["run", "xmr", "p", "u", "c"]
ArtifactKind = Literal[
    "tool", "protocol", "routine", "template", "report", "innovation_design", "other"
]
Vetting = Literal["draft", "shared", "known_good"]
LinkKind = Literal["informed", "adapted_from", "builds_on", "shared_at"]

CORE_TEAM_KINDS: tuple[tuple[str, str], ...] = (
    ("district_design_team", "District Innovation Design Team"),
    ("school_design_team", "School Innovation Design Team"),
    ("working_group", "Working group"),
    ("other", "Other"),
)

CYCLE_PHASES: tuple[str, ...] = ("planning", "doing", "studying", "acting", "completed")
TERMINAL_STATUSES = frozenset({"completed", "abandoned"})
VETTING_ORDER: tuple[str, ...] = get_args(Vetting)
