"""Forum rows as a viewer may see them: boards, threads and posts found by id (404 when
the viewer may not see them, as if they did not exist), listed threads with unread markers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from plugins.api import (
    Community,
    NotFound,
    Page,
    ServiceContext,
)
from plugins.forums import markup
from plugins.forums.access import Viewer, viewer
from plugins.forums.models import (
    Board,
    Post,
    ReadMark,
    Thread,
)
from plugins.forums.schemas import (
    MAX_ID,
)

BOARD_FIELDS = ("id", "community_id", "team_id", "name", "description", "visibility")
THREAD_FIELDS = (
    "id", "board_id", "community_id", "team_id", "title", "author_user_id", "author_name",
    "is_question", "resolved", "locked", "hidden", "reply_count", "created_at",
    "last_activity_at",
)  # fmt: skip
POST_FIELDS = (
    "id", "thread_id", "author_user_id", "author_name", "body", "html", "quote_id",
    "version", "hidden", "created_at", "edited_at",
)  # fmt: skip


def now() -> datetime:
    return datetime.now(UTC)


async def slug_of(community_id: int) -> str:
    rows = await Community.filter(id=community_id).values_list("slug", flat=True)
    return str(rows[0]) if rows else ""


def thread_url(slug: str, thread_id: int) -> str:
    return f"/communities/{slug}/forums/threads/{thread_id}"


def exists(record_id: int) -> bool:
    """Whether an id from a URL can name a row at all (ids are 32-bit)."""
    return 0 < record_id <= MAX_ID


async def board_row(board_id: int) -> dict[str, Any]:
    rows = (
        []
        if not exists(board_id)
        else await Board.filter(id=board_id).values(*BOARD_FIELDS, team_name="team__name")
    )
    if not rows:
        raise NotFound(f"no board {board_id}")
    return dict(rows[0])


async def seen_board(ctx: ServiceContext, board_id: int) -> tuple[dict[str, Any], Viewer]:
    board = await board_row(board_id)
    missing = NotFound(f"no board {board_id}")
    seer = await viewer(ctx, board["community_id"], missing)
    if not seer.sees_board(board):
        raise missing
    return board, seer


async def read_marks(seer: Viewer, thread_ids: list[int]) -> dict[int, datetime]:
    if seer.user_id is None or not thread_ids:
        return {}
    rows = await ReadMark.filter(user_id=seer.user_id, thread_id__in=thread_ids).values_list(
        "thread_id", "read_at"
    )
    return {int(thread_id): read_at for thread_id, read_at in rows}


def unread(thread: dict[str, Any], marks: dict[int, datetime], seer: Viewer) -> bool:
    if seer.user_id is None:
        return False
    read_at = marks.get(thread["id"])
    return read_at is None or read_at < thread["last_activity_at"]


async def thread_rows(
    seer: Viewer, query: Any, page: Page | None = None
) -> tuple[list[dict[str, Any]], int]:
    if not seer.moderates:
        query = query.filter(hidden=False)
    total = await query.count()
    ordered = query.order_by("-last_activity_at", "-id")
    if page is not None:
        ordered = ordered.offset(page.offset).limit(page.size)
    rows = [
        dict(r)
        for r in await ordered.values(
            *THREAD_FIELDS, board_name="board__name", community_slug="community__slug"
        )
    ]
    marks = await read_marks(seer, [r["id"] for r in rows])
    for row in rows:
        row["unread"] = unread(row, marks, seer)
        row["url"] = thread_url(row["community_slug"], row["id"])
    return rows, total


async def thread_row(thread_id: int) -> dict[str, Any]:
    rows = (
        []
        if not exists(thread_id)
        else await Thread.filter(id=thread_id).values(
            *THREAD_FIELDS,
            board_name="board__name",
            board_visibility="board__visibility",
            board_team_id="board__team_id",
            community_slug="community__slug",
        )
    )
    if not rows:
        raise NotFound(f"no thread {thread_id}")
    row = dict(rows[0])
    row["url"] = thread_url(row["community_slug"], row["id"])
    return row


async def seen_thread(
    ctx: ServiceContext, thread_id: int, missing: NotFound | None = None
) -> tuple[dict[str, Any], Viewer]:
    """The thread and the actor's view, if they see it; else ``missing`` (by default the
    thread's NotFound; a post's, when the post was asked for)."""
    thread = await thread_row(thread_id)
    missing = missing or NotFound(f"no thread {thread_id}")
    seer = await viewer(ctx, thread["community_id"], missing)
    if not seer.sees(thread["board_visibility"], thread["board_team_id"]) or (
        thread["hidden"] and not seer.moderates
    ):
        raise missing
    return thread, seer


def board_of(thread: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": thread["board_id"],
        "community_id": thread["community_id"],
        "visibility": thread["board_visibility"],
        "team_id": thread["board_team_id"],
        "name": thread["board_name"],
    }


def as_seen(post: dict[str, Any], seer: Viewer) -> dict[str, Any]:
    """A post as the viewer gets it: a hidden post's text only for facilitators.

    The stored HTML was sanitized when it was written; it is sanitized again here (nh3
    takes microseconds), so a post stored under an older, looser policy is never shown
    unsafe."""
    if post["hidden"] and not seer.moderates:
        return {**post, "body": "", "html": ""}
    return {**post, "html": markup.sanitize(post["html"])}


async def post_row(post_id: int, seer: Viewer | None = None) -> dict[str, Any]:
    rows = await Post.filter(id=post_id).values(
        *POST_FIELDS, community_id="thread__community_id", thread_title="thread__title"
    )
    if not rows:
        raise NotFound(f"no post {post_id}")
    row = dict(rows[0])
    return as_seen(row, seer) if seer is not None else row


async def seen_post(ctx: ServiceContext, post_id: int) -> tuple[dict[str, Any], dict, Viewer]:
    rows = [] if not exists(post_id) else await Post.filter(id=post_id).values("thread_id")
    missing = NotFound(f"no post {post_id}")
    if not rows:
        raise missing
    thread, seer = await seen_thread(ctx, rows[0]["thread_id"], missing)
    return await post_row(post_id), thread, seer
