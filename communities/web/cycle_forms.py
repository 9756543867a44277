"""Posting and editing cycles in the browser: a guided form, phase by phase.

A new cycle starts with its plan; do, study and act are filled in as the cycle
runs. Every edit carries the version the person read: if someone else saved in
between, the page shows both versions and saves nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from communities.changes import community_write
from communities.models import ArtifactVersion, ChangeIdea, Cycle, Measure, Membership, Team
from communities.schemas import CycleAdvance, CycleCreate, CycleUpdate, DataPointCreate, LinkCreate
from communities.services import cycles as cycle_service
from communities.services.links import record_link
from communities.services.measures import record_data
from communities.web import pickers
from communities.web.forms import form_values, validate
from communities.web.queries import active_on
from core.context import ServiceContext
from core.errors import Conflict, InvalidInput, NotFound, ServiceError
from core.web.context import signed_in_context
from core.web.csrf import read_form
from core.web.flash import confirmed, flash
from core.web.render import render

PLAN = (
    "plan_objective",
    "plan_questions",
    "plan_predictions",
    "plan_who",
    "plan_what",
    "plan_when",
    "plan_where",
    "plan_measures",
)
DO = ("do_what_happened", "do_observations")
STUDY = ("study_results", "study_learning")
ACT = ("act_decision", "act_rationale", "act_next_steps")
DATES = ("planned_start", "planned_end", "actual_start", "actual_end")
TEXTS = (*PLAN, *DO, *STUDY, "act_rationale", "act_next_steps")
"""The free-text fields, where people may be mentioned."""
PHASE_FIELDS = {"planning": PLAN, "doing": DO, "studying": STUDY, "acting": ACT}
EDITABLE = ("title", "change_idea_id", *PLAN, *DO, *STUDY, *ACT, *DATES)


async def _choices(community_id: int, team_id: int) -> dict:
    """What the form offers: change ideas, team measures and people."""
    ideas = await ChangeIdea.filter(driver__aim__community_id=community_id).values("id", "title")
    measures = await Measure.filter(community_id=community_id, team_id=team_id).values(
        "id", "name", "unit"
    )
    people = await Membership.filter(active_on(date.today()), team_id=team_id).values(
        "person_id", "person__name"
    )
    return {
        "ideas": ideas,
        "measures": measures,
        "people": {p["person_id"]: p["person__name"] for p in people},
    }


async def source_choices(community_id: int, exclude_cycle: int | None) -> dict[str, Any]:
    """Earlier cycles and artifact versions of any team that may have informed a cycle."""
    cycles = (
        await Cycle.filter(community_id=community_id)
        .exclude(id=exclude_cycle or 0)
        .order_by("team__name", "-id")
        .values("id", "title", "team__name", "status")
    )
    versions = (
        await ArtifactVersion.filter(artifact__community_id=community_id)
        .order_by("artifact__title", "number")
        .values("id", "number", "artifact__title", "artifact__team__name")
    )
    return {"cycles": cycles, "versions": versions}


async def _team(ctx: ServiceContext, slug: str, team_id: int) -> dict[str, Any]:
    rows = await Team.filter(id=team_id, community__slug=slug).values(
        "id", "name", "community_id", "community__slug", "community__name"
    )
    missing = NotFound("There is no such team in this community.")
    cid = await ctx.require_readable(rows[0]["community_id"] if rows else None, missing)
    await ctx.authorize("write_team", community_id=cid, team_id=team_id)
    return dict(rows[0])


async def informed_picker(
    community_id: int, query: str, chosen: list[str], exclude_cycle: int | None = None
) -> dict[str, Any]:
    """The picker of what informed a cycle, as the form shows it without JavaScript: the
    chosen items on top, then up to ``FORM_LIMIT`` others matching the Find field."""
    items = await pickers.chosen_items(community_id, chosen)
    found = await pickers.candidates(
        community_id,
        query,
        exclude_cycle=exclude_cycle,
        leave_out=frozenset(item["value"] for item in items),
    )
    return {"query": query, "chosen": items, "found": found, "limit": pickers.FORM_LIMIT}


async def new_cycle_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    team = await _team(ctx, request.path_params["slug"], request.path_params["team_id"])
    choices = await _choices(team["community_id"], team["id"])
    context: dict[str, Any] = {"team": team, "values": {}, "errors": {}, **choices}
    if request.method == "GET":
        query = request.query_params.get("informed_q", "")[:200]
        context["picker"] = await informed_picker(team["community_id"], query, [])
        return await render(request, "communities/cycle_new.html", context)
    form = await read_form(request)
    values = form_values(
        form,
        ("title", "change_idea_id", *PLAN, "planned_start", "planned_end"),
        ("author_ids", "measure_ids", "informed_by"),
    )
    informed_by = values.pop("informed_by")
    query = str(form.get("informed_q") or "")[:200]
    context["picker"] = await informed_picker(team["community_id"], query, informed_by)
    context["values"] = {**values, "informed_by": informed_by}
    if "find" in form:
        # The no-script search: the same form again, the list narrowed, nothing saved.
        return await render(request, "communities/cycle_new.html", context)
    data, errors = validate(CycleCreate, {"team_id": team["id"], **values})
    if data is None:
        context["errors"] = errors
        return await render(request, "communities/cycle_new.html", context, status=422)
    batch = ctx.deferring()
    try:
        async with community_write(team["community_id"]):
            cycle = await cycle_service.post_cycle(batch, data)
            for source in informed_by:
                await _informed(batch, source, cycle["id"])
    except InvalidInput as exc:
        context["errors"] = exc.fields or {"form": exc.message}
        return await render(request, "communities/cycle_new.html", context, status=422)
    await batch.flush()
    linked = f" with {len(informed_by)} source{'s' if len(informed_by) != 1 else ''} of learning"
    flash(request, f"Your cycle is posted{linked if informed_by else ''}: {cycle['title']}.")
    return RedirectResponse(f"/cycles/{cycle['id']}", status_code=303)


async def _informed(ctx: ServiceContext, source: str, cycle_id: int) -> None:
    """Record that ``source`` informed the new cycle; a problem is the picker's to show."""
    try:
        link = LinkCreate(source=source, target=f"cycle:{cycle_id}", kind="informed")
    except ValueError as exc:
        raise InvalidInput.field("informed_by", f"{source} is not a cycle or artifact") from exc
    try:
        await record_link(ctx, link)
    except InvalidInput as exc:
        raise InvalidInput.field("informed_by", f"{source}: {exc.message}") from exc


