"""A convening's agenda: drafted from the knowledge-flow graph and the agenda hook,
then reordered, edited, time-boxed and given presenters by the facilitator.

The graph-derived suggestions are composed here, directly (this plugin does not also
implement ``nic_agenda_items``, so nothing is listed twice); every other plugin's
suggestions come through the ``nic_agenda_items`` hook this plugin declares
(:mod:`plugins.convenings.hookspecs`), gathered by :func:`agenda_items`.

What the graph suggests, between the previous convening (``since``) and this one
(``until``):

``cycle_completed``
    cycles completed in that window, one item per change idea;
``learning_not_at_district``
    completed school-team cycles of the last year whose learning shows up in no
    district-level work by ``until``: a :func:`downstream` trace that reaches no
    district cycle or artifact version and no convening (a cycle shared at a joint
    convening has been heard by the district team). Membership overlap alone is not
    counted: a coordinator on both teams *could* carry it, which is what the meeting
    is for. One item per school team;
``no_shared_member``
    school teams that share no member with the district team on ``until``, and teams
    whose learning reached no other team (:func:`silos`), with who should talk;
``brokers``
    people who sit on teams of more than one level (:func:`brokers`), to invite.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import asdict, replace
from datetime import date, datetime, timedelta
from typing import Any

import networkx as nx

from plugins.api import (
    AgendaItem,
    Analysis,
    Cycle,
    GraphAt,
    InvalidInput,
    NotFound,
    Person,
    PluginHost,
    ServiceContext,
    brokers,
    community_write,
    downstream,
    silos,
    stored_result,
)
from plugins.convenings.models import AgendaEntry
from plugins.convenings.records import convening_row, planned_convening, previous_convening
from plugins.convenings.schemas import AgendaEntryCreate, AgendaEntryUpdate
from plugins.convenings.times import local

logger = logging.getLogger("nic.plugins")

SOURCE = "convenings"
LOOK_BACK = timedelta(days=365)
"""How far back unshared school learning is looked for."""
BROKERS_SHOWN = 5


async def agenda_items(
    plugins: PluginHost, community_id: int, since: date | None, until: date
) -> list[AgendaItem]:
    """Every plugin's suggestions for a convening of ``community_id``.

    Items come in plugin registration order, each plugin's in its own order; a
    plugin that raises, or returns something other than agenda items, is logged and
    left out. ``source`` is set to the plugin's name where the plugin left it empty.
    """
    found: list[AgendaItem] = []
    contributions = await plugins.call_each(
        "nic_agenda_items", community_id=community_id, since=since, until=until
    )
    for plugin_name, items in contributions:
        if not isinstance(items, list | tuple) or not all(
            isinstance(item, AgendaItem) for item in items
        ):
            logger.error("plugin %s returned something other than agenda items", plugin_name)
            continue
        found.extend(item if item.source else replace(item, source=plugin_name) for item in items)
    return found


def _safe_url(url: str) -> bool:
    """A path on this site or a web address: never ``javascript:`` and the like."""
    return (url.startswith("/") and not url.startswith("//")) or url.startswith(
        ("https://", "http://")
    )


def _title_of(graph: nx.MultiDiGraph, node: str) -> str:
    return str(graph.nodes[node].get("label", node))


def _ended(data: dict[str, Any]) -> date | None:
    value = data.get("end") or data.get("start")
    return value if isinstance(value, date) else None


def completed_cycles(
    graph: nx.MultiDiGraph, since: date | None, until: date, ideas: dict[int, str]
) -> list[AgendaItem]:
    """Cycles completed after ``since`` and by ``until``, one item per change idea."""
    groups: dict[int | None, list[str]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        if data.get("kind") != "cycle" or data.get("status") != "completed":
            continue
        ended = _ended(data)
        if ended is None or ended > until or (since is not None and ended <= since):
            continue
        groups[data.get("change_idea")].append(node)
    items = []
    for idea, nodes in sorted(
        groups.items(), key=lambda g: (g[0] is None, ideas.get(g[0] or 0, ""))
    ):
        nodes.sort(key=lambda n: (_ended(graph.nodes[n]) or until, n))
        name = ideas.get(idea or 0)
        lines = [
            f"{_title_of(graph, n)} ({_title_of(graph, graph.nodes[n]['team'])})"
            if graph.nodes[n].get("team") in graph
            else _title_of(graph, n)
            for n in nodes
        ]
        items.append(
            AgendaItem(
                title=f"Cycles completed: {name}" if name else "Cycles completed (no change idea)",
                kind="cycle_completed",
                detail="\n".join(lines),
                source=SOURCE,
                refs=tuple(nodes),
                links=tuple((_title_of(graph, n), f"/cycles/{n.split(':')[1]}") for n in nodes),
                minutes=min(30, 5 + 5 * len(nodes)),
            )
        )
    return items


def reached_district(graph: nx.MultiDiGraph, node: str, until: date) -> bool:
    """Whether ``node``'s learning shows up, by ``until``, in district-level work (a
    district team's cycle or artifact version built on it, or a link to one) or at a
    convening. A person who sits on both teams could carry it (the trace's team reach
    counts that), but the agenda asks for evidence in the work itself."""
    trace = downstream(graph, node, until=until)
    return any(
        graph.nodes[w].get("level") == "district"
        or graph.nodes[w].get("kind") in ("convening", "decision")
        for w in trace.work
    )


def learning_not_at_district(graph: nx.MultiDiGraph, until: date) -> list[AgendaItem]:
    """Completed school cycles of the last year whose learning has not reached the
    district team by ``until``, one item per school team."""
    stuck: dict[str, list[str]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        if data.get("kind") != "cycle" or data.get("level") != "school":
            continue
        ended = _ended(data)
        if data.get("status") != "completed" or ended is None:
            continue
        if ended > until or ended < until - LOOK_BACK:
            continue
        if not reached_district(graph, node, until):
            stuck[str(data.get("team"))].append(node)
    items = []
    for team, nodes in sorted(stuck.items(), key=lambda t: _title_of(graph, t[0])):
        nodes.sort()
        items.append(
            AgendaItem(
                title=f"Learning from {_title_of(graph, team)} not yet at the district team",
                kind="learning_not_at_district",
                detail="Completed cycles whose learning no district team has built on yet: "
                + "; ".join(_title_of(graph, n) for n in nodes),
                source=SOURCE,
                refs=tuple(nodes),
                links=tuple((_title_of(graph, n), f"/cycles/{n.split(':')[1]}") for n in nodes),
                minutes=10,
            )
        )
    return items


def _members_on(graph: nx.MultiDiGraph, on: date) -> dict[str, dict[str, str]]:
    """``{team: {person: role}}`` of the memberships active on ``on``."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for person, team, data in graph.edges(data=True):
        if data.get("kind") != "member":
            continue
        start, end = data.get("start"), data.get("end")
        if (start is None or start <= on) and (end is None or end >= on):
            found[team][person] = str(data.get("role", ""))
    return found


