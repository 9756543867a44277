"""The one error family that services raise and every surface translates.

Web, API and CLI never invent their own failure shapes: a service raises one of
these, and the API turns it into ``{"error": {"code", "message", "fields"}}``
with the status below, the CLI into a message and a non-zero exit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ServiceError(Exception):
    """Base of every expected failure of a domain operation."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        fields: Mapping[str, str] | None = None,
        *,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields: dict[str, str] = dict(fields or {})
        self.detail: dict[str, Any] = dict(detail or {})

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries besides the body."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "fields": self.fields}
        body.update(self.detail)
        return {"error": body}


class InvalidInput(ServiceError):
    """Input failed validation; ``fields`` maps each bad field to its problem."""

    status = 422
    code = "invalid"

    @classmethod
    def field(cls, name: str, problem: str) -> InvalidInput:
        return cls(f"{name}: {problem}", {name: problem})


class NotAuthenticated(ServiceError):
    status = 401
    code = "not_authenticated"


class PermissionDenied(ServiceError):
    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    """The write would clash with the stored state (a stale version, a duplicate)."""

    status = 409
    code = "conflict"


class StillComputing(ServiceError):
    """The answer is computed in the background and is not there yet: ask again after
    ``retry_after`` seconds (the API answers 202 with a ``Retry-After`` header)."""

    status = 202
    code = "computing"

    def __init__(self, message: str, *, retry_after: int = 2) -> None:
        super().__init__(message, detail={"retry_after": retry_after})
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class ComputationFailed(ServiceError):
    """The background computation of this answer failed; the site's admins see why."""

    status = 503
    code = "computation_failed"