async def edit_cycle_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    cycle = await cycle_service.get_cycle(ctx, request.path_params["cycle_id"])
    await ctx.authorize("write_team", community_id=cycle["community_id"], team_id=cycle["team_id"])
    team = (
        await Team.filter(id=cycle["team_id"]).values(
            "id", "name", "community_id", "community__slug", "community__name"
        )
    )[0]
    context: dict[str, Any] = {
        "cycle": cycle,
        "team": team,
        "values": cycle,
        "errors": {},
        **await _choices(cycle["community_id"], cycle["team_id"]),
    }
    if request.method == "GET":
        return await render(request, "communities/cycle_edit.html", context)
    form = await read_form(request)
    values = form_values(form, ("version", *EDITABLE))
    # A field left empty on the form clears it; fields the form did not show stay as they are.
    for name in EDITABLE:
        if name in form and name not in values:
            values[name] = None if name in DATES or name.endswith("_id") else ""
    if "act_decision" in values and values["act_decision"] == "":
        values["act_decision"] = None
    values["version"] = _int(form.get("version"))
    data, errors = validate(CycleUpdate, values)
    context["values"] = {**cycle, **values}
    if data is None:
        context["errors"] = errors
        return await render(request, "communities/cycle_edit.html", context, status=422)
    try:
        await cycle_service.update_cycle(ctx, cycle["id"], data)
    except Conflict as exc:
        context["conflict"] = exc.detail.get("current")
        context["errors"] = exc.fields
        return await render(request, "communities/cycle_edit.html", context, status=409)
    except InvalidInput as exc:
        context["errors"] = exc.fields or {"form": exc.message}
        return await render(request, "communities/cycle_edit.html", context, status=422)
    flash(request, "Your changes to the cycle are saved.")
    return RedirectResponse(f"/cycles/{cycle['id']}", status_code=303)


