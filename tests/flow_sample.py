"""The sample flow graph the export tests write and read back: two teams, three people
(one membership ended), three cycles, a version and a plugin's node, with labels that
hold quotes, commas, line breaks, markup and non-Latin text."""

from __future__ import annotations

from datetime import date
from typing import Any

import networkx as nx

from communities.flow.schema import (
    ARTIFACT_VERSION,
    AUTHORED,
    BUILDS_ON,
    CYCLE,
    INFORMED,
    MEMBER,
    PERSON,
    PRODUCED,
    RAN,
    TEAM,
    attributes,
)

DISTRICT_LABEL = "District design team <A&B>"
SCHOOL_LABEL = 'Lincoln "Lions" school, é 中文'
JOSE = "José Álvarez, Jr."
LI = "李华\nsecond line\r\nthird"
SAM = 'Sam "the" O\'Neil <&>'


def build_graph() -> nx.MultiDiGraph:
    """Two teams, three people (one membership ended), three cycles, a version, a plugin."""
    g = nx.MultiDiGraph(community="math-nic", as_of=date(2024, 6, 30))

    def node(node_id: str, kind: str, label: str, **values: Any) -> None:
        g.add_node(node_id, **attributes(kind=kind, label=label, community=1, **values))

    def edge(u: str, v: str, kind: str, **values: Any) -> None:
        g.add_edge(u, v, key=kind, **attributes(kind=kind, **values))

    node("team:1", TEAM, DISTRICT_LABEL, level="district", team_kind="district_design_team")
    node("team:2", TEAM, SCHOOL_LABEL, level="school", team_kind="school_design_team")
    node("person:1", PERSON, JOSE)
    node("person:2", PERSON, LI)
    node("person:3", PERSON, SAM)
    node(
        "cycle:1",
        CYCLE,
        "Exit tickets, daily",
        team="team:1",
        level="district",
        start=date(2023, 10, 1),
        end=date(2023, 11, 15),
        status="completed",
        change_idea="Exit tickets; then, calls",
    )
    node(
        "cycle:2",
        CYCLE,
        "Warm calls",
        team="team:2",
        level="school",
        start=date(2024, 1, 10),
        end=date(2024, 2, 20),
        status="completed",
    )
    node(
        "cycle:3",
        CYCLE,
        "Peer <review>",
        team="team:2",
        level="school",
        start=date(2024, 3, 1),
        status="running",
    )
    node(
        "artifact_version:40",
        ARTIFACT_VERSION,
        "Exit ticket v2",
        team="team:2",
        level="school",
        start=date(2024, 2, 25),
    )
    node("survey:5", "survey", "Pulse survey", score=0.75, reliable=True, responses=12)

    edge("person:1", "team:1", MEMBER, start=date(2023, 9, 1), role="lead")
    edge("person:1", "team:2", MEMBER, start=date(2023, 9, 1), end=date(2024, 1, 31), role="coach")
    edge("person:2", "team:2", MEMBER, start=date(2023, 10, 1), role="member")
    edge("person:3", "team:1", MEMBER, start=date(2024, 1, 1))
    edge("team:1", "cycle:1", RAN)
    edge("team:2", "cycle:2", RAN)
    edge("team:2", "cycle:3", RAN)
    edge("team:2", "artifact_version:40", PRODUCED, date=date(2024, 2, 25))
    edge("person:1", "cycle:1", AUTHORED)
    edge("cycle:1", "cycle:2", BUILDS_ON, date=date(2024, 1, 10))
    edge("cycle:1", "cycle:2", INFORMED, date=date(2023, 12, 1))
    edge("artifact_version:40", "cycle:3", INFORMED, date=date(2024, 3, 1))
    edge("survey:5", "cycle:3", "survey_informed", flow=True, weight=0.5, date=date(2024, 3, 5))
    return g


def typed(data: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """Attributes with their type names, so 1 == 1.0 == True cannot hide a lost type."""
    return {name: (type(value).__name__, value) for name, value in data.items()}
