"""Rubrics, assessments, scores, consensus and targets: every rule lives here; pages, the
JSON API and the CLI call these.

Permissions (the domain's ``nic_permission`` gives them by community role):

- reading anything needs ``read`` (facilitators, members, researchers, observers);
- defining rubrics (import, new versions) needs ``manage`` (facilitators);
- opening an assessment of a team, scoring it, recording consensus and setting the
  team's yearly targets need ``write_team`` for that team (facilitators, and members
  who belong to the assessed team today). Of an organization (a school): facilitators,
  and members who belong today to one of the organization's teams. Researchers and
  observers only read.

Writes run inside ``community_write`` so the community's change counter moves (the
graph carries rubric levels on team nodes).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from plugins.api import (
    Artifact,
    Community,
    Conflict,
    Cycle,
    InvalidInput,
    NotFound,
    Page,
    Person,
    ServiceContext,
    community_write,
    notify,
)
from plugins.rubrics import definitions
from plugins.rubrics.models import (
    KINDS,
    Assessment,
    Consensus,
    RaterSheet,
    Rubric,
    RubricVersion,
    Score,
    Target,
)
from plugins.rubrics.schemas import (
    AssessmentCreate,
    ConsensusSet,
    ScoresIn,
    TargetsSet,
    valid_id,
)
from plugins.rubrics.stats import agreement, lower_median
from plugins.rubrics.subjects import (
    active_members,
    authorize_rater,
    subject_filter,
    subject_key,
    subject_of,
    subject_of_input,
    subject_path,
)

# --- rubrics -----------------------------------------------------------------------------


async def list_rubrics(ctx: ServiceContext, community_id: int) -> list[dict[str, Any]]:
    """A community's rubrics by name, each with its latest version: two queries."""
    await ctx.authorize("read", community_id=community_id)
    rubrics = list(
        await Rubric.filter(community_id=community_id).order_by("name", "id").values("id", "name")
    )
    versions = await RubricVersion.filter(rubric__community_id=community_id).values(
        "rubric_id", "number", "definition", "created_at"
    )
    for rubric in rubrics:
        mine = [v for v in versions if v["rubric_id"] == rubric["id"]]
        latest = max(mine, key=lambda v: v["number"])
        rubric["version"] = latest["number"]
        rubric["levels"] = latest["definition"]["levels"]
        rubric["dimension_count"] = len(latest["definition"]["dimensions"])
        rubric["indicator_count"] = len(definitions.indicators_of(latest["definition"]))
        rubric["updated_at"] = latest["created_at"]
    return rubrics


async def _rubric_row(rubric_id: int) -> dict[str, Any]:
    rows = (
        await Rubric.filter(id=rubric_id).values("id", "name", "community_id")
        if valid_id(rubric_id)
        else []
    )
    if not rows:
        raise NotFound(f"no rubric {rubric_id}")
    return dict(rows[0])


async def get_rubric(
    ctx: ServiceContext, rubric_id: int, number: int | None = None
) -> dict[str, Any]:
    """A rubric with one version's definition (the latest unless ``number``) and the list
    of its versions."""
    rubric = await _rubric_row(rubric_id)
    await ctx.require_readable(rubric["community_id"], NotFound(f"no rubric {rubric_id}"))
    versions = (
        await RubricVersion.filter(rubric_id=rubric_id)
        .order_by("-number")
        .values("id", "number", "definition", "note", "created_at")
    )
    chosen = (
        versions[0]
        if number is None
        else next((v for v in versions if v["number"] == number), None)
    )
    if chosen is None:
        raise NotFound(f"rubric {rubric_id} has no version {number}")
    rubric["version"] = chosen["number"]
    rubric["version_id"] = chosen["id"]
    rubric["definition"] = chosen["definition"]
    rubric["indicators"] = definitions.indicators_of(chosen["definition"])
    rubric["versions"] = [
        {"number": v["number"], "note": v["note"], "created_at": v["created_at"]} for v in versions
    ]
    rubric["latest_version"] = versions[0]["number"]
    return rubric


