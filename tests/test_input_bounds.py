"""Every input bounded at the edge, through HTTP (issue 18): ids beyond the database's range
answer 404 like a missing record, in the API and the pages, the built-in plugins' included;
integers and dates beyond their range, and line breaks or control characters in one-line
fields, answer 422 naming the field, in JSON bodies, query strings and forms. None answers
500. The tables are drawn from the OpenAPI document and the app's own routes, so an
operation or page added later is covered without being listed here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.routing import Mount, Route

from communities.models import Cycle, Team
from core.bounds import MAX_ID, IdConvertor
from core.testing import BASE_URL, Api, csrf_of, sign_in
from tests.factories import load_small

SLUG = "cedar-valley"

BEYOND = ("2147483648", "9223372036854775808", "1" + "0" * 30)
"""Past the 32-bit ids of PostgreSQL, past SQLite's 64 bits, and far past both."""
NEGATIVE = ("-1", "-32589158477190044730")
TOO_BIG = 2**63
TOO_SMALL = -32589158477190044730
EARLY_DAY, EARLY_TIME = "0001-01-01", "0001-01-01T00:30:00"
LATE_DAY = "9999-12-31"
PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")


@pytest.fixture
async def small(app: Any, admin: Api) -> dict[str, Any]:
    summary = await load_small(app)
    return {"community_id": summary["community_id"]}


@pytest.fixture
async def document(admin: Api) -> dict[str, Any]:
    status, body = await admin.get("/openapi.json")
    assert status == 200
    return body


@pytest.fixture
async def browser(app: Any, admin: Api) -> Any:
    """A browser signed in as the site's administrator (who may open every page)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as c:
        await sign_in(c, "admin@example.org")
        yield c


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            yield method.upper(), path.removeprefix("/api/v1"), op


def _int_params(op: dict[str, Any], where: str) -> list[str]:
    return [
        p["name"]
        for p in op["parameters"]
        if p["in"] == where and p["schema"].get("type") == "integer"
    ]


def _fill(path: str, ints: list[str], number: str) -> str:
    """``path`` with ``number`` for its integer parameters and a real slug for the others."""
    return PARAM.sub(lambda m: number if m.group(1) in ints else SLUG, path)


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _kinds(document: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """A property's schema, or each of its alternatives (``Id | None``)."""
    schema = _resolve(document, schema)
    return [_resolve(document, s) for s in schema.get("anyOf", [schema])]


def _bad_value(document: dict[str, Any], schema: dict[str, Any]) -> tuple[Any, str] | None:
    """A value out of range for a body property, with the kind of bound it breaks."""
    for kind in _kinds(document, schema):
        if kind.get("type") == "integer":
            return TOO_BIG, "integer"
        if kind.get("type") == "string" and kind.get("format") == "date":
            return EARLY_DAY, "date"
        if kind.get("type") == "string" and kind.get("format") == "date-time":
            return EARLY_TIME, "date-time"
        if kind.get("type") == "array":
            inner = _bad_value(document, kind.get("items", {}))
            if inner is not None:
                return [inner[0]], inner[1]
    return None


def _named(fields: dict[str, str], name: str) -> bool:
    return any(key == name or key.startswith(name + ".") for key in fields)


# --- ids in paths: 404 like a missing record -------------------------------------------------


@pytest.mark.parametrize("number", [*BEYOND, *NEGATIVE])
async def test_an_api_id_out_of_range_answers_404_as_a_missing_one(
    admin: Api, small: dict[str, Any], document: dict[str, Any], number: str
) -> None:
    checked = 0
    for method, path, op in _operations(document):
        ints = _int_params(op, "path")
        if not ints:
            continue
        status, body = await admin.call(method, _fill(path, ints, number))
        assert (status, body["error"]["code"]) == (404, "not_found"), (method, path, body)
        if "requestBody" not in op:  # else the body is checked first: 422 for an empty one
            missing, same = await admin.call(method, _fill(path, ints, str(MAX_ID)))
            assert missing == 404 and same["error"]["code"] == "not_found", (method, path, same)
        checked += 1
    assert checked > 60  # the kernel's, the domain's and the three built-in plugins'


