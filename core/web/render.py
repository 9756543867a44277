"""Rendering pages: the base context every page gets, and friendly error pages."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from core.disconnects import client_gone
from core.errors import NotAuthenticated, ServiceError
from core.web.csrf import FIELD, csrf_token
from core.web.flash import take_flashes
from core.web.session import session_actor, session_user

logger = logging.getLogger("nic.web")


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A block on a page, contributed by a plugin; ``html`` must already be safe markup.

    ``unavailable`` is set by the host, never by a plugin: it marks the note site admins
    see where the panels of a plugin that failed would be (``title`` is its name).
    """

    title: str
    html: str
    order: int = 100
    unavailable: bool = False


async def panels(
    request: Request,
    page: str,
    subject: dict[str, Any] | None = None,
    *,
    community_id: int | None = None,
) -> list[Panel]:
    """The panels plugins return for ``page``, in order.

    The page is inside ``community_id`` (by default the subject's ``community_id``):
    plugins switched off there are not asked. A plugin that raises is left out; site
    admins see a small "unavailable" note in its place instead.
    """
    subject = subject or {}
    if community_id is None:
        community_id = subject.get("community_id")
    actor = await session_actor(request)
    env = request.app.state.templates.env

    def render_fragment(template: str, **context: Any) -> str:
        return str(env.get_template(template).render(**context))

    outcome = await request.app.state.plugins.call_outcome(
        "nic_panels",
        community_id=community_id,
        page=page,
        actor=actor,
        subject=subject,
        render=render_fragment,
    )
    found: list[Panel] = []
    for _, contribution in outcome.results:
        found.extend(contribution)
    if actor is not None and actor.is_admin:
        found.extend(Panel(name, "", unavailable=True) for name in outcome.failed)
    return sorted(found, key=lambda panel: (panel.order, panel.title))


def _community_of(context: dict[str, Any]) -> int | None:
    community = context.get("community")
    ident = community.get("id") if isinstance(community, dict) else None
    return ident if isinstance(ident, int) else None


async def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    status: int = 200,
    *,
    community_id: int | None = None,
) -> HTMLResponse:
    """Render a page with the signed-in user, the CSRF token, the navigation and the
    messages :func:`core.web.flash.flash` left for it (shown once).

    A page inside a community (``community_id``, by default the ``id`` of the context's
    ``community``) shows only the navigation items of plugins switched on there.
    """
    context = context or {}
    if community_id is None:
        community_id = _community_of(context)
    actor = await session_actor(request)
    nav: list[NavItem] = []
    for items in await request.app.state.plugins.call(
        "nic_nav_items", community_id=community_id, actor=actor
    ):
        nav.extend(items)
    user = await session_user(request)
    base = {
        "user": user,
        "unread_notifications": user["unread_notifications"] if user else 0,
        "csrf_field": FIELD,
        "csrf_token": csrf_token(request),
        "nav": sorted(nav, key=lambda item: (item.order, item.label)),
        "path": request.url.path,
        "flashes": take_flashes(request),
    }
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, {**base, **context}, status_code=status
    )
    return response


def safe_next(url: str | None) -> str:
    """Only same-site paths may follow a sign-in (no open redirects)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return "/"
    return url


async def page_error(request: Request, exc: Exception) -> Response:
    """Friendly error pages for the web; the API answers JSON on its own."""
    if isinstance(exc, ClientDisconnect):
        return client_gone(request)
    if isinstance(exc, NotAuthenticated):
        return RedirectResponse(f"/sign-in?next={request.url.path}", status_code=303)
    if isinstance(exc, ServiceError):
        status, message = exc.status, exc.message
    elif isinstance(exc, HTTPException):
        status, message = exc.status_code, exc.detail
    else:
        logger.exception("error rendering %s", request.url.path, exc_info=exc)
        status, message = 500, "Something went wrong on our side. It has been logged."
    titles = {403: "Not allowed", 404: "Not found", 429: "Too many attempts"}
    return await render(
        request,
        "core/error.html",
        {"status": status, "title": titles.get(status, "Error"), "message": message},
        status=status,
    )
