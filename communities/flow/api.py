"""JSON API of the knowledge flow: ``/api/v1/communities/{slug}/flow/...``.

Every answer is a result a worker computed and stored (:mod:`communities.flow.results`),
with ``computed_at``, ``as_of_counter`` and ``stale`` beside the analysis's own keys.
The standing analyses (recomputed after every change) answer at once, 202 while there
is none yet; those with parameters of their own (a trace, a date in the past) wait a
few seconds for a worker first.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from starlette.responses import Response

from communities.flow.analyses import Params
from communities.flow.exports import FORMATS
from communities.flow.results import StoredResult, readable_result
from communities.flow.service import MAX_BROKERS, SILO_DAYS
from core.api.calls import ApiCall
from core.api.operations import Operation, QueryParam
from core.errors import InvalidInput

BASE = "/communities/{slug:str}/flow"
AS_OF = QueryParam("as_of", date, "the graph as it stood on this date (default: today)")


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


async def _stored(
    call: ApiCall, analysis: str, params: Params, *, action: str = "read"
) -> StoredResult:
    return await readable_result(call.ctx, call.path["slug"], analysis, params, action=action)


async def _answer(call: ApiCall, analysis: str, **params: Any) -> Any:
    result = await _stored(call, analysis, {"as_of": _day(call.query.get("as_of")), **params})
    return {**result.payload, **result.meta()}


async def _summary(call: ApiCall) -> Any:
    return await _answer(call, "summary")


async def _graph_json(call: ApiCall) -> Any:
    # The same document as the JSON export: it needs the export permission too.
    params = {"as_of": _day(call.query.get("as_of"))}
    result = await _stored(call, "graph", params, action="export")
    return {**result.payload, **result.meta()}


async def _downstream(call: ApiCall) -> Any:
    node, until = call.query.get("node"), _day(call.query.get("until"))
    return await _answer(call, "downstream", node=node, until=until)


async def _upstream(call: ApiCall) -> Any:
    node, since = call.query.get("node"), _day(call.query.get("since"))
    return await _answer(call, "upstream", node=node, since=since)


async def _team_flow(call: ApiCall) -> Any:
    return await _answer(call, "team_flow")


async def _brokers(call: ApiCall) -> Any:
    limit = call.query.get("limit", 20)
    if not 1 <= limit <= MAX_BROKERS:
        raise InvalidInput.field("limit", f"must be between 1 and {MAX_BROKERS}")
    # One stored ranking serves every limit.
    answer = await _answer(call, "brokers", limit=MAX_BROKERS)
    return {**answer, "items": answer["items"][:limit]}


async def _silos(call: ApiCall) -> Any:
    days = call.query.get("within_days", SILO_DAYS)
    if not 0 <= days <= 3660:
        raise InvalidInput.field("within_days", "must be between 0 and 3660")
    today = call.query.get("as_of") or date.today()
    return await _answer(call, "silos", within_days=days, today=today.isoformat())


async def _resilience(call: ApiCall) -> Any:
    raw = call.query.get("leaving") or ""
    leaving = sorted({p.strip() for p in raw.split(",") if p.strip()})
    return await _answer(call, "resilience", leaving=leaving)


async def _main_path(call: ApiCall) -> Any:
    return await _answer(call, "main_path")


async def _evolution(call: ApiCall) -> Any:
    return await _answer(call, "evolution")


async def _export(call: ApiCall) -> Response:
    name = call.path["format"]
    if name not in FORMATS:
        raise InvalidInput.field("format", f"must be one of {', '.join(sorted(FORMATS))}")
    fmt = FORMATS[name]
    params = {"as_of": _day(call.query.get("as_of")), "format": name}
    stored = (await _stored(call, "export", params, action="export")).payload
    body = base64.b64decode(stored["base64"]) if "base64" in stored else stored["text"]
    slug = call.path["slug"]
    return Response(
        body,
        media_type=fmt.media_type,
        headers={"Content-Disposition": f'attachment; filename="{slug}-flow.{fmt.extension}"'},
    )


def _op(
    path: str, op_id: str, summary: str, handler: Any, *query: QueryParam, **more: Any
) -> Operation:
    return Operation(
        "GET", BASE + path, op_id, summary, "flow", handler, query=(AS_OF, *query),
        background=True, **more,
    )  # fmt: skip


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
            "Download the graph: gexf, graphml, json, csv (zip), dl or dl-comembership (UCINET)",
            _export,
            downloads=tuple(sorted({f.media_type for f in FORMATS.values()}))),
    ]  # fmt: skip
