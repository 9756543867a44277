"""The plugin's pages: a community's convenings, planning a new one, one convening
(with every form of its life: availability, confirmation, RSVP, invitees, attendance,
agenda, minutes, decisions), the ``.ics`` download and the community's feed.

Forms post to ``/communities/{slug}/convenings/{id}/{action}`` and redirect back
(303); a form with errors re-renders the page (422) with messages beside its fields.
A community's pages answer 404 where its facilitators switched the plugin off.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from plugins.api import (
    ArtifactVersion,
    Cycle,
    InvalidInput,
    NotFound,
    Page,
    ServiceContext,
    StillComputing,
    confirmed,
    flash,
    form_values,
    id_or_none,
    kept_page,
    read_form,
    render,
    signed_in_context,
    system_context,
    this_plugin,
    validate,
)
from plugins.convenings import agenda, feeds, minutes, services
from plugins.convenings.ics import calendar
from plugins.convenings.models import ANSWERS, RSVPS, STATUSES
from plugins.convenings.records import convening_row, my_person_id
from plugins.convenings.schemas import (
    AgendaEntryCreate,
    AgendaEntryUpdate,
    AttendanceIn,
    AvailabilityIn,
    ConfirmIn,
    ConveningCreate,
    ConveningUpdate,
    DecisionCreate,
    InviteeChange,
    OptionCreate,
    RsvpIn,
)

THIS = this_plugin(__name__)

PER_PAGE = 20
CYCLE_CHOICES = 200


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def _community(ctx: ServiceContext, request: Request) -> dict[str, Any]:
    return await THIS.community(ctx, request.path_params["slug"])


async def _convening_in(ctx: ServiceContext, request: Request) -> tuple[dict, dict]:
    community = await _community(ctx, request)
    missing = NotFound("There is no such convening in this community.")
    try:
        conv = await convening_row(request.path_params["convening_id"])
    except NotFound:
        raise missing from None
    if conv["community_id"] != community["id"]:  # the same words: it is not in this one
        raise missing
    return community, conv


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10**6 else 1


async def list_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await _community(ctx, request)
    number = _page_number(request)

    async def data() -> dict[str, Any]:
        rows, total = await services.list_convenings(ctx, community["id"], Page(number, PER_PAGE))
        can_plan = await ctx.allowed("manage", community_id=community["id"])
        token = await feeds.feed_token(ctx, community["id"]) if can_plan else None
        return {
            "community": community,
            "convenings": rows,
            "page": number,
            "pages": max(1, -(-total // PER_PAGE)),
            "can_plan": can_plan,
            "feed_url": f"{_base(request)}/convenings/feed/{token}.ics" if token else None,
        }

    # The page carries the viewer's own calendar feed token: kept per viewer.
    key = (ctx.actor.user_id, ctx.actor.is_admin, number)
    return await kept_page(request, "convenings/list.html", community, key, data)


async def all_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    groups: dict[str, dict[str, Any]] = {}
    for row in await services.convenings_for(ctx):
        group = groups.setdefault(
            row["community_slug"], {"name": row["community_name"], "convenings": []}
        )
        group["convenings"].append(row)
    return await render(request, "convenings/index.html", {"communities": groups})


async def feed_form(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await _community(ctx, request)
    form = await read_form(request)
    if form.get("revoke") and not confirmed(form):
        flash(request, "The feed is still on: tick the box to confirm.", kind="warning")
    elif form.get("revoke"):
        await feeds.revoke_feed(ctx, community["id"])
        flash(request, "The calendar feed is off: its address no longer works.")
    else:
        await feeds.new_feed_token(ctx, community["id"])
        flash(request, "The calendar feed has a new address; any earlier one stops working.")
    return RedirectResponse(f"/communities/{community['slug']}/convenings#feed", status_code=303)


async def new_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await _community(ctx, request)
    await ctx.authorize("manage", community_id=community["id"])
    teams = await services.default_team_choices(community["id"])
    values: dict[str, Any] = {
        "series": "Quarterly convening",
        "time_zone": community.get("time_zone") or "UTC",
        "duration_minutes": "180",
        "team_ids": [str(t["id"]) for t in teams if t["default"]],
        "options": [],
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = await read_form(request)
        values = form_values(
            form,
            ("title", "series", "place", "video_url", "time_zone", "duration_minutes"),
            lists=("team_ids", "options"),
        )
        values["community_id"] = community["id"]
        data, problems = validate(ConveningCreate, values)
        for name, problem in problems.items():  # "options.1" is shown beside the options
            errors.setdefault(name.split(".")[0], problem)
        if data is not None:
            try:
                conv = await services.create_convening(ctx, data)
            except InvalidInput as exc:
                errors = exc.fields
            else:
                url = f"/communities/{community['slug']}/convenings/{conv['id']}"
                flash(
                    request, "The convening is planned: invitees can now give their availability."
                )
                return RedirectResponse(url, status_code=303)
    context = {
        "community": community,
        "teams": teams,
        "values": values,
        "chosen": set(values.get("team_ids") or []),
        "option_values": [*list(values.get("options") or []), "", "", ""][:3],
        "errors": errors,
    }
    return await render(request, "convenings/new.html", context, status=422 if errors else 200)


async def _detail(
    request: Request,
    ctx: ServiceContext,
    community: dict[str, Any],
    convening_id: int,
    errors: dict[str, str] | None = None,
    form_name: str = "",
) -> Response:
    conv = await services.get_convening(ctx, convening_id)
    cid = community["id"]
    me = await my_person_id(ctx, cid)
    mine = next((i for i in conv["invitees"] if i["person_id"] == me and not i["removed"]), None)
    can_plan = await ctx.allowed("manage", community_id=cid)
    cycles, versions = [], []
    if can_plan:
        cycles = list(
            await Cycle.filter(community_id=cid)
            .order_by("-updated_at", "-id")
            .limit(CYCLE_CHOICES)
            .values("id", "title", team="team__name")
        )
        versions = list(
            await ArtifactVersion.filter(artifact__community_id=cid)
            .order_by("artifact__title", "-number")
            .limit(CYCLE_CHOICES)
            .values("id", "number", title="artifact__title", team="artifact__team__name")
        )
    context = {
        "community": community,
        "conv": conv,
        "can_plan": can_plan,
        "mine": mine,
        "my_answers": {o["id"]: o["answers"].get(me) for o in conv["options"]},
        "answers": ANSWERS,
        "rsvps": RSVPS,
        "people": await services.people_of(cid) if can_plan else [],
        "cycles": cycles,
        "versions": versions,
        "errors": errors or {},
        "form_name": form_name,
        "statuses": STATUSES,
    }
    status = 422 if errors else 200
    return await render(request, "convenings/convening.html", context, status=status)


async def convening_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community, conv = await _convening_in(ctx, request)
    return await _detail(request, ctx, community, conv["id"])


def _checked(model: type[BaseModel], values: dict[str, Any]) -> BaseModel:
    data, errors = validate(model, values)
    if data is None:
        raise InvalidInput("invalid input", errors)
    return data


async def _act(ctx: ServiceContext, action: str, conv_id: int, form: Any) -> None:
    """Run one form's service; raises InvalidInput with the fields to mark."""
    if action == "availability":
        answers = {
            key.removeprefix("answer_"): value
            for key, value in form.multi_items()
            if key.startswith("answer_") and value
        }
        values: dict[str, Any] = {"answers": answers}
        if str(form.get("person_id", "")).strip():  # a facilitator answering for someone
            values["person_id"] = form.get("person_id")
        data = _checked(AvailabilityIn, values)
        await services.set_availability(ctx, conv_id, data)  # type: ignore[arg-type]
    elif action == "confirm":
        data = _checked(ConfirmIn, form_values(form, ("option_id",)))
        await services.confirm(ctx, conv_id, data)  # type: ignore[arg-type]
    elif action == "option":
        data = _checked(OptionCreate, form_values(form, ("starts_at",)))
        await services.add_option(ctx, conv_id, data.starts_at)  # type: ignore[attr-defined]
    elif action == "rsvp":
        data = _checked(RsvpIn, form_values(form, ("answer",)))
        await services.set_rsvp(ctx, conv_id, data)  # type: ignore[arg-type]
    elif action == "invitee":
        values = form_values(form, ("person_id", "invited"))
        data = _checked(InviteeChange, values)
        await services.change_invitee(ctx, conv_id, data)  # type: ignore[arg-type]
    elif action == "attendance":
        data = _checked(AttendanceIn, form_values(form, (), lists=("attended",)))
        await services.record_attendance(ctx, conv_id, data)  # type: ignore[arg-type]
    elif action == "details":
        values = form_values(form, ("title", "place", "video_url", "duration_minutes", "status"))
        for name in ("place", "video_url"):  # an emptied field clears it
            values.setdefault(name, "")
        data = _checked(ConveningUpdate, values)
        await services.update_convening(ctx, conv_id, data)  # type: ignore[arg-type]
    elif action == "draft":
        await agenda.draft(ctx, conv_id)
    elif action == "entry_add":
        values = form_values(form, ("title", "detail", "minutes", "presenter_id"))
        data = _checked(AgendaEntryCreate, values)
        await agenda.add_entry(ctx, conv_id, data)  # type: ignore[arg-type]
    elif action == "entry":
        entry_id = id_or_none(form.get("entry_id", ""))
        if entry_id is None:
            raise InvalidInput.field("entry_id", "choose an agenda item")
        names = ("title", "detail", "minutes", "presenter_id", "position", "notes")
        values = {n: form.get(n) for n in names if n in form}
        for key in ("minutes", "presenter_id", "position"):
            if key in values and not str(values[key]).strip():
                values[key] = None
        if values.get("position") is None:
            values.pop("position", None)
        data = _checked(AgendaEntryUpdate, values)
        await agenda.update_entry(ctx, conv_id, entry_id, data)  # type: ignore[arg-type]
    elif action == "decision":
        values = form_values(
            form, ("text", "entry_id", "artifact_version_id"), lists=("cycle_ids",)
        )
        data = _checked(DecisionCreate, values)
        await minutes.add_decision(ctx, conv_id, data)  # type: ignore[arg-type]
    else:
        raise NotFound("There is no such form.")


