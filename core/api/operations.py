"""Declarative API operations: plugins return these, the host turns them into routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from core.api.calls import ApiCall


@dataclass(frozen=True)
class QueryParam:
    """A query-string parameter; ``type`` is ``int``, ``str``, ``date`` or ``bool``.

    ``required``: a request without it (or with it empty) answers 422 naming it, and the
    document says so."""

    name: str
    type: type
    description: str = ""
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Operation:
    """One API operation at ``/api/v1`` + ``path``.

    ``path`` uses Starlette converters (``/cycles/{id:int}``). ``body`` is the
    pydantic model the JSON body must satisfy; ``response`` the model that
    documents the answer: one object, a JSON array of them with ``many``, or a page of
    them with ``paginated`` (without a model, an object, an array of objects or a page of
    objects). ``downloads`` names the media types of an answer that is a file rather than
    JSON. The handler gets an :class:`core.api.calls.ApiCall` and returns JSON-ready data
    (or a :class:`starlette.responses.Response` for a download).

    The document lists the error statuses every operation can answer by its shape (see
    :func:`core.api.openapi.error_statuses`), so a handler raises only the
    :mod:`core.errors` family.
    """

    method: str
    path: str
    operation_id: str
    summary: str
    tag: str
    handler: Callable[[ApiCall], Awaitable[Any]]
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    paginated: bool = False
    many: bool = False
    query: tuple[QueryParam, ...] = field(default_factory=tuple)
    status: int = 200
    public: bool = False
    downloads: tuple[str, ...] = ()
    uploads: tuple[str, ...] = ()
    """Media types of a file the request body may be (instead of a JSON ``body``); the
    handler reads it within a bound (:func:`core.uploads.read_upload`).
    ``multipart/form-data`` means a form whose ``file`` field is the file."""
    background: bool = False
    """The answer is computed by a worker: 202 with ``Retry-After`` while there is none
    yet, 503 when the computation failed (:class:`core.errors.StillComputing`)."""

    def __post_init__(self) -> None:
        if self.many and self.paginated:
            raise ValueError(f"{self.operation_id}: an answer is a page or an array, not both")
        if self.uploads and self.body is not None:
            raise ValueError(f"{self.operation_id}: a request body is JSON or a file, not both")
