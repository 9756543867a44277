"""Build the knowledge-flow graph of one or more communities from the database.

The build reads each kind of record in one query (teams, people, memberships,
cycles, cycle authors, artifact versions, learning links), whatever the size of the
community, then asks plugins for their nodes and edges through
``nic_graph_contributions`` (each plugin only for the communities it is switched on
in). ``as_of`` rebuilds the graph as it stood on a date: work dated later, links
recorded later and memberships begun later are left out, and a membership that ended
after that date is shown as still running.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from itertools import pairwise
from typing import Any

import networkx as nx
from tortoise.queryset import ValuesQuery

from communities.flow.schema import (
    ADAPTED_FROM,
    ARTIFACT_VERSION,
    AUTHORED,
    BUILDS_ON,
    CYCLE,
    MEMBER,
    PERSON,
    PRODUCED,
    RAN,
    REVISED,
    TEAM,
    attributes,
    node_id,
    team_level,
)
from communities.models import (
    ArtifactVersion,
    Community,
    Cycle,
    LearningLink,
    Membership,
    Person,
    Team,
)
from core.nodes import GraphContribution
from core.plugins import PluginHost

Row = dict[str, Any]


def _on_or_before(day: date | None, as_of: date | None) -> bool:
    return as_of is None or day is None or day <= as_of


def _cycle_start(row: Row) -> date:
    start = row["actual_start"] or row["planned_start"]
    if start is None:
        created = row["created_at"]
        if isinstance(created, datetime):
            return created.date()
        return date.fromisoformat(str(created)[:10])  # SQLite: text
    return start


def _team_nodes(rows: list[Row]) -> Iterator[tuple[str, dict[str, Any]]]:
    for r in rows:
        yield (
            node_id(TEAM, r["id"]),
            attributes(
                kind=TEAM,
                label=r["name"],
                community=r["community_id"],
                team_kind=r["kind"],
                level=team_level(r["kind"], r["organization__kind"]),
                parent=node_id(TEAM, r["parent_id"]) if r["parent_id"] else None,
            ),
        )


async def _rows(community_ids: list[int] | None) -> dict[str, list[Row]]:
    def scoped(model: Any, path: str = "community_id") -> Any:
        query = model.all()
        return query if community_ids is None else query.filter(**{f"{path}__in": community_ids})

    communities = (
        Community.all() if community_ids is None else Community.filter(id__in=community_ids)
    )
    return {
        "communities": await _plain(communities.values("id", "slug")),
        "teams": await _plain(
            scoped(Team).values(
                "id", "community_id", "name", "kind", "parent_id", "organization__kind"
            )
        ),
        "people": await _plain(scoped(Person).values("id", "community_id", "name")),
        "memberships": await _plain(
            scoped(Membership, "team__community_id").values(
                "person_id", "team_id", "role", "start_date", "end_date"
            ),
            dates=("start_date", "end_date"),
        ),
        "cycles": await _plain(
            scoped(Cycle).values(
                "id",
                "community_id",
                "team_id",
                "title",
                "status",
                "change_idea_id",
                "builds_on_id",
                "actual_start",
                "planned_start",
                "actual_end",
                "planned_end",
                "created_at",
            ),
            dates=("actual_start", "planned_start", "actual_end", "planned_end"),
        ),
        "authors": await _plain(
            scoped(Cycle).filter(authors__id__isnull=False).values("id", "authors__id")
        ),
        "versions": await _plain(
            scoped(ArtifactVersion, "artifact__community_id").values(
                "id",
                "number",
                "created_on",
                "author_id",
                "artifact_id",
                "artifact__title",
                "artifact__team_id",
                "artifact__community_id",
                "artifact__derived_from_id",
            ),
            dates=("created_on",),
        ),
        "links": await _plain(
            scoped(LearningLink).values("source", "target", "kind", "date", "community_id", "note"),
            dates=("date",),
        ),
    }


async def _plain(query: ValuesQuery[Any], dates: tuple[str, ...] = ()) -> list[Row]:
    """The rows of a ``.values()`` query, read without the ORM's per-value conversion.

    The graph reads every row of a community; turning each value into Python through its
    field costs several times the query itself (SQLite hands dates back as text, and the
    ORM parses each with a general ISO-8601 parser). The SQL is still the ORM's, for the
    database in use; dates are parsed here with ``date.fromisoformat`` (PostgreSQL
    already returns dates), and ``created_at`` is left as the database returns it (only
    its day is used, by :func:`_cycle_start`).
    """
    query._choose_db_if_not_chosen()
    query._make_query()
    rows: list[Row] = await query._db.execute_query_dict(*query.query.get_parameterized_sql())
    for column in dates:
        for row in rows:
            value = row[column]
            if isinstance(value, str):
                row[column] = date.fromisoformat(value[:10])
    return rows


def assemble(
    rows: dict[str, list[Row]],
    contributions: Iterable[GraphContribution] = (),
    *,
    as_of: date | None = None,
) -> nx.MultiDiGraph:
    """The graph from plain rows (what :func:`build_graph` read), without the database."""
    graph = nx.MultiDiGraph()
    graph.graph["communities"] = sorted(r["slug"] for r in rows["communities"])
    if as_of is not None:
        graph.graph["as_of"] = as_of.isoformat()
    graph.add_nodes_from(_team_nodes(rows["teams"]))
    levels = {n: d["level"] for n, d in graph.nodes(data=True)}

    _add_people(graph, rows, as_of)
    _add_cycles(graph, rows, levels, as_of)
    _add_versions(graph, rows["versions"], levels, as_of)
    # Every plugin's nodes go in before any edge, so a recorded learning link or another
    # plugin's edge may end at a plugin's node (a forum thread, a convening).
    for contribution in contributions:
        _add_contribution_nodes(graph, contribution, as_of)

    for r in rows["links"]:
        if not _on_or_before(r["date"], as_of):
            continue
        if r["source"] in graph and r["target"] in graph:
            graph.add_edge(
                r["source"],
                r["target"],
                key=r["kind"],
                **attributes(kind=r["kind"], date=r["date"], note=r["note"] or None),
            )

    for contribution in contributions:
        _add_contribution_edges(graph, contribution, as_of)
    for contribution in contributions:
        _add_node_attributes(graph, contribution)
    return graph


def _add_people(graph: nx.MultiDiGraph, rows: dict[str, list[Row]], as_of: date | None) -> None:
    """The people and their membership spells (a second spell on a team gets its own key)."""
    graph.add_nodes_from(
        (
            node_id(PERSON, r["id"]),
            {"kind": PERSON, "label": r["name"], "community": r["community_id"]},
        )
        for r in rows["people"]
    )
    spells: dict[tuple[int, int], int] = {}
    for r in sorted(rows["memberships"], key=lambda r: r["start_date"]):
        if not _on_or_before(r["start_date"], as_of):
            continue
        end = r["end_date"] if _on_or_before(r["end_date"], as_of) else None
        pair = (r["person_id"], r["team_id"])
        spells[pair] = spells.get(pair, 0) + 1
        graph.add_edge(
            node_id(PERSON, r["person_id"]),
            node_id(TEAM, r["team_id"]),
            key=MEMBER if spells[pair] == 1 else f"{MEMBER}/{spells[pair]}",
            **attributes(kind=MEMBER, role=r["role"], start=r["start_date"], end=end),
        )


def _add_cycles(
    graph: nx.MultiDiGraph, rows: dict[str, list[Row]], levels: dict[str, str], as_of: date | None
) -> None:
    """The cycles started by ``as_of``, who ran and wrote them, and what each built on."""
    cycles = [r for r in rows["cycles"] if _on_or_before(_cycle_start(r), as_of)]
    for r in cycles:
        team = node_id(TEAM, r["team_id"])
        start = _cycle_start(r)
        end = r["actual_end"] or r["planned_end"]
        graph.add_node(
            node_id(CYCLE, r["id"]),
            **attributes(
                kind=CYCLE,
                label=r["title"],
                community=r["community_id"],
                team=team,
                level=levels.get(team),
                status=r["status"],
                start=start,
                end=end if _on_or_before(end, as_of) else None,
                change_idea=r["change_idea_id"],
            ),
        )
        graph.add_edge(team, node_id(CYCLE, r["id"]), key=RAN, kind=RAN, date=start)
    for r in cycles:
        earlier = node_id(CYCLE, r["builds_on_id"]) if r["builds_on_id"] else None
        here = node_id(CYCLE, r["id"])
        if earlier in graph:
            graph.add_edge(earlier, here, key=BUILDS_ON, kind=BUILDS_ON, date=_cycle_start(r))
    for r in rows["authors"]:
        work = node_id(CYCLE, r["id"])
        if work in graph:
            graph.add_edge(node_id(PERSON, r["authors__id"]), work, key=AUTHORED, kind=AUTHORED)


def _add_versions(
    graph: nx.MultiDiGraph, rows: list[Row], levels: dict[str, str], as_of: date | None
) -> None:
    versions = sorted(
        (r for r in rows if _on_or_before(r["created_on"], as_of)),
        key=lambda r: (r["artifact_id"], r["number"]),
    )
    by_artifact: dict[int, list[Row]] = {}
    for r in versions:
        by_artifact.setdefault(r["artifact_id"], []).append(r)
        here = node_id(ARTIFACT_VERSION, r["id"])
        team = node_id(TEAM, r["artifact__team_id"]) if r["artifact__team_id"] else None
        graph.add_node(
            here,
            **attributes(
                kind=ARTIFACT_VERSION,
                label=f"{r['artifact__title']} v{r['number']}",
                community=r["artifact__community_id"],
                team=team,
                level=levels.get(team) if team else None,
                artifact=r["artifact_id"],
                start=r["created_on"],
            ),
        )
        if team is not None:
            graph.add_edge(team, here, key=PRODUCED, kind=PRODUCED, date=r["created_on"])
        if r["author_id"]:
            graph.add_edge(node_id(PERSON, r["author_id"]), here, key=AUTHORED, kind=AUTHORED)
    for chain in by_artifact.values():
        for before, after in pairwise(chain):
            graph.add_edge(
                node_id(ARTIFACT_VERSION, before["id"]),
                node_id(ARTIFACT_VERSION, after["id"]),
                key=REVISED,
                kind=REVISED,
                date=after["created_on"],
            )
    # An adapted artifact descends from the version of its source that existed when its
    # own first version was made (or the source's first version, if none did yet).
    for chain in by_artifact.values():
        first = chain[0]
        source = by_artifact.get(first["artifact__derived_from_id"] or 0)
        if not source:
            continue
        earlier = [v for v in source if v["created_on"] <= first["created_on"]]
        origin = (earlier or source)[-1 if earlier else 0]
        graph.add_edge(
            node_id(ARTIFACT_VERSION, origin["id"]),
            node_id(ARTIFACT_VERSION, first["id"]),
            key=ADAPTED_FROM,
            kind=ADAPTED_FROM,
            date=first["created_on"],
        )


def _add_contribution_nodes(
    graph: nx.MultiDiGraph, contribution: GraphContribution, as_of: date | None
) -> None:
    for node, data in contribution.nodes:
        if _on_or_before(data.get("start"), as_of):
            graph.add_node(node, **attributes(**data))


def _add_contribution_edges(
    graph: nx.MultiDiGraph, contribution: GraphContribution, as_of: date | None
) -> None:
    for source, target, data in contribution.edges:
        if source in graph and target in graph and _on_or_before(data.get("date"), as_of):
            graph.add_edge(source, target, key=data["kind"], **attributes(**data))


def _add_node_attributes(graph: nx.MultiDiGraph, contribution: GraphContribution) -> None:
    # Merged into nodes already there (another plugin's included); ``kind`` stays.
    for node, data in contribution.node_attributes:
        if node in graph:
            graph.nodes[node].update(attributes(**{k: v for k, v in data.items() if k != "kind"}))


async def build_graph(
    plugins: PluginHost, community_ids: list[int] | None, *, as_of: date | None = None
) -> nx.MultiDiGraph:
    """The graph of these communities (``None``: the whole site) as of a date."""
    rows = await _rows(community_ids)
    ids = [r["id"] for r in rows["communities"]]
    results: list[Any] = []
    failed: list[str] = []
    # Each plugin hears only of the communities it is switched on in: communities with the
    # same plugins switched off are asked about together (one call per plugin for a single
    # community).
    groups: dict[frozenset[str], list[int]] = {}
    for cid, off in (await plugins.disabled_plugins(ids)).items():
        groups.setdefault(off, []).append(cid)
    for group in groups.values():
        outcome = await plugins.call_outcome(
            "nic_graph_contributions", community_id=group[0], community_ids=group, as_of=as_of
        )
        results += [value for _, value in outcome.results]
        failed += outcome.failed
    contributions = [c for c in results if isinstance(c, GraphContribution)]
    # The collector would walk the growing graph again and again while it is built (a
    # third of the time at the national size) and finds nothing to free in it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        graph = assemble(rows, contributions, as_of=as_of)
    finally:
        if collecting:
            gc.enable()
    if failed:
        # Said on the graph, so the cache does not keep a graph missing a plugin's part.
        graph.graph["incomplete"] = sorted(set(failed))
    return graph