async def action_form(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community, conv = await _convening_in(ctx, request)
    form = await read_form(request)
    action = request.path_params["action"]
    try:
        await _act(ctx, action, conv["id"], form)
    except InvalidInput as exc:
        return await _detail(request, ctx, community, conv["id"], exc.fields, action)
    except StillComputing:
        # The graph's suggestions come from a worker: say so, and nothing is drafted yet.
        waiting = {"agenda": "the graph's suggestions are still being computed: draft again soon"}
        return await _detail(request, ctx, community, conv["id"], waiting, action)
    flash(request, DONE[action])
    url = f"/communities/{community['slug']}/convenings/{conv['id']}#{action}"
    return RedirectResponse(url, status_code=303)


async def ics_download(request: Request) -> Response:
    ctx = await signed_in_context(request)
    _community_row, conv = await _convening_in(ctx, request)
    await services.readable_convening(ctx, conv["id"])
    if conv["starts_at"] is None:
        raise NotFound("This convening has no confirmed date yet.")
    body = calendar([conv], _base(request), name=conv["title"])
    headers = {"Content-Disposition": f'attachment; filename="convening-{conv["id"]}.ics"'}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


async def feed_page(request: Request) -> Response:
    ctx = system_context(request)  # the feed's token is the credential
    body = await feeds.feed(ctx, request.path_params["token"], _base(request))
    headers = {"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


DONE = {
    "availability": "Your availability is saved.",
    "confirm": "The date is confirmed; invitations go out to the invitees.",
    "option": "The date option is added.",
    "rsvp": "Your answer is saved.",
    "invitee": "The invitation list is saved.",
    "attendance": "Attendance is recorded.",
    "details": "The convening's details are saved.",
    "draft": "The agenda is drafted from the knowledge-flow graph.",
    "entry_add": "The agenda item is added.",
    "entry": "The agenda item is saved.",
    "decision": "The decision is recorded in the minutes.",
}
"""What the next page says after each of a convening's forms."""

BASE = "/communities/{slug}/convenings"
ROUTES = [
    Route("/convenings", all_page),
    Route(BASE, list_page),
    Route(f"{BASE}/feed", feed_form, methods=["POST"]),
    Route(f"{BASE}/new", new_page, methods=["GET", "POST"]),
    Route(BASE + "/{convening_id:int}", convening_page),
    Route(BASE + "/{convening_id:int}.ics", ics_download),
    Route(BASE + "/{convening_id:int}/{action}", action_form, methods=["POST"]),
    Route("/convenings/feed/{token}.ics", feed_page),
]
