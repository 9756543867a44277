"""PDSA cycles: posting, editing with optimistic concurrency, and moving through phases."""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise import timezone

from communities.changes import community_write
from communities.choices import CYCLE_PHASES, TERMINAL_STATUSES
from communities.models import ChangeIdea, Cycle, CycleRevision, Measure, Person, Team
from communities.schemas import CycleAdvance, CycleCreate, CycleUpdate
from communities.services.base import (
    Listing,
    changes_of,
    check_reference,
    check_references,
    get_row,
    list_rows,
    referenced_community_id,
    related_ids_of,
)
from communities.services.links import forget_nodes
from core.context import ServiceContext
from core.errors import Conflict, InvalidInput, NotFound

CYCLE_FIELDS = (
    "id", "community_id", "team_id", "change_idea_id", "builds_on_id", "title", "status",
    "plan_objective", "plan_questions", "plan_predictions", "plan_who", "plan_what",
    "plan_when", "plan_where", "plan_measures", "do_what_happened", "do_observations",
    "study_results", "study_learning", "act_decision", "act_rationale", "act_next_steps",
    "planned_start", "planned_end", "actual_start", "actual_end", "version", "created_at",
    "updated_at",
)  # fmt: skip
CYCLES = Listing(
    Cycle,
    "cycle",
    CYCLE_FIELDS,
    filters={
        "community": "community_id",
        "team": "team_id",
        "status": "status",
        "change_idea": "change_idea_id",
        "builds_on": "builds_on_id",
        "from": "planned_start__gte",
        "to": "planned_start__lte",
    },
)
# What a cycle must hold before it may be in each status.
PHASE_REQUIREMENTS: dict[str, tuple[str, ...]] = {
    "planning": ("plan_objective",),
    "doing": ("plan_objective",),
    "studying": ("plan_objective", "do_what_happened"),
    "acting": ("plan_objective", "do_what_happened", "study_results"),
    "completed": ("plan_objective", "do_what_happened", "study_results", "act_decision"),
}


