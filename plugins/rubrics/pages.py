"""The plugin's pages: the rubric library (with import), a rubric, an assessment and its
scoring form (a review day: every indicator on one page, a draft to come back to), a
team's progress (heat map, movement, targets) and the community roll-up.

A community's pages answer 404 where its facilitators switched the plugin off; forms
are read with ``read_form`` (CSRF) and re-rendered with a message beside each field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from plugins.api import (
    Artifact,
    Conflict,
    Cycle,
    InvalidInput,
    NotFound,
    Organization,
    Page,
    PermissionDenied,
    ServiceContext,
    Team,
    form_values,
    id_or_none,
    int_or_none,
    kept_page,
    read_form,
    render,
    signed_in_context,
    this_plugin,
    validate,
)
from plugins.rubrics import progress, services, subjects
from plugins.rubrics.models import KINDS
from plugins.rubrics.schemas import (
    AssessmentCreate,
    ConsensusSet,
    ScoresIn,
    TargetsSet,
)

THIS = this_plugin(__name__)

PER_PAGE = 25
_SUBJECT_FIELDS = {"team_id": "subject", "organization_id": "subject"}
"""Errors on these fields of an assessment are shown beside the form's one subject field."""
CHOICES = 200
"""How many of the team's latest cycles and the community's artifacts the form offers."""


def _page(request: Request) -> int:
    try:
        return min(max(int(request.query_params.get("page", "1")), 1), 10_000)
    except ValueError:
        return 1


async def _community(request: Request) -> tuple[ServiceContext, dict[str, Any]]:
    ctx = await signed_in_context(request)
    return ctx, await THIS.community(ctx, request.path_params["slug"])


def _base(community: dict[str, Any]) -> str:
    return f"/communities/{community['slug']}/rubrics"


# --- every community -----------------------------------------------------------------------


async def all_communities_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    shown = await THIS.communities(ctx)
    return await render(request, "rubrics/index.html", {"communities": shown})


# --- the library ---------------------------------------------------------------------------


