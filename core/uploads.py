"""Files sent to the site, read within a size bound: as the raw request body (``text/csv``
and the like) or as one file of a ``multipart/form-data`` form.

The bound holds however the body comes (with a ``Content-Length`` or chunked): the
body is counted as it is received, and reading stops past the bound. Every problem is
an :class:`core.errors.InvalidInput` naming the field, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.types import Message

from core.errors import InvalidInput

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
FORM_SLACK = 64_000
"""What a form may add to its file (boundaries, part headers, a CSRF token)."""


@dataclass(frozen=True)
class Upload:
    """A file as sent: its name (``""`` for a raw body without one) and its bytes."""

    filename: str
    content: bytes


def _too_large(field: str, limit: int) -> InvalidInput:
    return InvalidInput.field(field, f"the file is over {limit / 1_000_000:g} MB")


def bounded(request: Request, limit: int, field: str = "file", allowance: int = 0) -> Request:
    """``request`` whose body reads refuse (:class:`InvalidInput` naming ``field``) past
    ``limit`` bytes (and ``allowance`` more, for what a form wraps a file in)."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit + allowance:
        raise _too_large(field, limit)
    seen = 0
    receive = request.receive

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit + allowance:
                raise _too_large(field, limit)
        return message

    return Request(request.scope, counted)


async def read_bounded_form(
    request: Request, limit: int, *, max_files: int = 0, field: str = "file"
) -> FormData:
    """The submitted form, reading at most ``limit`` bytes; a malformed form is an
    :class:`InvalidInput` naming ``field``."""
    try:
        return await bounded(request, limit, field, FORM_SLACK).form(
            max_files=max_files, max_fields=50, max_part_size=limit
        )
    except (HTTPException, MultiPartException) as exc:
        problem = str(getattr(exc, "detail", None) or getattr(exc, "message", exc))
        raise InvalidInput.field(field, f"the form cannot be read: {problem}") from None


async def file_of(form: FormData, limit: int, field: str = "file") -> Upload:
    """The file of ``form``'s ``field``, else :class:`InvalidInput` naming it."""
    sent = form.get(field)
    if not isinstance(sent, UploadFile):
        raise InvalidInput.field(field, "choose a file to send")
    content = await sent.read(limit + 1)
    if len(content) > limit:
        raise _too_large(field, limit)
    return Upload(sent.filename or "", content)


async def read_upload(request: Request, limit: int, field: str = "file") -> Upload:
    """The file a request sends: the ``field`` file of a multipart form, or else the
    whole body (a raw body has no name: readers tell the kind from the content)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in FORM_TYPES:
        form = await read_bounded_form(request, limit, max_files=1, field=field)
        return await file_of(form, limit, field)
    chunks: list[bytes] = []
    async for chunk in bounded(request, limit, field).stream():
        chunks.append(chunk)
    return Upload("", b"".join(chunks))
