"""Levels over time: a team's (or an organization's) level per indicator and period,
movement since the last period, targets, the community roll-up, the agenda items and
graph attributes built on them, and the association between incoming learning links and
movement.

A team's level on an indicator in a period is the consensus recorded in its assessment,
or, where none was recorded, the lower median of the submitted raters' scores. When a
team has both a self-review and an external review in one period with a rubric, the
external review counts. Everything here reads in a fixed number of queries.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from typing import Any

from plugins.api import (
    AgendaItem,
    Community,
    Cycle,
    LearningLink,
    Organization,
    ServiceContext,
    Team,
)
from plugins.rubrics import definitions
from plugins.rubrics.models import Assessment, Consensus, Rubric, RubricVersion, Score, Target
from plugins.rubrics.schemas import quarter_index
from plugins.rubrics.stats import lower_median, spearman
from plugins.rubrics.subjects import subject_filter, subject_key, subject_path

Periods = dict[str, dict[str, Any]]
"""``{period: {"assessment_id", "kind", "held_on", "version", "levels": {key: level}}}``"""


async def levels_by_period(
    community_ids: list[int], *, subject: str | None = None, as_of: date | None = None
) -> dict[tuple[str, int], Periods]:
    """``{(subject, rubric_id): periods}`` for the teams and organizations of these
    communities (``subject`` is ``team:5`` or ``organization:3``): three queries."""
    # The same conditions on the assessments, on their consensus and on their scores
    # (joined rather than a long list of ids).
    where: dict[str, Any] = {"community_id__in": community_ids}
    if subject is not None:
        where.update(subject_filter(subject))
    if as_of is not None:
        where["held_on__lte"] = as_of
    rows = await Assessment.filter(**where).values(
        "id",
        "team_id",
        "organization_id",
        "period",
        "kind",
        "held_on",
        "version__number",
        rubric_id="version__rubric_id",
    )
    if not rows:  # nothing assessed: spare the two other queries
        return {}
    agreed = await Consensus.filter(**{f"assessment__{k}": v for k, v in where.items()}).values(
        "assessment_id", "indicator", "level"
    )
    scored = await Score.filter(
        **{f"sheet__assessment__{k}": v for k, v in where.items()},
        sheet__submitted_at__not_isnull=True,
        level__not_isnull=True,
    ).values("indicator", "level", assessment_id="sheet__assessment_id")
    votes: dict[int, dict[str, list[int]]] = {}
    for s in scored:
        votes.setdefault(s["assessment_id"], {}).setdefault(s["indicator"], []).append(s["level"])
    consensus: dict[int, dict[str, int]] = {}
    for c in agreed:
        consensus.setdefault(c["assessment_id"], {})[c["indicator"]] = c["level"]
    chosen: dict[tuple[str, int, str], dict[str, Any]] = {}
    for r in sorted(rows, key=lambda r: (r["kind"] == "external_review", r["id"])):
        chosen[(subject_key(r), r["rubric_id"], r["period"])] = r  # external review wins
    result: dict[tuple[str, int], Periods] = {}
    for (key, rubric, period), r in chosen.items():
        levels = {k: lower_median(v) for k, v in votes.get(r["id"], {}).items()}
        levels.update(consensus.get(r["id"], {}))
        result.setdefault((key, rubric), {})[period] = {
            "assessment_id": r["id"],
            "kind": r["kind"],
            "held_on": r["held_on"],
            "version": r["version__number"],
            "levels": {k: v for k, v in levels.items() if v is not None},
        }
    return {
        key: dict(sorted(periods.items(), key=lambda p: quarter_index(p[0])))
        for key, periods in result.items()
    }


def mean_level(levels: dict[str, int]) -> float | None:
    return round(sum(levels.values()) / len(levels), 2) if levels else None


def movement(
    before: dict[str, int], after: dict[str, int], order: list[str] | None = None
) -> dict[str, list[str]]:
    """Indicators that went up, down, or stayed (scored in both periods), in the rubric's
    ``order`` of indicators where given."""
    moved: dict[str, list[str]] = {"up": [], "down": [], "same": []}
    place = {key: i for i, key in enumerate(order or [])}
    for key, level in sorted(after.items(), key=lambda kv: (place.get(kv[0], len(place)), kv[0])):
        if key in before:
            change = "up" if level > before[key] else "down" if level < before[key] else "same"
            moved[change].append(key)
    return moved


async def _latest_definitions(rubric_ids: list[int]) -> dict[int, dict[str, Any]]:
    rows = await RubricVersion.filter(rubric_id__in=rubric_ids).values(
        "rubric_id", "number", "definition", name="rubric__name"
    )
    latest: dict[int, dict[str, Any]] = {}
    for r in rows:
        if r["rubric_id"] not in latest or r["number"] > latest[r["rubric_id"]]["number"]:
            latest[r["rubric_id"]] = r
    return latest


async def subject_progress(ctx: ServiceContext, subject: dict[str, Any]) -> list[dict[str, Any]]:
    """For each rubric a team or organization (``subject`` as :func:`subjects.subject_of`
    gives it) was assessed with: the heat map (indicators by period), movement since the
    last period, and this year's targets against the latest level."""
    await ctx.authorize("read", community_id=subject["community_id"])
    who = subject["key"]  # (not `key`: the loop below names each indicator `key`)
    by_rubric = await levels_by_period([subject["community_id"]], subject=who)
    rubric_ids = sorted({rubric for _, rubric in by_rubric})
    latest = await _latest_definitions(rubric_ids)
    targets = await Target.filter(**subject_filter(who), rubric_id__in=rubric_ids).values(
        "rubric_id", "year", "indicator", "level"
    )
    out = []
    for rubric_id in rubric_ids:
        periods = by_rubric[(who, rubric_id)]
        definition = latest[rubric_id]["definition"]
        names = list(periods)
        last = periods[names[-1]]["levels"]
        before = periods[names[-2]]["levels"] if len(names) > 1 else {}
        year = quarter_index(names[-1]) // 4
        goal = {
            t["indicator"]: t["level"]
            for t in targets
            if t["rubric_id"] == rubric_id and t["year"] == year
        }
        rows = []
        for ind in definitions.indicators_of(definition):
            key = ind["key"]
            cells = [periods[p]["levels"].get(key) for p in names]
            change = None
            if key in last and key in before:
                change = last[key] - before[key]
            target = goal.get(key)
            rows.append(
                {
                    **ind,
                    "cells": cells,
                    "change": change,
                    "target": target,
                    "met": target is not None and last.get(key, 0) >= target,
                }
            )
        out.append(
            {
                "rubric_id": rubric_id,
                "rubric_name": latest[rubric_id]["name"],
                "levels": definition["levels"],
                "periods": [
                    {
                        "period": p,
                        **{k: v for k, v in d.items() if k != "levels"},
                        "mean": mean_level(d["levels"]),
                    }
                    for p, d in periods.items()
                ],
                "rows": rows,
                "year": year,
                "targets_set": len(goal),
                "targets_met": sum(1 for r in rows if r["met"]),
                "movement": movement(before, last, [r["key"] for r in rows]) if before else None,
                "previous": names[-2] if len(names) > 1 else None,
                "latest": names[-1],
            }
        )
    return out


