"""JSON API of the knowledge flow: ``/api/v1/communities/{slug}/flow/...``."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.responses import Response

from communities.flow import service
from communities.flow.exports import FORMATS
from core.api.calls import ApiCall
from core.api.operations import Operation, QueryParam
from core.errors import InvalidInput

BASE = "/communities/{slug:str}/flow"
AS_OF = QueryParam("as_of", date, "the graph as it stood on this date (default: today)")
MAX_LIMIT = 500


async def _graph(call: ApiCall, action: str = "read") -> Any:
    return await service.readable_graph(
        call.ctx, call.path["slug"], call.query.get("as_of"), action=action
    )


async def _summary(call: ApiCall) -> Any:
    return service.summary(await _graph(call))


async def _graph_json(call: ApiCall) -> Any:
    from communities.flow.exports import node_link

    # The same document as the JSON export: it needs the export permission too.
    return node_link(await _graph(call, "export"))


async def _downstream(call: ApiCall) -> Any:
    graph = await _graph(call)
    return service.trace(graph, call.query.get("node"), "downstream", call.query.get("until"))


async def _upstream(call: ApiCall) -> Any:
    graph = await _graph(call)
    return service.trace(graph, call.query.get("node"), "upstream", call.query.get("since"))


async def _team_flow(call: ApiCall) -> Any:
    return service.team_flow_report(await _graph(call))


async def _brokers(call: ApiCall) -> Any:
    limit = call.query.get("limit", 20)
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput.field("limit", f"must be between 1 and {MAX_LIMIT}")
    return service.broker_report(await _graph(call), call.query.get("as_of"), limit)


async def _silos(call: ApiCall) -> Any:
    graph = await _graph(call)
    days = call.query.get("within_days", 90)
    return service.silos_report(graph, days, call.query.get("as_of"))


async def _resilience(call: ApiCall) -> Any:
    raw = call.query.get("leaving") or ""
    leaving = [p.strip() for p in raw.split(",") if p.strip()]
    return service.resilience_report(await _graph(call), call.query.get("as_of"), leaving)


async def _main_path(call: ApiCall) -> Any:
    return service.main_path_report(await _graph(call))


async def _evolution(call: ApiCall) -> Any:
    return {"quarters": service.evolution_report(await _graph(call))}


async def _export(call: ApiCall) -> Response:
    name = call.path["format"]
    if name not in FORMATS:
        raise InvalidInput.field("format", f"must be one of {', '.join(sorted(FORMATS))}")
    fmt = FORMATS[name]
    graph = await _graph(call, "export")
    slug = call.path["slug"]
    return Response(
        fmt.write(graph),
        media_type=fmt.media_type,
        headers={"Content-Disposition": f'attachment; filename="{slug}-flow.{fmt.extension}"'},
    )


def _op(
    path: str, op_id: str, summary: str, handler: Any, *query: QueryParam, **more: Any
) -> Operation:
    return Operation(
        "GET", BASE + path, op_id, summary, "flow", handler, query=(AS_OF, *query), **more
    )


def flow_operations() -> list[Operation]:
    node = QueryParam("node", str, "the work to trace, as kind:id (cycle:12)", required=True)
    return [
        _op("", "flowSummary", "Counts of the flow graph's nodes and edges by kind", _summary),
        _op("/graph", "flowGraph",
            "The whole flow graph as node-link JSON (needs the export permission)", _graph_json),
        _op("/downstream", "flowDownstream", "Where a piece of work's learning went",
            _downstream, node, QueryParam("until", date, "stop at this date")),
        _op("/upstream", "flowUpstream", "What could have informed a piece of work",
            _upstream, node, QueryParam("since", date, "look no further back than this date")),
        _op("/team-flow", "flowTeams", "Team-to-team flow, school to district and back, lag",
            _team_flow),
        _op("/brokers", "flowBrokers", "People ranked by how they connect teams", _brokers,
            QueryParam("limit", int, "how many people (default 20)")),
        _op("/silos", "flowSilos", "Cycles and teams whose learning reached no other team",
            _silos, QueryParam("within_days", int, "the window, in days (default 90)")),
        _op("/resilience", "flowResilience", "Cut people and fragmentation", _resilience,
            QueryParam("leaving", str, "comma-separated person ids (person:7,person:9)")),
        _op("/main-path", "flowMainPath", "The chain of work that carried the most learning",
            _main_path),
        _op("/evolution", "flowEvolution", "Network measures by quarter", _evolution),
        _op("/export/{format:str}", "flowExport",
            "Download the graph: gexf, graphml, json, csv (zip) or dl (UCINET)", _export,
            downloads=tuple(sorted({f.media_type for f in FORMATS.values()}))),
    ]  # fmt: skip