def unconnected_teams(graph: nx.MultiDiGraph, until: date, ranking: list[str]) -> list[AgendaItem]:
    """School teams sharing no member with a district team, and silo teams, each with
    a suggestion of who should talk (the team's coordinator or first member, and the
    district member who brokers most)."""
    members = _members_on(graph, until)
    teams = {n: d for n, d in graph.nodes(data=True) if d.get("kind") == "team"}
    district = [t for t, d in teams.items() if d.get("level") == "district"]
    district_people = {p for t in district for p in members.get(t, {})}
    order = {p: i for i, p in enumerate(ranking)}

    def first(people: dict[str, str], prefer: str = "coordinator") -> str | None:
        ranked = sorted(people, key=lambda p: (people[p] != prefer, order.get(p, 10**6), p))
        return ranked[0] if ranked else None

    def suggestion(team: str) -> tuple[str, tuple[str, ...]]:
        own = first(members.get(team, {}))
        other = min(district_people, key=lambda p: (order.get(p, 10**6), p), default=None)
        pair = [p for p in (own, other) if p is not None and p in graph]
        if len(pair) < 2:
            return "", tuple(pair)
        names = " and ".join(_title_of(graph, p) for p in pair)
        return f" Suggest that {names} talk before the convening.", tuple(pair)

    items = []
    if district:
        for team, data in sorted(teams.items(), key=lambda t: _title_of(graph, t[0])):
            if data.get("level") != "school" or not members.get(team):
                continue
            if set(members[team]) & district_people:
                continue
            hint, people = suggestion(team)
            items.append(
                AgendaItem(
                    title=f"{_title_of(graph, team)} shares no member with the district team",
                    kind="no_shared_member",
                    detail=f"Nobody sits on both {_title_of(graph, team)} and the district "
                    f"team on {until}.{hint}",
                    source=SOURCE,
                    refs=(team, *people),
                    minutes=5,
                )
            )
    quiet = silos(graph, today=until).teams
    for team in quiet:
        hint, people = suggestion(team)
        items.append(
            AgendaItem(
                title=f"Learning of {_title_of(graph, team)} reached no other team",
                kind="no_shared_member",
                detail=f"None of its cycles judged so far informed another team's work "
                f"within 90 days.{hint}",
                source=SOURCE,
                refs=(team, *people),
                minutes=5,
            )
        )
    return items


