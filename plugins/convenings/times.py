"""Local times in a named zone, and the UTC instants we store."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@cache
def zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; ``ValueError`` when there is none of that name."""
    if name != "UTC" and name not in zone_names():
        raise ValueError(f"unknown time zone {name!r}: use an IANA name such as America/New_York")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def to_utc(local: datetime, zone_name: str) -> datetime:
    """The UTC instant of a wall-clock time in ``zone_name``.

    A time that does not exist there (skipped when clocks go forward) is refused; an
    ambiguous one (repeated when clocks go back) is taken at its first occurrence.
    """
    tz = zone(zone_name)
    naive = local.replace(tzinfo=None)
    aware = naive.replace(tzinfo=tz)
    back = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if back != naive:
        raise ValueError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {zone_name} (clocks go forward)"
        )
    return aware.astimezone(UTC)


def local(instant: datetime, zone_name: str) -> datetime:
    """``instant`` (aware, or naive UTC) on the wall clock of ``zone_name``.

    Times are accepted only within the platform's window of years, far from the ends of
    the calendar; one stored before that rule (year 1, say) may have no wall-clock time
    in the zone, and is then shown in UTC rather than failing every page that shows it.
    """
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    try:
        return instant.astimezone(zone(zone_name))
    except OverflowError:
        return instant.astimezone(UTC)


def shown(instant: datetime | None, zone_name: str) -> str:
    """``Tue 14 Jan 2025, 16:00 EST`` or an empty string."""
    if instant is None:
        return ""
    moment = local(instant, zone_name)
    return f"{moment:%a %d %b %Y, %H:%M} {moment.tzname()}"
