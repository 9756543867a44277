"""The two queries of a list page (its total and its records), rendered once per shape.

Building a list query with Tortoise (resolving its filters, selecting some 30 columns,
rendering the SQL) cost about 0.65 ms of every list request, about what SQLite took to
answer it. The SQL depends only on the query's shape: over how many communities it is
scoped (or none, for a site admin), which filters it uses, whether the page starts past the
first record. Each shape is prepared once (:mod:`core.prepared`) and then runs with the
request's values bound; a shape that cannot be prepared (a filter given as a function, a
value of another kind) runs through the ORM, as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tortoise.functions import Count
from tortoise.queryset import QuerySet, ValuesQuery

from core.prepared import PreparedValues

if TYPE_CHECKING:
    from communities.services.base import Listing

MAX_SHAPES = 256  # per listing; past it (scopes of ever more communities), the ORM
MAX_SCOPE = 100  # communities in one IN (...): more goes through the ORM


@dataclass(frozen=True)
class Shape:
    """What a list query's SQL depends on."""

    scope: int | None  # how many readable communities, None for all
    filters: tuple[str, ...]  # the filters used, in the listing's order
    offset: bool  # whether the page starts past the first record


@dataclass(frozen=True)
class PageQueries:
    total: PreparedValues | None  # None: counted through the ORM (see ``_joins``)
    page: PreparedValues


def shape_of(
    listing: Listing, readable: Sequence[int] | None, filters: Mapping[str, Any], offset: int
) -> Shape | None:
    """The shape of this request's queries; None when it is not worth preparing."""
    if readable is not None and not 0 < len(readable) <= MAX_SCOPE:
        return None
    names = tuple(name for name in listing.filters if filters.get(name) is not None)
    if any(not isinstance(listing.filters[name], str) for name in names):
        return None
    return Shape(None if readable is None else len(readable), names, offset > 0)


def arguments(
    shape: Shape, readable: Sequence[int] | None, filters: Mapping[str, Any]
) -> list[Any]:
    """The values a shape's queries take, before the page's offset and limit."""
    return [*(readable or ()), *(filters[name] for name in shape.filters)]


def page_queries(
    listing: Listing, shape: Shape, cache: dict[Shape, PageQueries]
) -> PageQueries | None:
    """The prepared queries of ``shape``, made on first use."""
    found = cache.get(shape)
    if found is None and len(cache) < MAX_SHAPES:
        found = cache[shape] = _prepare(listing, shape)
    return found


def _prepare(listing: Listing, shape: Shape) -> PageQueries:
    model = listing.model
    scope = shape.scope or 0
    lookups = [listing.filters[name] for name in shape.filters]

    def filtered(args: Sequence[Any]) -> QuerySet[Any]:
        query = model.all()
        if shape.scope is not None:
            query = query.filter(**{f"{listing.community_path}__in": list(args[:scope])})
        for lookup, value in zip(lookups, args[scope:], strict=True):
            query = query.filter(**{str(lookup): value})
        return query

    def total(*args: Any) -> ValuesQuery[Any]:
        # COUNT(id) where the ORM says COUNT(*): the same number, id is never null.
        pk = model._meta.pk_attr
        return filtered(args).annotate(total=Count(pk)).values("total")

    def page(*args: Any) -> ValuesQuery[Any]:
        values, limit = args[:-1], args[-1]
        if shape.offset:
            values, offset = values[:-1], values[-1]
        query = filtered(values).order_by(*listing.order)
        if shape.offset:
            query = query.offset(offset)
        return query.limit(limit).values(*listing.fields)

    counted = None if _joins(listing, shape) else PreparedValues(model, total)
    return PageQueries(counted, PreparedValues(model, page))


def _joins(listing: Listing, shape: Shape) -> bool:
    """Whether the shape's query reaches another table: its count is then the ORM's (an
    aggregate over a join comes out grouped, one count a row)."""
    lookups = [listing.filters[name] for name in shape.filters]
    if shape.scope is not None:
        lookups.append(listing.community_path)
    columns = listing.model._meta.fields_db_projection
    return any(str(lookup).split("__")[0] not in columns for lookup in lookups)
