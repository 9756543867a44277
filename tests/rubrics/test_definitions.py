"""Rubric definitions: the default framework, YAML import and export, errors naming the
line and the field, and versions that old assessments keep."""

from __future__ import annotations

import pytest

from plugins.api import InvalidInput, PermissionDenied
from plugins.rubrics import definitions, services
from plugins.rubrics.definitions import DEFAULT_FRAMEWORK, parse_yaml, to_yaml
from tests.rubrics.helpers import open_assessment

GOOD = """\
name: Data culture
levels: [Not Yet Begun, Initial, Partial, Full Implementation]
dimensions:
  - name: Data use
    indicators:
      - key: review
        name: Data reviewed on a schedule
        levels: [Never, Sometimes, Monthly, Monthly with follow-up]
"""


def test_the_default_framework_has_four_levels_and_reads_back_from_yaml() -> None:
    assert DEFAULT_FRAMEWORK["levels"] == [
        "Not Yet Begun",
        "Initial",
        "Partial",
        "Full Implementation",
    ]
    indicators = definitions.indicators_of(DEFAULT_FRAMEWORK)
    assert len(DEFAULT_FRAMEWORK["dimensions"]) >= 3 and len(indicators) >= 5
    assert all(len(i["levels"]) == 4 for i in indicators)
    assert parse_yaml(to_yaml(DEFAULT_FRAMEWORK)) == DEFAULT_FRAMEWORK


def _problems(text: str) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        parse_yaml(text)
    return caught.value.fields


def test_errors_name_the_line_and_the_field() -> None:
    text = """\
name: Data culture
levels: [Not Yet Begun, Initial, Partial, Full Implementation]
dimensions:
  - name: Data use
    indicators:
      - key: review
        name: Data reviewed
        levels: [a, b, c, d]
  - name: Leadership
    indicators:
      - key: vision
        name: Vision
        levels: [a, b, c]
      - key: review
        name: Again
        levels: [a, b, c, d]
        colour: red
      - name: No key
        levels: [a, b, c, d]
"""
    found = _problems(text)
    assert found == {
        "dimensions[1].indicators[0].levels": "line 13: dimensions[1].indicators[0].levels: "
        "expected 4 descriptors (one per level), got 3",
        "dimensions[1].indicators[1].key": "line 14: dimensions[1].indicators[1].key: "
        "'review' is also dimensions[0].indicators[0]",
        "dimensions[1].indicators[1].colour": "line 17: dimensions[1].indicators[1].colour: "
        "unknown field (expected one of key, levels, name)",
        "dimensions[1].indicators[2].key": "line 18: dimensions[1].indicators[2].key: is required",
    }
    # The message leads with the first problem, from the top of the file down.
    with pytest.raises(InvalidInput) as caught:
        parse_yaml(text)
    assert caught.value.message.startswith("the rubric file has problems: line 13:")
    assert "(and 3 more)" in caught.value.message


def test_other_bad_files() -> None:
    assert _problems("name: [unclosed\n")["file"].startswith("line 2:")
    assert _problems("")["file"] == "the file is empty"
    assert _problems("- just\n- a list\n")["file"].startswith("line 1: file: expected a mapping")
    missing = _problems("name: X\n")
    assert missing["levels"] == "line 1: levels: is required: a list of level names"
    assert "dimensions" in missing
    assert _problems(GOOD.replace("key: review", "key: Bad Key!"))[
        "dimensions[0].indicators[0].key"
    ].startswith("line 6: dimensions[0].indicators[0].key: use lower-case letters")
    assert (
        _problems(GOOD.replace("[Not Yet Begun, Initial, Partial, Full Implementation]", "[One]"))[
            "levels"
        ]
        == "line 2: levels: expected 2 to 10 levels, got 1"
    )
    assert _problems(GOOD.replace("name: Data culture", "name: {a: 1}"))["name"] == (
        "line 1: name: expected text"
    )
    assert (
        _problems(GOOD.replace("  - name: Data use\n", "  - name: ''\n"))["dimensions[0].name"]
        == "line 4: dimensions[0].name: must not be empty"
    )


async def test_import_makes_versions_and_old_assessments_keep_theirs(world) -> None:
    fay = world["users"]["fay"]
    cid = world["community_id"]
    first = await services.import_yaml(fay.ctx, cid, GOOD, "first")
    assert first["outcome"] == "created" and first["version"] == 1
    assert (await services.import_yaml(fay.ctx, cid, GOOD))["outcome"] == "unchanged"
    world["rubric_id"] = first["id"]
    old = await open_assessment(world, period="2025-Q1")
    changed = GOOD.replace("Monthly with follow-up", "Monthly and every action followed up")
    second = await services.import_yaml(fay.ctx, cid, changed, "follow-up clarified")
    assert (second["id"], second["version"], second["outcome"]) == (first["id"], 2, "new_version")
    new = await open_assessment(world, period="2025-Q2")
    assert (old["version"], new["version"]) == (1, 2)
    again = await services.get_assessment(fay.ctx, old["id"])
    assert again["indicators"][0]["levels"][3] == "Monthly with follow-up"
    rubric = await services.get_rubric(fay.ctx, first["id"])
    assert [v["number"] for v in rubric["versions"]] == [2, 1]
    assert (await services.get_rubric(fay.ctx, first["id"], 1))["definition"] == parse_yaml(GOOD)
    exported = await services.export_yaml(fay.ctx, first["id"], 1)
    assert exported.startswith("# Data culture, version 1")
    assert parse_yaml(exported) == parse_yaml(GOOD)


async def test_only_facilitators_define_rubrics(world) -> None:
    cid = world["community_id"]
    for who in ("ana", "rae", "olu"):
        with pytest.raises(PermissionDenied):
            await services.import_yaml(world["users"][who].ctx, cid, GOOD)
    rubrics = await services.list_rubrics(world["users"]["olu"].ctx, cid)
    assert [r["name"] for r in rubrics] == ["Implementation framework"]


def test_the_size_of_a_rubric_is_bounded() -> None:
    # Aliases could repeat one long list many times over: the size is bounded.
    many_dims = GOOD.replace("  - name: Data use", "  - &d\n    name: Data use") + "  - *d\n" * 50
    assert _problems(many_dims)["dimensions"] == "line 4: dimensions: has more than 50 dimensions"
    indicator = "      - {key: k, name: K, levels: [a, b, c, d]}\n"
    many = (
        "name: Big\nlevels: [a, b, c, d]\ndimensions:\n  - name: D\n    indicators: &i\n"
        + indicator * 40
        + "  - {name: E, indicators: *i}\n" * 8
    )
    found = _problems(many)
    assert found["dimensions[7].indicators"].endswith("more than 300 in the rubric")
    assert _problems("name: x\n" + "#" * 500_001)["file"] == "is longer than 500,000 characters"
