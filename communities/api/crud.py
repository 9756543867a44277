"""Builds the standard list/get/create/update/delete operations of one resource."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from pydantic import BaseModel

from communities.services.base import Listing, get_row, list_rows
from core.api.calls import ApiCall, Page
from core.api.operations import Operation, QueryParam
from core.api.routing import paginated
from core.context import ServiceContext

_DATE_FILTERS = {"from", "to", "active_on"}
_TEXT_FILTERS = {"status", "kind", "stage", "role", "vetting", "slug", "source", "target", "node"}

Lister = Callable[[ServiceContext, dict[str, Any], Page], Awaitable[tuple[list[dict], int]]]
Getter = Callable[[ServiceContext, int], Awaitable[dict[str, Any]]]


def _query_params(listing: Listing, choices: dict[str, tuple[str, ...]]) -> tuple[QueryParam, ...]:
    params = []
    for name in listing.filters:
        if name in _DATE_FILTERS:
            kind: type = date
        elif name in _TEXT_FILTERS:
            kind = str
        else:
            kind = int
        params.append(QueryParam(name, kind, f"filter by {name}", choices.get(name, ())))
    return tuple(params)


def resource_operations(
    *,
    singular: str,
    plural: str,
    path: str,
    listing: Listing,
    out: type[BaseModel],
    create: tuple[type[BaseModel], Callable[..., Awaitable[Any]]] | None = None,
    update: tuple[type[BaseModel], Callable[..., Awaitable[Any]]] | None = None,
    delete: Callable[..., Awaitable[None]] | None = None,
    lister: Lister | None = None,
    getter: Getter | None = None,
    choices: dict[str, tuple[str, ...]] | None = None,
) -> list[Operation]:
    """Operations for ``path`` (a collection) and ``path/{id}`` (one record)."""
    tag = plural.lower().replace(" ", "-")
    name = singular.title().replace(" ", "")
    names = plural.title().replace(" ", "")

    async def list_handler(call: ApiCall) -> dict[str, Any]:
        if lister is not None:
            rows, total = await lister(call.ctx, call.query, call.page)
        else:
            rows, total = await list_rows(call.ctx, listing, call.query, call.page)
        return paginated(rows, total, call.page)

    async def get_handler(call: ApiCall) -> dict[str, Any]:
        if getter is not None:
            return await getter(call.ctx, call.path["id"])
        return await get_row(call.ctx, listing, call.path["id"])

    item = path + "/{id:int}"
    ops = [
        Operation(
            "GET", path, f"list{names}", f"List {plural} you may read", tag, list_handler,
            response=out, paginated=True, query=_query_params(listing, choices or {}),
        ),
        Operation("GET", item, f"get{name}", f"Get one {singular}", tag, get_handler, response=out),
    ]  # fmt: skip
    if create is not None:
        body, create_fn = create

        async def create_handler(call: ApiCall) -> Any:
            return await create_fn(call.ctx, call.body)

        ops.append(
            Operation(
                "POST",
                path,
                f"create{name}",
                f"Create a {singular}",
                tag,
                create_handler,
                body=body,
                response=out,
                status=201,
            )
        )
    if update is not None:
        body, update_fn = update

        async def update_handler(call: ApiCall) -> Any:
            return await update_fn(call.ctx, call.path["id"], call.body)

        ops.append(
            Operation(
                "PATCH",
                item,
                f"update{name}",
                f"Change a {singular} (fields you send only)",
                tag,
                update_handler,
                body=body,
                response=out,
            )
        )
    if delete is not None:
        delete_fn = delete

        async def delete_handler(call: ApiCall) -> None:
            await delete_fn(call.ctx, call.path["id"])

        ops.append(
            Operation(
                "DELETE",
                item,
                f"delete{name}",
                f"Delete a {singular}",
                tag,
                delete_handler,
                status=204,
            )
        )
    return ops
