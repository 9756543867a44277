"""The API kernel: authentication, the error shape, pagination, OpenAPI, and no 500s."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from core.api.routing import PathGroup
from tests.helpers import count_queries


async def test_missing_or_unknown_token_is_401(client, make_user) -> None:
    response = await client.get("/api/v1/cycles")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "not_authenticated"
    response = await client.get("/api/v1/cycles", headers={"Authorization": "Bearer nic_nope"})
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "the API token is not valid"


async def test_me_names_the_token_owner(make_user) -> None:
    api = await make_user("ana@example.org")
    status, body = await api.get("/me")
    assert status == 200 and body["email"] == "ana@example.org" and body["is_admin"] is False
    assert "password_hash" not in body


async def test_unknown_path_and_wrong_method(admin) -> None:
    status, body = await admin.get("/nothing-here")
    assert status == 404 and body["error"]["code"] == "not_found"
    status, body = await admin.call("PUT", "/cycles")
    assert status == 405 and "use GET, POST" in body["error"]["message"]


async def test_bad_bodies_answer_422_naming_the_problem(admin) -> None:
    status, body = await admin.call("POST", "/communities", content=b"{not json")
    assert status == 422 and body["error"]["fields"] == {"body": "not valid JSON"}
    status, body = await admin.post("/communities", [1, 2])
    assert status == 422 and body["error"]["fields"] == {"body": "expected a JSON object"}
    status, body = await admin.post("/communities", {"slug": "a", "name": "A", "colour": "red"})
    assert status == 422 and "colour" in body["error"]["fields"]
    status, body = await admin.post("/communities", {"slug": "Not A Slug!", "name": "A"})
    assert status == 422 and "slug" in body["error"]["fields"]
    status, body = await admin.post("/communities", {"slug": "a", "name": 5})
    assert status == 422 and "name" in body["error"]["fields"]
    status, body = await admin.get("/communities")
    assert body["total"] == 0


async def test_query_parameters_are_checked(admin) -> None:
    for params, field in [
        ({"colour": "red"}, "colour"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "201"}, "per_page"),
        ({"page": "x"}, "page"),
        ({"team": "abc"}, "team"),
        ({"status": "dreaming"}, "status"),
        ({"from": "last week"}, "from"),
    ]:
        status, body = await admin.get("/cycles", **params)
        assert status == 422, (params, body)
        assert field in body["error"]["fields"], (params, body)


async def test_pagination_shape(admin, small) -> None:
    status, body = await admin.get("/cycles", per_page=2)
    assert status == 200
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (1, 2, 3, 2)
    assert len(body["items"]) == 2
    status, last = await admin.get("/cycles", per_page=2, page=2)
    assert len(last["items"]) == 1
    assert {c["id"] for c in body["items"]} | {last["items"][0]["id"]} == {
        c["id"] for c in (await admin.get("/cycles"))[1]["items"]
    }
    status, beyond = await admin.get("/cycles", per_page=2, page=9)
    assert status == 200 and beyond["items"] == [] and beyond["total"] == 3


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            yield path, method.upper(), op


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _flat(routes: list[Any]) -> list[Any]:
    return [leaf for r in routes for leaf in (_flat(r.routes) if isinstance(r, PathGroup) else [r])]


async def test_openapi_describes_every_operation(app, client) -> None:
    doc = (await client.get("/api/v1/openapi.json")).json()
    ids = [op["operationId"] for _, _, op in _operations(doc)]
    assert len(ids) == len(set(ids))
    # OpenAPI paths name parameters without Starlette's converters ({id}, not {id:int}).
    paths = {
        re.sub(r"\{(\w+):\w+\}", r"{\1}", r.path)
        for r in _flat(app.routes)
        if r.path.startswith("/api/v1/") and "{rest" not in r.path
    }
    routes = {(p, m) for p in paths for m in ("GET", "POST", "PATCH", "PUT", "DELETE")}
    documented = {(p, m) for p, m, _ in _operations(doc)}
    assert documented <= routes
    assert {p for p, _ in documented} == paths
    for path, _, op in _operations(doc):
        assert op["summary"] and op["responses"], path
        for response in op["responses"].values():
            for content in response.get("content", {}).values():
                _resolve(doc, content["schema"])
        if "requestBody" in op:
            content = op["requestBody"]["content"]
            if "application/json" not in content:  # a file: a form's field or the body
                assert set(content) >= {"multipart/form-data"}, path
                continue
            body = _resolve(doc, content["application/json"]["schema"])
            assert body["type"] == "object" and body["properties"], path
    cycle = doc["components"]["schemas"]["CycleOut"]["properties"]
    assert {"plan_objective", "status", "version", "author_ids"} <= set(cycle)


FILE_JUNK = (b"", b"{}", b"\x00\xff", b"PK\x03\x04junk", b"date\n\n", b"a,b\n1,2\n", b'"\n')
WRONG = {"string": 12345, "integer": "not-a-number", "array": "nope", "number": "NaN!"}


def _bad_bodies(doc: dict[str, Any], schema: dict[str, Any]) -> Iterator[Any]:
    yield {}
    yield {"unexpected": True}
    yield None
    schema = _resolve(doc, schema)
    for name, prop in schema.get("properties", {}).items():
        kinds = [p.get("type") for p in prop.get("anyOf", [prop])]
        for kind in kinds:
            if kind in WRONG:
                yield {name: WRONG[kind]}
        yield {name: {"nested": ["object"]}}
        yield {name: "x" * 30_000}


async def test_no_input_causes_a_server_error(admin, small, client) -> None:
    """Every operation, fed wrong types, junk and unknown ids, answers 4xx, never 5xx."""
    doc = (await client.get("/api/v1/openapi.json")).json()
    tried = 0
    for path, method, op in _operations(doc):
        for ident in ("1", "999999"):
            url = path.replace("{id}", ident).replace("{user_id}", ident).removeprefix("/api/v1")
            if "requestBody" not in op:
                status, _ = await admin.call(method, url, params={"per_page": "3"})
                assert status < 500, (method, url)
                tried += 1
                continue
            if "application/json" not in op["requestBody"]["content"]:
                for junk in FILE_JUNK:  # an operation that takes a file
                    status, answer = await admin.call(method, url, content=junk)
                    assert status < 500, (method, url, junk, answer)
                    tried += 1
                continue
            schema = op["requestBody"]["content"]["application/json"]["schema"]
            for body in _bad_bodies(doc, schema):
                status, answer = await admin.call(method, url, json=body)
                assert status < 500, (method, url, body, answer)
                if status >= 400:
                    assert set(answer["error"]) >= {"code", "message", "fields"}
                tried += 1
    assert tried > 300


async def test_list_query_count_does_not_grow_with_page_size(make_user, admin, small) -> None:
    community = small["community_id"]
    teams = (await admin.get("/teams", community=community))[1]["items"]
    north = next(t for t in teams if t["name"] == "North SIDT")
    for n in range(40):
        await admin.ok(
            "POST",
            "/cycles",
            {"team_id": north["id"], "title": f"Cycle {n}", "plan_objective": "Try it"},
            status=201,
        )
    await admin.ok(
        "POST", "/artifacts", {"community_id": community, "title": "A", "kind": "tool"}, status=201
    )
    reader = await make_user("reader@example.org")
    await admin.ok(
        "PUT",
        f"/communities/{community}/roles",
        {"user_email": "reader@example.org", "role": "observer"},
    )
    for path in ("/cycles", "/artifacts", "/memberships", "/people", "/links"):
        counts = []
        for size in (2, 40):
            with count_queries() as queries:
                status, _ = await reader.get(path, per_page=size)
            assert status == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], (path, counts)
        assert counts[0] <= 6, (path, counts)
