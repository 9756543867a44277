"""The OpenAPI 3.1 document, built from the registered operations and their models."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from pydantic import BaseModel

from core import __version__
from core.api.operations import Operation
from core.api.routing import API_PREFIX, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")
_TYPES = {int: "integer", str: "string", bool: "boolean", date: "string"}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}


def _ref(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in schema.pop("$defs", {}).items():
        schemas[name] = sub
    schemas[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _success(op: Operation, schemas: dict[str, Any]) -> dict[str, Any]:
    if op.status == 204:
        return {"description": "Done"}
    item: dict[str, Any] = {"type": "object"}
    if op.response is not None:
        item = _ref(op.response, schemas)
    content_schema = item
    if op.paginated:
        content_schema = {
            "type": "object",
            "required": ["items", "page", "per_page", "total", "pages"],
            "properties": {
                "items": {"type": "array", "items": item},
                "page": {"type": "integer"},
                "per_page": {"type": "integer"},
                "total": {"type": "integer"},
                "pages": {"type": "integer"},
            },
        }
    elif op.many:
        content_schema = {"type": "array", "items": item}
    content: dict[str, Any] = {"application/json": {"schema": content_schema}}
    if op.downloads:
        # A file: any content (the empty schema), under its media type without parameters.
        content = {kind.split(";")[0].strip(): {"schema": {}} for kind in op.downloads}
    return {"description": "Success", "content": content}


def error_statuses(op: Operation) -> dict[int, str]:
    """The error statuses ``op`` can answer, from its shape alone.

    Every operation answers 422 (an unknown query parameter is refused everywhere); one
    that needs a token, 401 and 403; one addressed by a path parameter, 404; every write,
    409 (a duplicate, a stale version, the last facilitator kept).
    """
    statuses: dict[int, str] = {}
    if not op.public:
        statuses[401] = "Missing or invalid token"
        statuses[403] = "Not allowed for this user"
    if _PARAM.search(op.path):
        statuses[404] = "Not found"
    if op.method != "GET":
        statuses[409] = "Conflict with the stored state"
    statuses[422] = "Invalid input; `fields` names each problem"
    if op.background:
        statuses[202] = "Being computed: ask again after the Retry-After header's seconds"
        statuses[503] = "The computation failed; the site's admins can see why"
    return statuses


def build_openapi(operations: Iterable[Operation]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``operations``; their models go to ``components``."""
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        path = _PARAM.sub(lambda m: "{" + m.group(1) + "}", op.path)
        paths.setdefault(API_PREFIX + path, {})[op.method.lower()] = _operation(op, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "NIC Platform API", "version": __version__},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"token": []}],
    }


def _operation(op: Operation, schemas: dict[str, Any]) -> dict[str, Any]:
    responses: dict[str, Any] = {str(op.status): _success(op, schemas)}
    for status, description in error_statuses(op).items():
        responses[str(status)] = _error(description)
    entry: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": _parameters(op),
        "responses": responses,
    }
    if op.body is not None:
        entry["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(op.body, schemas)}},
        }
    if op.uploads:
        entry["requestBody"] = {"required": True, "content": _upload_content(op.uploads)}
    if op.public:
        entry["security"] = []
    return entry


def _upload_content(kinds: tuple[str, ...]) -> dict[str, Any]:
    """The request body of an operation that takes a file: a form with a ``file`` field,
    or the file itself as the body (text as a string, anything else as bytes)."""
    content: dict[str, Any] = {}
    for kind in kinds:
        if kind == "multipart/form-data":
            schema: dict[str, Any] = {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "contentMediaType": "application/octet-stream"}
                },
            }
        elif kind.startswith("text/"):
            schema = {"type": "string"}
        else:
            schema = {"type": "string", "contentMediaType": kind}
        content[kind] = {"schema": schema}
    return content


def _parameters(op: Operation) -> list[dict[str, Any]]:
    """The path parameters, then the query parameters, then the page ones if paginated."""
    parameters: list[dict[str, Any]] = [
        {
            "name": m.group(1),
            "in": "path",
            "required": True,
            "schema": {"type": "integer" if m.group(2) == "int" else "string"},
        }
        for m in _PARAM.finditer(op.path)
    ]
    for q in op.query:
        schema: dict[str, Any] = {"type": _TYPES.get(q.type, "string")}
        if q.type is date:
            schema["format"] = "date"
        if q.choices:
            schema["enum"] = list(q.choices)
        if q.required and q.type is str:
            schema["minLength"] = 1  # an empty value counts as missing
        parameters.append(
            {
                "name": q.name,
                "in": "query",
                "description": q.description,
                "required": q.required,
                "schema": schema,
            }
        )
    if op.paginated:
        parameters += [
            {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
            {
                "name": "per_page",
                "in": "query",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE_SIZE,
                    "default": DEFAULT_PAGE_SIZE,
                },
            },
        ]
    return parameters
