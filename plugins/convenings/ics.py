"""iCalendar (RFC 5545) for convenings, built with the ``icalendar`` library.

Each event carries its start and end as wall-clock times with a ``TZID`` of the
convening's IANA zone, and the calendar carries the matching ``VTIMEZONE`` (made by
the library from the zone database), so calendar apps keep the local hour across a
DST change. ``UID`` is fixed per convening, and ``SEQUENCE`` is the convening's own
counter, raised whenever a confirmed meeting changes, so apps replace their copy.
A download and the feed use ``METHOD:PUBLISH``; the invitation mailed to invitees uses
``METHOD:REQUEST`` with an ``ORGANIZER`` and one ``ATTENDEE`` per invitee.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar, Event, vCalAddress, vText

from plugins.api import fold_line
from plugins.convenings.times import local

PRODID = "-//NIC Platform//Convenings//EN"
UID_DOMAIN = "convenings.nic-platform"
STATUS = {
    "planning": "TENTATIVE",
    "confirmed": "CONFIRMED",
    "held": "CONFIRMED",
    "cancelled": "CANCELLED",
}


def uid_of(convening_id: int) -> str:
    return f"convening-{convening_id}@{UID_DOMAIN}"


def _event(conv: dict[str, Any], base_url: str, stamp: datetime) -> Event:
    start = local(conv["starts_at"], conv["time_zone"])
    event = Event()
    event.add("uid", uid_of(conv["id"]))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=conv["duration_minutes"]))
    event.add("sequence", conv["sequence"])
    event.add("summary", fold_line(conv["title"]))
    event.add("status", STATUS.get(conv["status"], "CONFIRMED"))
    where = fold_line(", ".join(filter(None, [conv["place"], conv["video_url"]])))
    if where:
        event.add("location", where)
    page = f"{base_url}/communities/{conv['community_slug']}/convenings/{conv['id']}"
    if base_url:  # URL must be absolute; mail invitations name the page in the text
        event.add("url", page)
    lines = [f"{conv['series_name']} of {conv['community_name']}."]
    if conv["video_url"]:
        lines.append(f"Join by video: {conv['video_url']}")
    lines.append(f"Agenda and minutes: {page}")
    event.add("description", "\n".join(lines))
    return event


def calendar(
    convenings: Iterable[dict[str, Any]],
    base_url: str,
    *,
    name: str = "",
    method: str = "PUBLISH",
    attendees: Iterable[dict[str, Any]] = (),
    organizer: str = "",
    refresh: timedelta | None = None,
) -> bytes:
    """The calendar of these convenings (rows as :func:`services.convening_row` gives,
    undated ones left out), as RFC 5545 bytes with CRLF line ends."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", fold_line(name))
    if refresh is not None:  # how often subscribers should fetch the feed again
        cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", refresh)
    stamp = datetime.now(UTC).replace(microsecond=0)
    people = list(attendees)
    for conv in convenings:
        if conv["starts_at"] is None:
            continue
        event = _event(conv, base_url, stamp)
        if organizer:
            event.add("organizer", vCalAddress(f"mailto:{organizer}"))
        for person in people:
            address = vCalAddress(f"mailto:{person['email']}")
            address.params["cn"] = vText(fold_line(person["name"]))
            address.params["role"] = vText("REQ-PARTICIPANT")
            address.params["partstat"] = vText("NEEDS-ACTION")
            address.params["rsvp"] = vText("TRUE")
            event.add("attendee", address, encode=0)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
