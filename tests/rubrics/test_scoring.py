"""Assessments, scoring by several raters, consensus, agreement, targets and permissions
through the plugin's services (as the pages, API and CLI call them)."""

from __future__ import annotations

from typing import Any

import pytest

from plugins.api import Conflict, InvalidInput, PermissionDenied
from plugins.rubrics import definitions, progress, services
from plugins.rubrics.schemas import (
    AssessmentCreate,
    ConsensusIn,
    ConsensusSet,
    ScoreIn,
    ScoresIn,
    TargetIn,
    TargetsSet,
)
from tests.rubrics.helpers import open_assessment

KEYS = [i["key"] for i in definitions.indicators_of(definitions.DEFAULT_FRAMEWORK)]


def scores(levels: list[int | None], **extra: Any) -> ScoresIn:
    return ScoresIn(
        scores=[ScoreIn(indicator=k, level=v) for k, v in zip(KEYS, levels, strict=True)],
        **extra,
    )


async def test_raters_score_a_draft_then_submit_and_agreement_is_shown(world) -> None:
    users = world["users"]
    a = await open_assessment(world)
    assert (a["team_name"], a["version"], a["kind_label"]) == ("North SIDT", 1, "Self-review")
    # Ana saves a draft with two indicators scored, then comes back and submits.
    draft = await services.save_scores(
        users["ana"].ctx,
        a["id"],
        ScoresIn(scores=[ScoreIn(indicator=KEYS[0], level=2, evidence="Vision drafted in May")]),
    )
    sheet = draft["sheets"][0]
    assert (sheet["rater_name"], sheet["submitted"]) == ("Ana Ruiz", False)
    assert draft["agreement"]["pairs"] == 0  # drafts do not count
    with pytest.raises(InvalidInput) as missing:
        await services.save_scores(users["ana"].ctx, a["id"], ScoresIn(submit=True))
    assert set(missing.value.fields) == {f"scores.{k}.level" for k in KEYS[1:]}
    await services.save_scores(
        users["ana"].ctx,
        a["id"],
        ScoresIn(
            scores=[
                ScoreIn(indicator=k, level=v) for k, v in zip(KEYS[1:], [2, 3, 4, 4], strict=True)
            ],
            submit=True,
        ),
    )
    mine = (await services.get_assessment(users["ana"].ctx, a["id"]))["sheets"][0]
    assert mine["submitted"] and mine["scores"][KEYS[0]]["evidence"] == "Vision drafted in May"
    # Ben submits: two raters give Cohen's kappa.
    await services.save_scores(users["ben"].ctx, a["id"], scores([2, 3, 3, 4, 3], submit=True))
    two = await services.get_assessment(users["olu"].ctx, a["id"])
    # Ana 2 2 3 4 4, Ben 2 3 3 4 3: agree on 3 of 5, all within one level.
    # Ana's levels 2:2 3:1 4:2; Ben's 2:1 3:3 4:1: pe = (2*1 + 1*3 + 2*1)/25 = 7/25.
    # kappa = (15/25 - 7/25) / (18/25) = 8/18.
    g = two["agreement"]
    assert (g["raters"], g["items"], g["pairs"]) == (2, 5, 5)
    assert g["exact"] == pytest.approx(0.6) and g["adjacent"] == 1.0
    assert g["kappa_kind"] == "cohen" and g["kappa"] == pytest.approx(8 / 18)
    # Fay (facilitator) scores too: three raters who scored everything give Fleiss' kappa.
    await services.save_scores(users["fay"].ctx, a["id"], scores([2, 2, 3, 4, 4], submit=True))
    three = await services.get_assessment(users["rae"].ctx, a["id"])
    assert three["agreement"]["kappa_kind"] == "fleiss"
    # Items: (2,2,2) (2,3,2) (3,3,3) (4,4,4) (4,3,4); P_i: 1, 1/3, 1, 1, 1/3 -> P-bar = 11/15.
    # Level shares of 15 ratings: 2: 5, 3: 5, 4: 5 -> P-e = 3 * (1/3)^2 = 1/3.
    # kappa = (11/15 - 5/15) / (10/15) = 6/10.
    assert three["agreement"]["kappa"] == pytest.approx(0.6)
    assert three["suggested"] == dict(zip(KEYS, [2, 2, 3, 4, 4], strict=True))