async def rollup(ctx: ServiceContext, community_id: int) -> dict[str, Any]:
    """Every assessed team and organization of the community: for each rubric its latest
    period, mean level, mean by dimension, and movement since its previous period."""
    await ctx.authorize("read", community_id=community_id)
    by_key = await levels_by_period([community_id])
    names = await subject_names(community_id)
    rubric_ids = sorted({rubric for _, rubric in by_key})
    latest = await _latest_definitions(rubric_ids)
    rubrics = []
    for rubric_id in rubric_ids:
        definition = latest[rubric_id]["definition"]
        dims = [(d["name"], [i["key"] for i in d["indicators"]]) for d in definition["dimensions"]]
        order = [key for _, keys in dims for key in keys]
        rows = []
        for (key, rid), periods in by_key.items():
            if rid != rubric_id:
                continue
            quarters = list(periods)
            last = periods[quarters[-1]]["levels"]
            before = periods[quarters[-2]]["levels"] if len(quarters) > 1 else None
            rows.append(
                {
                    "subject": key,
                    "subject_name": names.get(key, key),
                    "subject_path": subject_path(key),
                    "period": quarters[-1],
                    "periods": len(quarters),
                    "mean": mean_level(last),
                    "previous_mean": mean_level(before) if before else None,
                    "dimensions": [
                        mean_level({k: last[k] for k in keys if k in last}) for _, keys in dims
                    ],
                    "movement": movement(before, last, order) if before else None,
                }
            )
        rows.sort(key=lambda r: (r["subject"].startswith("organization"), r["subject_name"]))
        rubrics.append(
            {
                "rubric_id": rubric_id,
                "rubric_name": latest[rubric_id]["name"],
                "levels": definition["levels"],
                "dimensions": [name for name, _ in dims],
                "subjects": rows,
            }
        )
    return {"rubrics": rubrics}


