"""A bounded cache whose entries hold for one stamp (a version of what they were made from).

Each web app keeps one (``app.state.page_fragments``), for the rendered parts of its pages
and what its panels remember: markup depends on the app's templates, so apps never share
one. The requests an app serves reach it through :func:`core.request_memory.app_cache`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator
from typing import Any


class StampedCache:
    """The most recently used entries (bounded by count and by total size); an entry is
    found only under the stamp it was kept for."""

    def __init__(self, max_entries: int = 4096, max_chars: int = 64_000_000) -> None:
        self.max_entries = max_entries
        self.max_chars = max_chars
        self._entries: OrderedDict[Hashable, tuple[Hashable, Any, int]] = OrderedDict()
        self._chars = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, stamp: Hashable) -> Any | None:
        """What is kept under ``key`` for ``stamp``, or ``None``."""
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

    def __iter__(self) -> Iterator[Hashable]:
        """The keys kept, least recently used first."""
        return iter(list(self._entries))

    def clear(self) -> None:
        self._entries.clear()
        self._chars = 0

    def __len__(self) -> int:
        return len(self._entries)
