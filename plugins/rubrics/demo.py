"""Demo data: the default implementation framework in every demo community, and three
assessments of each design team (a self-review, an external review, a self-review) with
consensus levels that mostly rise, some stall, and a yearly target or two.

No rater scores are made up: the demo users score live on the assessment form. Every
level comes from a seeded generator, so each ``nic demo`` gives the same data; a fixed
number of queries per community.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from plugins.api import ServiceContext, Team, community_write
from plugins.rubrics import definitions, services
from plugins.rubrics.models import Assessment, Consensus, Rubric, RubricVersion, Target

REVIEWS = (("self_review", 574), ("external_review", 427), ("self_review", 210))
"""Each assessment's kind and how many days before the demo's day it was held (the demo
lives in the present: ``communities.examples.demo``)."""
ADOPTED_BEFORE = 30
"""Days between the framework's adoption (its version 1) and the first assessment."""


def periods(today: date) -> list[tuple[str, str, date]]:
    """The assessments' period names, kinds and days, counted back from ``today``."""
    found = []
    for kind, days in REVIEWS:
        held_on = today - timedelta(days=days)
        found.append((f"{held_on.year}-Q{(held_on.month - 1) // 3 + 1}", kind, held_on))
    return found


async def add_demo(
    ctx: ServiceContext, community_ids: list[int], today: date | None = None
) -> None:
    today = today or date.today()
    held = periods(today)
    adopted = datetime.combine(held[0][2] - timedelta(days=ADOPTED_BEFORE), time(15), UTC)
    for community_id in community_ids:
        saved = await services.add_default_framework(ctx, community_id)
        async with community_write(community_id):  # adopted before its first use
            await Rubric.filter(id=saved["id"]).update(created_at=adopted)
            await RubricVersion.filter(rubric_id=saved["id"]).update(created_at=adopted)
        version = await RubricVersion.get(rubric_id=saved["id"], number=saved["version"])
        keys = [i["key"] for i in definitions.indicators_of(version.definition)]
        top = len(version.definition["levels"])
        teams = await Team.filter(community_id=community_id).order_by("id").values("id", "kind")
        rng = random.Random(f"rubrics-demo-{community_id}-{len(teams)}")
        async with community_write(community_id):
            await Assessment.bulk_create(
                [
                    Assessment(
                        community_id=community_id,
                        team_id=t["id"],
                        version_id=version.id,
                        period=period,
                        kind=kind,
                        held_on=held_on,
                        note="Demo assessment (consensus levels only).",
                    )
                    for t in teams
                    if t["kind"].endswith("design_team")
                    for period, kind, held_on in held
                ]
            )
            made = await Assessment.filter(community_id=community_id).values(
                "id", "team_id", "period"
            )
            levels: dict[tuple[int, str], int] = {}
            rows = []
            for a in sorted(made, key=lambda a: (a["team_id"], a["period"])):
                for key in keys:
                    before = levels.get((a["team_id"], key))
                    if before is None:
                        level = rng.choice((1, 1, 2, 2, 3))
                    else:  # most indicators move up a level, some stall
                        level = min(top, before + (1 if rng.random() < 0.55 else 0))
                    levels[(a["team_id"], key)] = level
                    rows.append(Consensus(assessment_id=a["id"], indicator=key, level=level))
            await Consensus.bulk_create(rows)
            await Target.bulk_create(
                [
                    Target(
                        team_id=team_id,
                        rubric_id=saved["id"],
                        year=held[-1][2].year,
                        indicator=key,
                        level=min(top, level + 1),
                    )
                    for (team_id, key), level in sorted(levels.items())
                    if key in keys[:2]
                ]
            )