# --- the association of incoming learning links with movement -------------------------------


async def subject_names(community_id: int) -> dict[str, str]:
    """``{"team:5": "North SIDT", "organization:3": "North High", ...}``: two queries."""
    teams = await Team.filter(community_id=community_id).values_list("id", "name")
    orgs = await Organization.filter(community_id=community_id).values_list("id", "name")
    return {f"team:{i}": str(n) for i, n in teams} | {f"organization:{i}": str(n) for i, n in orgs}


async def association(ctx: ServiceContext, community_id: int) -> dict[str, Any]:
    """Do teams with more incoming learning links move up faster? For each team assessed in
    two periods or more with a rubric: the change of its mean level per quarter between its
    first and latest period, and the learning links into its cycles from anything that is
    not a cycle of the same team (another team's cycle, an artifact, a plugin's node), up
    to its latest assessment (organizations have no cycles: they are left out); Spearman's
    rank correlation between the two over teams, and a plain statement of the association
    (never a causal claim)."""
    await ctx.authorize("read", community_id=community_id)
    by_key = await levels_by_period([community_id])
    teams = dict(await Team.filter(community_id=community_id).values_list("id", "name"))
    names = dict(await Rubric.filter(community_id=community_id).values_list("id", "name"))
    cycles = dict(await Cycle.filter(community_id=community_id).values_list("id", "team_id"))
    dated = await LearningLink.filter(
        community_id=community_id, target__startswith="cycle:"
    ).values_list("source", "target", "date")
    incoming: dict[int, list[date]] = {}  # per team, the dates of links into its cycles
    for source, target, day in dated:
        team = cycles.get(int(target.split(":", 1)[1]))
        kind, _, ident = source.partition(":")
        if team is None or (kind == "cycle" and cycles.get(int(ident)) == team):
            continue  # a link within one team's own work is not incoming
        incoming.setdefault(team, []).append(day)
    for days in incoming.values():
        days.sort()
    rows = []
    for (key, rubric_id), periods in by_key.items():
        scored = [(p, d) for p, d in periods.items() if d["levels"]]
        if not key.startswith("team:") or len(scored) < 2:
            continue
        team_id = int(key.split(":", 1)[1])
        (first, a), (last, b) = scored[0], scored[-1]
        quarters = quarter_index(last) - quarter_index(first)
        rate = (mean_level(b["levels"]) - mean_level(a["levels"])) / quarters  # type: ignore[operator]
        count = bisect_right(incoming.get(team_id, []), b["held_on"])  # up to the latest
        rows.append(
            {
                "team_id": team_id,
                "team_name": teams.get(team_id, f"team {team_id}"),
                "rubric_name": names.get(rubric_id, ""),
                "first": first,
                "latest": last,
                "first_mean": mean_level(a["levels"]),
                "latest_mean": mean_level(b["levels"]),
                "per_quarter": round(rate, 3),
                "incoming_links": count,
            }
        )
    rows.sort(key=lambda r: (-r["incoming_links"], r["team_name"]))
    rho = spearman([r["incoming_links"] for r in rows], [r["per_quarter"] for r in rows])
    return {
        "rows": rows,
        "rho": None if rho is None else round(rho, 3),
        "statement": statement(len(rows), rho),
    }


def statement(teams: int, rho: float | None) -> str:
    """The association in plain words, with its limits."""
    if teams < 3:
        return (
            f"Only {teams} team(s) have been assessed in two periods or more: too few to say "
            "anything about an association."
        )
    if rho is None:
        return (
            f"Across {teams} teams, incoming learning links or movement did not vary, so no "
            "rank correlation can be computed."
        )
    strength = (
        "no clear"
        if abs(rho) < 0.1
        else "a weak"
        if abs(rho) < 0.3
        else "a moderate"
        if abs(rho) < 0.5
        else "a strong"
    )
    direction = ""
    if abs(rho) >= 0.1:
        direction = (
            ": teams with more incoming learning links tended to move up faster"
            if rho > 0
            else ": teams with more incoming learning links tended to move up more slowly"
        )
    return (
        f"Across {teams} teams, Spearman's rank correlation between incoming learning links "
        f"and rubric movement per quarter is {rho:.2f}, {strength} association{direction}. "
        "This is an association among few teams, not evidence that links cause movement: "
        "teams that move faster may also be the ones others learn with, and both may follow "
        "from something else (support, leadership, time)."
    )


# --- agenda items and graph attributes -------------------------------------------------------


