"""Rendered parts of pages, cached under their community's stamp (:mod:`communities.kept`).

A page reads its community's change counter first, in the query it makes anyway to find
its community, and looks its fragment up in the app's cache under that stamp, so a write
shows on the very next page view, in every app process sharing the database. The cache is
in-process and bounded (least recently used entries go first).

An entry is found by what the fragment shows (the page, the record, the page number,
whether the viewer may edit) and is valid for one :class:`communities.kept.Stamp`.
Fragments never hold anything of one user: no names, no "since your last visit", no CSRF
token: forms carry :data:`CSRF_PLACEHOLDER`, which :func:`with_csrf` replaces per request.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape
from starlette.requests import Request

from core.stamped_cache import StampedCache
from core.web.csrf import csrf_token
from core.web.render import Encoded

CSRF_PLACEHOLDER = Markup("<!--nic:csrf-token-->")
"""Stands for the CSRF token in a cached fragment. It is markup, so it reaches the
output as is; any user text that spells it out is escaped and cannot be mistaken
for it."""


def page_cache(request: Request) -> StampedCache:
    """The app's cache of page fragments (one per app, so each app's templates render its
    own)."""
    cache: StampedCache = request.app.state.page_fragments
    return cache


@dataclass(frozen=True)
class Fragment:
    """Markup rendered for the cache, encoded, and cut where its forms carry
    :data:`CSRF_PLACEHOLDER` (so a request joins the pieces with its token instead of
    searching and encoding the whole text)."""

    pieces: tuple[bytes, ...]

    @classmethod
    def of(cls, html: str) -> Fragment:
        return cls(tuple(piece.encode() for piece in html.split(CSRF_PLACEHOLDER)))

    def __len__(self) -> int:
        return sum(map(len, self.pieces))


def with_csrf(request: Request, fragment: Fragment) -> Encoded:
    """A cached fragment with this session's CSRF token in its forms, for the page's
    context (:class:`core.web.render.Encoded`)."""
    if len(fragment.pieces) == 1:
        return Encoded(fragment.pieces[0])
    return Encoded(str(escape(csrf_token(request))).encode().join(fragment.pieces))
