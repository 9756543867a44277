"""Export a community as a document that ``load_community`` reads back unchanged."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from communities.exchange.files import FORMAT
from communities.models import (
    Aim,
    Artifact,
    ArtifactVersion,
    ChangeIdea,
    Community,
    Cycle,
    DataPoint,
    Driver,
    Innovation,
    InnovationVersion,
    LearningLink,
    Measure,
    Membership,
    Organization,
    Person,
    Team,
)
from communities.services.base import community_id_for_slug, related_ids
from core.context import ServiceContext

PLAN_PARTS = ("objective", "questions", "predictions", "who", "what", "when", "where", "measures")


def _keys(rows: list[dict[str, Any]], prefix: str) -> dict[int, str]:
    return {row["id"]: f"{prefix}-{n}" for n, row in enumerate(rows, 1)}


async def export_community(ctx: ServiceContext, slug: str) -> dict[str, Any]:
    """The whole community as a community-file document (one query per table)."""
    cid = await community_id_for_slug(slug, ctx)
    await ctx.authorize("export", community_id=cid)
    community = (
        await Community.filter(id=cid).values("slug", "name", "description", "method", "time_zone")
    )[0]
    orgs = await Organization.filter(community_id=cid).order_by("id").values("id", "name", "kind")
    org_names = {o["id"]: o["name"] for o in orgs}
    teams = (
        await Team.filter(community_id=cid)
        .order_by("id")
        .values("id", "name", "kind", "organization_id", "parent_id", "description")
    )
    team_names = {t["id"]: t["name"] for t in teams}
    people = (
        await Person.filter(community_id=cid)
        .order_by("id")
        .values("id", "name", "email", "title", "organization_id")
    )
    person_keys = _keys(people, "person")
    spells: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for m in (
        await Membership.filter(person__community_id=cid)
        .order_by("id")
        .values("person_id", "team_id", "role", "start_date", "end_date")
    ):
        spells[m["person_id"]].append(
            {
                "team": team_names[m["team_id"]],
                "role": m["role"],
                "start": m["start_date"],
                "end": m["end_date"],
            }
        )
    innovations = (
        await Innovation.filter(community_id=cid).order_by("id").values("id", "name", "description")
    )
    inn_versions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for v in (
        await InnovationVersion.filter(innovation__community_id=cid)
        .order_by("innovation_id", "number")
        .values("innovation_id", "number", "released_on", "summary")
    ):
        inn_versions[v.pop("innovation_id")].append(v)

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
    ideas = (
        await ChangeIdea.filter(driver__aim__community_id=cid)
        .order_by("id")
        .values("id", "driver_id", "title", "description", "stage", "team_id")
    )
    idea_keys = _keys(ideas, "idea")
    ideas_by_driver: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for idea in ideas:
        ideas_by_driver[idea["driver_id"]].append(
            {
                "key": idea_keys[idea["id"]],
                "title": idea["title"],
                "description": idea["description"],
                "stage": idea["stage"],
                "team": team_names.get(idea["team_id"]),
            }
        )

    def driver_doc(d: dict[str, Any]) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "title": d["title"],
            "description": d["description"],
            "change_ideas": ideas_by_driver[d["id"]],
        }
        if d["parent_id"] is None:
            doc["secondary"] = [driver_doc(s) for s in drivers if s["parent_id"] == d["id"]]
        return doc

    measures = (
        await Measure.filter(community_id=cid)
        .order_by("id")
        .values("id", "name", "kind", "unit", "team_id", "description")
    )
    measure_keys = _keys(measures, "measure")
    cycles = await Cycle.filter(community_id=cid).order_by("id").values()
    cycle_keys = _keys(cycles, "cycle")
    cycle_ids = [c["id"] for c in cycles]
    authors = await related_ids(Cycle, cycle_ids, "authors__id")
    cycle_measures = await related_ids(Cycle, cycle_ids, "measures__id")
    points: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for p in (
        await DataPoint.filter(measure__community_id=cid)
        .order_by("measure_id", "date", "id")
        .values("measure_id", "date", "value", "note", "cycle_id")
    ):
        points[p["measure_id"]].append(
            {
                "date": p["date"],
                "value": p["value"],
                "note": p["note"],
                "cycle": cycle_keys.get(p["cycle_id"]),
            }
        )

    artifacts = (
        await Artifact.filter(community_id=cid)
        .order_by("id")
        .values("id", "title", "kind", "team_id", "description", "vetting", "derived_from_id")
    )
    artifact_keys = _keys(artifacts, "artifact")
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
    versions_by_artifact: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for v in versions:
        versions_by_artifact[v["artifact_id"]].append(
            {
                "number": v["number"],
                "created_on": v["created_on"],
                "summary": v["summary"],
                "content": v["content"],
                "url": v["url"],
                "author": person_keys.get(v["author_id"]),
            }
        )
    links = (
        await LearningLink.filter(community_id=cid)
        .order_by("id")
        .values("source", "target", "kind", "date", "note")
    )

    def node(ref: str) -> str:
        kind, _, ident = ref.partition(":")
        if kind == "cycle":
            return f"cycle:{cycle_keys[int(ident)]}"
        if kind == "artifact_version":
            return version_refs[int(ident)]
        return ref

    return {
        "format": FORMAT,
        "community": community,
        "organizations": [{"name": o["name"], "kind": o["kind"]} for o in orgs],
        "teams": [
            {
                "name": t["name"],
                "kind": t["kind"],
                "organization": org_names.get(t["organization_id"]),
                "parent": team_names.get(t["parent_id"]),
                "description": t["description"],
            }
            for t in teams
        ],
        "people": [
            {
                "key": person_keys[p["id"]],
                "name": p["name"],
                "email": p["email"],
                "title": p["title"],
                "organization": org_names.get(p["organization_id"]),
                "memberships": spells[p["id"]],
            }
            for p in people
        ],
        "innovations": [
            {
                "name": i["name"],
                "description": i["description"],
                "versions": inn_versions[i["id"]],
            }
            for i in innovations
        ],
        "aims": [
            {
                "title": a["title"],
                "statement": a["statement"],
                "team": team_names.get(a["team_id"]),
                "target_date": a["target_date"],
                "drivers": [
                    driver_doc(d) for d in drivers if d["aim_id"] == a["id"] and not d["parent_id"]
                ],
            }
            for a in aims
        ],
        "measures": [
            {
                "key": measure_keys[m["id"]],
                "name": m["name"],
                "kind": m["kind"],
                "unit": m["unit"],
                "team": team_names.get(m["team_id"]),
                "description": m["description"],
                "data": points[m["id"]],
            }
            for m in measures
        ],
        "cycles": [
            {
                "key": cycle_keys[c["id"]],
                "title": c["title"],
                "team": team_names[c["team_id"]],
                "change_idea": idea_keys.get(c["change_idea_id"]),
                "builds_on": cycle_keys.get(c["builds_on_id"]),
                "status": c["status"],
                "plan": {part: c[f"plan_{part}"] for part in PLAN_PARTS},
                "do": {
                    "what_happened": c["do_what_happened"],
                    "observations": c["do_observations"],
                },
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
                "authors": [person_keys[a] for a in authors.get(c["id"], [])],
                "measures": [measure_keys[m] for m in cycle_measures.get(c["id"], [])],
            }
            for c in cycles
        ],
        "artifacts": [
            {
                "key": artifact_keys[a["id"]],
                "title": a["title"],
                "kind": a["kind"],
                "team": team_names.get(a["team_id"]),
                "description": a["description"],
                "vetting": a["vetting"],
                "derived_from": artifact_keys.get(a["derived_from_id"]),
                "shared_with": [team_names[t] for t in shares.get(a["id"], [])],
                "versions": versions_by_artifact[a["id"]],
            }
            for a in artifacts
        ],
        "links": [
            {
                "source": node(link["source"]),
                "target": node(link["target"]),
                "kind": link["kind"],
                "date": link["date"],
                "note": link["note"],
            }
            for link in links
        ],
    }