async def attach_relations(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add ``author_ids`` and ``measure_ids`` to cycle rows: one query for any number."""
    ids = [row["id"] for row in rows]
    authors, measures = await related_ids_of(Cycle, ids, "authors__id", "measures__id")
    for row in rows:
        row["author_ids"] = authors.get(row["id"], [])
        row["measure_ids"] = measures.get(row["id"], [])
    return rows


async def get_cycle(ctx: ServiceContext, cycle_id: int) -> dict[str, Any]:
    return (await attach_relations([await get_row(ctx, CYCLES, cycle_id)]))[0]


async def list_cycles(
    ctx: ServiceContext, filters: dict[str, Any], page: Any
) -> tuple[list[dict[str, Any]], int]:
    rows, total = await list_rows(ctx, CYCLES, filters, page)
    return await attach_relations(rows), total


def cycle_date(row: dict[str, Any]) -> date | None:
    """When a cycle counts as having happened: its actual start, else its planned start."""
    return row.get("actual_start") or row.get("planned_start")


def _check_phases(status: str, values: dict[str, Any]) -> None:
    if status == "abandoned":
        return
    for name in PHASE_REQUIREMENTS[status]:
        if not values.get(name):
            raise InvalidInput.field(name, f"required before a cycle can be {status}")
    if values.get("act_decision") and status not in {"acting", "completed"}:
        raise InvalidInput.field("act_decision", "only once the cycle has reached acting")


def _check_dates(values: dict[str, Any]) -> None:
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        if values.get(start) and values.get(end) and values[end] < values[start]:
            raise InvalidInput.field(end, f"must not be before {start}")


async def _check_links(community_id: int, values: dict[str, Any], cycle_id: int | None) -> None:
    await check_reference(
        ChangeIdea,
        values.get("change_idea_id"),
        community_id,
        "change_idea_id",
        path="driver__aim__community_id",
        what="change idea",
    )
    builds_on = values.get("builds_on_id")
    if builds_on is not None:
        if builds_on == cycle_id:
            raise InvalidInput.field("builds_on_id", "a cycle cannot build on itself")
        rows = await Cycle.filter(id=builds_on).values(
            "community_id", "actual_start", "planned_start", "builds_on_id"
        )
        if not rows or rows[0]["community_id"] != community_id:  # the same words for both
            raise InvalidInput.field("builds_on_id", f"no cycle {builds_on} in this community")
        earlier, this = cycle_date(rows[0]), cycle_date(values)
        if earlier and this and this < earlier:
            raise InvalidInput.field("builds_on_id", "must be a cycle that started earlier")
        # Undated cycles escape the date rule; still, no cycle may (indirectly) build on itself.
        seen, ancestor = {builds_on}, rows[0]["builds_on_id"]
        while ancestor is not None and cycle_id is not None and ancestor not in seen:
            if ancestor == cycle_id:
                raise InvalidInput.field("builds_on_id", "that cycle builds on this one")
            seen.add(ancestor)
            parents = await Cycle.filter(id=ancestor).values_list("builds_on_id", flat=True)
            ancestor = parents[0] if parents else None
    if values.get("author_ids"):
        await check_references(Person, values["author_ids"], community_id, "author_ids", "person")
    if values.get("measure_ids"):
        await check_references(
            Measure, values["measure_ids"], community_id, "measure_ids", "measure"
        )


async def _set_relations(cycle: Cycle, values: dict[str, Any]) -> None:
    if values.get("author_ids") is not None:
        await cycle.authors.clear()
        people = await Person.filter(id__in=values["author_ids"])
        if people:
            await cycle.authors.add(*people)
    if values.get("measure_ids") is not None:
        await cycle.measures.clear()
        measures = await Measure.filter(id__in=values["measure_ids"])
        if measures:
            await cycle.measures.add(*measures)


async def post_cycle(ctx: ServiceContext, data: CycleCreate) -> dict[str, Any]:
    """Post a cycle for a team; the actor must be able to write for that team."""
    community_id = await referenced_community_id(
        ctx, Team, data.team_id, "community_id", "team", "team_id"
    )
    await ctx.authorize("write_team", community_id=community_id, team_id=data.team_id)
    values = data.model_dump()
    _check_phases(data.status, values)
    _check_dates(values)
    await _check_links(community_id, values, None)
    relations = {k: values.pop(k) for k in ("author_ids", "measure_ids")}
    for name, value in list(values.items()):
        if value is None and name.startswith(("plan_", "do_", "study_", "act_r", "act_n")):
            values[name] = ""
    async with community_write(community_id):
        cycle = await Cycle.create(community_id=community_id, **values)
        await _set_relations(cycle, relations)
    row = await get_cycle(ctx, cycle.id)
    await ctx.emit("cycle_posted", cycle=row, community_id=row["community_id"])
    if row["status"] == "completed":
        await ctx.emit("cycle_completed", cycle=row, community_id=row["community_id"])
    return row


async def _stale(ctx: ServiceContext, cycle_id: int, version: int) -> Conflict:
    current = await get_cycle(ctx, cycle_id)
    return Conflict(
        f"cycle {cycle_id} was changed by someone else (you sent version {version}, "
        f"it is at version {current['version']}); nothing was saved",
        {"version": f"stale: current version is {current['version']}"},
        detail={"current": current},
    )


async def update_cycle(ctx: ServiceContext, cycle_id: int, data: CycleUpdate) -> dict[str, Any]:
    """Edit a cycle; ``data.version`` must match the stored one or nothing changes (409)."""
    current = await get_cycle(ctx, cycle_id)
    community_id = current["community_id"]
    await ctx.authorize("write_team", community_id=community_id, team_id=current["team_id"])
    if data.version != current["version"]:
        raise await _stale(ctx, cycle_id, data.version)
    changes = changes_of(data, exclude={"version"}, not_null=("title", "plan_objective"))
    for name, value in list(changes.items()):
        if value is None and name.startswith(("plan_", "do_", "study_", "act_r", "act_n")):
            changes[name] = ""
    merged = {**current, **changes}
    _check_phases(current["status"], merged)
    _check_dates(merged)
    dated = {"actual_start": merged["actual_start"], "planned_start": merged["planned_start"]}
    if changes.keys() & {"actual_start", "planned_start"}:
        dated["builds_on_id"] = merged["builds_on_id"]  # moving a cycle re-checks what it builds on
    await _check_links(community_id, changes | dated, cycle_id)
    relations: dict[str, Any] = {
        k: changes.pop(k) for k in ("author_ids", "measure_ids") if k in changes
    }
    async with community_write(community_id):
        updated = await Cycle.filter(id=cycle_id, version=data.version).update(
            **changes, version=data.version + 1, updated_at=timezone.now()
        )
        if not updated:
            raise await _stale(ctx, cycle_id, data.version)
        cycle = await Cycle.get(id=cycle_id)
        await _set_relations(cycle, relations)
        await _record_revision(ctx, current, {**changes, **relations}, data.version + 1)
    return await get_cycle(ctx, cycle_id)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


async def _record_revision(
    ctx: ServiceContext, before: dict[str, Any], changes: dict[str, Any], version: int
) -> None:
    """Keep the edit history: each changed field's old and new value."""
    diff = {
        name: {"from": _plain(before.get(name)), "to": _plain(value)}
        for name, value in changes.items()
        if before.get(name) != value
    }
    await CycleRevision.create(
        cycle_id=before["id"], version=version, changed_by_id=ctx.actor.user_id, changes=diff
    )


async def cycle_history(ctx: ServiceContext, cycle_id: int) -> list[dict[str, Any]]:
    """The cycle's saved edits, newest first (the caller has read the cycle already).

    Each names who saved it as ``changed_by_name``: their account's name, else the name of
    their person in the community, else "an unnamed user" (an email is never shown)."""
    rows = list(
        await CycleRevision.filter(cycle_id=cycle_id)
        .order_by("-version")
        .values("version", "changed_at", "changed_by_id", "changed_by__name", "changes")
    )
    unnamed = {r["changed_by_id"] for r in rows if r["changed_by_id"] and not r["changed_by__name"]}
    people: dict[int, str] = {}
    if unnamed:
        for person in await Person.filter(
            user_id__in=unnamed, community__cycles__id=cycle_id
        ).values("user_id", "name"):
            people.setdefault(person["user_id"], person["name"])
    for row in rows:
        row["changed_by_name"] = (
            row.pop("changed_by__name") or people.get(row["changed_by_id"]) or "an unnamed user"
        )
    return rows


def next_status(status: str) -> str:
    if status in TERMINAL_STATUSES:
        raise InvalidInput.field("status", f"a {status} cycle does not move on")
    return CYCLE_PHASES[CYCLE_PHASES.index(status) + 1]


async def advance_cycle(ctx: ServiceContext, cycle_id: int, data: CycleAdvance) -> dict[str, Any]:
    """Move a cycle one phase forward (or to abandoned); never backwards."""
    current = await get_cycle(ctx, cycle_id)
    await ctx.authorize(
        "write_team", community_id=current["community_id"], team_id=current["team_id"]
    )
    if data.version != current["version"]:
        raise await _stale(ctx, cycle_id, data.version)
    status = current["status"]
    target = data.to or next_status(status)
    if target == "abandoned":
        if status in TERMINAL_STATUSES:
            raise InvalidInput.field("to", f"a {status} cycle cannot be abandoned")
    elif target != next_status(status):
        raise InvalidInput.field(
            "to", f"a {status} cycle can only move to {next_status(status)} or abandoned"
        )
    _check_phases(target, current)
    changes: dict[str, Any] = {"status": target}
    today = date.today()
    if target == "doing" and current["actual_start"] is None:
        changes["actual_start"] = today
    if target in TERMINAL_STATUSES and current["actual_end"] is None:
        start = current["actual_start"]
        changes["actual_end"] = max(today, start) if start else today
    async with community_write(current["community_id"]):
        updated = await Cycle.filter(id=cycle_id, version=data.version).update(
            **changes, version=data.version + 1, updated_at=timezone.now()
        )
        if not updated:
            raise await _stale(ctx, cycle_id, data.version)
        await _record_revision(ctx, current, changes, data.version + 1)
    row = await get_cycle(ctx, cycle_id)
    if target == "completed":
        await ctx.emit("cycle_completed", cycle=row, community_id=row["community_id"])
    return row


async def delete_cycle(ctx: ServiceContext, cycle_id: int) -> None:
    current = await get_row(ctx, CYCLES, cycle_id)
    await ctx.authorize(
        "write_team", community_id=current["community_id"], team_id=current["team_id"]
    )
    async with community_write(current["community_id"]):
        await forget_nodes([f"cycle:{cycle_id}"])
        if not await Cycle.filter(id=cycle_id).delete():
            raise NotFound(f"no cycle {cycle_id}")