def _routes(routes: list[Any]) -> Iterator[Route]:
    for route in routes:
        if isinstance(route, Route):
            yield route
        elif isinstance(route, Mount) or hasattr(route, "routes"):
            yield from _routes(list(getattr(route, "routes", []) or []))


def test_every_int_in_a_route_path_is_the_bounded_convertor(app: Any) -> None:
    """Routes are compiled when made: every one with ``{name:int}`` (plugins' too) must
    have been made after the kernel put its bounded convertor in Starlette's table."""
    with_ints = [
        (route.path, name, convertor)
        for route in _routes(app.routes)
        for name, convertor in route.param_convertors.items()
        if "int" in route.path and f"{{{name}:int}}" in route.path
    ]
    assert len(with_ints) > 90
    assert all(isinstance(c, IdConvertor) for _, _, c in with_ints), with_ints


@pytest.mark.parametrize("number", [BEYOND[0], BEYOND[1], NEGATIVE[1]])
async def test_a_page_id_out_of_range_answers_404_as_a_missing_one(
    app: Any, small: dict[str, Any], browser: httpx.AsyncClient, number: str
) -> None:
    checked = 0
    for route in _routes(app.routes):
        ints = [n for n in route.param_convertors if f"{{{n}:int}}" in route.path]
        if route.path.startswith("/api/") or not ints:
            continue
        path = _fill(route.path, ints, number)
        for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
            response = await browser.request(method, path)
            assert response.status_code == 404, (method, path, response.status_code)
            assert "text/html" in response.headers["content-type"]
            assert "<h1>Not found</h1>" in response.text, (method, path)
            if method == "GET":  # the same page as an id in range that names nothing
                response = await browser.get(_fill(route.path, ints, str(MAX_ID)))
                assert response.status_code == 404 and "<h1>Not found</h1>" in response.text
            checked += 1
    assert checked > 40


# --- integers and dates in query strings and bodies: 422 naming the field ----------------


@pytest.mark.parametrize("value", [str(TOO_BIG), str(TOO_SMALL), "12x", "²"])
async def test_an_integer_query_parameter_out_of_range_answers_422(
    admin: Api, document: dict[str, Any], value: str
) -> None:
    checked = 0
    for method, path, op in _operations(document):
        for name in _int_params(op, "query"):
            url = _fill(path, _int_params(op, "path"), "1")
            status, body = await admin.call(method, url, params={name: value})
            assert status == 422, (method, path, name, status, body)
            assert name in body["error"]["fields"], (method, path, name, body)
            checked += 1
    assert checked > 50


@pytest.mark.parametrize("value", [EARLY_DAY, LATE_DAY])
async def test_a_date_query_parameter_out_of_the_window_answers_422(
    admin: Api, document: dict[str, Any], value: str
) -> None:
    checked = 0
    for method, path, op in _operations(document):
        dates = [
            p["name"]
            for p in op["parameters"]
            if p["in"] == "query" and p["schema"].get("format") == "date"
        ]
        for name in dates:
            url = _fill(path, _int_params(op, "path"), "1")
            status, body = await admin.call(method, url, params={name: value})
            assert status == 422 and "1900 and 2200" in body["error"]["fields"][name], (
                method,
                path,
                name,
                body,
            )
            checked += 1
    assert checked >= 3


