"""CSRF protection: every form carries the session's token; every form read checks it.

Pages read forms only through :func:`read_form` (or :func:`read_upload_form`, for a form
with a file), so no form can skip the check.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.datastructures import FormData
from starlette.requests import Request

from core.errors import PermissionDenied
from core.uploads import read_bounded_form

SESSION_KEY = "csrf"
FIELD = "csrf_token"


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


async def read_form(request: Request) -> FormData:
    """The submitted form, after checking its CSRF token (403 when missing or wrong)."""
    form = await request.form(max_files=0, max_fields=500)
    _check(request, form)
    return form


async def read_upload_form(request: Request, limit: int) -> FormData:
    """A submitted form that may carry one file, or long fields, within ``limit`` bytes
    (:func:`core.uploads.read_bounded_form`), after checking its CSRF token."""
    form = await read_bounded_form(request, limit, max_files=1)
    _check(request, form)
    return form


def _check(request: Request, form: FormData) -> None:
    sent = form.get(FIELD)
    expected = request.session.get(SESSION_KEY)
    if not isinstance(sent, str) or not isinstance(expected, str):
        raise PermissionDenied("the form has expired; reload the page and try again")
    if not hmac.compare_digest(sent, expected):
        raise PermissionDenied("the form has expired; reload the page and try again")
