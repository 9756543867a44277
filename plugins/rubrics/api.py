"""The JSON API under ``/api/v1/rubrics``: the same services as the pages.

Every operation answers 404 in a community whose facilitators switched the plugin off.
"""

from __future__ import annotations

from typing import Any

from plugins.api import (
    ApiCall,
    Community,
    InvalidInput,
    NotFound,
    Operation,
    QueryParam,
    ServiceContext,
    paginated,
    this_plugin,
)
from plugins.rubrics import progress, services, subjects
from plugins.rubrics.models import Assessment, Rubric
from plugins.rubrics.schemas import (
    AssessmentCreate,
    ConsensusSet,
    RubricCreate,
    RubricImport,
    ScoresIn,
    SubjectProgress,
    TargetsSet,
    valid_id,
)

THIS = this_plugin(__name__)


async def _on(ctx: ServiceContext, community_id: int) -> int:
    """The path's community, once the actor may read it and the plugin is on there."""
    exists = valid_id(community_id) and await Community.filter(id=community_id).exists()
    missing = NotFound(f"no community {community_id}")
    await ctx.require_readable(community_id if exists else None, missing)
    await THIS.require_on(ctx, community_id)
    return community_id


async def _community_of(ctx: ServiceContext, model: Any, ident: int, what: str) -> int:
    """The community of the path's record, once the actor may read it (else the NotFound
    of a missing record) and the plugin is on there."""
    rows = (
        await model.filter(id=ident).values_list("community_id", flat=True)
        if valid_id(ident)
        else []
    )
    found = int(rows[0]) if rows else None
    community_id = await ctx.require_readable(found, NotFound(f"no {what} {ident}"))
    await THIS.require_on(ctx, community_id)
    return community_id


async def _list_rubrics(call: ApiCall) -> Any:
    cid = await _on(call.ctx, call.path["id"])
    return {"items": await services.list_rubrics(call.ctx, cid)}


async def _import(call: ApiCall) -> Any:
    cid = await _on(call.ctx, call.path["id"])
    body = call.body_as(RubricImport)
    return await services.import_yaml(call.ctx, cid, body.yaml, body.note)


async def _create(call: ApiCall) -> Any:
    cid = await _on(call.ctx, call.path["id"])
    body = call.body_as(RubricCreate)
    return await services.create_rubric(call.ctx, cid, body.definition, body.note)


async def _get_rubric(call: ApiCall) -> Any:
    await _community_of(call.ctx, Rubric, call.path["id"], "rubric")
    return await services.get_rubric(call.ctx, call.path["id"], call.query.get("version"))


async def _export(call: ApiCall) -> Any:
    await _community_of(call.ctx, Rubric, call.path["id"], "rubric")
    text = await services.export_yaml(call.ctx, call.path["id"], call.query.get("version"))
    return {"yaml": text}


async def _list_assessments(call: ApiCall) -> Any:
    cid = await _on(call.ctx, call.path["id"])
    subject = None
    for kind in ("team", "organization"):
        if call.query.get(kind) is not None:
            if not valid_id(call.query[kind]):
                raise InvalidInput.field(kind, f"no {kind} {call.query[kind]}")
            subject = f"{kind}:{call.query[kind]}"
    rows, total = await services.list_assessments(call.ctx, cid, call.page, subject)
    return paginated(rows, total, call.page)


async def _create_assessment(call: ApiCall) -> Any:
    body = call.body_as(AssessmentCreate)
    key = subjects.subject_of_input(body)
    field = "team_id" if body.team_id else "organization_id"
    subject = await subjects.subject_of(key, field, call.ctx)
    await THIS.require_on(call.ctx, subject["community_id"])
    return await services.create_assessment(call.ctx, body)


async def _subject(call: ApiCall, kind: str) -> dict[str, Any]:
    """The team or organization of the path, in a community where the plugin is on."""
    try:
        subject = await subjects.subject_of(f"{kind}:{call.path['id']}", ctx=call.ctx)
    except InvalidInput:
        raise NotFound(f"no {kind} {call.path['id']}") from None
    await THIS.require_on(call.ctx, subject["community_id"])
    return subject


async def _get_assessment(call: ApiCall) -> Any:
    await _community_of(call.ctx, Assessment, call.path["id"], "assessment")
    return await services.get_assessment(call.ctx, call.path["id"])


async def _scores(call: ApiCall) -> Any:
    await _community_of(call.ctx, Assessment, call.path["id"], "assessment")
    return await services.save_scores(call.ctx, call.path["id"], call.body_as(ScoresIn))


