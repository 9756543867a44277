"""A team (or organization) assessed with two rubrics: its progress is shown per rubric, in
the JSON API (the shape the OpenAPI document declares) and on its page (issue 18: both
answered 500, a loop variable having replaced the subject's key after the first rubric)."""

from __future__ import annotations

from typing import Any

from core.testing import csrf_of
from plugins.rubrics import definitions
from plugins.rubrics.schemas import SubjectProgress

KEYS = [i["key"] for i in definitions.indicators_of(definitions.DEFAULT_FRAMEWORK)]
SECOND = {
    **definitions.DEFAULT_FRAMEWORK,
    "name": "Coaching rubric",
    "levels": ["Emerging", "Developing", "Established"],
    "dimensions": [
        {
            "name": "Coaching",
            "indicators": [
                {"key": "cycles", "name": "Coaching cycles", "levels": ["a", "b", "c"]},
                {"key": "feedback", "name": "Feedback", "levels": ["a", "b", "c"]},
            ],
        }
    ],
}


async def _assessed(
    api: Any, subject: dict[str, int], rubric: int, levels: dict[str, int], period: str = "2025-Q1"
) -> None:
    made = await api.ok(
        "POST",
        "/rubrics/assessments",
        {
            **subject,
            "rubric_id": rubric,
            "period": period,
            "kind": "self_review",
            "held_on": f"{period[:4]}-02-15",
        },
        201,
    )
    consensus = [{"indicator": k, "level": v} for k, v in levels.items()]
    await api.ok("PUT", f"/rubrics/assessments/{made['id']}/consensus", {"consensus": consensus})


async def _two_rubrics(world: dict[str, Any], subject: dict[str, int]) -> int:
    fay = world["users"]["fay"].api
    second = await fay.ok(
        "POST", f"/rubrics/communities/{world['community_id']}", {"definition": SECOND}, 201
    )
    await _assessed(fay, subject, world["rubric_id"], {KEYS[0]: 2, KEYS[1]: 3})
    await _assessed(fay, subject, world["rubric_id"], {KEYS[0]: 3, KEYS[1]: 3}, "2025-Q2")
    await _assessed(fay, subject, second["id"], {"cycles": 1, "feedback": 2})
    return int(second["id"])


async def test_a_team_assessed_with_two_rubrics_shows_progress_per_rubric(world) -> None:
    north = world["teams"]["north"]
    second = await _two_rubrics(world, {"team_id": north})
    olu = world["users"]["olu"]
    body = await olu.api.ok("GET", f"/rubrics/teams/{north}/progress")
    SubjectProgress.model_validate(body)
    first, coaching = body["items"]
    assert (first["rubric_id"], coaching["rubric_id"]) == (world["rubric_id"], second)
    assert [p["period"] for p in first["periods"]] == ["2025-Q1", "2025-Q2"]
    assert first["movement"]["up"] == [KEYS[0]] and first["movement"]["same"] == [KEYS[1]]
    assert coaching["rubric_name"] == "Coaching rubric" and coaching["levels"][0] == "Emerging"
    assert [(r["key"], r["cells"]) for r in coaching["rows"]] == [
        ("cycles", [1]),
        ("feedback", [2]),
    ]
    assert coaching["movement"] is None and coaching["latest"] == "2025-Q1"
    document = await olu.api.ok("GET", "/openapi.json")
    answer = document["paths"]["/api/v1/rubrics/teams/{id}/progress"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SubjectProgress"
    }
    page = await olu.client.get(f"/communities/cedar/rubrics/teams/{north}")
    assert page.status_code == 200
    assert "<h2>Implementation framework</h2>" in page.text
    assert "<h2>Coaching rubric</h2>" in page.text and "Coaching cycles" in page.text


async def test_targets_of_one_rubric_are_set_and_refused_beside_that_rubric(world) -> None:
    north = world["teams"]["north"]
    second = await _two_rubrics(world, {"team_id": north})
    ben = world["users"]["ben"]
    path = f"/communities/cedar/rubrics/teams/{north}"
    token = csrf_of((await ben.client.get(path)).text)
    form = {"csrf_token": token, "rubric_id": str(second), "year": "2025"}
    bad = await ben.client.post(path, data={**form, "target-cycles": "9"})
    assert bad.status_code == 422
    assert bad.text.count('id="e-target-cycles"') == 1 and bad.text.count("<details open>") == 1
    for value in ("²", "9" * 5000):  # digits that are not a number: refused, not a failure
        odd = await ben.client.post(path, data={**form, "target-cycles": value})
        assert odd.status_code == 422
    saved = await ben.client.post(path, data={**form, "target-cycles": "3"})
    assert saved.status_code == 303
    body = await ben.api.ok("GET", f"/rubrics/teams/{north}/progress")
    targets = {r["rubric_id"]: r["targets_set"] for r in body["items"]}
    assert targets == {world["rubric_id"]: 0, second: 1}


async def test_an_organization_assessed_with_two_rubrics(world) -> None:
    fay = world["users"]["fay"].api
    org = await fay.ok(
        "POST",
        "/organizations",
        {"community_id": world["community_id"], "name": "North High", "kind": "school"},
        201,
    )
    await _two_rubrics(world, {"organization_id": org["id"]})
    body = await fay.ok("GET", f"/rubrics/organizations/{org['id']}/progress")
    assert [i.rubric_name for i in SubjectProgress.model_validate(body).items] == [
        "Implementation framework",
        "Coaching rubric",
    ]
    page = await world["users"]["fay"].client.get(
        f"/communities/cedar/rubrics/organizations/{org['id']}"
    )
    assert page.status_code == 200 and "<h2>Coaching rubric</h2>" in page.text
    rollup = await fay.ok("GET", f"/rubrics/communities/{world['community_id']}/rollup")
    assert len(rollup["rubrics"]) == 2