async def save_definition(
    ctx: ServiceContext, community_id: int, definition: dict[str, Any], note: str = ""
) -> dict[str, Any]:
    """A checked definition as a new rubric, or as the next version of the community's
    rubric of the same name (nothing new when it is unchanged). Answers the rubric's id,
    the version number and what happened (``created``, ``new_version``, ``unchanged``)."""
    await ctx.authorize("manage", community_id=community_id)
    name = definition["name"]
    try:
        async with community_write(community_id):
            rubric = await Rubric.get_or_none(community_id=community_id, name=name)
            if rubric is None:
                rubric = await Rubric.create(community_id=community_id, name=name)
                number, outcome = 1, "created"
            else:
                latest = (
                    await RubricVersion.filter(rubric_id=rubric.id)
                    .order_by("-number")
                    .first()
                    .values("number", "definition")
                )
                if latest and latest["definition"] == definition:
                    return {"id": rubric.id, "version": latest["number"], "outcome": "unchanged"}
                number = (latest["number"] if latest else 0) + 1
                outcome = "new_version"
            await RubricVersion.create(
                rubric_id=rubric.id, number=number, definition=definition, note=note
            )
    except IntegrityError as exc:  # the same rubric saved at the same moment
        raise Conflict(f"rubric {name!r} changed meanwhile; try again") from exc
    return {"id": rubric.id, "version": number, "outcome": outcome}


async def import_yaml(
    ctx: ServiceContext, community_id: int, text: str, note: str = ""
) -> dict[str, Any]:
    """Import a rubric from YAML (errors name the line and the field)."""
    await ctx.authorize("manage", community_id=community_id)
    return await save_definition(ctx, community_id, definitions.parse_yaml(text), note)


async def create_rubric(
    ctx: ServiceContext, community_id: int, definition: dict[str, Any], note: str = ""
) -> dict[str, Any]:
    await ctx.authorize("manage", community_id=community_id)
    return await save_definition(ctx, community_id, definitions.check(definition), note)


async def add_default_framework(ctx: ServiceContext, community_id: int) -> dict[str, Any]:
    """The default implementation framework, as a rubric of the community."""
    return await save_definition(ctx, community_id, definitions.DEFAULT_FRAMEWORK, "default")


async def export_yaml(ctx: ServiceContext, rubric_id: int, number: int | None = None) -> str:
    rubric = await get_rubric(ctx, rubric_id, number)
    header = f"# {rubric['name']}, version {rubric['version']} (exported from NIC Platform)\n"
    return header + definitions.to_yaml(rubric["definition"])


# --- assessments ---------------------------------------------------------------------------

ASSESSMENT_FIELDS = (
    "id", "community_id", "team_id", "team__name", "organization_id", "organization__name",
    "version_id", "version__number", "version__rubric_id", "version__rubric__name", "period",
    "kind", "held_on", "note",
)  # fmt: skip


def _shaped(row: dict[str, Any]) -> dict[str, Any]:
    key = subject_key(row)
    return {
        "id": row["id"],
        "community_id": row["community_id"],
        "subject": key,
        "subject_name": row["team__name"] or row["organization__name"],
        "subject_path": subject_path(key),
        "team_id": row["team_id"],
        "team_name": row["team__name"],
        "organization_id": row["organization_id"],
        "organization_name": row["organization__name"],
        "rubric_id": row["version__rubric_id"],
        "rubric_name": row["version__rubric__name"],
        "version": row["version__number"],
        "version_id": row["version_id"],
        "period": row["period"],
        "kind": row["kind"],
        "kind_label": KINDS.get(row["kind"], row["kind"]),
        "held_on": row["held_on"],
        "note": row["note"],
    }


