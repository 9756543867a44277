"""The app factory: an app owns its settings, plugin host and routes."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from tortoise.contrib.starlette import RegisterTortoise

from core.api.calls import ApiCall
from core.api.notifications import OPERATIONS as NOTIFICATION_OPERATIONS
from core.api.openapi import build_openapi
from core.api.operations import Operation
from core.api.routing import API_PREFIX, api_routes, error_response, json_response
from core.auth.oidc import oidc_clients
from core.auth.sessions import SESSION_MAX_AGE
from core.auth.users import get_user
from core.db import tortoise_config
from core.errors import NotFound, ServiceError
from core.kept import KeptStore, keeping
from core.plugins import STATIC_URL, PluginHost
from core.request_memory import request_memory
from core.settings import Settings, load_settings
from core.templating import build_templates
from core.web import admin_pages, auth_pages, notification_pages, oidc_pages, reset_pages
from core.web.render import page_error, panels, render
from core.web.security_headers import SecurityHeaders
from core.web.session import mark_visit, session_user


def _kernel_operations(openapi: dict[str, Any]) -> list[Operation]:
    async def get_openapi(call: ApiCall) -> dict[str, Any]:
        return openapi

    async def get_me(call: ApiCall) -> dict[str, Any]:
        assert call.ctx.actor.user_id is not None
        return await get_user(call.ctx.actor.user_id)

    return [
        Operation(
            "GET",
            "/openapi.json",
            "getOpenApi",
            "This OpenAPI document",
            "meta",
            get_openapi,
            public=True,
        ),
        Operation("GET", "/me", "getMe", "The user the token belongs to", "accounts", get_me),
        *NOTIFICATION_OPERATIONS,
    ]


async def _api_not_found(request: Request) -> Response:
    return error_response(NotFound(f"no API operation at {request.url.path}"))


def _plugin_static(plugins: PluginHost) -> list[BaseRoute]:
    """``/static/plugins/<name>/``: each plugin's static folder (named ``plugin_static:<name>``)."""
    folders = plugins.static_dirs()
    if not folders:
        return []
    mounts: list[BaseRoute] = [
        Mount(f"/{name}", StaticFiles(directory=folder), name=name)
        for name, folder in folders.items()
    ]
    return [Mount(STATIC_URL, routes=mounts, name="plugin_static")]


class RequestMemory:
    """Each request gets its own memory (:func:`core.request_memory.request_memory`): within
    it a community's plugin switches are read once (its panels and navigation ask the
    same), and its change counter is reused once its page has read it. It also works
    inside the app's store of kept results (:mod:`core.kept`)."""

    def __init__(self, app: ASGIApp, store: KeptStore) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with request_memory(), keeping(self.store):
            await self.app(scope, receive, send)


class NicApp(Starlette):
    """Starlette, with the security headers outside even its server-error handler, so a 500
    carries them too."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack(), hsts=self.state.hsts)


def create_app(
    settings: Settings | None = None,
    *,
    extra_plugins: Iterable[object] = (),
    autoload: bool = True,
    freeze_startup_objects: bool = False,
) -> Starlette:
    """Build an app; every plugin contribution is collected once, here.

    ``freeze_startup_objects`` is for a server process (``core.asgi``): once started, it
    moves the objects the start made (modules, templates, routes, some 100k) out of the
    garbage collector's sight, so a full collection no longer walks them all in the middle
    of a request (about 60 ms on the demo, a whole p95 at 20 clients)."""
    settings = settings or load_settings()
    settings.require_secret_key()
    plugins = PluginHost.from_settings(settings, extra_plugins, autoload=autoload)
    config = tortoise_config(settings, plugins)
    templates = build_templates(plugins, auto_reload=settings.debug)

    operations: list[Operation] = list(plugins.collect("nic_api_operations"))
    openapi: dict[str, Any] = {}
    operations = _kernel_operations(openapi) + operations
    openapi.update(build_openapi(operations))
    store = KeptStore()
    handlers = {
        ServiceError: page_error,
        HTTPException: page_error,
        ClientDisconnect: page_error,  # here, not under Exception: that one re-raises
        Exception: page_error,
    }
    app = NicApp(
        debug=settings.debug,
        routes=_routes(plugins, operations),
        middleware=_middleware(settings, store),
        exception_handlers=handlers,
        lifespan=_lifespan(plugins, settings, config, freeze_startup_objects),
    )
    app.state.hsts = settings.secure_cookies
    app.state.settings = settings
    app.state.plugins = plugins
    app.state.tortoise_config = config
    app.state.templates = templates
    app.state.kept = store
    app.state.oidc_clients = oidc_clients(settings.oidc)
    return app


def _home_page(plugins: PluginHost) -> Callable[[Request], Awaitable[Response]]:
    async def index(request: Request) -> Response:
        user = await session_user(request)
        home_panels = []
        community_count = 0
        if user is not None:
            since = await mark_visit(user)
            home_panels = await panels(request, "home", {"since": since})
        else:  # only the signed-out home shows the site's figures
            counts = await plugins.call("nic_site_stats")
            community_count = sum(c.get("communities", 0) for c in counts)
        return await render(
            request, "index.html", {"community_count": community_count, "panels": home_panels}
        )

    return index


async def _health(request: Request) -> Response:
    return json_response({"status": "ok"})


FAVICON = "/static/favicon.svg"


async def _favicon(request: Request) -> Response:
    """Browsers ask ``/favicon.ico`` of a page without an icon link: the site's SVG icon."""
    return RedirectResponse(FAVICON, status_code=301)


def _routes(plugins: PluginHost, operations: list[Operation]) -> list[BaseRoute]:
    """The API, the kernel's pages, the static files, then the plugins' pages; an API
    path that matches no operation answers a JSON 404, not a page. The API comes first
    (one prefix comparison for a page, see ``PathGroup``): behind the kernel's pages it
    made every API request try some 30 page routes first. No page is under its prefix."""
    return [
        *api_routes(operations, plugins),
        Route("/", _home_page(plugins)),
        Route("/healthz", _health),
        Route("/favicon.ico", _favicon),
        *auth_pages.ROUTES,
        *oidc_pages.ROUTES,
        *reset_pages.ROUTES,
        *admin_pages.ROUTES,
        *notification_pages.ROUTES,
        *_plugin_static(plugins),
        Mount("/static", StaticFiles(packages=[("core", "static")]), name="static"),
        *plugins.collect("nic_routes"),
        Route(
            API_PREFIX + "/{rest:path}",
            _api_not_found,
            methods=["GET", "POST", "PATCH", "DELETE", "PUT"],
        ),
    ]


def _middleware(settings: Settings, store: KeptStore) -> list[Middleware]:
    return [
        Middleware(RequestMemory, store=store),
        Middleware(
            SessionMiddleware,
            secret_key=settings.require_secret_key(),
            session_cookie="nic_session",
            max_age=int(SESSION_MAX_AGE.total_seconds()),
            same_site="lax",
            https_only=settings.secure_cookies,
        ),
    ]


def _lifespan(
    plugins: PluginHost, settings: Settings, config: dict[str, Any], freeze: bool
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """Open the database, let the plugins start, and (for a server process) freeze the
    start's objects out of the garbage collector's sight (see :func:`create_app`)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=config):
            await plugins.call("nic_startup", app=app, settings=settings)
            if freeze:
                gc.collect()
                gc.freeze()
            yield

    return lifespan
