"""What the knowledge-flow explorer shows, computed from the graph by a worker.

The explorer page (:mod:`communities.web.flow_pages`) reads its filters from the query
string (:class:`Filters`); a worker turns the community's graph and those filters into
one JSON-ready view (:func:`explorer_view`, the ``explorer`` analysis): the team graph
drawn as SVG, the lag, the brokers, the silos, the quarters and the drill-down into
one team's work. The page only reads that stored view and renders it.

Aggregate first, drill down on demand: the page always draws teams, never all work; the
drill-down draws at most :data:`WORK_CAP` pieces of one team's work.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import networkx as nx
from starlette.datastructures import QueryParams

from communities.flow import service
from communities.flow.analyses import GraphAt, Params, day
from communities.flow.evolution import quarter_of
from communities.flow.schema import (
    ARTIFACT_VERSION,
    CYCLE,
    LEVELS,
    PERSON,
    TEAM,
    is_content_edge,
    node_date,
)
from communities.web.flow_picture import picture_view
from communities.web.flowdraw import natural
from communities.web.workdraw import WorkEdge, WorkItem, WorkRow, work_svg
from core.bounds import parse_day
from core.errors import InvalidInput

WORK_CAP = 300  # pieces of the team's own work drawn in the drill-down
LINKED_CAP = 300  # pieces of other teams' work drawn beside them
BROKERS = 10
SILO_LIST = 50
SILO_DAYS = service.SILO_DAYS
KINDS = {CYCLE: "Cycles", ARTIFACT_VERSION: "Artifact versions"}
TEAM_NAME_LIMIT = 40
"""A team filter longer than this is no team's node name (``team:123``)."""
QUERY_LIMIT = 60
VIEWS = {"": "Chosen by size", "groups": "Groups of teams", "teams": "Every team"}
GROUPINGS = {"": "Districts", "cluster": "Detected clusters"}
COLOURS = {"": "Level", "cluster": "Detected cluster"}
TEAM_LEVELS = {"": "All levels", "school": "School teams", "district": "District teams"}
MAX_TOP = 1000
MAX_MIN = 100_000


# --- Filters ---------------------------------------------------------------------------


@dataclass
class Filters:
    """What the GET form asked for; bad values are dropped with a message for the field."""

    as_of: date | None = None
    team: str | None = None
    kind: str | None = None
    start: date | None = None
    end: date | None = None
    view: str | None = None
    group: str | None = None
    open: str | None = None
    focus: str | None = None
    minimum: int | None = None
    top: int | None = None
    colour: str | None = None
    q: str | None = None
    level: str | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def params(self) -> dict[str, str]:
        values = {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "team": self.team,
            "kind": self.kind,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "view": self.view,
            "group": self.group,
            "open": self.open,
            "focus": self.focus,
            "min": str(self.minimum) if self.minimum else None,
            "top": str(self.top) if self.top else None,
            "colour": self.colour,
            "q": self.q,
            "level": self.level,
        }
        return {k: v for k, v in values.items() if v}

    def picture(self) -> dict[str, Any]:
        """What the picture is asked for (:func:`communities.web.flow_picture.picture_view`)."""
        return {
            "view": self.view,
            "group": self.group,
            "open": self.open,
            "focus": self.focus,
            "min": self.minimum,
            "top": self.top,
            "colour": self.colour,
            "q": self.q,
            "level": self.level,
        }

    def url(self, **changes: str | None) -> str:
        """This page's query string with some filters changed (``None`` drops one)."""
        params = self.params()
        for key, value in changes.items():
            if value:
                params[key] = value
            else:
                params.pop(key, None)
        return "?" + urlencode(params) if params else "?"


def form_date(params: QueryParams, name: str, errors: dict[str, str]) -> date | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        return parse_day(name, raw)
    except InvalidInput as exc:
        problem = exc.fields[name]
        errors[name] = (
            f"{raw[:40]!r} is not a date; use the form 2025-03-31" if "YYYY" in problem else problem
        )
        return None