def _int(raw: Any) -> Any:
    try:
        return int(str(raw))
    except ValueError:
        return raw


async def advance_cycle_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    form = await read_form(request)
    cycle_id = request.path_params["cycle_id"]
    values = form_values(form, ("to",))
    values["version"] = _int(form.get("version"))
    data, errors = validate(CycleAdvance, values)
    try:
        if data is None:
            raise InvalidInput(next(iter(errors.values())), errors)
        if data.to == "abandoned" and not confirmed(form):
            await cycle_service.get_cycle(ctx, cycle_id)  # a missing cycle is a 404 first
            raise InvalidInput.field(
                "confirm", "Nothing changed: tick “Yes, abandon this cycle” to confirm."
            )
        moved = await cycle_service.advance_cycle(ctx, cycle_id, data)
    except ServiceError as exc:
        if exc.status in (401, 403, 404):
            raise
        return await _back_with_error(request, ctx, cycle_id, exc)
    if moved["status"] == "abandoned":
        flash(request, "The cycle is abandoned.")
    else:
        flash(request, f"The cycle moved to {moved['status']}.")
    return RedirectResponse(f"/cycles/{cycle_id}", status_code=303)


async def _back_with_error(
    request: Request, ctx: ServiceContext, cycle_id: int, exc: ServiceError
) -> Response:
    from communities.web.pages import cycle_context

    context = await cycle_context(request, ctx, cycle_id)
    context["action_error"] = exc.message
    return await render(
        request,
        "communities/cycle.html",
        context,
        status=exc.status,
        community_id=context["cycle"]["community_id"],
    )


async def add_data_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    form = await read_form(request)
    cycle_id = request.path_params["cycle_id"]
    await cycle_service.get_cycle(ctx, cycle_id)
    values = form_values(form, ("measure_id", "date", "value", "note"))
    data, errors = validate(
        DataPointCreate, {**values, "cycle_id": cycle_id, "value": _float(values.get("value"))}
    )
    try:
        if data is None:
            raise InvalidInput(
                next(iter(errors.items()))[0] + ": " + next(iter(errors.values())), errors
            )
        await record_data(ctx, data)
    except ServiceError as exc:
        if exc.status in (401, 403, 404):
            raise
        return await _back_with_error(request, ctx, cycle_id, exc)
    flash(request, f"The data point of {data.date:%-d %b %Y} is added to the chart.")
    return RedirectResponse(f"/cycles/{cycle_id}#measures", status_code=303)


def _float(raw: Any) -> Any:
    try:
        return float(str(raw)) if raw is not None else None
    except ValueError:
        return raw


async def add_link_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    form = await read_form(request)
    cycle_id = request.path_params["cycle_id"]
    await cycle_service.get_cycle(ctx, cycle_id)
    values = form_values(form, ("source", "note"))
    data, errors = validate(LinkCreate, {**values, "target": f"cycle:{cycle_id}"})
    try:
        if data is None:
            raise InvalidInput("choose what informed this cycle", errors)
        await record_link(ctx, data)
    except ServiceError as exc:
        if exc.status in (401, 403, 404):
            raise
        return await _back_with_error(request, ctx, cycle_id, exc)
    flash(request, "The link is recorded: it shows under “What informed this cycle”.")
    return RedirectResponse(f"/cycles/{cycle_id}#informed-by", status_code=303)


ROUTES = [
    Route(
        "/communities/{slug}/teams/{team_id:int}/cycles/new",
        new_cycle_page,
        methods=["GET", "POST"],
    ),
    Route("/cycles/{cycle_id:int}/edit", edit_cycle_page, methods=["GET", "POST"]),
    Route("/cycles/{cycle_id:int}/advance", advance_cycle_page, methods=["POST"]),
    Route("/cycles/{cycle_id:int}/data", add_data_page, methods=["POST"]),
    Route("/cycles/{cycle_id:int}/links", add_link_page, methods=["POST"]),
]
