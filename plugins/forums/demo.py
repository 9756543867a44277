"""Demo threads for ``nic demo``: two boards per community, a question that refers to
another team's cycle (so the graph shows learning between the teams), and a
team-only conversation.

Posts are written through the services as the operator; the demo then signs them
with names of the community's people (demo accounts are not linked to people).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from plugins.api import Cycle, Person, ServiceContext, Team, community_write
from plugins.forums import services
from plugins.forums.models import Post, Thread
from plugins.forums.schemas import BoardCreate, ReplyCreate, ThreadCreate


async def load_demo(
    ctx: ServiceContext, community_ids: list[int], today: date | None = None
) -> None:
    today = today or date.today()
    for community_id in community_ids:
        await _community(ctx, community_id, today)


POSTED_AGO = (
    timedelta(days=33, hours=-2),
    timedelta(days=31, hours=3),
    timedelta(days=24, hours=-5),
    timedelta(days=6, hours=1),
)
"""How long before the demo's day each demo post was written, in the order they are made
(the question, its two replies, the team's note): activity over weeks, not one minute."""


async def _community(ctx: ServiceContext, community_id: int, today: date) -> None:
    teams = list(await Team.filter(community_id=community_id).order_by("id").values("id", "name"))
    cycles = list(
        await Cycle.filter(community_id=community_id).order_by("id").values("id", "team_id")
    )
    people = list(
        await Person.filter(community_id=community_id)
        .order_by("id")
        .limit(3)
        .values_list("name", flat=True)
    )
    if not teams or not cycles:
        return
    asking = teams[-1]
    answered = next((c for c in cycles if c["team_id"] != asking["id"]), cycles[0])
    own = next((c for c in cycles if c["team_id"] == asking["id"]), cycles[-1])
    general = await services.create_board(
        ctx,
        community_id,
        BoardCreate(name="Across teams", description="Questions and ideas for every team."),
    )
    room = await services.create_board(
        ctx,
        community_id,
        BoardCreate(
            name=f"{asking['name']} working room",
            description="Only this team and the facilitators see it.",
            visibility="team",
            team_id=asking["id"],
        ),
    )
    question = await services.create_thread(
        ctx,
        general["id"],
        ThreadCreate(
            title="How did you get started with this change idea?",
            body=(
                f"We read about #cycle-{answered['id']} and want to try something similar.\n\n"
                "- What would you do differently?\n- Which measure told you it worked?"
            ),
            is_question=True,
        ),
    )
    first = await services.reply(
        ctx,
        question["id"],
        ReplyCreate(body="Start small: **one class, two weeks**, and look at the data weekly."),
    )
    await services.reply(
        ctx,
        question["id"],
        ReplyCreate(body="Thank you, we will plan our first cycle that way.", quote_of=first["id"]),
    )
    private = await services.create_thread(
        ctx,
        room["id"],
        ThreadCreate(
            title="Notes before the next convening",
            body=f"Let's bring #cycle-{own['id']} and what we learned from it.",
        ),
    )
    await _sign_and_date(community_id, question["id"], private["id"], asking["id"], people, today)


async def _sign_and_date(
    community_id: int, question: int, private: int, asking: int, people: list[str], today: date
) -> None:
    # Sign the demo posts with people of the community, and give the question the
    # asking team (the operator who wrote them belongs to no team).
    names = people or ["Demo Facilitator"]
    async with community_write(community_id):
        await Thread.filter(id=question).update(team_id=asking, author_name=names[0])
        await Thread.filter(id=private).update(author_name=names[0])
        posts = (
            await Post.filter(thread_id__in=[question, private])
            .order_by("id")
            .values_list("id", flat=True)
        )
        # Written over weeks (the demo lives in the present: communities.examples.demo).
        noon = datetime.combine(today, time(16), UTC)
        moments = [noon - ago for ago in POSTED_AGO]
        for number, post_id in enumerate(posts):
            await Post.filter(id=post_id).update(
                author_name=names[number % len(names)],
                created_at=moments[min(number, len(moments) - 1)],
            )
        await Thread.filter(id=question).update(created_at=moments[0], last_activity_at=moments[2])
        await Thread.filter(id=private).update(created_at=moments[3], last_activity_at=moments[3])