def _choice(
    params: QueryParams, name: str, choices: dict[str, str], errors: dict[str, str]
) -> str | None:
    value = params.get(name, "").strip() or None
    if value is not None and value not in choices:
        errors[name] = f"must be one of {', '.join(c for c in choices if c)}"
        return None
    return value


def _node(params: QueryParams, name: str, errors: dict[str, str]) -> str | None:
    value = params.get(name, "").strip() or None
    if value is not None and len(value) > TEAM_NAME_LIMIT:
        errors[name] = f"{value[:TEAM_NAME_LIMIT]!r}... is not a team of this community"
        return None
    return value


def _count(params: QueryParams, name: str, most: int, errors: dict[str, str]) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        errors[name] = f"must be a whole number from 1 to {most}"
        return None
    return int(raw)


def read_filters(params: QueryParams) -> Filters:
    errors: dict[str, str] = {}
    query = params.get("q", "").strip() or None
    if query is not None and len(query) > QUERY_LIMIT:
        errors["q"] = f"must be at most {QUERY_LIMIT} characters"
        query = None
    filters = Filters(
        as_of=form_date(params, "as_of", errors),
        team=_node(params, "team", errors),
        kind=_choice(params, "kind", KINDS, errors),
        start=form_date(params, "from", errors),
        end=form_date(params, "to", errors),
        view=_choice(params, "view", VIEWS, errors),
        group=_choice(params, "group", GROUPINGS, errors),
        open=_node(params, "open", errors),
        focus=_node(params, "focus", errors),
        minimum=_count(params, "min", MAX_MIN, errors),
        top=_count(params, "top", MAX_TOP, errors),
        colour=_choice(params, "colour", COLOURS, errors),
        q=query,
        level=_choice(params, "level", TEAM_LEVELS, errors),
        errors=errors,
    )
    if filters.start and filters.end and filters.start > filters.end:
        errors["to"] = "must not be before from"
        filters.end = None
    return filters


# --- Quarters ----------------------------------------------------------------------------


def quarter_end(name: str) -> date:
    """The last day of a quarter named like ``2025Q1``."""
    year, q = int(name[:4]), int(name[5:])
    month = 3 * q
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def as_of_choices(quarters: list[str], as_of: date | None, today: date) -> list[dict[str, Any]]:
    """The options of the as-of select, oldest first, ending with today (no date)."""
    choices: dict[str, str] = {}
    for name in quarters:
        end = min(quarter_end(name), today)
        choices.setdefault(end.isoformat(), f"{name} (to {end.isoformat()})")
    if as_of is not None and as_of.isoformat() not in choices:
        choices[as_of.isoformat()] = as_of.isoformat()
    options = [
        {"value": value, "text": text, "selected": as_of is not None and value == as_of.isoformat()}
        for value, text in sorted(choices.items())
    ]
    options.append({"value": "", "text": "Today (everything)", "selected": as_of is None})
    return options


# --- The drill-down ------------------------------------------------------------------------


@dataclass
class Drill:
    team: str
    label: str
    level: str
    total: int
    work: list[dict[str, Any]]
    rows: list[WorkRow]
    edges: list[WorkEdge]
    linked_total: int
    linked_shown: int
    svg: str | None


def work_url(slug: str, node: str, data: dict[str, Any]) -> str | None:
    kind, _, ident = node.partition(":")
    if kind == CYCLE:
        return f"/cycles/{ident}"
    if kind == ARTIFACT_VERSION and data.get("artifact"):
        return f"/communities/{slug}/artifacts/{data['artifact']}"
    return None


def _item(slug: str, graph: nx.MultiDiGraph, node: str) -> WorkItem:
    data = graph.nodes[node]
    return WorkItem(
        id=node,
        label=str(data.get("label", node)),
        kind=str(data.get("kind", "")),
        team=str(data.get("team", "")),
        day=node_date(data),
        url=work_url(slug, node, data),
        status=data.get("status"),
    )