async def create_assessment(ctx: ServiceContext, data: AssessmentCreate) -> dict[str, Any]:
    """Open an assessment of a team or an organization for a period with the latest
    version of a rubric."""
    key = subject_of_input(data)
    subject = await subject_of(key, "team_id" if data.team_id else "organization_id", ctx)
    community_id = subject["community_id"]
    await authorize_rater(ctx, subject)
    version = (
        await RubricVersion.filter(rubric_id=data.rubric_id, rubric__community_id=community_id)
        .order_by("-number")
        .first()
        .values("id")
    )
    if not version:
        raise InvalidInput.field("rubric_id", f"no rubric {data.rubric_id} in this community")
    clash = await Assessment.filter(
        **subject_filter(key),
        version__rubric_id=data.rubric_id,
        period=data.period,
        kind=data.kind,
    ).exists()
    if clash:
        raise Conflict(
            f"{subject['name']} already has a {KINDS[data.kind].lower()} for {data.period} "
            "with this rubric"
        )
    try:
        async with community_write(community_id):
            assessment = await Assessment.create(
                community_id=community_id,
                **subject_filter(key),
                version_id=version["id"],
                period=data.period,
                kind=data.kind,
                held_on=data.held_on,
                note=data.note,
            )
    except IntegrityError as exc:
        raise Conflict("that assessment was opened meanwhile") from exc
    await _tell_raters(ctx, subject, assessment.id, data)
    return await get_assessment(ctx, assessment.id)


async def _tell_raters(
    ctx: ServiceContext, subject: dict[str, Any], assessment_id: int, data: AssessmentCreate
) -> None:
    """Notify the current members (with an account) of the team, or of the organization's
    teams, that an assessment waits for their scores; not the one who opened it."""
    filters = (
        {"team_id": subject["id"]}
        if subject["kind"] == "team"
        else {"team__organization_id": subject["id"]}
    )
    users = set(await active_members(filters)) - {ctx.actor.user_id}
    slug = await Community.filter(id=subject["community_id"]).values_list("slug", flat=True)
    if users and slug:
        await notify(
            users,
            f"{KINDS[data.kind]} of {subject['name']} for {data.period}: your scores are welcome.",
            f"/communities/{slug[0]}/rubrics/assessments/{assessment_id}/score",
            source="rubrics",
            kind="assessment_opened",
            community_id=subject["community_id"],
        )


async def list_assessments(
    ctx: ServiceContext, community_id: int, page: Page, subject: str | None = None
) -> tuple[list[dict[str, Any]], int]:
    """A community's assessments (or a team's or organization's: ``subject``), newest
    period first (a page of them)."""
    await ctx.authorize("read", community_id=community_id)
    query = Assessment.filter(community_id=community_id)
    if subject is not None:
        query = query.filter(**subject_filter(subject))
    total = await query.count()
    rows = (
        await query.order_by("-period", "team__name", "organization__name", "id")
        .offset(page.offset)
        .limit(page.size)
        .values(*ASSESSMENT_FIELDS)
    )
    return [_shaped(r) for r in rows], total


async def _assessment_row(assessment_id: int) -> dict[str, Any]:
    rows = (
        await Assessment.filter(id=assessment_id).values(*ASSESSMENT_FIELDS, "version__definition")
        if valid_id(assessment_id)
        else []
    )
    if not rows:
        raise NotFound(f"no assessment {assessment_id}")
    row = _shaped(rows[0])
    row["definition"] = rows[0]["version__definition"]
    row["indicators"] = definitions.indicators_of(row["definition"])
    return row


async def get_assessment(ctx: ServiceContext, assessment_id: int) -> dict[str, Any]:
    """An assessment with its rubric version, every rater's scores, the consensus, the
    agreement between submitted raters and a suggested level per indicator (the lower
    median of submitted scores): four queries."""
    a = await _assessment_row(assessment_id)
    await ctx.require_readable(a["community_id"], NotFound(f"no assessment {assessment_id}"))
    sheets = list(
        await RaterSheet.filter(assessment_id=assessment_id)
        .order_by("rater_name", "id")
        .values("id", "user_id", "rater_name", "submitted_at", "updated_at")
    )
    scores = await Score.filter(sheet__assessment_id=assessment_id).values(
        "sheet_id", "indicator", "level", "evidence", "cycle_ids", "artifact_ids"
    )
    consensus = await Consensus.filter(assessment_id=assessment_id).values(
        "indicator", "level", "note"
    )
    for sheet in sheets:
        sheet["submitted"] = sheet["submitted_at"] is not None
        sheet["scores"] = {
            s["indicator"]: {k: v for k, v in s.items() if k not in ("sheet_id", "indicator")}
            for s in scores
            if s["sheet_id"] == sheet["id"]
        }
    a["sheets"] = sheets
    a["consensus"] = {c["indicator"]: {"level": c["level"], "note": c["note"]} for c in consensus}
    submitted = [s for s in sheets if s["submitted"]]
    ratings = {
        ind["key"]: {
            s["user_id"]: s["scores"][ind["key"]]["level"]
            for s in submitted
            if s["scores"].get(ind["key"], {}).get("level") is not None
        }
        for ind in a["indicators"]
    }
    a["ratings"] = ratings
    a["suggested"] = {key: lower_median(list(levels.values())) for key, levels in ratings.items()}
    stats = agreement(ratings)
    a["agreement"] = {
        "raters": stats.raters,
        "items": stats.items,
        "pairs": stats.pairs,
        "exact": stats.exact,
        "adjacent": stats.adjacent,
        "kappa": stats.kappa,
        "kappa_kind": stats.kappa_kind,
    }
    return a