async def _consensus(call: ApiCall) -> Any:
    await _community_of(call.ctx, Assessment, call.path["id"], "assessment")
    return await services.set_consensus(call.ctx, call.path["id"], call.body_as(ConsensusSet))


async def _team_progress(call: ApiCall) -> Any:
    return {"items": await progress.subject_progress(call.ctx, await _subject(call, "team"))}


async def _organization_progress(call: ApiCall) -> Any:
    subject = await _subject(call, "organization")
    return {"items": await progress.subject_progress(call.ctx, subject)}


async def _team_targets(call: ApiCall) -> Any:
    subject = await _subject(call, "team")
    body = call.body_as(TargetsSet)
    return {"items": await services.set_targets(call.ctx, subject["key"], body)}


async def _organization_targets(call: ApiCall) -> Any:
    subject = await _subject(call, "organization")
    body = call.body_as(TargetsSet)
    return {"items": await services.set_targets(call.ctx, subject["key"], body)}


async def _rollup(call: ApiCall) -> Any:
    cid = await _on(call.ctx, call.path["id"])
    result = await progress.rollup(call.ctx, cid)
    result["association"] = await progress.association(call.ctx, cid)
    return result


TAG = "rubrics"

OPERATIONS = [
    Operation(
        "GET", "/rubrics/communities/{id:int}", "listRubrics", "A community's rubrics", TAG,
        _list_rubrics,
    ),
    Operation(
        "POST", "/rubrics/communities/{id:int}/import", "importRubric",
        "Import a rubric (or its next version) from YAML (facilitators)", TAG, _import,
        body=RubricImport, status=201,
    ),
    Operation(
        "POST", "/rubrics/communities/{id:int}", "createRubric",
        "Create a rubric (or its next version) from a definition (facilitators)", TAG, _create,
        body=RubricCreate, status=201,
    ),
    Operation(
        "GET", "/rubrics/{id:int}", "getRubric", "A rubric with one version's definition", TAG,
        _get_rubric, query=(QueryParam("version", int, "a version number (default: latest)"),),
    ),
    Operation(
        "GET", "/rubrics/{id:int}/yaml", "exportRubric", "A rubric version as YAML text", TAG,
        _export, query=(QueryParam("version", int, "a version number (default: latest)"),),
    ),
    Operation(
        "GET", "/rubrics/communities/{id:int}/assessments", "listAssessments",
        "A community's assessments, newest period first", TAG, _list_assessments,
        paginated=True,
        query=(QueryParam("team", int, "only this team's"),
               QueryParam("organization", int, "only this organization's")),
    ),
    Operation(
        "POST", "/rubrics/assessments", "createAssessment",
        "Open an assessment of a team or an organization for a period (facilitators, "
        "the team's members)", TAG,
        _create_assessment, body=AssessmentCreate, status=201,
    ),
    Operation(
        "GET", "/rubrics/assessments/{id:int}", "getAssessment",
        "An assessment with scores, consensus and inter-rater agreement", TAG, _get_assessment,
    ),
    Operation(
        "PUT", "/rubrics/assessments/{id:int}/scores", "saveScores",
        "Save your scores (a draft, or submitted)", TAG, _scores, body=ScoresIn,
    ),
    Operation(
        "PUT", "/rubrics/assessments/{id:int}/consensus", "setConsensus",
        "Record consensus levels", TAG, _consensus, body=ConsensusSet,
    ),
    Operation(
        "GET", "/rubrics/teams/{id:int}/progress", "teamRubricProgress",
        "A team's levels by period, movement and targets, per rubric", TAG, _team_progress,
        response=SubjectProgress,
    ),
    Operation(
        "PUT", "/rubrics/teams/{id:int}/targets", "setRubricTargets",
        "Set a team's target levels for a year", TAG, _team_targets, body=TargetsSet,
    ),
    Operation(
        "GET", "/rubrics/organizations/{id:int}/progress", "organizationRubricProgress",
        "An organization's levels by period, movement and targets, per rubric", TAG,
        _organization_progress, response=SubjectProgress,
    ),
    Operation(
        "PUT", "/rubrics/organizations/{id:int}/targets", "setOrganizationRubricTargets",
        "Set an organization's target levels for a year", TAG, _organization_targets,
        body=TargetsSet,
    ),
    Operation(
        "GET", "/rubrics/communities/{id:int}/rollup", "rubricRollup",
        "Every team's latest levels, and incoming links against movement", TAG, _rollup,
    ),
]  # fmt: skip
