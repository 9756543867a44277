"""Boards: listed with thread and unread counts, read, made by facilitators."""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.functions import Count, Max

from plugins.api import (
    InvalidInput,
    ServiceContext,
    Team,
    community_write,
)
from plugins.forums.access import viewer
from plugins.forums.models import (
    Board,
    ReadMark,
    Thread,
)
from plugins.forums.rows import (
    BOARD_FIELDS,
    seen_board,
)
from plugins.forums.schemas import (
    BoardCreate,
)


async def list_boards(ctx: ServiceContext, community_id: int) -> list[dict[str, Any]]:
    """The boards the actor sees, community boards first, with thread counts and the
    number of threads with posts the actor has not read: three queries."""
    seer = await viewer(ctx, community_id)
    boards = [
        dict(row)
        for row in await Board.filter(Q(community_id=community_id), seer.board_q())
        .order_by("team_id", "name", "id")
        .values(*BOARD_FIELDS, team_name="team__name")
    ]
    shown = {} if seer.moderates else {"hidden": False}
    board_ids = [b["id"] for b in boards]
    # Counted in the database, and only the actor's own read marks are read: the page
    # costs the same whether the boards hold ten threads or ten thousand.
    totals = {
        r["board_id"]: r
        for r in await Thread.filter(board_id__in=board_ids, **shown)
        .annotate(count=Count("id"), last=Max("last_activity_at"))
        .group_by("board_id")
        .values("board_id", "count", "last")
    }
    read: dict[int, int] = {}
    if seer.user_id is not None and board_ids:
        marks = await ReadMark.filter(
            user_id=seer.user_id,
            thread__board_id__in=board_ids,
            **{f"thread__{key}": value for key, value in shown.items()},
        ).values("read_at", board_id="thread__board_id", last="thread__last_activity_at")
        for mark in marks:
            if mark["read_at"] >= mark["last"]:
                read[mark["board_id"]] = read.get(mark["board_id"], 0) + 1
    for board in boards:
        total = totals.get(board["id"], {"count": 0, "last": None})
        board["thread_count"] = int(total["count"])
        board["last_activity_at"] = total["last"]
        board["unread_count"] = (
            board["thread_count"] - read.get(board["id"], 0) if seer.user_id is not None else 0
        )
    boards.sort(key=lambda b: (b["team_id"] is not None, b["team_name"] or "", b["name"]))
    return boards


async def get_board(ctx: ServiceContext, board_id: int) -> dict[str, Any]:
    board, seer = await seen_board(ctx, board_id)
    board["may_post"] = seer.may_post(board)
    board["moderates"] = seer.moderates
    return board


async def create_board(ctx: ServiceContext, community_id: int, data: BoardCreate) -> dict[str, Any]:
    """A new board; only facilitators make boards."""
    await ctx.authorize("manage", community_id=community_id)
    if data.visibility == "team" and data.team_id is None:
        raise InvalidInput.field("team_id", "a team-only board needs a team")
    if (
        data.team_id is not None
        and not await Team.filter(id=data.team_id, community_id=community_id).exists()
    ):
        raise InvalidInput.field("team_id", f"no team {data.team_id} in this community")
    if await Board.filter(community_id=community_id, name=data.name).exists():
        raise InvalidInput.field("name", "this community already has a board of that name")
    try:
        async with community_write(community_id):
            board = await Board.create(
                community_id=community_id,
                team_id=data.team_id,
                name=data.name,
                description=data.description,
                visibility=data.visibility,
            )
    except IntegrityError as exc:  # the same name, made in between
        raise InvalidInput.field("name", "this community already has a board of that name") from exc
    return await get_board(ctx, board.id)
