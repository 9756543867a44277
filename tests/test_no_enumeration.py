"""A record in a community you cannot read answers exactly like a missing one.

The table is the app itself: every API operation of the OpenAPI document and every page
route that takes an id or a slug in its path is asked, by a facilitator of community A,
once for a record of community B and once for an id that names nothing. Both answers
must be the same 404 with the same body (apart from the id or slug the request itself
named). A new route is in the table the moment it exists: one whose parameter this file
has no record for fails until a record is added to ``records``.

Body references follow the same rule in their 422s: "no person 5 in this community",
whether person 5 is missing or in another community.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import yaml
from starlette.routing import Mount, Route

from communities import models as m
from communities.exchange import load_community
from core.api.routing import PathGroup
from core.context import Actor, ServiceContext
from core.testing import Api, csrf_of, page_clients
from plugins.forums.models import Board, Post, Thread
from plugins.rubrics.models import Assessment, Rubric
from tests.factories import UserFactory

MISSING_ID = 987_654_321
MISSING_SLUG = "no-such-place"  # as long as B's slug would not matter; kept distinct
OUTSIDER = "outsider@example.org"
DATA = Path(__file__).parent / "data" / "small-community.yaml"

# Page routes that address no community record (accounts, a user's own notifications, a
# calendar feed's secret token, the site's identity providers, named in its settings): the
# rule is not about them.
NOT_COMMUNITY_RECORDS = {
    "/admin/users/{user_id:int}",
    "/admin/users/{user_id:int}/password",
    "/admin/users/{user_id:int}/active",
    "/notifications/{notification_id:int}",
    "/convenings/feed/{token}.ics",
    "/sign-in/oidc/{name}",
    "/sign-in/oidc/{name}/callback",
    "/account/reset/{token}",
    "/invitations/{token}",
}
# Parameters that are not ids: the same value in both requests.
FIXED = {"format": "json", "action": "rsvp"}
# Under A's own slug, this page is about A's roles: a user without one there is told so,
# whoever they are (the same answer, not a 404; accounts are not a community's records).
SAME_ANSWER_UNDER_A = {"/communities/{slug}/roles/{user_id:int}/remove"}
# Form fields a page reads before it looks the record up.
FORMS = {"/communities/{slug}/forums/reports/{report_id:int}/decision": {"outcome": "dismissed"}}


@dataclass
class World:
    outsider: Api
    a_slug: str
    a_id: int
    b_slug: str
    records: dict[str, int]


async def _first(model: Any, **filters: Any) -> int:
    ids = await model.filter(**filters).order_by("id").values_list("id", flat=True)
    assert ids, f"the fixture has no {model.__name__}"
    return int(ids[0])


async def _world(app: Any, client: httpx.AsyncClient, make_user: UserFactory) -> World:
    """Community A, where the outsider is a facilitator, and community B, full of records
    of every kind (the small test community plus each built-in plugin's demo data)."""
    admin = await make_user("admin@example.org", admin=True)
    outsider = await make_user(OUTSIDER)
    b_user = await make_user("b-facilitator@example.org")
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    await load_community(ctx, yaml.safe_load(DATA.read_text()))
    b = await m.Community.get(slug="cedar-valley")
    await app.state.plugins.call("nic_demo_data", ctx=ctx, community_ids=[b.id], today=date.today())
    status, a = await admin.post("/communities", {"slug": "alder-a", "name": "Alder A"})
    assert status == 201, a
    for community_id, email in ((a["id"], OUTSIDER), (b.id, b_user.email)):
        status, _ = await admin.put(
            f"/communities/{community_id}/roles", {"user_email": email, "role": "facilitator"}
        )
        assert status == 200
    status, convening = await admin.post(
        "/convenings",
        {"community_id": b.id, "title": "Spring convening", "options": ["2025-04-01T16:00:00"]},
    )
    assert status == 201, convening
    status, entry = await admin.post(f"/convenings/{convening['id']}/agenda", {"title": "Data"})
    assert status == 201, entry
    phase_of = {"measure_id": await _first(m.Measure, community_id=b.id), "label": "After"}
    status, phase = await admin.post("/measure-phases", phase_of | {"start": "2025-01-06"})
    assert status == 201, phase
    status, note = await admin.post(
        "/measure-notes",
        {"measure_id": phase_of["measure_id"], "date": "2025-01-06", "text": "Snow day"},
    )
    assert status == 201, note
    post = await _first(Post, thread__community_id=b.id)
    status, report = await admin.post(f"/forums/posts/{post}/reports", {"reason": "spam here"})
    assert status == 201, report
    records = {
        "community": b.id,
        "organization": await _first(m.Organization, community_id=b.id),
        "team": await _first(m.Team, community_id=b.id),
        "person": await _first(m.Person, community_id=b.id),
        "membership": await _first(m.Membership, team__community_id=b.id),
        "aim": await _first(m.Aim, community_id=b.id),
        "driver": await _first(m.Driver, aim__community_id=b.id),
        "change-idea": await _first(m.ChangeIdea, driver__aim__community_id=b.id),
        "innovation": await _first(m.Innovation, community_id=b.id),
        "innovation-version": await _first(m.InnovationVersion, innovation__community_id=b.id),
        "cycle": await _first(m.Cycle, community_id=b.id),
        "measure": await _first(m.Measure, community_id=b.id),
        "data-point": await _first(m.DataPoint, measure__community_id=b.id),
        "measure-phase": phase["id"],
        "measure-note": note["id"],
        "artifact": await _first(m.Artifact, community_id=b.id),
        "artifact-version": await _first(m.ArtifactVersion, artifact__community_id=b.id),
        "link": await _first(m.LearningLink, community_id=b.id),
        "user": b_user.user_id or 0,
        "rubric": await _first(Rubric, community_id=b.id),
        "assessment": await _first(Assessment, community_id=b.id),
        "board": await _first(Board, community_id=b.id, visibility="community"),
        "thread": await _first(Thread, community_id=b.id),
        "post": post,
        "report": report["id"],
        "convening": convening["id"],
        "entry": entry["id"],
    }
    return World(outsider, "alder-a", a["id"], b.slug, records)


# --- which record a path parameter names -----------------------------------------------

# ``{id}`` names a record of the collection just before it; other names say themselves.
COLLECTIONS = {
    "communities": "community", "organizations": "organization", "teams": "team",
    "people": "person", "memberships": "membership", "aims": "aim", "drivers": "driver",
    "change-ideas": "change-idea", "innovations": "innovation", "cycles": "cycle",
    "measures": "measure", "data-points": "data-point", "artifacts": "artifact",
    "measure-phases": "measure-phase", "measure-notes": "measure-note",
    "artifact-versions": "artifact-version", "innovation-versions": "innovation-version",
    "links": "link", "rubrics": "rubric", "assessments": "assessment",
    "convenings": "convening",
}  # fmt: skip
NAMED = {
    "community_id": "community", "user_id": "user", "entry_id": "entry",
    "board_id": "board", "thread_id": "thread", "post_id": "post", "report_id": "report",
    "team_id": "team", "cycle_id": "cycle", "person_id": "person", "aim_id": "aim",
    "artifact_id": "artifact", "rubric_id": "rubric", "assessment_id": "assessment",
    "organization_id": "organization", "convening_id": "convening",
    "measure_id": "measure", "phase_id": "measure-phase", "note_id": "measure-note",
}  # fmt: skip
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def _record_of(path: str, name: str) -> str:
    if name in NAMED:
        return NAMED[name]
    if name == "id":
        before = path.split("{", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        if before in COLLECTIONS:
            return COLLECTIONS[before]
    raise AssertionError(f"{path}: no record for {{{name}}}; add one to this test's table")


def _fill(path: str, value: Callable[[str], str]) -> str:
    return PARAM.sub(lambda match: value(match.group(1)), path)


def _variants(path: str, world: World, *, slug_from_a: bool) -> tuple[str, str, list[str]]:
    """The path for B's records and for missing ones, and the values the request names.

    With ``slug_from_a``, the slug is A's (the outsider's own community) in both: the ids
    must still answer alike."""
    named: list[str] = []

    def foreign(name: str) -> str:
        if name in FIXED:
            return FIXED[name]
        if name == "slug":
            value = world.a_slug if slug_from_a else world.b_slug
        else:
            value = str(world.records[_record_of(path, name)])
        named.append(value)
        return value

    def missing(name: str) -> str:
        if name in FIXED:
            return FIXED[name]
        if name == "slug":
            value = world.a_slug if slug_from_a else MISSING_SLUG
        else:
            value = str(MISSING_ID)
        named.append(value)
        return value

    return _fill(path, foreign), _fill(path, missing), named


def _normalized(text: str, named: list[str]) -> str:
    """The body with the ids and slug the request named put as ``<named>``: a message may
    echo what was asked for ("no cycle 5"); it must say nothing else. The confirmation an
    earlier request's form left for the next page (core/web/flash.py) is not part of it."""
    text = re.sub(r'<div class="flashes" role="status">.*?</div>', "", text, flags=re.S)
    section = re.search(r'<section class="narrow">.*?</section>', text, re.S)
    start, end = section.span() if section else (0, len(text))
    part = text[start:end]
    for value in sorted(set(named), key=len, reverse=True):
        part = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", "<named>", part)
    return text[:start] + part + text[end:]


# --- request bodies that pass validation, so the lookup is what answers -------------------


def _example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """A small value that satisfies ``schema`` (required properties only)."""
    if "$ref" in schema:
        return _example(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    if "anyOf" in schema or "oneOf" in schema:
        options = [s for s in schema.get("anyOf", schema.get("oneOf")) if s.get("type") != "null"]
        return _example(options[0], components)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: _example(props[k], components) for k in schema.get("required", [])}
    if kind == "array":
        return [_example(schema["items"], components) for _ in range(schema.get("minItems", 0))]
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    if schema.get("format") == "date":
        return "2025-03-03"
    if schema.get("format") == "date-time":
        return "2025-03-03T10:00:00Z"
    return "x" * max(3, int(schema.get("minLength", 0)))


# Where the schema alone does not give a body the model accepts.
BODIES: dict[tuple[str, str], Any] = {
    ("PUT", "/api/v1/communities/{id}/roles"): {"user_email": OUTSIDER, "role": "observer"},
    ("POST", "/api/v1/rubrics/communities/{id}/import"): {"yaml": "name: x"},
    ("PUT", "/api/v1/convenings/{id}/availability"): {"answers": {}},
}


def _body(method: str, path: str, operation: dict[str, Any], doc: dict[str, Any]) -> Any:
    if (method, path) in BODIES:
        return BODIES[(method, path)]
    request = operation.get("requestBody")
    if request is None:
        return None
    content = request["content"].get("application/json")
    if content is None:  # a file (an import): the record is looked up before it is read
        return None
    return _example(content["schema"], doc["components"]["schemas"])


# --- the tests ------------------------------------------------------------------------


REQUIRED_QUERY = {"node": "cycle:1"}
"""A well-formed value for each required query parameter (a new one must be added here)."""


async def test_every_api_operation_answers_another_communitys_record_as_missing(
    app: Any, client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    world = await _world(app, client, make_user)
    doc = (await client.get("/api/v1/openapi.json")).json()
    asked, problems = 0, []
    for path, item in doc["paths"].items():
        if "{" not in path:
            continue
        for method, operation in item.items():
            method = method.upper()
            body = _body(method, path, operation, doc)
            there, nowhere, named = _variants(
                path.removeprefix("/api/v1"), world, slug_from_a=False
            )
            kwargs: dict[str, Any] = {"json": body} if body is not None else {}
            required = [
                p["name"]
                for p in operation.get("parameters", [])
                if p["in"] == "query" and p.get("required")
            ]
            if required:  # a value for each, or the 422 for a missing one comes first
                kwargs["params"] = {name: REQUIRED_QUERY[name] for name in required}
            got = await world.outsider.call(method, there, **kwargs)
            want = await world.outsider.call(method, nowhere, **kwargs)
            asked += 1
            same = (got[0], _normalized(str(got[1]), named)) == (
                want[0],
                _normalized(str(want[1]), named),
            )
            if got[0] != 404 or not same:
                problems.append(f"{method} {path}: B's record {got}, a missing one {want}")
    assert asked >= 90, asked
    assert not problems, "\n".join(problems)


def _page_routes(app: Any) -> list[tuple[str, str]]:
    """Every (method, path) of the pages with a parameter in the path."""
    found: list[tuple[str, str]] = []

    def walk(routes: list[Any], prefix: str) -> None:
        for route in routes:
            if isinstance(route, PathGroup):
                continue  # the JSON API: the test above
            if isinstance(route, Mount):
                walk(route.routes or [], prefix + route.path)
            elif isinstance(route, Route) and "{" in route.path:
                path = prefix + route.path
                if path in NOT_COMMUNITY_RECORDS or path.startswith("/api/"):
                    continue  # the API's own "no such operation" answer is not a page
                found.extend(
                    (method, path) for method in sorted(route.methods or ()) if method != "HEAD"
                )

    walk(app.routes, "")
    return found


async def test_every_page_answers_another_communitys_record_as_missing(
    app: Any, client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    world = await _world(app, client, make_user)
    routes = _page_routes(app)
    asked, problems = 0, []
    async with page_clients(app) as open_client:
        browser = await open_client(OUTSIDER)
        token = csrf_of((await browser.get("/account/password")).text)
        for method, path in routes:
            variants = [False, True] if "{slug}" in path and path.count("{") > 1 else [False]
            for slug_from_a in variants:
                there, nowhere, named = _variants(path, world, slug_from_a=slug_from_a)
                form = {"csrf_token": token, **FORMS.get(path, {})} if method == "POST" else None
                got = await browser.request(method, there, data=form)
                want = await browser.request(method, nowhere, data=form)
                asked += 1
                same = (got.status_code, _normalized(got.text, named)) == (
                    want.status_code,
                    _normalized(want.text, named),
                )
                found_404 = got.status_code == 404 or (slug_from_a and path in SAME_ANSWER_UNDER_A)
                if not found_404 or not same:
                    problems.append(
                        f"{method} {there} ({'under A' if slug_from_a else 'B'}): "
                        f"{got.status_code}, a missing one {want.status_code}"
                        + ("" if same else ", bodies differ")
                    )
    assert asked >= 60, asked
    assert not problems, "\n".join(problems)


async def test_body_references_to_another_communitys_records_read_as_missing(
    app: Any, client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    """A request body that names B's record gets the 422 a missing id gets, word for word."""
    world = await _world(app, client, make_user)
    api, r = world.outsider, world.records
    status, team = await api.post(
        "/teams", {"community_id": world.a_id, "name": "A team", "kind": "school_design_team"}
    )
    assert status == 201, team
    status, cycle = await api.post(
        "/cycles", {"team_id": team["id"], "title": "A cycle", "plan_objective": "Learn"}
    )
    assert status == 201, cycle
    doc = (await client.get("/api/v1/openapi.json")).json()
    schemas = doc["components"]["schemas"]
    a, t = world.a_id, team["id"]
    kind = "school_design_team"
    # (path, schema, fields of A's own, fields naming a record of B)
    cases: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
        ("/teams", "TeamCreate", {}, {"community_id": r["community"]}),
        ("/teams", "TeamCreate", {"community_id": a, "kind": kind}, {"parent_id": r["team"]}),
        ("/teams", "TeamCreate", {"community_id": a, "kind": kind},
         {"organization_id": r["organization"]}),
        ("/people", "PersonCreate", {"community_id": a}, {"organization_id": r["organization"]}),
        ("/measures", "MeasureCreate", {"community_id": a}, {"team_id": r["team"]}),
        ("/cycles", "CycleCreate", {}, {"team_id": r["team"]}),
        ("/cycles", "CycleCreate", {"team_id": t}, {"author_ids": [r["person"]]}),
        ("/cycles", "CycleCreate", {"team_id": t}, {"measure_ids": [r["measure"]]}),
        ("/cycles", "CycleCreate", {"team_id": t}, {"builds_on_id": r["cycle"]}),
        ("/cycles", "CycleCreate", {"team_id": t}, {"change_idea_id": r["change-idea"]}),
        ("/memberships", "MembershipCreate", {"team_id": t}, {"person_id": r["person"]}),
        ("/memberships", "MembershipCreate", {}, {"team_id": r["team"]}),
        ("/data-points", "DataPointCreate", {}, {"measure_id": r["measure"]}),
        ("/measure-phases", "MeasurePhaseCreate", {}, {"measure_id": r["measure"]}),
        ("/drivers", "DriverCreate", {}, {"aim_id": r["aim"]}),
        ("/change-ideas", "ChangeIdeaCreate", {}, {"driver_id": r["driver"]}),
        ("/artifacts", "ArtifactCreate", {}, {"community_id": r["community"]}),
        ("/artifacts", "ArtifactCreate", {"community_id": a},
         {"derived_from_id": r["artifact"]}),
        ("/links", "LinkCreate", {"target": f"cycle:{cycle['id']}"},
         {"source": f"cycle:{r['cycle']}"}),
        ("/convenings", "ConveningCreate", {}, {"community_id": r["community"]}),
        ("/rubrics/assessments", "AssessmentCreate",
         {"rubric_id": r["rubric"], "period": "2025-Q1"}, {"team_id": r["team"]}),
    ]  # fmt: skip
    problems = []
    for path, schema, own, foreign in cases:
        body = {**_example(schemas[schema], schemas), **own}
        got = await api.post(path, {**body, **foreign})
        want = await api.post(path, {**body, **{k: _missing(v) for k, v in foreign.items()}})
        named = [str(_missing(v)) for v in foreign.values()] + [str(v) for v in foreign.values()]
        named = [n.rsplit(":", 1)[-1].strip("[]") for n in named]
        field = next(iter(foreign))
        if got[0] != 422 or field not in got[1]["error"]["fields"]:
            problems.append(f"POST {path} {foreign}: {got}, not a 422 about {field}")
        if _normalized(str(got[1]), named) != _normalized(str(want[1]), named):
            problems.append(f"POST {path} {foreign}: {got} but for a missing id {want}")
        if "another community" in str(got[1]) or "different communit" in str(got[1]):
            problems.append(f"POST {path} {foreign}: {got}")
    assert not problems, "\n".join(problems)


def _missing(value: Any) -> Any:
    """The same reference to a record that does not exist."""
    if isinstance(value, list):
        return [MISSING_ID for _ in value]
    if isinstance(value, str):
        return f"{value.partition(':')[0]}:{MISSING_ID}"
    return MISSING_ID