def _order(key: tuple[str, int]) -> tuple[str, int, int]:
    kind, _, ident = key[0].partition(":")
    return (kind, int(ident), key[1])


def level_name(names: list[str], level: int) -> str:
    return names[level - 1] if 0 < level <= len(names) else str(level)


async def agenda(community_id: int, since: date | None, until: date) -> list[AgendaItem]:
    """For each team or organization assessed between the two convenings: indicators that
    moved since its previous period, and indicators that stalled (same level, below the top)."""
    by_key = await levels_by_period([community_id], as_of=until)
    subjects = await subject_names(community_id)
    slug = await Community.filter(id=community_id).values_list("slug", flat=True)
    latest = await _latest_definitions(sorted({r for _, r in by_key}))
    items = []
    for (key, rubric_id), periods in sorted(by_key.items(), key=lambda kv: _order(kv[0])):
        names = list(periods)
        last = periods[names[-1]]
        if len(names) < 2 or (since is not None and last["held_on"] <= since):
            continue
        before = periods[names[-2]]["levels"]
        definition = latest[rubric_id]["definition"]
        labels = {i["key"]: i["name"] for i in definitions.indicators_of(definition)}
        level_names = definition["levels"]

        moved = movement(before, last["levels"], list(labels))
        team = subjects.get(key, key)
        url = f"/communities/{slug[0] if slug else ''}/rubrics/{subject_path(key)}"
        # A team is a node of the graph, so decisions on it can be recorded as links.
        refs = (key,) if key.startswith("team:") else ()
        changes = [
            f"{labels.get(k, k)} ({level_name(level_names, before[k])} → "
            f"{level_name(level_names, last['levels'][k])})"
            for k in moved["up"] + moved["down"]
        ]
        if changes:
            items.append(
                AgendaItem(
                    title=f"{team}: rubric levels moved since {names[-2]}",
                    kind="rubric_movement",
                    detail=f"{len(moved['up'])} up, {len(moved['down'])} down in "
                    f"{names[-1]}: " + "; ".join(changes) + ".",
                    refs=refs,
                    links=(("Progress", url),),
                    minutes=10,
                )
            )
        stalled = [k for k in moved["same"] if last["levels"][k] < len(level_names)]
        if stalled:
            items.append(
                AgendaItem(
                    title=f"{team}: rubric indicators stalled since {names[-2]}",
                    kind="rubric_stalled",
                    detail="Still at the same level: "
                    + "; ".join(
                        f"{labels.get(k, k)} ({level_name(level_names, last['levels'][k])})"
                        for k in stalled
                    )
                    + ".",
                    refs=refs,
                    links=(("Progress", url),),
                    minutes=5,
                )
            )
    return items


async def node_attributes(
    community_ids: list[int], as_of: date | None
) -> list[tuple[str, dict[str, Any]]]:
    """Per team node: ``rubric<R>_<period>`` the mean level in that period with rubric
    ``R`` (by id), ``rubric<R>_latest`` the latest of them; numbers only (GEXF, GraphML)."""
    by_key = await levels_by_period(community_ids, as_of=as_of)
    found: dict[str, dict[str, Any]] = {}
    for (key, rubric_id), periods in sorted(by_key.items(), key=lambda kv: _order(kv[0])):
        if not key.startswith("team:"):  # organizations are not nodes of the graph
            continue
        attrs = found.setdefault(key, {})
        for period, data in periods.items():
            mean = mean_level(data["levels"])
            if mean is not None:
                attrs[f"rubric{rubric_id}_{period}"] = mean
                attrs[f"rubric{rubric_id}_latest"] = mean
    return [(key, attrs) for key, attrs in found.items() if attrs]


async def team_summary(team_id: int, community_id: int) -> list[dict[str, Any]]:
    """For the team page's panel: each rubric's latest period, mean level and movement."""
    by_key = await levels_by_period([community_id], subject=f"team:{team_id}")
    latest = await _latest_definitions(sorted({r for _, r in by_key}))
    out = []
    for (_, rubric_id), periods in sorted(by_key.items()):
        names = list(periods)
        last = periods[names[-1]]["levels"]
        before = periods[names[-2]]["levels"] if len(names) > 1 else None
        order = [i["key"] for i in definitions.indicators_of(latest[rubric_id]["definition"])]
        out.append(
            {
                "rubric_name": latest[rubric_id]["name"],
                "levels": latest[rubric_id]["definition"]["levels"],
                "period": names[-1],
                "mean": mean_level(last),
                "movement": movement(before, last, order) if before else None,
            }
        )
    return out