async def test_integers_and_dates_out_of_range_in_a_body_answer_422(
    admin: Api, document: dict[str, Any]
) -> None:
    """Each integer (ids, versions, counts), date and date-time property of every request
    body, one at a time: the body is checked before anything is looked up, so the other
    properties need not be valid for the answer to name this one."""
    checked: dict[str, int] = {}
    for method, path, op in _operations(document):
        if "application/json" not in op.get("requestBody", {}).get("content", {}):
            continue  # no body, or a file (the file's own bounds: test_measure_data_import)
        url = _fill(path, _int_params(op, "path"), "1")
        schema = _resolve(document, op["requestBody"]["content"]["application/json"]["schema"])
        for name, prop in schema.get("properties", {}).items():
            bad = _bad_value(document, prop)
            if bad is None:
                continue
            status, body = await admin.call(method, url, json={name: bad[0]})
            assert status == 422, (method, path, name, status, body)
            assert _named(body["error"]["fields"], name), (method, path, name, body)
            checked[bad[1]] = checked.get(bad[1], 0) + 1
    assert checked["integer"] > 40 and checked["date"] > 10 and checked["date-time"] >= 2


async def test_a_control_character_in_a_text_query_parameter_answers_422(
    admin: Api, document: dict[str, Any]
) -> None:
    checked = 0
    for method, path, op in _operations(document):
        texts = [
            p["name"]
            for p in op["parameters"]
            if p["in"] == "query" and p["schema"] == {"type": "string"}
        ]
        for name in texts:
            url = _fill(path, _int_params(op, "path"), "1")
            status, body = await admin.call(method, url, params={name: "cycle:1\x00"})
            assert status == 422 and name in body["error"]["fields"], (method, path, name, body)
            checked += 1
    assert checked >= 3


# --- one-line fields and control characters ------------------------------------------------

LINES = [
    ("createCommunity", "name", "Cedar\nValley"),
    ("createTeam", "name", "North\r\nSIDT"),
    ("createPerson", "name", "Ana\tRuiz"),
    ("createPerson", "title", "Principal\u2028of North"),
    ("createAim", "title", "Raise\nattendance"),
    ("createCycle", "title", "Huddle\nwith advisors"),
    ("updateCycle", "title", "Huddle\x0bagain"),
    ("createMeasure", "unit", "per\ncent"),
    ("createArtifact", "title", "Protocol\nv2"),
    ("createConvening", "title", "Spring\nconvening"),
    ("createConvening", "place", "Library\nroom 2"),
    ("updateConvening", "title", "Spring\nconvening"),
    ("addConveningAgendaItem", "title", "Welcome\nand aims"),
    ("forums_create_board", "name", "General\ntalk"),
    ("forums_create_thread", "title", "A\nquestion"),
    ("createCycle", "plan_objective", "Nul\x00byte"),  # text may break lines, not hold NUL
    ("createAim", "statement", "Bell\x07"),
]


@pytest.mark.parametrize(("operation", "field", "value"), LINES)
async def test_line_breaks_and_control_characters_answer_422(
    admin: Api, document: dict[str, Any], operation: str, field: str, value: str
) -> None:
    found = [
        (method, path, op)
        for method, path, op in _operations(document)
        if op["operationId"] == operation
    ]
    assert found, operation
    method, path, op = found[0]
    status, body = await admin.call(
        method, _fill(path, _int_params(op, "path"), "1"), json={field: value}
    )
    assert status == 422 and field in body["error"]["fields"], body
    assert "control characters" in body["error"]["fields"][field]


async def test_a_rejected_write_changes_nothing(admin: Api, small: dict[str, Any]) -> None:
    cycle = (await admin.get("/cycles", per_page=1))[1]["items"][0]
    for change in (
        {"title": "Two\nlines"},
        {"version": TOO_BIG, "title": "Renamed"},
        {"version": cycle["version"], "title": "Renamed", "planned_start": EARLY_DAY},
        {"version": cycle["version"], "title": "Renamed", "builds_on_id": TOO_BIG},
    ):
        status, body = await admin.patch(f"/cycles/{cycle['id']}", change)
        assert status == 422, body
    assert (await admin.ok("GET", f"/cycles/{cycle['id']}")) == cycle