async def _rater_name(ctx: ServiceContext, community_id: int) -> str:
    names = await Person.filter(community_id=community_id, user_id=ctx.actor.user_id).values_list(
        "name", flat=True
    )
    return str(names[0]) if names else ctx.actor.email


async def _check_refs(community_id: int, scores: ScoresIn) -> None:
    wanted_cycles = {i for s in scores.scores for i in s.cycle_ids}
    wanted_artifacts = {i for s in scores.scores for i in s.artifact_ids}
    cycles = set(
        await Cycle.filter(id__in=wanted_cycles, community_id=community_id).values_list(
            "id", flat=True
        )
    )
    artifacts = set(
        await Artifact.filter(id__in=wanted_artifacts, community_id=community_id).values_list(
            "id", flat=True
        )
    )
    for s in scores.scores:
        for cycle_id in s.cycle_ids:
            if cycle_id not in cycles:
                raise InvalidInput.field(
                    f"scores.{s.indicator}.cycle_ids", f"no cycle {cycle_id} in this community"
                )
        for artifact_id in s.artifact_ids:
            if artifact_id not in artifacts:
                raise InvalidInput.field(
                    f"scores.{s.indicator}.artifact_ids",
                    f"no artifact {artifact_id} in this community",
                )


async def save_scores(ctx: ServiceContext, assessment_id: int, data: ScoresIn) -> dict[str, Any]:
    """Save the actor's scores of an assessment (a draft, or submitted with ``submit``:
    then every indicator needs a level). Indicators left out keep what was saved."""
    a = await _assessment_row(assessment_id)
    await authorize_rater(ctx, await subject_of(a["subject"]))
    if ctx.actor.user_id is None:
        raise InvalidInput.field("rater", "scores are given by a signed-in rater")
    keys = {ind["key"] for ind in a["indicators"]}
    top = len(a["definition"]["levels"])
    problems: dict[str, str] = {}
    seen: set[str] = set()
    for s in data.scores:
        if s.indicator not in keys:
            problems[f"scores.{s.indicator}"] = "no such indicator in this rubric version"
        elif s.indicator in seen:
            problems[f"scores.{s.indicator}"] = "scored twice"
        elif s.level is not None and not 1 <= s.level <= top:
            problems[f"scores.{s.indicator}.level"] = f"choose a level from 1 to {top}"
        seen.add(s.indicator)
    if problems:
        raise InvalidInput("some scores are not valid", problems)
    await _check_refs(a["community_id"], data)
    sheet = await RaterSheet.get_or_none(assessment_id=assessment_id, user_id=ctx.actor.user_id)
    saved = {}
    if sheet is not None:
        saved = {
            r["indicator"]: r["level"]
            for r in await Score.filter(sheet_id=sheet.id).values("indicator", "level")
        }
    levels = {**saved, **{s.indicator: s.level for s in data.scores}}
    if data.submit:
        missing = {
            f"scores.{ind['key']}.level": "choose a level before submitting"
            for ind in a["indicators"]
            if levels.get(ind["key"]) is None
        }
        if missing:
            raise InvalidInput(
                f"{len(missing)} indicator(s) have no level yet; save a draft or score them",
                missing,
            )
    name = await _rater_name(ctx, a["community_id"])
    try:
        async with community_write(a["community_id"]):
            if sheet is None:
                sheet = await RaterSheet.create(
                    assessment_id=assessment_id, user_id=ctx.actor.user_id, rater_name=name
                )
            sheet.rater_name = name
            sheet.submitted_at = datetime.now(UTC) if data.submit else None
            await sheet.save()
            given = {s.indicator: s for s in data.scores}
            await Score.filter(sheet_id=sheet.id, indicator__in=list(given)).delete()
            await Score.bulk_create(
                [
                    Score(
                        sheet_id=sheet.id,
                        indicator=s.indicator,
                        level=s.level,
                        evidence=s.evidence,
                        cycle_ids=sorted(set(s.cycle_ids)),
                        artifact_ids=sorted(set(s.artifact_ids)),
                    )
                    for s in given.values()
                ]
            )
    except IntegrityError as exc:  # the same rater saving twice at once
        raise Conflict("your scores were saved meanwhile; reload and try again") from exc
    return await get_assessment(ctx, assessment_id)