def _team_work(graph: nx.MultiDiGraph, team: str, filters: Filters) -> list[str]:
    """The team's work of the kind and in the date range asked for (a range leaves out
    undated work)."""
    own = []
    for node, data in graph.nodes(data=True):
        if data.get("team") != team or data.get("kind") in (TEAM, PERSON):
            continue
        if filters.kind and data.get("kind") != filters.kind:
            continue
        day = node_date(data)
        if (filters.start or filters.end) and day is None:
            continue
        if day is not None and (
            (filters.start and day < filters.start) or (filters.end and day > filters.end)
        ):
            continue
        own.append(node)
    return own


def drill_down(graph: nx.MultiDiGraph, slug: str, team: str, filters: Filters) -> Drill:
    """A team's work in the date range, and the content edges between it and other teams."""
    nodes = graph.nodes
    own = _team_work(graph, team, filters)
    own.sort(key=lambda n: (node_date(nodes[n]) or date.min, n))
    shown = own[-WORK_CAP:]  # the latest, when there are too many
    linked: dict[str, None] = {}
    edges: list[WorkEdge] = []
    counts: dict[str, list[int]] = {n: [0, 0] for n in shown}
    for node in shown:
        for source, target, data in (
            *graph.out_edges(node, data=True),
            *graph.in_edges(node, data=True),
        ):
            other = target if source == node else source
            other_team = nodes[other].get("team")
            if not is_content_edge(data) or other_team is None or other_team == team:
                continue
            counts[node][0 if source == node else 1] += 1
            linked.setdefault(other)
            edges.append(WorkEdge(source, target, str(data.get("kind")), data.get("date")))
    kept = list(linked)[:LINKED_CAP]
    kept_set = set(kept) | set(shown)
    edges = [e for e in edges if e.source in kept_set and e.target in kept_set]
    by_team: dict[str, list[WorkItem]] = {}
    for node in kept:
        item = _item(slug, graph, node)
        by_team.setdefault(item.team, []).append(item)
    data = nodes[team]
    rows = [
        WorkRow(
            team,
            str(data.get("label", team)),
            str(data.get("level", "other")),
            [_item(slug, graph, n) for n in shown],
        )
    ]
    level_rank = {level: i for i, level in enumerate(LEVELS)}
    for other in sorted(
        by_team,
        key=lambda t: (
            level_rank.get(nodes[t].get("level", "other"), 3) if t in nodes else 4,
            natural(str(nodes[t].get("label", t)) if t in nodes else t),
        ),
    ):
        other_data = nodes.get(other, {})
        rows.append(
            WorkRow(
                other,
                str(other_data.get("label", other)),
                str(other_data.get("level", "other")),
                by_team[other],
            )
        )
    work = [
        {"item": item, "out": counts[item.id][0], "in": counts[item.id][1]}
        for item in reversed(rows[0].items)
    ]
    return Drill(
        team=team,
        label=rows[0].label,
        level=rows[0].level,
        total=len(own),
        work=work,
        rows=rows,
        edges=edges,
        linked_total=len(linked),
        linked_shown=len(kept),
        svg=work_svg(rows, edges, team) if shown else None,
    )


def _team_choices(teams: nx.DiGraph) -> list[dict[str, str]]:
    rank = {level: i for i, level in enumerate(LEVELS)}
    return [
        {"id": n, "label": str(d.get("label", n)), "level": str(d.get("level", "other"))}
        for n, d in sorted(
            teams.nodes(data=True),
            key=lambda item: (
                rank.get(item[1].get("level"), 3),
                natural(str(item[1].get("label"))),
            ),
        )
    ]


def _silo_report(graph: nx.MultiDiGraph, today: date) -> dict[str, Any]:
    found = service.silos_report(graph, SILO_DAYS, today)
    found["cycles_total"] = len(found["cycles"])
    found["cycles"] = [
        {**item, "url": work_url("", item["id"], graph.nodes[item["id"]])}
        for item in found["cycles"][:SILO_LIST]
    ]
    return found


