"""The signed-in user's notifications: the list, opening one, marking them read."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from core.errors import NotAuthenticated, NotFound
from core.notifications import list_notifications, mark_read, open_notification
from core.web.csrf import read_form
from core.web.paging import page_number
from core.web.render import render
from core.web.session import session_user

PER_PAGE = 30


async def _user_id(request: Request) -> int:
    user = await session_user(request)
    if user is None:
        raise NotAuthenticated("sign in first")
    return int(user["id"])


async def notifications_page(request: Request) -> Response:
    user_id = await _user_id(request)
    number = page_number(request)
    rows, total = await list_notifications(user_id, offset=(number - 1) * PER_PAGE, limit=PER_PAGE)
    context = {
        "notifications": rows,
        "page": number,
        "pages": max(1, -(-total // PER_PAGE)),
        "total": total,
        "any_unread": any(row["read_at"] is None for row in rows),
    }
    return await render(request, "core/notifications.html", context)


async def open_page(request: Request) -> Response:
    user_id = await _user_id(request)
    url = await open_notification(user_id, request.path_params["notification_id"])
    if url is None:
        raise NotFound("There is no such notification.")
    return RedirectResponse(url, status_code=303)


async def read_all_page(request: Request) -> Response:
    user_id = await _user_id(request)
    await read_form(request)
    await mark_read(user_id)
    return RedirectResponse("/notifications", status_code=303)


ROUTES = [
    Route("/notifications", notifications_page),
    Route("/notifications/read", read_all_page, methods=["POST"]),
    Route("/notifications/{notification_id:int}", open_page),
]
