"""Builds the standard list/get/create/update/delete operations of one resource."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, NamedTuple

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


class _Resource(NamedTuple):
    """How one resource's operations are named and where they live."""

    singular: str
    path: str  # the collection; one record is at ``item``
    tag: str
    name: str  # "ChangeIdea", in operation ids
    out: type[BaseModel]

    @property
    def item(self) -> str:
        return self.path + "/{id:int}"


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
    resource = _Resource(singular, path, tag, singular.title().replace(" ", ""), out)
    ops = _read_operations(resource, plural, listing, lister, getter, choices or {})
    if create is not None:
        ops.append(_create_operation(resource, *create))
    if update is not None:
        ops.append(_update_operation(resource, *update))
    if delete is not None:
        ops.append(_delete_operation(resource, delete))
    return ops


def _read_operations(
    resource: _Resource,
    plural: str,
    listing: Listing,
    lister: Lister | None,
    getter: Getter | None,
    choices: dict[str, tuple[str, ...]],
) -> list[Operation]:
    """List (paginated, filtered) and get one, through ``lister``/``getter`` if given."""
    names = plural.title().replace(" ", "")
    singular, tag, name, out = resource.singular, resource.tag, resource.name, resource.out

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

    return [
        Operation(
            "GET", resource.path, f"list{names}", f"List {plural} you may read", tag, list_handler,
            response=out, paginated=True, query=_query_params(listing, choices),
        ),
        Operation(
            "GET", resource.item, f"get{name}", f"Get one {singular}", tag, get_handler,
            response=out,
        ),
    ]  # fmt: skip


def _create_operation(
    resource: _Resource, body: type[BaseModel], create_fn: Callable[..., Awaitable[Any]]
) -> Operation:
    async def create_handler(call: ApiCall) -> Any:
        return await create_fn(call.ctx, call.body)

    return Operation(
        "POST",
        resource.path,
        f"create{resource.name}",
        f"Create a {resource.singular}",
        resource.tag,
        create_handler,
        body=body,
        response=resource.out,
        status=201,
    )


def _update_operation(
    resource: _Resource, body: type[BaseModel], update_fn: Callable[..., Awaitable[Any]]
) -> Operation:
    async def update_handler(call: ApiCall) -> Any:
        return await update_fn(call.ctx, call.path["id"], call.body)

    return Operation(
        "PATCH",
        resource.item,
        f"update{resource.name}",
        f"Change a {resource.singular} (fields you send only)",
        resource.tag,
        update_handler,
        body=body,
        response=resource.out,
    )


def _delete_operation(resource: _Resource, delete_fn: Callable[..., Awaitable[None]]) -> Operation:
    async def delete_handler(call: ApiCall) -> None:
        await delete_fn(call.ctx, call.path["id"])

    return Operation(
        "DELETE",
        resource.item,
        f"delete{resource.name}",
        f"Delete a {resource.singular}",
        resource.tag,
        delete_handler,
        status=204,
    )
