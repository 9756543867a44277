"""Feedback after a form: a short message shown once, on the next page the browser opens.

A page that handles a form calls :func:`flash` before it redirects; the next page rendered
through :func:`core.web.render.render` shows the message in ``templates/base.html``
(a ``role="status"`` region, escaped like any text) and forgets it. Messages live in the
signed session cookie, so any app process may show them.
"""

from __future__ import annotations

from typing import Literal

from starlette.datastructures import FormData
from starlette.requests import Request

FLASH_KEY = "flash"
KINDS = ("ok", "warning")
MAX_MESSAGES = 3
MAX_LENGTH = 300

FlashKind = Literal["ok", "warning"]


def flash(request: Request, text: str, kind: FlashKind = "ok") -> None:
    """Show ``text`` once on the next page (``kind`` "ok", or "warning" for an action
    that did less than asked). Plain text: it is escaped when shown."""
    if kind not in KINDS:
        raise ValueError(f"flash kind must be one of {KINDS}")
    waiting = request.session.get(FLASH_KEY)
    messages = waiting if isinstance(waiting, list) else []
    messages.append({"text": str(text)[:MAX_LENGTH], "kind": kind})
    request.session[FLASH_KEY] = messages[-MAX_MESSAGES:]


def take_flashes(request: Request) -> list[dict[str, str]]:
    """The messages waiting for this page, forgotten once taken."""
    if FLASH_KEY not in request.session:
        return []
    waiting = request.session.pop(FLASH_KEY)
    if not isinstance(waiting, list):
        return []
    return [
        {"text": str(m.get("text", "")), "kind": str(m["kind"]) if m.get("kind") in KINDS else "ok"}
        for m in waiting
        if isinstance(m, dict)
    ]


CONFIRM_FIELD = "confirm"
"""The box an irreversible action's form asks to tick (``confirm_box`` in core/macros.html)."""


def confirmed(form: FormData) -> bool:
    """Whether the form's confirm box was ticked: an irreversible action (abandon, delete,
    revoke) asks first, without JavaScript, and does nothing until it is."""
    return form.get(CONFIRM_FIELD) == "yes"
