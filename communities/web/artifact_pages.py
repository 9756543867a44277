"""The artifact library of a community and the page of one artifact.

The library filters by kind, team (owning or shared with) and vetting status with
a plain GET form, and pages 25 at a time. The artifact page shows the versions,
the lineage (what it was derived from, what was adapted from it) and the learning
links touching its versions. Both read a fixed number of queries, whatever the
number of rows.
"""

from __future__ import annotations

from typing import Any, get_args
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tortoise.expressions import Q, Subquery

from communities.choices import VETTING_ORDER, ArtifactKind
from communities.models import Artifact, ArtifactVersion, Cycle, LearningLink, Team
from communities.services.base import related_ids
from communities.services.links import node_kinds
from communities.web import queries
from communities.web.page_cache import kept_page
from core.bounds import MAX_ID
from core.context import ServiceContext
from core.errors import NotFound
from core.nodes import NodeRef
from core.web.context import signed_in_context
from core.web.paging import page_number

PAGE_SIZE = 25
ARTIFACT_KINDS: tuple[str, ...] = get_args(ArtifactKind)
VETTING_LABELS = {"draft": "Draft", "shared": "Shared", "known_good": "Known good"}


FILTERS = ("kind", "team", "vetting")


def read_filters(
    typed: dict[str, str], team_ids: set[int]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The filters as typed, as values to query with, and a problem per bad filter."""
    chosen: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if typed["kind"]:
        if typed["kind"] in ARTIFACT_KINDS:
            chosen["kind"] = typed["kind"]
        else:
            errors["kind"] = "Choose one of the kinds in the list."
    if typed["team"]:
        team_id = int(typed["team"]) if typed["team"].isascii() and typed["team"].isdigit() else 0
        if team_id in team_ids:
            chosen["team"] = team_id
        else:
            errors["team"] = "Choose a team of this community."
    if typed["vetting"]:
        if typed["vetting"] in VETTING_ORDER:
            chosen["vetting"] = typed["vetting"]
        else:
            errors["vetting"] = "Choose draft, shared or known good."
    return chosen, errors


def library_query(community_id: int, chosen: dict[str, Any]) -> Any:
    query = Artifact.filter(community_id=community_id)
    if "kind" in chosen:
        query = query.filter(kind=chosen["kind"])
    if "vetting" in chosen:
        query = query.filter(vetting=chosen["vetting"])
    if "team" in chosen:
        shared = Artifact.filter(shared_with__id=chosen["team"]).values("id")
        query = query.filter(Q(team_id=chosen["team"]) | Q(id__in=Subquery(shared)))
    return query


async def artifacts_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await queries.community_by_slug(ctx, request.path_params["slug"])
    typed = {name: request.query_params.get(name, "").strip() for name in FILTERS}
    number = page_number(request)
    return await kept_page(
        request,
        "communities/artifacts.html",
        community,
        (tuple(typed.values()), number),
        lambda: _library_context(community, typed, number),
        panels_for="artifacts",
    )


async def _library_context(
    community: dict[str, Any], typed: dict[str, str], number: int
) -> dict[str, Any]:
    cid = community["id"]
    teams = await Team.filter(community_id=cid).order_by("name").values("id", "name")
    team_names = {t["id"]: t["name"] for t in teams}
    chosen, errors = read_filters(typed, set(team_names))
    base = f"/communities/{community['slug']}/artifacts"
    context: dict[str, Any] = {
        "community": community,
        "teams": teams,
        "kinds": ARTIFACT_KINDS,
        "vettings": VETTING_LABELS,
        "typed": typed,
        "errors": errors,
        "filtered": bool(chosen or errors),
        "clear_url": base,
        "artifacts": [],
        "total": 0,
        "page": number,
        "pages": 1,
        "previous_url": None,
        "next_url": None,
        "first_url": None,
    }
    if errors:
        return context | {"status": 422}
    query = library_query(cid, chosen)
    total = await query.count()
    rows = list(
        await query.order_by("title", "id")
        .offset((number - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .values("id", "title", "kind", "vetting", "description", "team_id", "created_at")
    )
    shares = await related_ids(Artifact, [r["id"] for r in rows], "shared_with__id")
    for row in rows:
        row["team_name"] = team_names.get(row["team_id"])
        row["shared_with"] = sorted(
            team_names[t] for t in shares.get(row["id"], []) if t in team_names
        )
    pages = max(1, -(-total // PAGE_SIZE))
    kept = {name: str(value) for name, value in chosen.items()}

    def page_url(page: int) -> str:
        return f"{base}?{urlencode({**kept, 'page': page})}"

    return context | {
        "artifacts": rows,
        "total": total,
        "pages": pages,
        "previous_url": page_url(min(number - 1, pages)) if number > 1 else None,
        "next_url": page_url(number + 1) if number < pages else None,
        "first_url": page_url(1),
    }


def _web_url(url: str) -> str | None:
    """The URL as a link target only if it is an absolute http(s) address."""
    text = url.strip()
    if text.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in text):
        return text
    return None


def lineage(
    artifact_id: int, family: dict[int, dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Ancestors (nearest first) and the tree of adaptations, from one read of the
    community's artifacts; loops in bad data are cut rather than followed."""
    ancestors: list[dict[str, Any]] = []
    seen = {artifact_id}
    parent = family[artifact_id]["derived_from_id"]
    while parent is not None and parent in family and parent not in seen:
        seen.add(parent)
        ancestors.append(family[parent])
        parent = family[parent]["derived_from_id"]
    children: dict[int, list[int]] = {}
    for row in family.values():
        if row["derived_from_id"] is not None:
            children.setdefault(row["derived_from_id"], []).append(row["id"])

    def tree(node: int, visited: set[int]) -> list[dict[str, Any]]:
        branches = []
        for child in sorted(children.get(node, [])):
            if child in visited:
                continue
            branches.append({**family[child], "children": tree(child, visited | {child})})
        return branches

    return ancestors, tree(artifact_id, {artifact_id})


async def node_links(
    ctx: ServiceContext, community: dict[str, Any], refs: list[str]
) -> dict[str, dict[str, Any]]:
    """A label (and a page to link to) for each ``kind:id``: one query per node kind."""
    wanted: dict[str, set[int]] = {}
    for ref in refs:
        try:
            node = NodeRef.parse(ref)
        except ValueError:
            continue
        wanted.setdefault(node.kind, set()).add(node.id)
    found: dict[str, dict[str, Any]] = {}
    slug, cid = community["slug"], community["id"]
    if "cycle" in wanted:
        for c in await Cycle.filter(id__in=sorted(wanted.pop("cycle")), community_id=cid).values(
            "id", "title", "team__name"
        ):
            found[f"cycle:{c['id']}"] = {
                "label": c["title"],
                "what": "PDSA cycle",
                "team": c["team__name"],
                "url": f"/cycles/{c['id']}",
            }
    if "artifact_version" in wanted:
        for v in await ArtifactVersion.filter(
            id__in=sorted(wanted.pop("artifact_version")), artifact__community_id=cid
        ).values("id", "number", "artifact_id", "artifact__title", "artifact__team__name"):
            found[f"artifact_version:{v['id']}"] = {
                "label": f"{v['artifact__title']} v{v['number']}",
                "what": "Artifact version",
                "team": v["artifact__team__name"],
                "url": f"/communities/{slug}/artifacts/{v['artifact_id']}#v{v['number']}",
            }
    if wanted:
        kinds = await node_kinds(ctx)
        for kind, ids in wanted.items():
            if kind in kinds:
                for ident, info in (await kinds[kind].resolve(sorted(ids))).items():
                    if info.community_id == cid:
                        found[f"{kind}:{ident}"] = {
                            "label": info.label,
                            "what": kinds[kind].label,
                            "team": None,
                            "url": None,
                        }
    return found


ARTIFACT_FIELDS = (
    "id", "title", "kind", "vetting", "description", "team_id", "team__name",
    "derived_from_id", "created_at",
)  # fmt: skip
"""What the artifact page shows of the artifact itself."""


async def artifact_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await queries.community_by_slug(ctx, request.path_params["slug"])
    artifact_id = request.path_params["artifact_id"]
    return await kept_page(
        request,
        "communities/artifact.html",
        community,
        (artifact_id,),
        lambda: _artifact_context(ctx, community, artifact_id),
        subject="artifact",
        panels_for="artifact",
    )


async def _artifact_context(
    ctx: ServiceContext, community: dict[str, Any], artifact_id: int
) -> dict[str, Any]:
    cid = community["id"]
    rows = []
    if 0 < artifact_id <= MAX_ID:
        rows = await Artifact.filter(id=artifact_id, community_id=cid).values(*ARTIFACT_FIELDS)
    if not rows:
        raise NotFound("There is no such artifact in this community.")
    artifact = dict(rows[0])
    shared_with = (
        await Team.filter(artifacts_shared__id=artifact_id).order_by("name").values("id", "name")
    )
    versions = list(
        await ArtifactVersion.filter(artifact_id=artifact_id)
        .order_by("-number")
        .values("id", "number", "created_on", "summary", "content", "url", "author__name")
    )
    for version in versions:
        version["lines"] = version["content"].splitlines()
        version["href"] = _web_url(version["url"])
    family = {
        row["id"]: row
        for row in await Artifact.filter(community_id=cid).values(
            "id", "title", "kind", "vetting", "derived_from_id", "team__name"
        )
    }
    ancestors, adaptations = lineage(artifact_id, family)
    refs = {f"artifact_version:{v['id']}": v for v in versions}
    links: list[dict[str, Any]] = []
    if refs:
        links = list(
            await LearningLink.filter(
                Q(source__in=list(refs)) | Q(target__in=list(refs)), community_id=cid
            )
            .order_by("date", "id")
            .values("id", "source", "target", "kind", "date", "note")
        )
    others = [link["source"] for link in links] + [link["target"] for link in links]
    nodes = await node_links(ctx, community, [ref for ref in others if ref not in refs])

    def other_end(ref: str) -> dict[str, Any]:
        if ref in refs:
            number = refs[ref]["number"]
            return {
                "label": f"v{number} of this artifact",
                "url": f"#v{number}",
                "team": None,
                "what": "Artifact version",
            }
        return nodes.get(ref) or {"label": ref, "url": None, "team": None, "what": ""}

    informed_by = [
        {**link, "version": refs[link["target"]]["number"], "node": other_end(link["source"])}
        for link in links
        if link["target"] in refs
    ]
    informed = [
        {**link, "version": refs[link["source"]]["number"], "node": other_end(link["target"])}
        for link in links
        if link["source"] in refs
    ]
    return {
        "community": community,
        "artifact": artifact,
        "vettings": VETTING_LABELS,
        "shared_with": shared_with,
        "versions": versions,
        "ancestors": ancestors,
        "adaptations": adaptations,
        "informed_by": informed_by,
        "informed": informed,
    }


ROUTES = [
    Route("/communities/{slug}/artifacts", artifacts_page),
    Route("/communities/{slug}/artifacts/{artifact_id:int}", artifact_page),
]
