"""Minutes: notes per agenda item (see :func:`agenda.update_entry`) and decisions.

A decision records the cycles it rests on and, optionally, the artifact version it
led to. In the knowledge-flow graph (:mod:`graph`) each becomes learning that moves
``cycle -> convening -> decision -> artifact version``. The decision-to-version link
is also recorded as a domain learning link, so the artifact's own page shows it.
"""

from __future__ import annotations

from typing import Any

from plugins.api import (
    ArtifactVersion,
    Cycle,
    InvalidInput,
    LearningLink,
    LinkCreate,
    NotFound,
    ServiceContext,
    community_write,
    cycle_date,
    delete_link,
    record_link,
)
from plugins.convenings.models import AgendaEntry, Decision
from plugins.convenings.records import planned_convening
from plugins.convenings.schemas import DecisionCreate
from plugins.convenings.times import local


async def decisions_of(convening_id: int) -> list[dict[str, Any]]:
    """The convening's decisions in order, each with its cycles and artifact version."""
    rows = list(
        await Decision.filter(convening_id=convening_id)
        .order_by("id")
        .values(
            "id",
            "text",
            "entry_id",
            "artifact_version_id",
            "created_at",
            entry_title="entry__title",
            version_number="artifact_version__number",
            artifact_id="artifact_version__artifact_id",
            artifact_title="artifact_version__artifact__title",
        )
    )
    cycles = await Decision.filter(convening_id=convening_id, cycles__id__not_isnull=True).values(
        "id", cycle_id="cycles__id", title="cycles__title", team="cycles__team__name"
    )
    for row in rows:
        row["cycles"] = [
            {"id": c["cycle_id"], "title": c["title"], "team": c["team"]}
            for c in cycles
            if c["id"] == row["id"]
        ]
        row["cycle_ids"] = [c["id"] for c in row["cycles"]]
    return rows


async def add_decision(
    ctx: ServiceContext, convening_id: int, data: DecisionCreate
) -> dict[str, Any]:
    """Record a decision taken at a (dated) convening, on the cycles it rests on."""
    conv = await planned_convening(ctx, convening_id)
    cid = conv["community_id"]
    if conv["starts_at"] is None:
        raise InvalidInput.field("text", "confirm the convening's date before recording decisions")
    day = local(conv["starts_at"], conv["time_zone"]).date()
    cycle_ids = sorted(set(data.cycle_ids))
    found = {
        r["id"]: r
        for r in await Cycle.filter(id__in=cycle_ids).values(
            "id", "community_id", "actual_start", "planned_start"
        )
    }
    for cycle_id in cycle_ids:
        row = found.get(cycle_id)
        if row is None or row["community_id"] != cid:
            raise InvalidInput.field("cycle_ids", f"no cycle {cycle_id} in this community")
        started = cycle_date(row)
        if started is not None and started > day:
            raise InvalidInput.field(
                "cycle_ids", f"cycle {cycle_id} starts after the convening ({started})"
            )
    if (
        data.entry_id is not None
        and not await AgendaEntry.filter(id=data.entry_id, convening_id=convening_id).exists()
    ):
        raise InvalidInput.field("entry_id", f"no agenda item {data.entry_id} in this convening")
    version_day = None
    if data.artifact_version_id is not None:
        versions = await ArtifactVersion.filter(
            id=data.artifact_version_id, artifact__community_id=cid
        ).values_list("created_on", flat=True)
        if not versions:
            raise InvalidInput.field(
                "artifact_version_id", f"no artifact version {data.artifact_version_id} here"
            )
        version_day = versions[0]
        if version_day < day:
            raise InvalidInput.field(
                "artifact_version_id",
                f"was made ({version_day}) before the convening: learning flows forward in time",
            )
    async with community_write(cid):
        decision = await Decision.create(
            convening_id=convening_id,
            entry_id=data.entry_id,
            text=data.text,
            artifact_version_id=data.artifact_version_id,
        )
        if cycle_ids:
            await decision.cycles.add(*await Cycle.filter(id__in=cycle_ids))
    if data.artifact_version_id is not None:
        await record_link(
            ctx,
            LinkCreate(
                source=f"decision:{decision.id}",
                target=f"artifact_version:{data.artifact_version_id}",
                kind="informed",
                date=version_day,
                note=f"Decided at {conv['title']}",
            ),
        )
    for row in await decisions_of(convening_id):
        if row["id"] == decision.id:
            return row
    raise NotFound(f"no decision {decision.id}")  # pragma: no cover - just made


async def delete_decision(ctx: ServiceContext, convening_id: int, decision_id: int) -> None:
    """Remove a decision recorded by mistake, and its learning link."""
    conv = await planned_convening(ctx, convening_id)
    if not await Decision.filter(id=decision_id, convening_id=convening_id).exists():
        raise NotFound(f"no decision {decision_id} in this convening")
    links = await LearningLink.filter(source=f"decision:{decision_id}").values_list("id", flat=True)
    for link_id in links:
        await delete_link(ctx, int(str(link_id)))
    async with community_write(conv["community_id"]):
        await Decision.filter(id=decision_id).delete()
