"""Helpers of the rubrics tests (the ``world`` they take is the fixture in conftest)."""

from __future__ import annotations

from typing import Any

from plugins.rubrics import services
from plugins.rubrics.schemas import AssessmentCreate


async def open_assessment(
    world: dict[str, Any], team: str = "north", period: str = "2025-Q1", kind: str = "self_review"
) -> dict[str, Any]:
    return await services.create_assessment(
        world["users"]["fay"].ctx,
        AssessmentCreate(
            team_id=world["teams"][team],
            rubric_id=world["rubric_id"],
            period=period,
            kind=kind,
            held_on=f"{period[:4]}-0{int(period[-1]) * 3 - 1}-15",
        ),
    )
