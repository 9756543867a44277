"""Downloads of exactly what the explorer shows: its nodes and arrows as CSV, or both as
GEXF for Gephi, for the same filters as the page (``/communities/{slug}/flow/view.gexf?…``).

They read the explorer's stored view, as the page does: no graph is built here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import networkx as nx
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from communities.flow.exports.gexf import write_gexf
from communities.flow.exports.tables import csv_text
from communities.flow.exports.values import clean_text
from communities.flow.results import stored_result
from communities.web import queries
from communities.web.flow_view import explorer_params, read_filters
from core.errors import InvalidInput, NotFound, ServiceError
from core.jsonutil import dumps
from core.web.context import signed_in_context

FORMATS = {
    "nodes.csv": "text/csv; charset=utf-8",
    "edges.csv": "text/csv; charset=utf-8",
    "gexf": "application/gexf+xml; charset=utf-8",
}
NODE_COLUMNS = ("id", "label", "kind", "level", "links_out", "links_in", "teams", "schools",
                "inside", "cluster")  # fmt: skip
EDGE_COLUMNS = ("source", "target", "source_label", "target_label", "weight",
                "school_to_district", "district_to_school", "school_to_school",
                "district_to_district")  # fmt: skip


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    """The rows as a CSV table of the columns any row has (formula-safe, as every export)."""
    present = [c for c in columns if any(row.get(c) is not None for row in rows)]
    cells = (
        {c: clean_text(str(row[c])) for c in present if row.get(c) is not None} for row in rows
    )
    return csv_text(cells, present)


def picture_gexf(picture: dict[str, Any]) -> bytes:
    """The shown nodes and arrows as GEXF 1.2 (the knowledge-flow export's writer)."""
    graph = nx.MultiDiGraph()
    for row in picture["nodes"]:
        values = {k: v for k, v in row.items() if k != "id" and v is not None}
        graph.add_node(row["id"], **values)
    for row in picture["edges"]:
        values = {
            k: v
            for k, v in row.items()
            if k not in ("source", "target", "source_label", "target_label") and v is not None
        }
        graph.add_edge(row["source"], row["target"], **values)
    return write_gexf(graph)


async def picture_download(request: Request) -> Response:
    """``view.nodes.csv``, ``view.edges.csv`` or ``view.gexf`` of the explorer's picture."""
    try:
        ctx = await signed_in_context(request)
        community = await queries.community_by_slug(ctx, request.path_params["slug"])
        fmt = request.path_params["format"]
        if fmt not in FORMATS:  # no such download: the same answer as any unknown address
            raise NotFound(f"no download view.{fmt[:20]}; there are {', '.join(FORMATS)}")
        filters = read_filters(request.query_params)
        if filters.errors:
            name, problem = next(iter(filters.errors.items()))
            raise InvalidInput(f"{name}: {problem}", filters.errors)
        params = explorer_params(filters, date.today())
        result = await stored_result(ctx.plugins, community["id"], "explorer", params)
    except ServiceError as exc:
        return Response(
            dumps(exc.to_dict()),
            status_code=exc.status,
            media_type="application/json",
            headers=exc.headers(),
        )
    picture = result.payload["picture"]
    body: str | bytes
    if fmt == "gexf":  # networkx's writer: off the event loop, however small the picture
        body = await run_in_threadpool(picture_gexf, picture)
    elif fmt == "nodes.csv":
        body = _table(picture["nodes"], NODE_COLUMNS)
    else:
        body = _table(picture["edges"], EDGE_COLUMNS)
    name = f"{community['slug']}-{picture['level']}.{fmt}"
    return Response(
        body,
        media_type=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
