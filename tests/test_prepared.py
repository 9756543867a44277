"""Prepared queries answer exactly what the ORM query answers, or fall back to it."""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.transactions import in_transaction

from communities.models import Cycle, Membership
from communities.web.queries import active_on
from core.auth.users import create_user
from core.models import User
from core.prepared import PreparedValues
from tests.factories import load_small


async def test_prepared_queries_answer_what_the_orm_answers(app) -> None:
    await load_small(app)

    def cycles_query(team_id: int, status: str) -> Any:
        return (
            Cycle.filter(team_id=team_id, status=status)
            .order_by("-id")
            .values("id", "title", "planned_start", "updated_at", "team__name", "community__slug")
        )

    def memberships_query(day: date, community_id: int) -> Any:
        return Membership.filter(active_on(day), team__community_id=community_id).values(
            "id", "person__name", "start_date", "end_date"
        )

    cycles = PreparedValues(Cycle, cycles_query)
    memberships = PreparedValues(Membership, memberships_query)
    team_ids = set(await Cycle.all().values_list("team_id", flat=True))
    community_id = (await Cycle.first().values("community_id"))["community_id"]  # type: ignore[index]
    for _ in range(2):  # the first call prepares, the second runs the prepared SQL
        for team_id in team_ids:
            for status in ("completed", "doing", "planning", "nothing"):
                want = await cycles_query(team_id, status)
                assert await cycles(team_id, status) == want
        for day in (date(2024, 9, 1), date(2025, 7, 1), date(2030, 1, 1)):
            want = await memberships_query(day, community_id)
            assert await memberships(day, community_id) == want and want
    assert cycles.prepared() and all(cycles.prepared().values())
    assert memberships.prepared() and all(memberships.prepared().values())


async def test_a_transformed_parameter_falls_back_to_the_orm(app) -> None:
    await load_small(app)

    def search_query(text: str) -> Any:
        return Cycle.filter(title__icontains=text).order_by("id").values("title")

    search = PreparedValues(Cycle, search_query)
    assert await search("HUDDLE") == list(await search_query("HUDDLE"))
    assert len(await search("huddle")) >= 2
    assert set(search.prepared().values()) == {False}  # "%huddle%" is not the value passed


async def test_other_kinds_of_value_go_through_the_orm(app) -> None:
    await create_user("ana@example.org", "a-long-password", name="Ana")
    by_id = PreparedValues(User, lambda user_id: User.filter(id=user_id).values("email"))
    user_id = (await User.get(email="ana@example.org")).id
    assert await by_id(user_id) == [{"email": "ana@example.org"}]
    assert await by_id(str(user_id)) == [{"email": "ana@example.org"}]  # not an int: the ORM


async def test_a_prepared_query_sees_its_transactions_writes(app) -> None:
    by_email = PreparedValues(
        User, lambda email: User.filter(email=email).values("id", "is_admin", "created_at")
    )
    assert await by_email("nobody@example.org") == []
    async with in_transaction():
        await User.create(email="new@example.org", password_hash="x", is_admin=True)
        rows = await by_email("new@example.org")
        assert len(rows) == 1 and rows[0]["is_admin"] is True
        assert rows[0]["created_at"].tzinfo is not None
