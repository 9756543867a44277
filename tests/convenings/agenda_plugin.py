"""A plugin that suggests one agenda item through ``nic_agenda_items`` (for the tests)."""

from __future__ import annotations

from datetime import date

from plugins.api import AgendaItem, hookimpl


@hookimpl
def nic_agenda_items(community_id: int, since: date | None, until: date) -> list[AgendaItem]:
    return [
        AgendaItem(
            title=f"Rubric movement up to {until}",
            kind="rubric_movement",
            detail="Two schools moved from Initial to Partial.",
            minutes=15,
            links=(("Rubric", "/rubrics"), ("Unsafe", "javascript:alert(1)")),
        )
    ]
