"""The import page of a measure: upload a CSV or XLSX file of data points, see the
preview (rows to add, rows in error, duplicates), confirm, land on the measure's page.

Nothing is saved before the confirmation. The preview's rows travel to the confirmation
in the page, sealed: signed with the site's secret key (``itsdangerous``), bound to the
measure, the user and the duplicates choice, valid for :data:`SEAL_MAX_AGE`. The
confirmation checks them again as a file's rows and plans the duplicates against what
is stored then, so it saves exactly what the service would save for the file. A file
with any row in error cannot be confirmed: fix the file and upload it again.
"""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from communities.data_files import (
    ALIASES,
    MAX_FILE_BYTES,
    MAX_ROWS,
    read_table,
)
from communities.services import data_import
from communities.services.base import get_row
from communities.services.measures import MEASURES, check_measure_write
from communities.web import queries
from core.context import ServiceContext
from core.errors import InvalidInput, NotFound
from core.uploads import file_of
from core.web.context import signed_in_context
from core.web.csrf import read_upload_form
from core.web.flash import flash
from core.web.render import render

"""The session key of the message the measure page shows once after an import."""
SEAL_MAX_AGE = 3600
SHOWN_ROWS = 200
"""Rows of each kind listed on the preview (the counts cover all of them)."""
_SALT = "nic.measure-import"


def measure_url(slug: str, measure_id: int) -> str:
    return f"/communities/{slug}/measures/{measure_id}"


async def _target(request: Request) -> tuple[ServiceContext, dict[str, Any], dict[str, Any]]:
    """The actor, the community and the measure of the URL: 404 when the measure is not
    the community's (or not readable), 403 when the actor may not write its data."""
    ctx = await signed_in_context(request)
    community = await queries.community_by_slug(ctx, request.path_params["slug"])
    measure_id = request.path_params["measure_id"]
    try:
        measure = await get_row(ctx, MEASURES, measure_id)
    except NotFound:
        measure = None
    if measure is None or measure["community_id"] != community["id"]:
        raise NotFound(f"no measure {measure_id}")
    await check_measure_write(ctx, measure)  # after the 404s: another community's is missing
    return ctx, community, measure


def _serializer(request: Request) -> URLSafeTimedSerializer:
    secret = request.app.state.settings.require_secret_key()
    return URLSafeTimedSerializer(secret, salt=_SALT)


def _seal(request: Request, ctx: ServiceContext, measure_id: int, preview: dict[str, Any]) -> str:
    rows = [
        [r["row"], r["date"].isoformat(), r["value"], r["numerator"], r["denominator"], r["note"]]
        for r in preview["rows"]
    ]
    payload = {"m": measure_id, "u": ctx.actor.user_id, "d": preview["duplicates"], "r": rows}
    return str(_serializer(request).dumps(payload))


def _unseal(request: Request, ctx: ServiceContext, measure_id: int, sealed: str) -> Any:
    expired = InvalidInput.field(
        "file", "the preview has expired or was changed; upload the file again"
    )
    try:
        payload = _serializer(request).loads(sealed, max_age=SEAL_MAX_AGE)
    except BadSignature:
        raise expired from None
    if not isinstance(payload, dict) or (payload.get("m"), payload.get("u")) != (
        measure_id,
        ctx.actor.user_id,
    ):
        raise expired
    rows = [
        {
            "row": r[0],
            "date": r[1],
            "value": r[2],
            "numerator": r[3],
            "denominator": r[4],
            "note": r[5],
        }
        for r in payload["r"]
    ]
    return payload["d"], data_import.table_of_rows(rows)


async def _page(
    request: Request,
    community: dict[str, Any],
    measure: dict[str, Any],
    *,
    preview: dict[str, Any] | None = None,
    sealed: str = "",
    errors: dict[str, str] | None = None,
    duplicates: str = "skip",
) -> Response:
    rows = preview["rows"] if preview else []
    context = {
        "community": community,
        "measure": measure,
        "measure_url": measure_url(community["slug"], measure["id"]),
        "export_url": f"/communities/{community['slug']}/measures/{measure['id']}/data.csv",
        "ratio": measure["chart_type"] in ("p", "u"),
        "aliases": _aliases(),
        "max_rows": MAX_ROWS,
        "max_mb": MAX_FILE_BYTES // 1_000_000,
        "preview": preview,
        "sealed": sealed,
        "adding": [r for r in rows if r["action"] != "skip"][:SHOWN_ROWS],
        "skipping": [r for r in rows if r["action"] == "skip"][:SHOWN_ROWS],
        "problems": preview["errors"][:SHOWN_ROWS] if preview else [],
        "shown": SHOWN_ROWS,
        "errors": errors or {},
        "duplicates": duplicates,
    }
    status = 422 if errors or (preview and preview["errors"]) else 200
    return await render(request, "communities/measure_import.html", context, status=status)


def _aliases() -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for alias, column in ALIASES.items():
        if alias != column:
            names.setdefault(column, []).append(alias)
    return names


async def import_page(request: Request) -> Response:
    ctx, community, measure = await _target(request)
    if request.method == "GET":
        return await _page(request, community, measure)
    duplicates = "skip"
    try:
        form = await read_upload_form(request, MAX_FILE_BYTES)
        duplicates = "replace" if form.get("duplicates") == "replace" else "skip"
        upload = await file_of(form, MAX_FILE_BYTES)
        table = read_table(upload.content, upload.filename)
        preview = await data_import.preview_import(ctx, measure["id"], table, duplicates)
    except InvalidInput as exc:
        return await _page(
            request, community, measure, errors=exc.fields or {"file": exc.message},
            duplicates=duplicates,
        )  # fmt: skip
    saving = preview["counts"]["add"] + preview["counts"]["replace"]
    sealed = "" if preview["errors"] or not saving else _seal(request, ctx, measure["id"], preview)
    return await _page(
        request, community, measure, preview=preview, sealed=sealed, duplicates=duplicates
    )


async def confirm_page(request: Request) -> Response:
    ctx, community, measure = await _target(request)
    try:
        form = await read_upload_form(request, 4 * MAX_FILE_BYTES)
        duplicates, table = _unseal(request, ctx, measure["id"], str(form.get("rows", "")))
        saved = await data_import.save_import(ctx, measure["id"], table, duplicates)
    except InvalidInput as exc:
        return await _page(request, community, measure, errors=exc.fields or {"file": exc.message})
    counts = saved["counts"]
    flash(
        request,
        f"Imported {counts['add'] + counts['replace']} data points "
        f"({counts['replace']} replacing stored ones, {counts['skip']} duplicates skipped).",
    )
    return RedirectResponse(measure_url(community["slug"], measure["id"]), status_code=303)


async def export_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await queries.community_by_slug(ctx, request.path_params["slug"])
    measure_id = request.path_params["measure_id"]
    try:
        measure, text = await data_import.export_csv(ctx, measure_id)
    except NotFound:
        measure, text = None, ""
    if measure is None or measure["community_id"] != community["id"]:
        raise NotFound(f"no measure {measure_id}")
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="measure-{measure_id}.csv"'},
    )


BASE = "/communities/{slug}/measures/{measure_id:int}"
ROUTES = [
    Route(BASE + "/import", import_page, methods=["GET", "POST"]),
    Route(BASE + "/import/confirm", confirm_page, methods=["POST"]),
    Route(BASE + "/data.csv", export_page),
]