def brokers_to_invite(graph: nx.MultiDiGraph, until: date) -> tuple[list[AgendaItem], list[str]]:
    """People on teams of more than one level, and the ranking of everyone."""
    scores = brokers(graph, as_of=until)
    ranking = [s.person for s in scores]
    spanning = [s for s in scores if len(s.levels) > 1][:BROKERS_SHOWN]
    if not spanning:
        return [], ranking
    detail = "; ".join(f"{s.label} ({', '.join(s.levels)}; {s.teams} teams)" for s in spanning)
    item = AgendaItem(
        title="Brokers to invite",
        kind="brokers",
        detail=f"They carry learning between school and district teams: {detail}.",
        source=SOURCE,
        refs=tuple(s.person for s in spanning),
        minutes=None,
    )
    return [item], ranking


AGENDA_ANALYSIS = "convenings_agenda"
"""The graph's suggestions for a convening, computed by a worker."""
AGENDA_WAIT = 10.0
"""How long drafting an agenda waits for a worker before it asks to try again."""


async def _graph_suggestions(graph_at: GraphAt, params: dict[str, Any]) -> Any:
    """The ``convenings_agenda`` analysis: every suggestion the graph gives for a
    convening on ``until`` after one on ``since``, as JSON."""
    since = date.fromisoformat(params["since"]) if params.get("since") else None
    until = date.fromisoformat(params["until"])
    graph = await graph_at(until)
    idea_ids = {d.get("change_idea") for _, d in graph.nodes(data=True) if d.get("change_idea")}
    # No DISTINCT: the Cycle model orders by id, which PostgreSQL would then refuse.
    ideas = (
        dict(
            await Cycle.filter(change_idea_id__in=list(idea_ids)).values_list(
                "change_idea_id", "change_idea__title"
            )
        )
        if idea_ids
        else {}
    )
    broker_items, ranking = brokers_to_invite(graph, until)
    items = [
        *completed_cycles(graph, since, until, {int(k): str(v) for k, v in ideas.items()}),
        *learning_not_at_district(graph, until),
        *unconnected_teams(graph, until, ranking),
        *broker_items,
    ]
    return [asdict(item) for item in items]


AGENDA_SUGGESTIONS = Analysis(AGENDA_ANALYSIS, _graph_suggestions)


async def graph_items(
    ctx: ServiceContext, community_id: int, since: date | None, until: date
) -> list[AgendaItem]:
    """Every suggestion the graph gives for a convening on ``until``, as a worker
    computed it (waiting a few seconds for one)."""
    params = {"since": since.isoformat() if since else None, "until": until.isoformat()}
    result = await stored_result(
        ctx.plugins, community_id, AGENDA_ANALYSIS, params, wait=AGENDA_WAIT
    )
    return [
        AgendaItem(
            **{
                **item,
                "refs": tuple(item["refs"]),
                "links": tuple(tuple(link) for link in item["links"]),
            }
        )
        for item in result.payload
    ]


# --- the stored agenda --------------------------------------------------------------


ENTRY_FIELDS = (
    "id", "position", "title", "kind", "source", "detail", "refs", "links", "minutes",
    "presenter_id", "notes",
)  # fmt: skip


async def agenda_of(convening_id: int, start: datetime | None = None) -> list[dict[str, Any]]:
    """The agenda in order, each entry with its presenter's name, and with a clock
    (``at``, local ``HH:MM``) when the meeting's local ``start`` is given."""
    rows = list(
        await AgendaEntry.filter(convening_id=convening_id)
        .order_by("position", "id")
        .values(*ENTRY_FIELDS, presenter_name="presenter__name")
    )
    clock = start
    for number, row in enumerate(rows, 1):
        row["number"] = number
        row["at"] = clock.strftime("%H:%M") if clock else None
        if clock is not None and row["minutes"]:
            clock = clock + timedelta(minutes=row["minutes"])
    return rows


async def _window(conv: dict[str, Any]) -> tuple[date | None, date]:
    prev = await previous_convening(conv)
    since = local(prev["starts_at"], prev["time_zone"]).date() if prev else None
    until = (
        local(conv["starts_at"], conv["time_zone"]).date() if conv["starts_at"] else date.today()
    )
    return since, until