async def test_a_link_to_a_record_out_of_range_answers_422(
    admin: Api, small: dict[str, Any]
) -> None:
    cycle = (await admin.get("/cycles", per_page=1))[1]["items"][0]
    status, body = await admin.post(
        "/links", {"source": f"cycle:{TOO_BIG}", "target": f"cycle:{cycle['id']}"}
    )
    assert status == 422 and "source" in body["error"]["fields"]
    status, body = await admin.get("/links", node=f"cycle:{TOO_BIG}")
    assert status in (200, 422), body


# --- forms -------------------------------------------------------------------------------


async def _post_form(
    browser: httpx.AsyncClient, page: str, data: dict[str, Any], to: str | None = None
) -> httpx.Response:
    token = csrf_of((await browser.get(page)).text)
    return await browser.post(to or page, data={**data, "csrf_token": token})


async def test_forms_refuse_out_of_range_values_beside_the_field(
    small: dict[str, Any], browser: httpx.AsyncClient
) -> None:
    team = await Team.filter(name="North SIDT").first()
    cycle = await Cycle.filter(community_id=small["community_id"]).first()
    assert team is not None and cycle is not None
    new_cycle = f"/communities/{SLUG}/teams/{team.id}/cycles/new"
    cases = [
        (new_cycle, {"title": "Two\nlines", "plan_objective": "x"}, "single line"),
        (new_cycle, {"title": "Ok", "plan_objective": "x", "planned_start": EARLY_DAY}, "1900"),
        (f"/cycles/{cycle.id}/edit", {"version": str(TOO_BIG), "title": "x"}, "less than"),
        (
            f"/communities/{SLUG}/convenings/new",
            {"title": "Spring", "options": EARLY_TIME},
            "1900",
        ),
        (f"/communities/{SLUG}/convenings/new", {"title": "Spring\nsummit"}, "single line"),
        (f"/communities/{SLUG}/forums", {"name": "Two\nlines"}, "single line"),
    ]
    for page, data, message in cases:
        response = await _post_form(browser, page, data)
        assert response.status_code == 422, (page, data, response.status_code)
        assert message in response.text, (page, data)


async def test_cycle_actions_refuse_out_of_range_values(
    small: dict[str, Any], browser: httpx.AsyncClient
) -> None:
    cycle = await Cycle.filter(community_id=small["community_id"]).first()
    assert cycle is not None
    page = f"/cycles/{cycle.id}"
    for action, data in (
        ("advance", {"version": str(TOO_BIG)}),
        ("data", {"measure_id": str(TOO_BIG), "date": "2025-01-01", "value": "3"}),
        ("data", {"measure_id": "1", "date": EARLY_DAY, "value": "3"}),
        ("data", {"measure_id": "1", "date": "2025-01-01", "value": "1e400"}),
        ("links", {"source": f"cycle:{TOO_BIG}"}),
    ):
        response = await _post_form(browser, page, data, f"{page}/{action}")
        assert response.status_code == 422, (action, data, response.status_code)


async def test_page_query_values_out_of_range_do_not_fail(
    small: dict[str, Any], browser: httpx.AsyncClient
) -> None:
    for name in ("from", "to", "as_of"):  # the flow page's filters: shown beside them
        response = await browser.get(f"/communities/{SLUG}/flow", params={name: EARLY_DAY})
        assert "the year must be between 1900 and 2200" in response.text, name
    for path, params in (
        (f"/communities/{SLUG}/artifacts", {"team": str(TOO_BIG)}),
        (f"/communities/{SLUG}/convenings", {"page": str(TOO_BIG)}),
        (f"/communities/{SLUG}/forums/search", {"q": "nul\x00byte"}),
        ("/admin/users", {"q": "nul\x00byte"}),
        ("/search", {"q": "nul\x00byte"}),
        ("/notifications", {"page": "9" * 5000}),
    ):
        response = await browser.get(path, params=params)
        assert response.status_code in (200, 404, 422), (path, params, response.status_code)
