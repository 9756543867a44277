"""The one cache: results kept under a stamp, in one bounded store per app.

``await kept(key, stamp, compute)`` returns what ``compute()`` returned for ``key`` while
``stamp`` (a version of everything the result was made from, such as a community's change
counter and the day) stays the same. A result found under another stamp is made again.

Each web app has one :class:`KeptStore` (``app.state.kept``), bounded by count and by
size, least recently used entries first out; every request the app serves works inside
:func:`keeping` it, and so does every ``nic`` command with its own store. Outside both
nothing is kept and ``kept`` just computes. Markup rendered from an app's templates may be
kept, because no two apps share a store.

Concurrent requests for the same key and stamp wait for one computation (single flight):
a page that goes cold under twenty clients renders once, not twenty times. The computation
runs as a task of its own, so a client that leaves does not cancel it for the others.
"""

from __future__ import annotations

import asyncio
import gc
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, cast

T = TypeVar("T")

_Entry = tuple[Hashable, Any, int]


def size_of(value: Any) -> int | None:
    """About how many characters ``value`` holds: strings, and strings in a tuple."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, tuple):
        return sum(len(part) for part in value if isinstance(part, str | bytes))
    return 0


BIG_ENTRY = 16_000_000
"""An entry this big (a worker's graph of a large community) is collected as soon as it is
let go; the web keeps nothing that big (its store holds 64 M in all)."""


class KeptStore:
    """The most recently used results (bounded by count and by total size); an entry is
    found only under the stamp it was kept for."""

    def __init__(self, max_entries: int = 4096, max_chars: int = 64_000_000) -> None:
        self.max_entries = max_entries
        self.max_chars = max_chars
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._pending: dict[Hashable, tuple[Hashable, asyncio.Task[Any]]] = {}
        self._chars = 0
        self.hits = 0
        self.misses = 0
        self.computed = 0

    async def kept(
        self,
        key: Hashable,
        stamp: Hashable,
        compute: Callable[[], Awaitable[T]],
        size: Callable[[T], int | None] = size_of,
    ) -> T:
        """See :func:`kept`."""
        entry = self._entries.get(key)
        if entry is not None and entry[0] == stamp:
            self._entries.move_to_end(key)
            self.hits += 1
            return cast(T, entry[1])
        if entry is not None:
            # Out of date: let it go before its successor is made (two of a big graph
            # would otherwise be alive at once). A graph holds reference cycles (its views),
            # so only the cycle collector frees it: run it now for a big one.
            self._drop(key)
            if entry[2] >= BIG_ENTRY:
                del entry
                gc.collect()
        self.misses += 1
        pending = self._pending.get(key)
        if pending is None or pending[0] != stamp:
            task = asyncio.ensure_future(self._compute(key, stamp, compute, size))
            task.add_done_callback(_retrieve)
            pending = self._pending[key] = (stamp, task)
        return cast(T, await asyncio.shield(pending[1]))

    async def _compute(
        self,
        key: Hashable,
        stamp: Hashable,
        compute: Callable[[], Awaitable[T]],
        size: Callable[[T], int | None],
    ) -> T:
        try:
            value = await compute()
            self.computed += 1
            chars = size(value)
            # A write that commits while computing only makes this newer than its stamp:
            # the next request reads the newer stamp and computes again.
            if chars is not None:
                self._put(key, stamp, value, chars)
            return value
        finally:
            found = self._pending.get(key)
            if found is not None and found[0] == stamp:
                del self._pending[key]

    def _drop(self, key: Hashable) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._chars -= old[2]

    def _put(self, key: Hashable, stamp: Hashable, value: Any, size: int) -> None:
        self._drop(key)
        self._entries[key] = (stamp, value, size)
        self._chars += size
        while self._entries and (
            len(self._entries) > self.max_entries or self._chars > self.max_chars
        ):
            _, (_, _, dropped) = self._entries.popitem(last=False)
            self._chars -= dropped

    def __iter__(self) -> Iterator[Hashable]:
        """The keys kept, least recently used first."""
        return iter(list(self._entries))

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def clear(self) -> None:
        """Forget everything (a new database may reuse ids and change counters)."""
        self._entries.clear()
        self._chars = 0

    def __len__(self) -> int:
        return len(self._entries)


def _retrieve(task: asyncio.Task[Any]) -> None:
    """Mark a failure as seen: every waiter got it, or none was left to."""
    if not task.cancelled():
        task.exception()


_store: ContextVar[KeptStore | None] = ContextVar("nic_kept_store", default=None)


@contextmanager
def keeping(store: KeptStore) -> Iterator[KeptStore]:
    """Within this block :func:`kept` keeps results in ``store``."""
    token = _store.set(store)
    try:
        yield store
    finally:
        _store.reset(token)


def current_store() -> KeptStore | None:
    """The store :func:`kept` uses here, or ``None`` outside an app's request or a command."""
    return _store.get()


async def kept(
    key: Hashable,
    stamp: Hashable | None,
    compute: Callable[[], Awaitable[T]],
    *,
    size: Callable[[T], int | None] = size_of,
) -> T:
    """``await compute()``, kept under ``key`` for as long as ``stamp`` is current.

    ``key`` names what is computed (a plugin's keys begin with its name); ``stamp`` names
    everything the result was made from. ``None`` as the stamp means the result cannot be
    kept. The result is shared between requests: treat it as read-only. ``size`` says
    about how many characters a result holds, for the store's bound (strings, and the
    strings of a tuple, by default), or ``None`` for a result not to keep (one made while
    something it rests on failed).
    """
    store = _store.get()
    if store is None or stamp is None:
        return await compute()
    return await store.kept(key, stamp, compute, size)
