"""The body of a page, rendered once per change of its community and kept (:mod:`core.kept`).

A page reads its community's change counter first, in the query it makes anyway to find
its community, and asks :func:`kept_body` for its body under that stamp, so a write shows
on the very next page view, in every app process sharing the database, and twenty clients
asking for the same cold page render it once.

A body is found by what it shows (the page, the record, the page number, whether the
viewer may edit) and is valid for one :class:`communities.kept.Stamp`. Bodies never hold
anything of one user: no names, no "since your last visit", no CSRF token: forms carry
:data:`CSRF_PLACEHOLDER`, which is replaced with the request's token on every view.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response

from communities.kept import stamp_of
from core.kept import kept, size_of
from core.web.csrf import FIELD, csrf_token
from core.web.render import panels, render

CSRF_PLACEHOLDER = Markup("<!--nic:csrf-token-->")
"""Stands for the CSRF token in a kept body. It is markup, so it reaches the output as
is; any user text that spells it out is escaped and cannot be mistaken for it."""


@dataclass(frozen=True)
class Body:
    """A page's body as one request shows it."""

    subject: Any
    """What the rest of the page needs (its team, its cycle)."""
    html: Markup
    """The body, with this request's CSRF token in its forms."""
    status: int = 200
    """The page's status (a context may say ``status``: 422 for a filter it refused)."""


async def kept_body(
    request: Request,
    template: str,
    key: Hashable,
    stamp: Hashable,
    context: Callable[[], Awaitable[dict[str, Any]]],
    subject: str,
) -> Body:
    """``template`` rendered with ``await context()``, kept under ``key`` for ``stamp``,
    with the context's ``subject`` entry and ``status``.

    The template gets only the context (the page's data, nothing of the signed-in user).
    A context with ``keep`` false (a page that shows work still being computed) is
    rendered and not kept."""

    async def render() -> tuple[Any, str, int, bool]:
        values = await context()
        page = request.app.state.templates.env.get_template(template)
        html = page.render(**values, csrf_field=FIELD, csrf_token=CSRF_PLACEHOLDER)
        return values.get(subject), html, int(values.get("status", 200)), values.get("keep", True)

    def size(rendered: tuple[Any, str, int, bool]) -> int | None:
        return size_of(rendered) if rendered[3] else None

    found, html, status, _ = await kept(key, stamp, render, size=size)
    token = str(escape(csrf_token(request)))
    return Body(found, Markup(html.replace(CSRF_PLACEHOLDER, token)), status)


def body_template(template: str) -> str:
    """``communities/person.html`` -> ``communities/_person_body.html``."""
    folder, _, name = template.rpartition("/")
    return f"{folder}/_{name.removesuffix('.html')}_body.html"


async def kept_page(
    request: Request,
    template: str,
    community: dict[str, Any],
    key: tuple[Hashable, ...],
    data: Callable[[], Awaitable[dict[str, Any]]],
    *,
    subject: str = "community",
    panels_for: str | None = None,
    around: dict[str, Any] | None = None,
    keep: bool = True,
) -> Response:
    """A page of ``community`` in one call: its body (``template``'s ``_…_body.html``
    rendered with ``await data()``) kept under the community's stamp and ``key`` (what
    else the body depends on: the record, filters, whether the viewer may edit), then the
    page around it with the plugins' ``panels_for`` panels for the ``subject`` entry of
    the data (the community when that entry is empty) and the signed-in user's header;
    ``around`` is what else the page around the body shows (its title's words). With
    ``keep=False`` (a form sent back with its errors) the body is rendered and not kept.

    ``key`` must name everything the body shows besides the community's data: a body that
    differs between viewers (what they may see or do, a token of theirs) carries the
    viewer in its key."""
    cid = community["id"]
    body = await kept_body(
        request,
        body_template(template),
        (template, cid, *key),
        stamp_of(cid, community["created_at"], community["change_counter"]) if keep else None,
        data,
        subject,
    )
    found = body.subject
    context = {**(around or {}), "community": community, subject: found, "body": body.html}
    if panels_for is not None:
        context["panels"] = await panels(request, panels_for, found or community, community_id=cid)
    return await render(request, template, context, status=body.status)