async def suggestions(ctx: ServiceContext, conv: dict[str, Any]) -> list[AgendaItem]:
    """The graph's and every plugin's suggestions for this convening."""
    since, until = await _window(conv)
    cid = conv["community_id"]
    return [
        *await graph_items(ctx, cid, since, until),
        *await agenda_items(ctx.plugins, cid, since, until),
    ]


async def draft(ctx: ServiceContext, convening_id: int) -> list[dict[str, Any]]:
    """Add every suggestion not on the agenda yet (same kind, title and records) after
    the existing entries; the facilitator's edits are kept."""
    conv = await planned_convening(ctx, convening_id)
    items = await suggestions(ctx, conv)
    existing = await AgendaEntry.filter(convening_id=convening_id).values(
        "kind", "title", "refs", "position"
    )
    seen = {(e["kind"], e["title"], tuple(e["refs"] or ())) for e in existing}
    last = max((e["position"] for e in existing), default=0)
    new = []
    for item in items:
        key = (item.kind, item.title, tuple(item.refs))
        if key in seen:
            continue
        seen.add(key)
        last += 1
        new.append(
            AgendaEntry(
                convening_id=convening_id,
                position=last,
                title=item.title[:300],
                kind=item.kind,
                source=item.source,
                detail=item.detail,
                refs=list(item.refs),
                links=[list(link) for link in item.links if _safe_url(link[1])],
                minutes=item.minutes,
            )
        )
    async with community_write(conv["community_id"]):
        await AgendaEntry.bulk_create(new)
    return await agenda_of(convening_id)


async def _presenter(community_id: int, person_id: int | None) -> None:
    if (
        person_id is not None
        and not await Person.filter(id=person_id, community_id=community_id).exists()
    ):
        raise InvalidInput.field("presenter_id", f"no person {person_id} in this community")


async def add_entry(
    ctx: ServiceContext, convening_id: int, data: AgendaEntryCreate
) -> dict[str, Any]:
    conv = await planned_convening(ctx, convening_id)
    await _presenter(conv["community_id"], data.presenter_id)
    positions = await AgendaEntry.filter(convening_id=convening_id).values_list(
        "position", flat=True
    )
    async with community_write(conv["community_id"]):
        entry = await AgendaEntry.create(
            convening_id=convening_id,
            position=max(positions, default=0) + 1,
            title=data.title,
            detail=data.detail,
            minutes=data.minutes,
            presenter_id=data.presenter_id,
        )
    return await _entry(convening_id, entry.id)


async def _entry(convening_id: int, entry_id: int) -> dict[str, Any]:
    conv = await convening_row(convening_id)
    start = local(conv["starts_at"], conv["time_zone"]) if conv["starts_at"] else None
    for row in await agenda_of(convening_id, start):
        if row["id"] == entry_id:
            return row
    raise NotFound(f"no agenda item {entry_id} in this convening")


async def update_entry(
    ctx: ServiceContext, convening_id: int, entry_id: int, data: AgendaEntryUpdate
) -> dict[str, Any]:
    """Edit, time-box, assign a presenter, take notes, or move an item (``position``
    1 = first; the others close up around it)."""
    conv = await planned_convening(ctx, convening_id)
    await _entry(convening_id, entry_id)
    sent = data.model_fields_set
    if "presenter_id" in sent:
        await _presenter(conv["community_id"], data.presenter_id)
    if "title" in sent and data.title is None:
        raise InvalidInput.field("title", "an agenda item needs a title")
    values = {k: getattr(data, k) for k in sent if k != "position"}
    for text in ("detail", "notes"):
        if text in values and values[text] is None:
            values[text] = ""
    async with community_write(conv["community_id"]):
        if values:
            await AgendaEntry.filter(id=entry_id).update(**values)
        if data.position is not None:
            order = list(
                await AgendaEntry.filter(convening_id=convening_id)
                .order_by("position", "id")
                .values_list("id", flat=True)
            )
            order.remove(entry_id)
            order.insert(min(data.position, len(order) + 1) - 1, entry_id)
            for number, other in enumerate(order, 1):
                await AgendaEntry.filter(id=other).update(position=number)
    return await _entry(convening_id, entry_id)


async def delete_entry(ctx: ServiceContext, convening_id: int, entry_id: int) -> None:
    conv = await planned_convening(ctx, convening_id)
    await _entry(convening_id, entry_id)
    async with community_write(conv["community_id"]):
        await AgendaEntry.filter(id=entry_id).delete()
