"""A test plugin that records every domain event it receives."""

from __future__ import annotations

from typing import Any

from core.hookspecs import hookimpl


class EventRecorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    @hookimpl
    def nic_cycle_posted(self, cycle: dict[str, Any]) -> None:
        self.events.append(("cycle_posted", cycle))

    @hookimpl
    def nic_cycle_completed(self, cycle: dict[str, Any]) -> None:
        self.events.append(("cycle_completed", cycle))

    @hookimpl
    async def nic_artifact_shared(self, artifact: dict[str, Any], team_ids: list[int]) -> None:
        self.events.append(("artifact_shared", {"artifact": artifact, "team_ids": team_ids}))

    @hookimpl
    def nic_link_recorded(self, link: dict[str, Any]) -> None:
        self.events.append(("link_recorded", link))

    @hookimpl
    def nic_membership_changed(self, membership: dict[str, Any], change: str) -> None:
        self.events.append(("membership_changed", {**membership, "change": change}))

    @hookimpl
    def nic_team_kinds(self) -> list[tuple[str, str]]:
        return [("improvement_hub", "Improvement hub")]
