"""The page of one measure: its definition, its control (or run) chart, and its data.

The chart is drawn (:mod:`communities.web.controlchart`) from the answer of
:func:`communities.services.charts.chart_of`, the computation behind
``GET /api/v1/measures/{id}/chart``, with the chart type the measure names (``?type=``
shows another). Below it: each special cause explained, the phases (a form to split the
chart at a date, and a delete that asks first), the notes drawn on the chart (a form to
add one), and the data as a table, the chart's text alternative. Who writes the measure
(its team's writers; facilitators for a community measure) sees the forms; the services
check the same right again. The body is kept per community change like the team page's;
a form sent back with its errors is rendered and not kept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from communities.charts.schemas import MeasureNoteCreate, MeasurePhaseCreate
from communities.models import DataPoint, Measure, MeasureNote, MeasurePhase, Team
from communities.services import measures as measure_service
from communities.services.charts import CHART_CHOICES, chart_of
from communities.web import queries
from communities.web.controlchart import NAMES, RULE_NAMES, ChartPage, render_chart
from communities.web.forms import form_values, validate
from communities.web.page_cache import kept_page
from core.context import ServiceContext
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.web.context import signed_in_context
from core.web.csrf import read_form
from core.web.flash import confirmed, flash
from core.web.render import render

TEMPLATE = "communities/measure.html"
NOTE_FIELDS = ("date", "text")
PHASE_FIELDS = ("start", "label")


async def _measure(ctx: ServiceContext, slug: str, measure_id: int) -> tuple[dict, dict, bool]:
    """The community of ``slug``, its measure ``measure_id`` (else 404) and whether the
    actor may write to the measure."""
    community = await queries.community_by_slug(ctx, slug)
    rows = await Measure.filter(id=measure_id, community_id=community["id"]).values(
        *measure_service.MEASURES.fields
    )
    if not rows:
        raise NotFound("There is no such measure in this community.")
    measure = dict(rows[0])
    if measure["team_id"] is None:
        can_write = await ctx.allowed("manage", community_id=community["id"])
    else:
        can_write = await ctx.allowed(
            "write_team", community_id=community["id"], team_id=measure["team_id"]
        )
    return community, measure, can_write


def _chart_type(request: Request) -> str | None:
    wanted = request.query_params.get("type", "")
    return wanted if wanted in CHART_CHOICES else None


async def measure_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    slug, measure_id = request.path_params["slug"], request.path_params["measure_id"]
    community, measure, can_write = await _measure(ctx, slug, measure_id)
    kind = _chart_type(request)
    return await _page(request, community, measure, can_write, kind, {})


async def _page(
    request: Request,
    community: dict[str, Any],
    measure: dict[str, Any],
    can_write: bool,
    kind: str | None,
    sent: dict[str, Any],
    around: dict[str, Any] | None = None,
) -> Response:
    """The page; ``sent`` is a form sent back (``form``, ``values``, ``errors``, ``status``);
    ``around`` what the page shows outside its kept body (a notice)."""

    async def data() -> dict[str, Any]:
        return await _context(community, measure, can_write, kind) | sent

    return await kept_page(
        request,
        TEMPLATE,
        community,
        ("measure", measure["id"], kind, can_write),
        data,
        subject="measure",
        around=around,
        keep=not sent,
    )


async def _context(
    community: dict[str, Any], measure: dict[str, Any], can_write: bool, kind: str | None
) -> dict[str, Any]:
    """What the page shows, the same for everyone who may (or may not) write the measure."""
    href = f"/communities/{community['slug']}/measures/{measure['id']}"
    chart: dict[str, Any] | None = None
    chart_error = ""
    try:
        chart = await chart_of(measure, kind)
    except InvalidInput as exc:
        chart_error = exc.message
    svg = ""
    if chart is not None:
        page = ChartPage(
            measure["name"], measure["unit"], measure["goal"], measure["goal_date"], href
        )
        svg = render_chart(chart, page)
    team = None
    if measure["team_id"] is not None:
        team = (await Team.filter(id=measure["team_id"]).values("id", "name"))[0]
    rows = (
        await DataPoint.filter(measure_id=measure["id"])
        .order_by("date", "id")
        .values("date", "value", "numerator", "denominator", "note")
    )
    notes = (
        await MeasureNote.filter(measure_id=measure["id"])
        .order_by("date", "id")
        .values("id", "date", "text", "author__name")
    )
    phases = (
        await MeasurePhase.filter(measure_id=measure["id"])
        .order_by("start")
        .values("id", "start", "label", "frozen")
    )
    return {
        "community": community,
        "measure": measure,
        "team": team,
        "href": href,
        "kind": (chart or {}).get("type", kind or measure["chart_type"]),
        "kinds": NAMES,
        "rules": RULE_NAMES,
        "chart": chart,
        "chart_error": chart_error,
        "svg": svg,
        "table": _table(rows, chart),
        "notes": notes,
        "cycles": [a for a in (chart or {}).get("annotations", []) if a["kind"] == "cycle"],
        "phases": phases,
        "can_write": can_write,
        "form": "",
        "values": {},
        "errors": {},
    }


def _table(rows: list[dict[str, Any]], chart: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The data points with, when the chart could be drawn, what each is judged against
    and the numbers of the signals it is in (the chart sorts its points as the rows are)."""
    if chart is None or len(chart["points"]) != len(rows):
        return [dict(row, plotted=None) for row in rows]
    signals: dict[int, list[int]] = {}
    for number, signal in enumerate(chart["signals"], start=1):
        for index in signal["points"]:
            signals.setdefault(index, []).append(number)
    phases = chart["phases"]
    return [
        dict(row, plotted=point, phase=phases[point["phase"]]["label"], signals=signals.get(i, []))
        for i, (row, point) in enumerate(zip(rows, chart["points"], strict=True))
    ]


