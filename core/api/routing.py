"""Turn operations into Starlette routes: authenticate, parse, validate, call, encode."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, NoMatchFound, Route
from starlette.types import Receive, Scope, Send

from core.api.calls import ApiCall, Page
from core.api.operations import Operation, QueryParam
from core.auth.users import actor_for_token
from core.bounds import check_line, parse_day, parse_int
from core.context import Actor, ServiceContext
from core.disconnects import client_gone
from core.errors import InvalidInput, NotAuthenticated, ServiceError
from core.jsonutil import dumps_bytes
from core.plugins import PluginHost

logger = logging.getLogger("nic.api")

API_PREFIX = "/api/v1"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_BODY_BYTES = 1_000_000


class MethodNotAllowed(ServiceError):
    status = 405
    code = "method_not_allowed"


class InternalError(ServiceError):
    status = 500
    code = "internal"


def json_response(data: Any, status: int = 200) -> Response:
    return Response(dumps_bytes(data), status_code=status, media_type="application/json")


def error_response(error: ServiceError) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else {}
    headers |= error.headers()
    return Response(
        dumps_bytes(error.to_dict()),
        status_code=error.status,
        media_type="application/json",
        headers=headers,
    )


def validation_fields(exc: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for err in exc.errors():
        name = ".".join(str(part) for part in err["loc"]) or "body"
        fields.setdefault(name, err["msg"])
    return fields


async def _authenticate(request: Request) -> Actor:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("send an API token as `Authorization: Bearer <token>`")
    return await actor_for_token(token.strip())


def _parse_query_value(param: QueryParam, raw: str) -> Any:
    if param.type is int:
        return parse_int(param.name, raw)
    if param.type is date:
        return parse_day(param.name, raw)
    if param.type is bool:
        if raw.lower() in {"1", "true", "yes"}:
            return True
        if raw.lower() in {"0", "false", "no"}:
            return False
        raise InvalidInput.field(param.name, "must be true or false")
    if param.choices and raw not in param.choices:
        raise InvalidInput.field(param.name, f"must be one of {', '.join(param.choices)}")
    try:
        return check_line(raw)
    except ValueError as exc:
        raise InvalidInput.field(param.name, str(exc)) from None


def _parse_int(request: Request, name: str, default: int, upper: int) -> int:
    raw = request.query_params.get(name)
    return default if raw is None else parse_int(name, raw, 1, upper)


async def _parse_body(request: Request, model: type[BaseModel]) -> BaseModel:
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise InvalidInput("the request body is too large", {"body": "over 1 MB"})
    try:
        data = json.loads(raw or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidInput("the body is not valid JSON", {"body": "not valid JSON"}) from None
    if not isinstance(data, dict):
        raise InvalidInput("the body must be a JSON object", {"body": "expected a JSON object"})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = validation_fields(exc)
        first = next(iter(fields.items()))
        raise InvalidInput(f"{first[0]}: {first[1]}", fields) from None


def _parse_query(op: Operation, request: Request) -> dict[str, Any]:
    """The operation's query parameters, parsed; every problem named at once."""
    query: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for param in op.query:
        raw = request.query_params.get(param.name)
        if raw is not None and raw != "":
            try:
                query[param.name] = _parse_query_value(param, raw)
            except InvalidInput as exc:
                problems.update(exc.fields or {param.name: exc.message})
        elif param.required:
            problems[param.name] = (
                f"required: {param.description}" if param.description else "required"
            )
    if problems:
        name, problem = next(iter(problems.items()))
        raise InvalidInput(f"{name}: {problem}", problems)
    return query


def _endpoint(op: Operation, plugins: PluginHost) -> Callable[[Request], Awaitable[Response]]:
    known = {p.name for p in op.query} | ({"page", "per_page"} if op.paginated else set())

    async def endpoint(request: Request) -> Response:
        try:
            actor = Actor(None, "anonymous") if op.public else await _authenticate(request)
            query = _parse_query(op, request)
            unknown = sorted(set(request.query_params) - known)
            if unknown:
                raise InvalidInput.field(unknown[0], "unknown query parameter")
            page = Page(
                _parse_int(request, "page", 1, 1_000_000),
                _parse_int(request, "per_page", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
            )
            body = await _parse_body(request, op.body) if op.body is not None else None
            call = ApiCall(
                request=request,
                ctx=ServiceContext(actor=actor, plugins=plugins),
                path=dict(request.path_params),
                query=query,
                body=body,
                page=page,
            )
            result = await op.handler(call)
        except ServiceError as error:
            return error_response(error)
        except ClientDisconnect:
            return client_gone(request)
        except Exception:
            logger.exception("unexpected error in %s %s", op.method, op.path)
            return error_response(InternalError("internal error; the site log has the details"))
        if op.status == 204:
            return Response(status_code=204)
        if isinstance(result, Response):  # a download rather than JSON
            return result
        return json_response(result, op.status)

    endpoint.__name__ = op.operation_id
    return endpoint


def paginated(items: list[Any], total: int, page: Page) -> dict[str, Any]:
    """The one page shape of every list operation."""
    pages = max(1, -(-total // page.size))
    return {
        "items": items,
        "page": page.number,
        "per_page": page.size,
        "total": total,
        "pages": pages,
    }


def api_routes(operations: Iterable[Operation], plugins: PluginHost) -> list[BaseRoute]:
    by_path: dict[str, dict[str, Operation]] = {}
    for op in operations:
        methods = by_path.setdefault(op.path, {})
        if op.method in methods:
            raise ValueError(f"two API operations for {op.method} {op.path}")
        methods[op.method] = op
    routes: list[BaseRoute] = []
    for path, methods in by_path.items():
        handlers = {m: _endpoint(op, plugins) for m, op in methods.items()}

        async def dispatch(request: Request, handlers: dict[str, Any] = handlers) -> Response:
            handler = handlers.get(request.method)
            if handler is None:
                allowed = ", ".join(sorted(handlers))
                return error_response(
                    MethodNotAllowed(f"{request.method} is not allowed here; use {allowed}")
                )
            response: Response = await handler(request)
            return response

        routes.append(
            Route(API_PREFIX + path, dispatch, methods=["GET", "POST", "PATCH", "PUT", "DELETE"])
        )
    return [PathGroup(API_PREFIX + "/", routes)]


class PathGroup(BaseRoute):
    """Routes under one path prefix, tried only for paths under it.

    Starlette tries routes one by one; the API's hundred-odd routes came before every page,
    so each page request first failed to match all of them. Grouped, a page skips them in
    one comparison. Within the group, matching is Starlette's own: the first full match
    wins, else the first partial one (a known path with another method).
    """

    _CHOSEN = "nic.route"

    def __init__(self, prefix: str, routes: list[BaseRoute]) -> None:
        self.prefix = prefix
        self.routes = routes

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path: str = scope["path"]
        root: str = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        if not path.startswith(self.prefix):
            return Match.NONE, {}
        partial: tuple[BaseRoute, Scope] | None = None
        for route in self.routes:
            match, child = route.matches(scope)
            if match is Match.FULL:
                return Match.FULL, {**child, self._CHOSEN: route}
            if match is Match.PARTIAL and partial is None:
                partial = (route, child)
        if partial is not None:
            return Match.PARTIAL, {**partial[1], self._CHOSEN: partial[0]}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope[self._CHOSEN].handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                pass
        raise NoMatchFound(name, path_params)
