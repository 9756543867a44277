"""Invitations: an in-app notification and an email with an iCalendar invitation.

Sent when a facilitator confirms the date (``METHOD:REQUEST``), again as an update when
a confirmed meeting's date, place or time changes (same ``UID``, higher ``SEQUENCE``),
and as a cancellation (``METHOD:CANCEL``) when it is cancelled. Each invitee gets a
mail of their own whose invitation names only them, so addresses are not shared. Mail
is a courtesy copy: the platform logs a failed delivery instead of raising, so a mail
server being down never undoes the confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from plugins.api import (
    Message,
    ServiceContext,
    community_write,
    fold_line,
    notify,
    send_mail,
)
from plugins.convenings.ics import calendar
from plugins.convenings.models import Invitee
from plugins.convenings.records import convening_row

SOURCE = "convenings"
ORGANIZER = "convenings@nic-platform.invalid"


def _texts(conv: dict, method: str) -> tuple[str, str, str]:
    """The notification text, the mail's subject and its first lines."""
    conv = {**conv, "title": fold_line(conv["title"]), "place": fold_line(conv["place"])}
    where = f" at {conv['place']}" if conv["place"] else ""
    if method == "CANCEL":
        return (
            f"Cancelled: {conv['title']} on {conv['when']}.",
            f"Cancelled: {conv['title']}",
            f"{conv['title']} on {conv['when']} is cancelled.\n",
        )
    update = conv["sequence"] > 0
    body = (
        f"You are invited to {conv['title']} ({conv['series_name']} of "
        f"{conv['community_name']}).\n\nWhen: {conv['when']}\n"
        + (f"Where: {conv['place']}\n" if conv["place"] else "")
        + (f"Video: {conv['video_url']}\n" if conv["video_url"] else "")
    )
    return (
        f"{'Changed: ' if update else ''}{conv['title']} on {conv['when']}{where}. "
        "Please let us know if you can come.",
        f"{'Updated invitation' if update else 'Invitation'}: {conv['title']}",
        body,
    )


@dataclass(frozen=True)
class Invitations:
    """What telling a convening's invitees takes, built (and so checked) before it is sent."""

    convening_id: int
    community_id: int
    method: str
    note: str
    url: str
    user_ids: list[int]
    invitee_ids: list[int]
    mails: list[Message]


async def prepare_invitations(convening_id: int, method: str = "REQUEST") -> Invitations:
    """The notifications and mails for every invitee. Made inside the write that calls for
    them, so a message that cannot be made (``InvalidInput``) undoes that write."""
    conv = await convening_row(convening_id)
    people = await Invitee.filter(convening_id=convening_id, removed=False).values(
        "id", "person_id", name="person__name", email="person__email", user_id="person__user_id"
    )
    url = f"/communities/{conv['community_slug']}/convenings/{convening_id}"
    note, subject, body = _texts(conv, method)
    body += f"\nThe agenda and everyone's answers are on the convening's page: {url}\n"
    mails = [
        Message(
            to=(str(person["email"]),),
            subject=subject,
            text=f"Dear {person['name']},\n\n{body}",
            attachments=(
                (
                    "invitation.ics",
                    f"text/calendar; method={method}",
                    calendar([conv], "", method=method, attendees=[person], organizer=ORGANIZER),
                ),
            ),
        )
        for person in people
        if person["email"]
    ]
    return Invitations(
        convening_id,
        conv["community_id"],
        method,
        note,
        url,
        [p["user_id"] for p in people if p["user_id"]],
        [p["id"] for p in people],
        mails,
    )


async def send_invitations(ctx: ServiceContext, prepared: Invitations) -> int:
    """Notify every invitee with an account and mail every invitee with an address;
    return how many people were told."""
    if not prepared.invitee_ids:
        return 0
    await notify(
        prepared.user_ids,
        prepared.note,
        prepared.url,
        source=SOURCE,
        kind="invitation",
        community_id=prepared.community_id,
    )
    for mail in prepared.mails:
        await send_mail(ctx.plugins, mail)
    if prepared.method == "REQUEST":
        # The invitees show when they were invited: a write to the community's data.
        async with community_write(prepared.community_id):
            await Invitee.filter(id__in=prepared.invitee_ids).update(invited_at=datetime.now(UTC))
    return len(prepared.invitee_ids)