async def _add_from_form(
    request: Request,
    name: str,
    schema: Any,
    values_of: Callable[[Any], dict[str, Any]],
    create: Callable[[Any, Any], Awaitable[dict[str, Any]]],
) -> dict[str, Any] | Response:
    """The note and phase forms: the record made from the form, or the page again with
    the form's errors (422)."""
    ctx = await signed_in_context(request)
    slug, measure_id = request.path_params["slug"], request.path_params["measure_id"]
    community, measure, can_write = await _measure(ctx, slug, measure_id)
    values = values_of(await read_form(request))
    data, errors = validate(schema, {**values, "measure_id": measure_id})
    try:
        if data is None:
            raise InvalidInput(f"The {name} has problems.", errors)
        return await create(ctx, data)
    except InvalidInput as exc:
        sent = {"form": name, "values": values, "errors": exc.fields, "status": 422}
        return await _page(request, community, measure, can_write, None, sent)


def _measure_url(request: Request) -> str:
    return (
        f"/communities/{request.path_params['slug']}/measures/{request.path_params['measure_id']}"
    )


async def add_note_page(request: Request) -> Response:
    note = await _add_from_form(
        request,
        "note",
        MeasureNoteCreate,
        lambda form: form_values(form, NOTE_FIELDS),
        measure_service.add_note,
    )
    if isinstance(note, Response):
        return note
    flash(request, f"Your note of {note['date']} is on the chart.")
    return RedirectResponse(f"{_measure_url(request)}#note-{note['id']}", 303)


async def delete_note_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    slug, measure_id = request.path_params["slug"], request.path_params["measure_id"]
    await _measure(ctx, slug, measure_id)
    form = await read_form(request)
    note_id = request.path_params["note_id"]
    if not await MeasureNote.filter(id=note_id, measure_id=measure_id).exists():
        raise NotFound("There is no such note on this measure.")
    if not confirmed(form):
        raise InvalidInput.field("confirm", "Nothing deleted: tick “Yes, delete this note”.")
    await measure_service.delete_note(ctx, note_id)
    flash(request, "The note is deleted.")
    return RedirectResponse(f"/communities/{slug}/measures/{measure_id}#notes", 303)


async def add_phase_page(request: Request) -> Response:
    phase = await _add_from_form(
        request,
        "phase",
        MeasurePhaseCreate,
        lambda form: {**form_values(form, PHASE_FIELDS), "frozen": form.get("frozen") == "on"},
        measure_service.add_phase,
    )
    if isinstance(phase, Response):
        return phase
    flash(request, f"The chart now splits on {phase['start']}: {phase['label']}.")
    return RedirectResponse(f"{_measure_url(request)}#phases", 303)


async def delete_phase_page(request: Request) -> Response:
    """GET asks to confirm; POST deletes the phase."""
    ctx = await signed_in_context(request)
    slug, measure_id = request.path_params["slug"], request.path_params["measure_id"]
    community, measure, can_write = await _measure(ctx, slug, measure_id)
    phase_id = request.path_params["phase_id"]
    rows = await MeasurePhase.filter(id=phase_id, measure_id=measure_id).values(
        "id", "start", "label", "frozen"
    )
    if not rows:
        raise NotFound("There is no such phase on this measure.")
    if not can_write:
        raise PermissionDenied("Only those who write this measure may delete its phases.")
    if request.method == "GET":
        context = {"community": community, "measure": measure, "phase": rows[0]}
        return await render(request, "communities/measure_phase_delete.html", context)
    await read_form(request)
    await measure_service.delete_phase(ctx, phase_id)
    flash(request, "The phase is deleted: its points belong to the phase before.")
    return RedirectResponse(f"/communities/{slug}/measures/{measure_id}#phases", 303)


_BASE = "/communities/{slug}/measures/{measure_id:int}"
ROUTES = [
    Route(_BASE, measure_page),
    Route(_BASE + "/notes", add_note_page, methods=["POST"]),
    Route(_BASE + "/notes/{note_id:int}/delete", delete_note_page, methods=["POST"]),
    Route(_BASE + "/phases", add_phase_page, methods=["POST"]),
    Route(_BASE + "/phases/{phase_id:int}/delete", delete_phase_page, methods=["GET", "POST"]),
]
