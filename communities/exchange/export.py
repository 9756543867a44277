"""Export a community as a document that ``load_community`` reads back unchanged."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from communities.exchange.files import FORMAT
from communities.exchange.integrity import digest
from communities.exchange.sections import FileKeys, export_sections
from communities.models import (
    Aim,
    Artifact,
    ArtifactVersion,
    ChangeIdea,
    Community,
    CommunityPlugin,
    CommunityRole,
    Cycle,
    DataPoint,
    Driver,
    Innovation,
    InnovationVersion,
    LearningLink,
    Measure,
    MeasureNote,
    MeasurePhase,
    Membership,
    Organization,
    Person,
    Team,
)
from communities.services.base import community_id_for_slug, related_ids
from core.context import ServiceContext

PLAN_PARTS = ("objective", "questions", "predictions", "who", "what", "when", "where", "measures")

Row = dict[str, Any]


def _keys(rows: list[Row], prefix: str) -> dict[int, str]:
    return {row["id"]: f"{prefix}-{n}" for n, row in enumerate(rows, 1)}


@dataclass
class _Names:
    """How the document names the rows of one table that others refer to, by database id."""

    organizations: dict[int, str] = field(default_factory=dict)
    teams: dict[int, str] = field(default_factory=dict)
    people: dict[int, str] = field(default_factory=dict)
    ideas: dict[int, str] = field(default_factory=dict)
    measures: dict[int, str] = field(default_factory=dict)
    cycles: dict[int, str] = field(default_factory=dict)
    artifacts: dict[int, str] = field(default_factory=dict)

    def file_keys(self, versions: dict[int, str]) -> FileKeys:
        """The same names, for plugin sections."""
        keys = FileKeys()
        for kind, table in (
            ("organization", self.organizations),
            ("team", self.teams),
            ("person", self.people),
            ("change_idea", self.ideas),
            ("measure", self.measures),
            ("cycle", self.cycles),
            ("artifact", self.artifacts),
        ):
            for record_id, key in table.items():
                keys.add(kind, record_id, key)
        for record_id, ref in versions.items():
            keys.add("artifact_version", record_id, ref.partition(":")[2])
        return keys


async def export_community(
    ctx: ServiceContext, slug: str, with_roles: bool = False
) -> dict[str, Any]:
    """The whole community as a community-file document (one query per table): the
    domain's records, each plugin's section, and with ``with_roles`` the community roles
    of accounts, by email."""
    cid = await community_id_for_slug(slug, ctx)
    await ctx.authorize("export", community_id=cid)
    community = (
        await Community.filter(id=cid).values("slug", "name", "description", "method", "time_zone")
    )[0]
    names = _Names()
    organizations = await _organizations(cid, names)
    teams = await _teams(cid, names)
    people = await _people(cid, names)
    innovations = await _innovations(cid)
    aims = await _aims(cid, names)
    measures, cycles = await _measures_and_cycles(cid, names)
    artifacts, version_refs = await _artifacts(cid, names)
    keys = names.file_keys(version_refs)
    sections = await export_sections(ctx, cid, keys)
    links = await _links(cid, keys)
    body: dict[str, Any] = {
        "format": FORMAT,
        "community": community,
        "organizations": organizations,
        "teams": teams,
        "people": people,
        "innovations": innovations,
        "aims": aims,
        "measures": measures,
        "cycles": cycles,
        "artifacts": artifacts,
        "links": links,
    }
    switches = (
        await CommunityPlugin.filter(community_id=cid)
        .order_by("plugin")
        .values("plugin", "enabled")
    )
    if switches:
        body["plugin_switches"] = {row["plugin"]: row["enabled"] for row in switches}
    if with_roles:
        body["roles"] = [
            {"email": r["user__email"], "role": r["role"]}
            for r in await CommunityRole.filter(community_id=cid)
            .order_by("user__email")
            .values("user__email", "role")
        ]
    if sections:
        body["plugins"] = sections
    return {"format": FORMAT, "digest": digest(body), **body}


async def _organizations(cid: int, names: _Names) -> list[Row]:
    orgs = await Organization.filter(community_id=cid).order_by("id").values("id", "name", "kind")
    names.organizations = {o["id"]: o["name"] for o in orgs}
    return [{"name": o["name"], "kind": o["kind"]} for o in orgs]


async def _teams(cid: int, names: _Names) -> list[Row]:
    teams = (
        await Team.filter(community_id=cid)
        .order_by("id")
        .values("id", "name", "kind", "organization_id", "parent_id", "description")
    )
    names.teams = {t["id"]: t["name"] for t in teams}
    return [
        {
            "name": t["name"],
            "kind": t["kind"],
            "organization": names.organizations.get(t["organization_id"]),
            "parent": names.teams.get(t["parent_id"]),
            "description": t["description"],
        }
        for t in teams
    ]


async def _people(cid: int, names: _Names) -> list[Row]:
    people = (
        await Person.filter(community_id=cid)
        .order_by("id")
        .values("id", "name", "email", "title", "organization_id")
    )
    names.people = _keys(people, "person")
    spells: dict[int, list[Row]] = defaultdict(list)
    for m in (
        await Membership.filter(person__community_id=cid)
        .order_by("id")
        .values("person_id", "team_id", "role", "start_date", "end_date")
    ):
        spells[m["person_id"]].append(
            {
                "team": names.teams[m["team_id"]],
                "role": m["role"],
                "start": m["start_date"],
                "end": m["end_date"],
            }
        )
    return [
        {
            "key": names.people[p["id"]],
            "name": p["name"],
            "email": p["email"],
            "title": p["title"],
            "organization": names.organizations.get(p["organization_id"]),
            "memberships": spells[p["id"]],
        }
        for p in people
    ]


async def _innovations(cid: int) -> list[Row]:
    innovations = (
        await Innovation.filter(community_id=cid).order_by("id").values("id", "name", "description")
    )
    versions: dict[int, list[Row]] = defaultdict(list)
    for v in (
        await InnovationVersion.filter(innovation__community_id=cid)
        .order_by("innovation_id", "number")
        .values("innovation_id", "number", "released_on", "summary")
    ):
        versions[v.pop("innovation_id")].append(v)
    return [
        {"name": i["name"], "description": i["description"], "versions": versions[i["id"]]}
        for i in innovations
    ]


async def _aims(cid: int, names: _Names) -> list[Row]:
    """The aims with their driver trees (primary drivers holding secondary ones) and ideas."""
    aims = (
        await Aim.filter(community_id=cid)
        .order_by("id")
        .values("id", "title", "statement", "team_id", "target_date")
    )
    drivers = (
        await Driver.filter(aim__community_id=cid)
        .order_by("id")
        .values("id", "aim_id", "parent_id", "title", "description")
    )
    ideas_by_driver = await _ideas_by_driver(cid, names)

    def driver_doc(d: Row) -> Row:
        doc: Row = {
            "title": d["title"],
            "description": d["description"],
            "change_ideas": ideas_by_driver[d["id"]],
        }
        if d["parent_id"] is None:
            doc["secondary"] = [driver_doc(s) for s in drivers if s["parent_id"] == d["id"]]
        return doc

    return [
        {
            "title": a["title"],
            "statement": a["statement"],
            "team": names.teams.get(a["team_id"]),
            "target_date": a["target_date"],
            "drivers": [
                driver_doc(d) for d in drivers if d["aim_id"] == a["id"] and not d["parent_id"]
            ],
        }
        for a in aims
    ]


async def _ideas_by_driver(cid: int, names: _Names) -> dict[int, list[Row]]:
    ideas = (
        await ChangeIdea.filter(driver__aim__community_id=cid)
        .order_by("id")
        .values("id", "driver_id", "title", "description", "stage", "team_id")
    )
    names.ideas = _keys(ideas, "idea")
    by_driver: dict[int, list[Row]] = defaultdict(list)
    for idea in ideas:
        by_driver[idea["driver_id"]].append(
            {
                "key": names.ideas[idea["id"]],
                "title": idea["title"],
                "description": idea["description"],
                "stage": idea["stage"],
                "team": names.teams.get(idea["team_id"]),
            }
        )
    return by_driver


DEFINITION = ("operational_definition", "data_source", "collection_frequency", "goal",
              "goal_date", "direction", "chart_type")  # fmt: skip
"""How the field defines a measure, beside its name and kind."""


async def _measures_and_cycles(cid: int, names: _Names) -> tuple[list[Row], list[Row]]:
    """Measures and cycles together: data points name their cycle, cycles their measures."""
    measures = (
        await Measure.filter(community_id=cid)
        .order_by("id")
        .values("id", "name", "kind", "unit", "team_id", "description", *DEFINITION)
    )
    names.measures = _keys(measures, "measure")
    cycles = await Cycle.filter(community_id=cid).order_by("id").values()
    names.cycles = _keys(cycles, "cycle")
    cycle_docs = await _cycles(cycles, names)
    points = await _data_points(cid, names)
    phases: dict[int, list[Row]] = defaultdict(list)
    for p in (
        await MeasurePhase.filter(measure__community_id=cid)
        .order_by("measure_id", "start")
        .values("measure_id", "start", "label", "frozen")
    ):
        phases[p.pop("measure_id")].append(p)
    notes: dict[int, list[Row]] = defaultdict(list)
    for n in (
        await MeasureNote.filter(measure__community_id=cid)
        .order_by("measure_id", "date", "id")
        .values("measure_id", "date", "text", "author_id")
    ):
        author = n.pop("author_id")
        notes[n.pop("measure_id")].append(n | {"author": names.people.get(author)})
    measure_docs = [
        {
            "key": names.measures[m["id"]],
            "name": m["name"],
            "kind": m["kind"],
            "unit": m["unit"],
            "team": names.teams.get(m["team_id"]),
            "description": m["description"],
            **{name: m[name] for name in DEFINITION},
            "phases": phases[m["id"]],
            "notes": notes[m["id"]],
            "data": points[m["id"]],
        }
        for m in measures
    ]
    return measure_docs, cycle_docs


async def _data_points(cid: int, names: _Names) -> dict[int, list[Row]]:
    points: dict[int, list[Row]] = defaultdict(list)
    for p in (
        await DataPoint.filter(measure__community_id=cid)
        .order_by("measure_id", "date", "id")
        .values("measure_id", "date", "value", "numerator", "denominator", "note", "cycle_id")
    ):
        ratio = {} if p["denominator"] is None else {
            "numerator": p["numerator"], "denominator": p["denominator"]
        }  # fmt: skip
        points[p["measure_id"]].append(
            {
                "date": p["date"],
                "value": p["value"],
                **ratio,
                "note": p["note"],
                "cycle": names.cycles.get(p["cycle_id"]),
            }
        )
    return points


async def _cycles(cycles: list[Row], names: _Names) -> list[Row]:
    cycle_ids = [c["id"] for c in cycles]
    authors = await related_ids(Cycle, cycle_ids, "authors__id")
    cycle_measures = await related_ids(Cycle, cycle_ids, "measures__id")
    return [
        {
            "key": names.cycles[c["id"]],
            "title": c["title"],
            "team": names.teams[c["team_id"]],
            "change_idea": names.ideas.get(c["change_idea_id"]),
            "builds_on": names.cycles.get(c["builds_on_id"]),
            "status": c["status"],
            "plan": {part: c[f"plan_{part}"] for part in PLAN_PARTS},
            "do": {"what_happened": c["do_what_happened"], "observations": c["do_observations"]},
            "study": {"results": c["study_results"], "learning": c["study_learning"]},
            "act": {
                "decision": c["act_decision"],
                "rationale": c["act_rationale"],
                "next_steps": c["act_next_steps"],
            },
            "planned_start": c["planned_start"],
            "planned_end": c["planned_end"],
            "actual_start": c["actual_start"],
            "actual_end": c["actual_end"],
            "authors": [names.people[a] for a in authors.get(c["id"], [])],
            "measures": [names.measures[m] for m in cycle_measures.get(c["id"], [])],
        }
        for c in cycles
    ]


async def _artifacts(cid: int, names: _Names) -> tuple[list[Row], dict[int, str]]:
    """The artifacts with their versions, and each version's reference for the links."""
    artifacts = (
        await Artifact.filter(community_id=cid)
        .order_by("id")
        .values("id", "title", "kind", "team_id", "description", "vetting", "derived_from_id")
    )
    artifact_keys = names.artifacts = _keys(artifacts, "artifact")
    shares = await related_ids(Artifact, [a["id"] for a in artifacts], "shared_with__id")
    versions = (
        await ArtifactVersion.filter(artifact__community_id=cid)
        .order_by("artifact_id", "number")
        .values(
            "id", "artifact_id", "number", "created_on", "summary", "content", "url", "author_id"
        )
    )
    version_refs = {
        v["id"]: f"artifact_version:{artifact_keys[v['artifact_id']]}#{v['number']}"
        for v in versions
    }
    versions_by_artifact: dict[int, list[Row]] = defaultdict(list)
    for v in versions:
        versions_by_artifact[v["artifact_id"]].append(
            {
                "number": v["number"],
                "created_on": v["created_on"],
                "summary": v["summary"],
                "content": v["content"],
                "url": v["url"],
                "author": names.people.get(v["author_id"]),
            }
        )
    docs = [
        {
            "key": artifact_keys[a["id"]],
            "title": a["title"],
            "kind": a["kind"],
            "team": names.teams.get(a["team_id"]),
            "description": a["description"],
            "vetting": a["vetting"],
            "derived_from": artifact_keys.get(a["derived_from_id"]),
            "shared_with": [names.teams[t] for t in shares.get(a["id"], [])],
            "versions": versions_by_artifact[a["id"]],
        }
        for a in artifacts
    ]
    return docs, version_refs


async def _links(cid: int, keys: FileKeys) -> list[Row]:
    links = (
        await LearningLink.filter(community_id=cid)
        .order_by("id")
        .values("source", "target", "kind", "date", "note")
    )
    return [
        {
            "source": keys.node_key(link["source"]),
            "target": keys.node_key(link["target"]),
            "kind": link["kind"],
            "date": link["date"],
            "note": link["note"],
        }
        for link in links
    ]