async def test_consensus_and_progress_over_periods_with_targets(world) -> None:
    users = world["users"]
    q1 = await open_assessment(world, period="2025-Q1")
    await services.save_scores(users["ana"].ctx, q1["id"], scores([1, 2, 2, 3, 1], submit=True))
    await services.save_scores(users["ben"].ctx, q1["id"], scores([1, 2, 3, 3, 2], submit=True))
    # Consensus on one indicator; the rest come from the lower median of the scores.
    await services.set_consensus(
        users["fay"].ctx,
        q1["id"],
        ConsensusSet(consensus=[ConsensusIn(indicator=KEYS[2], level=3)]),
    )
    q2 = await open_assessment(world, period="2025-Q2", kind="external_review")
    await services.set_consensus(
        users["ana"].ctx,
        q2["id"],
        ConsensusSet(
            consensus=[
                ConsensusIn(indicator=k, level=v, note="agreed")
                for k, v in zip(KEYS, [2, 2, 3, 4, 1], strict=True)
            ]
        ),
    )
    await services.set_targets(
        users["ben"].ctx,
        f"team:{world['teams']['north']}",
        TargetsSet(
            rubric_id=world["rubric_id"],
            year=2025,
            targets=[TargetIn(indicator=KEYS[0], level=3), TargetIn(indicator=KEYS[3], level=4)],
        ),
    )
    team = await services.subject_of(f"team:{world['teams']['north']}")
    [report] = await progress.subject_progress(users["olu"].ctx, team)
    assert [p["period"] for p in report["periods"]] == ["2025-Q1", "2025-Q2"]
    assert [row["cells"] for row in report["rows"]] == [[1, 2], [2, 2], [3, 3], [3, 4], [1, 1]]
    assert [row["change"] for row in report["rows"]] == [1, 0, 0, 1, 0]
    assert report["movement"] == {
        "up": [KEYS[0], KEYS[3]],
        "down": [],
        "same": [*KEYS[1:3], KEYS[4]],
    }
    assert (report["targets_set"], report["targets_met"]) == (2, 1)
    assert report["periods"][0]["mean"] == 2.0 and report["periods"][1]["mean"] == 2.4
    # Agenda: moved (2 up) and stalled (3 indicators still below the top level).
    items = await progress.agenda(world["community_id"], None, q2["held_on"])
    assert [i.kind for i in items] == ["rubric_movement", "rubric_stalled"]
    assert items[0].title == "North SIDT: rubric levels moved since 2025-Q1"
    assert "A shared vision for the innovation (Not Yet Begun → Initial)" in items[0].detail
    assert items[0].refs == (f"team:{world['teams']['north']}",)
    assert items[1].detail.startswith("Still at the same level: A school design team")
    assert await progress.agenda(world["community_id"], q2["held_on"], q2["held_on"]) == []


async def test_who_may_do_what(world) -> None:
    users = world["users"]
    a = await open_assessment(world)
    # Members of another team, researchers and observers cannot score North.
    for who in ("dee", "rae", "olu"):
        with pytest.raises(PermissionDenied):
            await services.save_scores(users[who].ctx, a["id"], scores([1, 1, 1, 1, 1]))
        with pytest.raises(PermissionDenied):
            await services.set_consensus(users[who].ctx, a["id"], ConsensusSet(consensus=[]))
    # Cal belongs to North too, so may score; Dee may open an assessment of South only.
    await services.save_scores(users["cal"].ctx, a["id"], scores([1, 1, 1, 1, 1]))
    with pytest.raises(PermissionDenied):
        await open_assessment(
            {**world, "users": {"fay": users["dee"]}}, team="north", period="2025-Q3"
        )
    south = await open_assessment({**world, "users": {"fay": users["dee"]}}, team="south")
    assert south["team_name"] == "South SIDT"
    # Everyone in the community reads; a stranger does not.
    assert (await services.get_assessment(users["olu"].ctx, a["id"]))["id"] == a["id"]


async def test_bad_input_names_the_field(world) -> None:
    fay = world["users"]["fay"].ctx
    a = await open_assessment(world)
    with pytest.raises(Conflict):
        await open_assessment(world)
    with pytest.raises(InvalidInput) as caught:
        await services.save_scores(
            fay,
            a["id"],
            ScoresIn(
                scores=[ScoreIn(indicator="nope", level=1), ScoreIn(indicator=KEYS[0], level=5)]
            ),
        )
    assert caught.value.fields == {
        "scores.nope": "no such indicator in this rubric version",
        f"scores.{KEYS[0]}.level": "choose a level from 1 to 4",
    }
    with pytest.raises(InvalidInput) as caught:
        await services.save_scores(
            fay, a["id"], ScoresIn(scores=[ScoreIn(indicator=KEYS[0], level=1, cycle_ids=[999])])
        )
    assert caught.value.fields == {f"scores.{KEYS[0]}.cycle_ids": "no cycle 999 in this community"}
    with pytest.raises(InvalidInput) as caught:
        await services.set_consensus(
            fay, a["id"], ConsensusSet(consensus=[ConsensusIn(indicator=KEYS[0], level=0)])
        )
    assert f"consensus.{KEYS[0]}.level" in caught.value.fields
    with pytest.raises(InvalidInput) as caught:
        await services.create_assessment(
            fay,
            AssessmentCreate(
                team_id=world["teams"]["north"],
                rubric_id=999_999,
                period="2025-Q4",
                kind="self_review",
                held_on="2025-11-01",
            ),
        )
    assert "rubric_id" in caught.value.fields
    with pytest.raises(ValueError, match="2025-Q3"):
        AssessmentCreate(
            team_id=1, rubric_id=1, period="2025-13", kind="self_review", held_on="2025-11-01"
        )
