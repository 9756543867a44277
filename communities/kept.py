"""Results kept under the stamps of the communities they were made from.

A community's stamp (:class:`Stamp`) is its creation time, its change counter
(:mod:`communities.changes`: every write raises it in the write's own transaction) and the
day. Whatever is derived only from a community's data (rendered page fragments, panels,
the viewer's role in it) can be kept under that stamp: what is found under the stamp a
request read is never older than what the request would read itself, so a write shows on
the very next view, in every app process sharing the database.

In a web request the app serving it keeps the results (:func:`core.request_memory.app_cache`,
so they may be markup of its templates); outside one, this process does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar, cast

from communities.changes import noted_counter
from communities.models import Community
from core.prepared import PreparedValues
from core.request_memory import app_cache
from core.stamped_cache import StampedCache

T = TypeVar("T")


@dataclass(frozen=True)
class Stamp:
    """The state of a community a fragment was rendered from."""

    community_id: int
    created_at: datetime
    change_counter: int
    day: date


STAMP_FIELDS = ("created_at", "change_counter")
"""The community's fields a page reads, with the community, to stamp its fragments."""


def stamp_of(community_id: int, created_at: datetime, change_counter: int) -> Stamp:
    return Stamp(community_id, created_at, int(change_counter), date.today())


_STAMP = PreparedValues(
    Community, lambda community_id: Community.filter(id=community_id).values(*STAMP_FIELDS)
)

REMEMBERED = StampedCache()
"""What :func:`remembered` keeps outside a web request (a web request uses its app's
cache, :func:`core.request_memory.app_cache`)."""


async def remembered(community_id: int, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
    """``await compute()``, kept until the community's next change (or midnight).

    For plugins' panels and other parts of pages that are the same for whoever sees them
    (or that carry who sees them in ``key``): the community's stamp is read (once; a page
    of the community has already read it with the community), and
    the result computed under the same stamp is reused, in this process. ``key`` names
    what is computed, beginning with the plugin's name (``("rubrics", "team", 7)``). The
    result is shared between requests: treat it as read-only. Only data written through
    ``community_write`` (or with ``bump``) moves the stamp.

    In a web request the result is kept by the app serving it, so it may be markup the
    panel's ``render`` made: a panel that keeps its rendered HTML renders it once per
    change of the community.
    """
    counter = noted_counter(community_id)
    if counter is None:
        rows = await _STAMP(community_id)
        if not rows:
            return await compute()
        counter = (rows[0]["created_at"], rows[0]["change_counter"])
    return await kept(("remembered", community_id, key), stamp_of(community_id, *counter), compute)


async def kept(key: Hashable, stamp: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
    """``await compute()``, kept under ``key`` for as long as ``stamp`` is current.

    The caller names in ``stamp`` everything the result was made from: the stamps of the
    communities it reads (:func:`stamp_of`), the day. In a web request the app serving it
    keeps the result (so it may be markup of the app's templates); outside one, this
    process does.
    """
    cache = app_cache()
    if cache is None:
        cache = REMEMBERED
    found = cache.get(key, stamp)
    if found is not None:
        return cast(T, found[0])
    value = await compute()
    # A write that commits while computing only makes this newer than its stamp: the next
    # request reads the newer stamp and computes again.
    parts = value if isinstance(value, tuple) else (value,)
    cache.put(key, stamp, (value,), sum(len(part) for part in parts if isinstance(part, str)))
    return value


async def kept_if_noted(community_id: int, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
    """``read()``, kept under the community's stamp when this request has noted the stamp
    (a page that read its community): then a warm page asks nothing. Without a noted
    stamp (an API call, a write, the command line) it reads now, as a lookup that costs
    one query anyway should: reading the stamp first would cost as much.

    For what is written only with the community's counter raised: roles, memberships,
    the plugin switches.
    """
    counter = noted_counter(community_id)
    if counter is None:
        return await read()
    return await kept(key, stamp_of(community_id, *counter), read)