async def set_consensus(
    ctx: ServiceContext, assessment_id: int, data: ConsensusSet
) -> dict[str, Any]:
    """Record the agreed level of indicators (replacing what was recorded for them)."""
    a = await _assessment_row(assessment_id)
    await authorize_rater(ctx, await subject_of(a["subject"]))
    keys = {ind["key"] for ind in a["indicators"]}
    top = len(a["definition"]["levels"])
    problems = {}
    for c in data.consensus:
        if c.indicator not in keys:
            problems[f"consensus.{c.indicator}"] = "no such indicator in this rubric version"
        elif not 1 <= c.level <= top:
            problems[f"consensus.{c.indicator}.level"] = f"choose a level from 1 to {top}"
    if problems:
        raise InvalidInput("some consensus levels are not valid", problems)
    given = {c.indicator: c for c in data.consensus}
    async with community_write(a["community_id"]):
        await Consensus.filter(assessment_id=assessment_id, indicator__in=list(given)).delete()
        await Consensus.bulk_create(
            [
                Consensus(
                    assessment_id=assessment_id, indicator=c.indicator, level=c.level, note=c.note
                )
                for c in given.values()
            ]
        )
    return await get_assessment(ctx, assessment_id)


# --- targets -------------------------------------------------------------------------------


async def set_targets(ctx: ServiceContext, subject: str, data: TargetsSet) -> list[dict[str, Any]]:
    """Set a team's or organization's (``team:5``, ``organization:3``) target levels for a
    year on indicators of a rubric (its latest version); level 0 removes a target."""
    found = await subject_of(subject)
    await authorize_rater(ctx, found)
    cid = found["community_id"]
    rubric = await Rubric.filter(id=data.rubric_id, community_id=cid).values("id")
    if not rubric:
        raise InvalidInput.field("rubric_id", f"no rubric {data.rubric_id} in this community")
    latest = await get_rubric(ctx, data.rubric_id)
    keys = {ind["key"] for ind in latest["indicators"]}
    top = len(latest["definition"]["levels"])
    problems = {}
    for t in data.targets:
        if t.indicator not in keys:
            problems[f"targets.{t.indicator}"] = "no such indicator in this rubric"
        elif not 0 <= t.level <= top:
            problems[f"targets.{t.indicator}.level"] = f"choose a level from 1 to {top}"
    if problems:
        raise InvalidInput("some targets are not valid", problems)
    given = {t.indicator: t.level for t in data.targets}
    mine = subject_filter(subject)
    async with community_write(cid):
        await Target.filter(
            **mine, rubric_id=data.rubric_id, year=data.year, indicator__in=list(given)
        ).delete()
        await Target.bulk_create(
            [
                Target(**mine, rubric_id=data.rubric_id, year=data.year, indicator=k, level=v)
                for k, v in given.items()
                if v
            ]
        )
    return list(
        await Target.filter(**mine, rubric_id=data.rubric_id, year=data.year)
        .order_by("indicator")
        .values("indicator", "level", "year")
    )
