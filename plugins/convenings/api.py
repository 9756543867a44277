"""JSON API operations under ``/api/v1`` (token auth; one error shape).

Every operation answers 404 where the community switched the plugin off.
"""

from __future__ import annotations

from typing import Any

from plugins.api import (
    ApiCall,
    InvalidInput,
    NotFound,
    Operation,
    get_community,
    paginated,
    this_plugin,
)
from plugins.convenings import agenda, minutes, services
from plugins.convenings.records import readable_convening
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

TAG = "convenings"


async def _enabled(call: ApiCall) -> int:
    """The convening's id, after checking the plugin is on in its community."""
    convening_id = int(call.path["id"])
    conv = await readable_convening(call.ctx, convening_id)
    await THIS.require_on(call.ctx, conv["community_id"])
    return convening_id


async def _list(call: ApiCall) -> Any:
    community_id = int(call.path["community_id"])
    await get_community(call.ctx, community_id)
    await THIS.require_on(call.ctx, community_id)
    rows, total = await services.list_convenings(call.ctx, community_id, call.page)
    return paginated(rows, total, call.page)


async def _create(call: ApiCall) -> Any:
    data = call.body_as(ConveningCreate)
    try:  # before asking about its plugins: another community's answer would differ
        await get_community(call.ctx, data.community_id)
    except NotFound as exc:
        raise InvalidInput.field("community_id", exc.message) from None
    await THIS.require_on(call.ctx, data.community_id)
    return await services.create_convening(call.ctx, data)


async def _get(call: ApiCall) -> Any:
    return await services.get_convening(call.ctx, await _enabled(call))


async def _update(call: ApiCall) -> Any:
    return await services.update_convening(
        call.ctx, await _enabled(call), call.body_as(ConveningUpdate)
    )


async def _option(call: ApiCall) -> Any:
    data = call.body_as(OptionCreate)
    return await services.add_option(call.ctx, await _enabled(call), data.starts_at)


async def _availability(call: ApiCall) -> Any:
    return await services.set_availability(
        call.ctx, await _enabled(call), call.body_as(AvailabilityIn)
    )


async def _confirm(call: ApiCall) -> Any:
    return await services.confirm(call.ctx, await _enabled(call), call.body_as(ConfirmIn))


async def _rsvp(call: ApiCall) -> Any:
    return await services.set_rsvp(call.ctx, await _enabled(call), call.body_as(RsvpIn))


async def _attendance(call: ApiCall) -> Any:
    return await services.record_attendance(
        call.ctx, await _enabled(call), call.body_as(AttendanceIn)
    )


async def _invitee(call: ApiCall) -> Any:
    return await services.change_invitee(
        call.ctx, await _enabled(call), call.body_as(InviteeChange)
    )


async def _draft(call: ApiCall) -> Any:
    return {"items": await agenda.draft(call.ctx, await _enabled(call))}


async def _add_entry(call: ApiCall) -> Any:
    return await agenda.add_entry(call.ctx, await _enabled(call), call.body_as(AgendaEntryCreate))


async def _update_entry(call: ApiCall) -> Any:
    return await agenda.update_entry(
        call.ctx, await _enabled(call), int(call.path["entry_id"]), call.body_as(AgendaEntryUpdate)
    )


async def _decision(call: ApiCall) -> Any:
    return await minutes.add_decision(call.ctx, await _enabled(call), call.body_as(DecisionCreate))


ONE = "/convenings/{id:int}"
OPERATIONS = [
    Operation("GET", "/communities/{community_id:int}/convenings", "listConvenings",
              "List a community's convenings", TAG, _list, paginated=True),
    Operation("POST", "/convenings", "createConvening",
              "Plan a convening: teams, place, proposed dates (facilitators)", TAG, _create,
              body=ConveningCreate, status=201),
    Operation("GET", ONE, "getConvening",
              "A convening with its options, best date, invitees, agenda and decisions", TAG,
              _get),
    Operation("PATCH", ONE, "updateConvening", "Change a convening (facilitators)", TAG,
              _update, body=ConveningUpdate),
    Operation("POST", f"{ONE}/options", "addConveningOption", "Propose another date", TAG,
              _option, body=OptionCreate, status=201),
    Operation("PUT", f"{ONE}/availability", "setConveningAvailability",
              "Say on which proposed dates you can come", TAG, _availability,
              body=AvailabilityIn),
    Operation("POST", f"{ONE}/confirm", "confirmConvening",
              "Confirm a date and send the invitations (facilitators)", TAG, _confirm,
              body=ConfirmIn),
    Operation("PUT", f"{ONE}/rsvp", "rsvpConvening", "Answer the invitation", TAG, _rsvp,
              body=RsvpIn),
    Operation("PUT", f"{ONE}/attendance", "recordConveningAttendance",
              "Record who came (facilitators)", TAG, _attendance, body=AttendanceIn),
    Operation("PUT", f"{ONE}/invitees", "changeConveningInvitee",
              "Invite a person or take them off (facilitators)", TAG, _invitee,
              body=InviteeChange),
    Operation("POST", f"{ONE}/agenda/draft", "draftConveningAgenda",
              "Add the graph's and plugins' suggestions to the agenda (facilitators)", TAG,
              _draft, background=True),
    Operation("POST", f"{ONE}/agenda", "addConveningAgendaItem", "Add an agenda item", TAG,
              _add_entry, body=AgendaEntryCreate, status=201),
    Operation("PATCH", f"{ONE}/agenda/{{entry_id:int}}", "updateConveningAgendaItem",
              "Edit, move, time-box an agenda item, or take its notes", TAG, _update_entry,
              body=AgendaEntryUpdate),
    Operation("POST", f"{ONE}/decisions", "addConveningDecision",
              "Record a decision and the cycles it rests on", TAG, _decision,
              body=DecisionCreate, status=201),
]  # fmt: skip
