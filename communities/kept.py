"""Stamps of communities, for keeping what is made from them (:func:`core.kept.kept`).

A community's stamp (:class:`Stamp`) is its creation time, its change counter
(:mod:`communities.changes`: every write raises it in the write's own transaction) and the
day. Whatever is derived only from a community's data (a rendered part of a page, a panel,
the viewer's role in it, its graph) can be kept under that stamp: what is found under the
stamp a request read is never older than what the request would read itself, so a write
shows on the very next view, in every app process sharing the database.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from communities.changes import noted_counter
from communities.models import Community
from core.kept import kept
from core.prepared import PreparedValues

T = TypeVar("T")


@dataclass(frozen=True)
class Stamp:
    """The state of a community something was made from."""

    community_id: int
    created_at: datetime
    change_counter: int
    day: date


STAMP_FIELDS = ("created_at", "change_counter")
"""The community's fields a page reads, with the community, to stamp what it keeps."""


def stamp_of(community_id: int, created_at: datetime, change_counter: int) -> Stamp:
    return Stamp(community_id, created_at, int(change_counter), date.today())


_STAMP = PreparedValues(
    Community, lambda community_id: Community.filter(id=community_id).values(*STAMP_FIELDS)
)


async def community_stamp(community_id: int) -> Stamp | None:
    """The community's stamp: the one this request noted with its community (no query), or
    read now; ``None`` when there is no such community (nothing made from it is kept).

    Only data written through ``community_write`` (or with ``bump``) moves the stamp.
    """
    counter = noted_counter(community_id)
    if counter is None:
        rows = await _STAMP(community_id)
        if not rows:
            return None
        counter = (rows[0]["created_at"], rows[0]["change_counter"])
    return stamp_of(community_id, *counter)


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


async def remembered(community_id: int, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
    """Deprecated (one release): ``await kept(key, await community_stamp(community_id),
    compute)`` says the same with the one cache's own words."""
    warnings.warn(
        "remembered() is deprecated: use kept(key, await community_stamp(community_id), compute)",
        DeprecationWarning,
        stacklevel=2,
    )
    return await kept(key, await community_stamp(community_id), compute)
