"""The service context of a page request: the signed-in user acting through the services."""

from __future__ import annotations

from starlette.requests import Request

from core.context import ServiceContext
from core.errors import NotAuthenticated
from core.web.session import session_actor


async def signed_in_context(request: Request) -> ServiceContext:
    """The context for a page that needs a signed-in user (others go to the sign-in page)."""
    actor = await session_actor(request)
    if actor is None:
        raise NotAuthenticated("sign in to see this page")
    return ServiceContext(actor=actor, plugins=request.app.state.plugins)
