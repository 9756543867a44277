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


def build_openapi(operations: Iterable[Operation]) -> dict[str, Any]:
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        path = _PARAM.sub(lambda m: "{" + m.group(1) + "}", op.path)
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
            parameters.append(
                {"name": q.name, "in": "query", "description": q.description, "schema": schema}
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
        responses: dict[str, Any] = {}
        if op.status == 204:
            responses["204"] = {"description": "Done"}
        else:
            content_schema: dict[str, Any] = {"type": "object"}
            if op.response is not None:
                item = _ref(op.response, schemas)
                content_schema = (
                    {
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
                    if op.paginated
                    else item
                )
            responses[str(op.status)] = {
                "description": "Success",
                "content": {"application/json": {"schema": content_schema}},
            }
        if not op.public:
            responses["401"] = _error("Missing or invalid token")
            responses["403"] = _error("Not allowed for this user")
        if parameters or op.body is not None:
            responses["422"] = _error("Invalid input; `fields` names each problem")
        if "{" in op.path:
            responses["404"] = _error("Not found")
        if op.method in {"PATCH", "PUT", "POST"}:
            responses["409"] = _error("Conflict with the stored state")
        entry: dict[str, Any] = {
            "operationId": op.operation_id,
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": parameters,
            "responses": responses,
        }
        if op.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _ref(op.body, schemas)}},
            }
        if op.public:
            entry["security"] = []
        paths.setdefault(API_PREFIX + path, {})[op.method.lower()] = entry
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
