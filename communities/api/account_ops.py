"""API operations on a person's account: its state, invitations (send, again, revoke).

Linking an existing account is ``PATCH /people/{id}`` with ``user_id`` or ``user_email``
(``user_id: null`` unlinks).
"""

from __future__ import annotations

from typing import Any

from communities import schemas as s
from communities.services import accounts
from core.api.calls import ApiCall
from core.api.operations import Operation


def _served(call: ApiCall) -> str:
    return str(call.request.base_url)


def _without_link(state: dict[str, Any]) -> dict[str, Any]:
    """The state for the API: the link itself goes only to the invited person's mail."""
    return {k: v for k, v in state.items() if k != "link"}


async def _account(call: ApiCall) -> Any:
    return await accounts.account_state(call.ctx, call.path["id"])


async def _invite(call: ApiCall) -> Any:
    body = call.body_as(s.InvitationCreate)
    state = await accounts.invite_person(
        call.ctx, call.path["id"], body.role, body.email, _served(call)
    )
    return _without_link(state)


async def _resend(call: ApiCall) -> Any:
    return _without_link(await accounts.resend_invitation(call.ctx, call.path["id"], _served(call)))


async def _revoke(call: ApiCall) -> None:
    await accounts.revoke_invitation(call.ctx, call.path["id"])


def account_operations() -> list[Operation]:
    return [
        Operation(
            "GET", "/people/{id:int}/account", "getPersonAccount",
            "A person's account state: none, invited or active (facilitators)", "people",
            _account, response=s.AccountStateOut,
        ),
        Operation(
            "POST", "/people/{id:int}/invitation", "invitePerson",
            "Mail a person an invitation to make an account (an existing account of the "
            "email is linked at once)", "people", _invite, body=s.InvitationCreate,
            response=s.AccountStateOut, status=201,
        ),
        Operation(
            "POST", "/people/{id:int}/invitation/resend", "resendInvitation",
            "Mail a person's invitation again with a new link (the old one stops working)",
            "people", _resend, response=s.AccountStateOut,
        ),
        Operation(
            "DELETE", "/people/{id:int}/invitation", "revokeInvitation",
            "Revoke a person's pending invitation", "people", _revoke, status=204,
        ),
    ]  # fmt: skip