async def library_page(request: Request) -> Response:
    ctx, community = await _community(request)
    cid = community["id"]
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if request.method == "POST":
        await ctx.authorize("manage", community_id=cid)
        form = await read_form(request)
        values = form_values(form, ("yaml", "note", "action"))
        try:
            if values.get("action") == "default":
                saved = await services.add_default_framework(ctx, cid)
            else:
                if not values.get("yaml"):
                    raise InvalidInput.field("yaml", "paste the rubric's YAML here")
                saved = await services.import_yaml(
                    ctx, cid, values["yaml"], values.get("note", "")[:300]
                )
        except InvalidInput as exc:
            # Every problem of the file is listed beside the text box, line by line.
            errors = exc.fields
        else:
            url = f"{_base(community)}/{saved['id']}?saved={saved['outcome']}"
            return RedirectResponse(url, status_code=303)
    number = _page(request)

    async def data() -> dict[str, Any]:
        assessments, total = await services.list_assessments(ctx, cid, Page(number, PER_PAGE))
        return {
            "community": community,
            "rubrics": await services.list_rubrics(ctx, cid),
            "assessments": assessments,
            "page": number,
            "pages": max(1, -(-total // PER_PAGE)),
            "can_manage": await ctx.allowed("manage", community_id=cid),
            "can_assess": await ctx.allowed("write", community_id=cid),
            "errors": errors,
            "values": values,
            "status": 422 if errors else 200,
        }

    # What the viewer may do shows on the page: it is kept per viewer.
    key = (ctx.actor.user_id, ctx.actor.is_admin, number)
    return await kept_page(request, "rubrics/library.html", community, key, data, keep=not errors)


async def rubric_page(request: Request) -> Response:
    ctx, community = await _community(request)
    number = request.query_params.get("version")
    rubric = await services.get_rubric(ctx, request.path_params["rubric_id"], int_or_none(number))
    if rubric["community_id"] != community["id"]:
        raise NotFound("There is no such rubric in this community.")
    context = {
        "community": community,
        "rubric": rubric,
        "saved": request.query_params.get("saved", ""),
    }
    return await render(request, "rubrics/rubric.html", context)


async def export_page(request: Request) -> Response:
    ctx, community = await _community(request)
    number = request.query_params.get("version")
    rubric_id = request.path_params["rubric_id"]
    rubric = await services.get_rubric(ctx, rubric_id)
    if rubric["community_id"] != community["id"]:
        raise NotFound("There is no such rubric in this community.")
    text = await services.export_yaml(ctx, rubric_id, int_or_none(number))
    return Response(
        text,
        media_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="rubric-{rubric_id}.yaml"'},
    )


# --- assessments ---------------------------------------------------------------------------


def _this_quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


async def new_assessment_page(request: Request) -> Response:
    ctx, community = await _community(request)
    cid = community["id"]
    await ctx.authorize("write", community_id=cid)
    today = date.today()
    chosen = request.query_params.get("subject", "")
    values: dict[str, Any] = {
        "period": _this_quarter(today),
        "held_on": today.isoformat(),
        "kind": "self_review",
        "subject": chosen,
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = await read_form(request)
        values = form_values(form, ("subject", "rubric_id", "period", "kind", "held_on", "note"))
        kind, _, ident = values.get("subject", "").partition(":")
        fields = {k: v for k, v in values.items() if k != "subject"}
        if kind in ("team", "organization") and ident.isdigit():
            fields[f"{kind}_id"] = ident
        data, errors = validate(AssessmentCreate, fields)
        errors = {_SUBJECT_FIELDS.get(k, k): v for k, v in errors.items()}
        if not ident.isdigit():
            errors["subject"] = "choose a team or a school"
        if data is not None and not errors:
            try:
                subject = await subjects.subject_of(values["subject"], "subject")
                if subject["community_id"] != cid:
                    raise InvalidInput.field("subject", "choose a team or school of this community")
                made = await services.create_assessment(ctx, data)
            except InvalidInput as exc:
                errors = {_SUBJECT_FIELDS.get(k, k): v for k, v in exc.fields.items()}
            except (Conflict, PermissionDenied) as exc:  # said beside the field
                errors = {"period" if isinstance(exc, Conflict) else "subject": exc.message}
            else:
                url = f"{_base(community)}/assessments/{made['id']}/score"
                return RedirectResponse(url, status_code=303)
    rubrics = await services.list_rubrics(ctx, cid)
    teams = await Team.filter(community_id=cid).order_by("name").values_list("id", "name")
    orgs = await Organization.filter(community_id=cid).order_by("name").values_list("id", "name")
    context = {
        "community": community,
        "subject_groups": [
            ("Teams", [(f"team:{i}", n) for i, n in teams]),
            ("Organizations (schools, districts)", [(f"organization:{i}", n) for i, n in orgs]),
        ],
        "rubrics": rubrics,
        "rubric_options": [(r["id"], r["name"]) for r in rubrics],
        "kinds": KINDS,
        "values": values,
        "errors": errors,
    }
    return await render(
        request, "rubrics/assessment_new.html", context, status=422 if errors else 200
    )


async def _assessment_in(
    ctx: ServiceContext, community: dict[str, Any], request: Request
) -> dict[str, Any]:
    assessment = await services.get_assessment(ctx, request.path_params["assessment_id"])
    if assessment["community_id"] != community["id"]:
        raise NotFound("There is no such assessment in this community.")
    return assessment


async def assessment_page(request: Request) -> Response:
    ctx, community = await _community(request)
    a = await _assessment_in(ctx, community, request)
    subject = await subjects.subject_of(a["subject"])
    can_score = await subjects.may_rate(ctx, subject)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        await subjects.authorize_rater(ctx, subject)
        form = await read_form(request)
        entries = []
        for ind in a["indicators"]:
            raw = form.get(f"consensus-{ind['key']}")
            if isinstance(raw, str) and raw.strip():
                note = form.get(f"consensus_note-{ind['key']}")
                level = int_or_none(raw)
                if level is None:
                    errors[f"consensus.{ind['key']}.level"] = "choose a level"
                    continue
                entries.append(
                    {
                        "indicator": ind["key"],
                        "level": level,
                        "note": (note if isinstance(note, str) else "")[:5000],
                    }
                )
        if not errors:
            data, problems = validate(ConsensusSet, {"consensus": entries})
            try:
                if data is None:
                    fields = _by_indicator(
                        problems, "consensus", [{"key": e["indicator"]} for e in entries]
                    )
                    raise InvalidInput("some consensus levels are not valid", fields)
                a = await services.set_consensus(ctx, a["id"], data)
            except InvalidInput as exc:
                errors = exc.fields
            else:
                url = f"{_base(community)}/assessments/{a['id']}?saved=consensus"
                return RedirectResponse(url, status_code=303)
        status = 422
    context = {
        "community": community,
        "a": a,
        "can_score": can_score,
        "errors": errors,
        "saved": request.query_params.get("saved", ""),
        "refs": await _refs(a),
    }
    return await render(request, "rubrics/assessment.html", context, status=status)


async def _refs(a: dict[str, Any]) -> dict[str, dict[int, str]]:
    """Titles of the cycles and artifacts cited as evidence: two queries."""
    cycles = {i for s in a["sheets"] for sc in s["scores"].values() for i in sc["cycle_ids"]}
    artifacts = {i for s in a["sheets"] for sc in s["scores"].values() for i in sc["artifact_ids"]}
    return {
        "cycles": dict(await Cycle.filter(id__in=cycles).values_list("id", "title")),
        "artifacts": dict(await Artifact.filter(id__in=artifacts).values_list("id", "title")),
    }


def _by_indicator(
    errors: dict[str, str], name: str, indicators: list[dict[str, Any]]
) -> dict[str, str]:
    """``scores.2.level`` (the form's third indicator) as ``scores.<its key>.level``, the
    name the form shows the message beside."""
    named = {}
    for field, problem in errors.items():
        parts = field.split(".")
        if len(parts) > 1 and parts[0] == name and parts[1].isdigit():
            index = int(parts[1])
            if index < len(indicators):
                parts[1] = indicators[index]["key"]
            parts = parts[:3]  # scores.<key>.cycle_ids.4 is shown beside the cycles
        named.setdefault(".".join(parts), problem)
    return named


def _number(raw: str) -> int | str:
    """A form's number as an int, or as sent when it is none, for the schema to refuse
    beside its field (the form shows ints checked again, so a good one must be an int)."""
    number = int_or_none(raw)
    return raw.strip() if number is None else number


def _ids(values: list[Any]) -> list[int | str]:
    return [_number(v) for v in values if isinstance(v, str) and v.strip()]


async def score_page(request: Request) -> Response:
    ctx, community = await _community(request)
    a = await _assessment_in(ctx, community, request)
    await subjects.authorize_rater(ctx, await subjects.subject_of(a["subject"]))
    mine = next((s for s in a["sheets"] if s["user_id"] == ctx.actor.user_id), None)
    values = {key: dict(score) for key, score in (mine["scores"] if mine else {}).items()}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = await read_form(request)
        scores = []
        for ind in a["indicators"]:
            key = ind["key"]
            raw = form.get(f"level-{key}")
            evidence = form.get(f"evidence-{key}")
            entry = {
                "level": _number(raw) if isinstance(raw, str) and raw.strip() else None,
                "evidence": (evidence if isinstance(evidence, str) else "").strip()[:10_000],
                "cycle_ids": _ids(form.getlist(f"cycles-{key}"))[:50],
                "artifact_ids": _ids(form.getlist(f"artifacts-{key}"))[:50],
            }
            values[key] = entry
            scores.append({"indicator": key, **entry})
        submit = form.get("action") == "submit"
        data, errors = validate(ScoresIn, {"scores": scores, "submit": submit})
        errors = _by_indicator(errors, "scores", a["indicators"])
        try:
            if data is None:
                raise InvalidInput("some scores are not valid", errors)
            await services.save_scores(ctx, a["id"], data)
        except InvalidInput as exc:
            errors = exc.fields
            status = 422
        else:
            if submit:
                url = f"{_base(community)}/assessments/{a['id']}?saved=submitted"
            else:
                url = f"{_base(community)}/assessments/{a['id']}/score?saved=draft"
            return RedirectResponse(url, status_code=303)
    cycles = (
        await Cycle.filter(
            **(
                {"team_id": a["team_id"]}
                if a["team_id"]
                else {"team__organization_id": a["organization_id"]}
            )
        )
        .order_by("-updated_at", "-id")
        .limit(CHOICES)
        .values("id", "title")
    )
    artifacts = (
        await Artifact.filter(community_id=community["id"])
        .order_by("title")
        .limit(CHOICES)
        .values("id", "title")
    )
    context = {
        "community": community,
        "a": a,
        "mine": mine,
        "values": values,
        "errors": errors,
        "cycles": cycles,
        "artifacts": artifacts,
        "saved": request.query_params.get("saved", ""),
    }
    return await render(request, "rubrics/score.html", context, status=status)


# --- progress ------------------------------------------------------------------------------


async def progress_page(request: Request) -> Response:
    """A team's or an organization's progress, and the form for its targets."""
    ctx, community = await _community(request)
    kind = "team" if "team_id" in request.path_params else "organization"
    ident = request.path_params[f"{kind}_id"]
    try:
        subject = await subjects.subject_of(f"{kind}:{ident}")
    except InvalidInput:
        subject = {"community_id": None}
    if subject["community_id"] != community["id"]:
        raise NotFound(f"There is no such {kind} in this community.")
    can_set = await subjects.may_rate(ctx, subject)
    errors: dict[str, str] = {}
    status = 200
    posted = None  # the rubric whose targets form was sent: its errors are shown there only
    if request.method == "POST":
        await subjects.authorize_rater(ctx, subject)
        form = await read_form(request)
        posted = id_or_none(form.get("rubric_id"))
        targets = []
        for name, raw in form.multi_items():
            if name.startswith("target-") and isinstance(raw, str):
                targets.append({"indicator": name[7:], "level": _number(raw) if raw.strip() else 0})
        data, errors = validate(
            TargetsSet,
            {"rubric_id": form.get("rubric_id"), "year": form.get("year"), "targets": targets},
        )
        errors = _by_indicator(errors, "targets", [{"key": t["indicator"]} for t in targets])
        if data is not None:
            try:
                await services.set_targets(ctx, subject["key"], data)
            except InvalidInput as exc:
                errors = exc.fields
            else:
                url = f"{_base(community)}/{subject['path']}?saved=targets"
                return RedirectResponse(url, status_code=303)
        status = 422
    context = {
        "community": community,
        "subject": subject,
        "rubrics": await progress.subject_progress(ctx, subject),
        "can_set": can_set,
        "errors": errors,
        "posted": posted,
        "saved": request.query_params.get("saved", ""),
    }
    return await render(request, "rubrics/progress.html", context, status=status)


async def rollup_page(request: Request) -> Response:
    ctx, community = await _community(request)
    context = {
        "community": community,
        "rollup": await progress.rollup(ctx, community["id"]),
        "association": await progress.association(ctx, community["id"]),
    }
    return await render(request, "rubrics/rollup.html", context)


ROUTES = [
    Route("/rubrics", all_communities_page),
    Route("/communities/{slug}/rubrics", library_page, methods=["GET", "POST"]),
    Route("/communities/{slug}/rubrics/roll-up", rollup_page),
    Route("/communities/{slug}/rubrics/{rubric_id:int}", rubric_page),
    Route("/communities/{slug}/rubrics/{rubric_id:int}/export.yaml", export_page),
    Route(
        "/communities/{slug}/rubrics/assessments/new", new_assessment_page, methods=["GET", "POST"]
    ),
    Route(
        "/communities/{slug}/rubrics/assessments/{assessment_id:int}",
        assessment_page,
        methods=["GET", "POST"],
    ),
    Route(
        "/communities/{slug}/rubrics/assessments/{assessment_id:int}/score",
        score_page,
        methods=["GET", "POST"],
    ),
    Route(
        "/communities/{slug}/rubrics/teams/{team_id:int}",
        progress_page,
        methods=["GET", "POST"],
    ),
    Route(
        "/communities/{slug}/rubrics/organizations/{organization_id:int}",
        progress_page,
        methods=["GET", "POST"],
    ),
]