# --- The view, as a worker computes it ---------------------------------------------------


def explorer_params(filters: Filters, today: date) -> Params:
    """The ``explorer`` analysis's parameters for these filters (``today`` too: the
    silos and the as-of choices of a view of today depend on the day)."""
    return {
        "as_of": filters.as_of.isoformat() if filters.as_of else None,
        "team": filters.team,
        "kind": filters.kind,
        "from": filters.start.isoformat() if filters.start else None,
        "to": filters.end.isoformat() if filters.end else None,
        "today": today.isoformat(),
    } | {name: value for name, value in filters.picture().items() if value is not None}


def default_explorer_params() -> list[Params]:
    """The view with no filters, recomputed after every change."""
    return [explorer_params(Filters(), date.today())]


def _filters_of(params: Params) -> Filters:
    return Filters(
        as_of=day(params, "as_of"),
        team=params.get("team"),
        kind=params.get("kind"),
        start=day(params, "from"),
        end=day(params, "to"),
        view=params.get("view"),
        group=params.get("group"),
        open=params.get("open"),
        focus=params.get("focus"),
        minimum=params.get("min"),
        top=params.get("top"),
        colour=params.get("colour"),
        q=params.get("q"),
        level=params.get("level"),
    )


async def explorer_view(graph_at: GraphAt, params: Params) -> dict[str, Any]:
    """Everything of the explorer page that comes from the graph, JSON-ready."""
    filters = _filters_of(params)
    today = day(params, "today") or date.today()
    everything = await graph_at(None)
    graph = everything if filters.as_of is None else await graph_at(filters.as_of)
    flow = service.team_flow_of(graph)
    team_error = None
    if filters.team is not None and filters.team not in flow.graph:
        team_error = f"{filters.team[:TEAM_NAME_LIMIT]!r} is not a team of this community"
        filters.team = None
    quarters = service.evolution_of(everything)
    current = "{}Q{}".format(*quarter_of(filters.as_of)) if filters.as_of else None
    evolution_rows = [
        {
            **q.as_dict(),
            "url": filters.url(as_of=min(quarter_end(q.quarter), today).isoformat()),
            "current": q.quarter == current,
            "later": q.quarter != current and quarter_end(q.quarter) > (filters.as_of or date.max),
        }
        for q in quarters
    ]
    brokers = service.broker_report(graph, filters.as_of, BROKERS)
    slug = (everything.graph.get("communities") or [""])[0]
    people = [
        {**item, "url": f"/communities/{slug}/people/{item['person'].partition(':')[2]}"}
        for item in brokers["items"]
    ]
    labels = {n: str(d.get("label", n)) for n, d in flow.graph.nodes(data=True)}
    picture = picture_view(graph, flow.graph, filters.picture(), filters.url)
    drill = None
    if filters.team:
        found = drill_down(graph, slug, filters.team, filters)
        # The rows and edges went into the SVG; the page shows neither.
        drill = service.jsonable(replace(found, rows=[], edges=[]))
    errors = picture.pop("errors")
    if team_error:
        errors["team"] = team_error
    return {
        "filter_errors": errors,
        "as_of_choices": as_of_choices([q.quarter for q in quarters], filters.as_of, today),
        "teams": _team_choices(flow.graph),
        "flow": {k: v for k, v in flow.as_dict().items() if k not in ("teams", "edges")},
        "has_flow": flow.graph.number_of_edges() > 0,
        "picture": picture,
        "team_labels": labels,
        "brokers": {**brokers, "items": people},
        "silos": _silo_report(graph, filters.as_of or today),
        "evolution": evolution_rows,
        "drill": drill,
        "all_teams_url": filters.url(team=None, kind=None, **{"from": None, "to": None}),
    }
