"""Rendered parts of pages, cached under their community's change counter.

Every write to a community's data raises its change counter in the write's own
transaction (:mod:`communities.changes`). A page reads the counter first, in the
query it makes anyway to find its community, and then looks its fragment up under
that counter: a fragment cached under the counter a request read is never older
than what the request would read itself, so a write shows on the very next page
view, in every app process sharing the database. The cache is in-process and
bounded (least recently used entries go first).

An entry is found by what the fragment shows (the page, the record, the page number,
whether the viewer may edit) and is valid for one :class:`Stamp`: the community's
creation time (so a community that reuses a deleted one's id is not mistaken for it),
its change counter and the date (memberships and "today" move at midnight without a
write). Fragments never hold anything of one user: no names, no "since your last
visit", no CSRF token: forms carry :data:`CSRF_PLACEHOLDER`, which :func:`with_csrf`
replaces per request.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from markupsafe import Markup, escape
from starlette.requests import Request

from communities.changes import noted_counter
from communities.models import Community
from core.prepared import PreparedValues
from core.web.csrf import csrf_token

T = TypeVar("T")

CSRF_PLACEHOLDER = Markup("<!--nic:csrf-token-->")
"""Stands for the CSRF token in a cached fragment. It is markup, so it reaches the
output as is; any user text that spells it out is escaped and cannot be mistaken
for it."""


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


class FragmentCache:
    """The most recently used fragments (bounded by count and by total size)."""

    def __init__(self, max_entries: int = 512, max_chars: int = 64_000_000) -> None:
        self.max_entries = max_entries
        self.max_chars = max_chars
        self._entries: OrderedDict[Hashable, tuple[Hashable, Any, int]] = OrderedDict()
        self._chars = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, stamp: Hashable) -> Any | None:
        """The fragment cached under ``key`` for ``stamp``, or ``None``."""
        entry = self._entries.get(key)
        if entry is None or entry[0] != stamp:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry[1]

    def put(self, key: Hashable, stamp: Hashable, value: Any, size: int = 0) -> None:
        """Keep ``value`` (about ``size`` characters) under ``key`` for ``stamp``."""
        old = self._entries.pop(key, None)
        if old is not None:
            self._chars -= old[2]
        self._entries[key] = (stamp, value, size)
        self._chars += size
        while self._entries and (
            len(self._entries) > self.max_entries or self._chars > self.max_chars
        ):
            _, (_, _, dropped) = self._entries.popitem(last=False)
            self._chars -= dropped

    def clear(self) -> None:
        self._entries.clear()
        self._chars = 0

    def __len__(self) -> int:
        return len(self._entries)


def page_cache(request: Request) -> FragmentCache:
    """The app's fragment cache (one per app, so each app's templates render its own)."""
    cache: FragmentCache | None = getattr(request.app.state, "page_fragments", None)
    if cache is None:
        cache = request.app.state.page_fragments = FragmentCache()
    return cache


def with_csrf(request: Request, html: str) -> Markup:
    """A cached fragment with this session's CSRF token in its forms."""
    if CSRF_PLACEHOLDER not in html:
        return Markup(html)
    return Markup(html.replace(CSRF_PLACEHOLDER, escape(csrf_token(request))))


_STAMP = PreparedValues(
    Community, lambda community_id: Community.filter(id=community_id).values(*STAMP_FIELDS)
)

REMEMBERED = FragmentCache(max_entries=4096)
"""What :func:`remembered` keeps: plain data (not markup), so apps with other templates in
the same process (tests, the benchmark) share it safely."""


async def remembered(community_id: int, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
    """``await compute()``, kept until the community's next change (or midnight).

    For plugins' panels and other parts of pages that are the same for whoever sees them
    (or that carry who sees them in ``key``): the community's stamp is read (once; a page
    of the community has already read it with the community), and
    the result computed under the same stamp is reused, in this process. ``key`` names
    what is computed, beginning with the plugin's name (``("rubrics", "team", 7)``). The
    result is shared between requests: treat it as read-only. Only data written through
    ``community_write`` (or with ``bump``) moves the stamp.
    """
    counter = noted_counter(community_id)
    if counter is None:
        rows = await _STAMP(community_id)
        if not rows:
            return await compute()
        counter = (rows[0]["created_at"], rows[0]["change_counter"])
    stamp = stamp_of(community_id, *counter)
    full_key = (community_id, key)
    found = REMEMBERED.get(full_key, stamp)
    if found is not None:
        return found[0]
    value = await compute()
    # A write that commits while computing only makes this newer than its stamp: the next
    # request reads the newer stamp and computes again.
    REMEMBERED.put(full_key, stamp, (value,))
    return value
