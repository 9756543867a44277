"""Moderation, facilitators only: lock, hide or move threads, hide posts, decide reports."""

from __future__ import annotations

from typing import Any

from plugins.api import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    ServiceContext,
    community_write,
)
from plugins.forums.access import viewer
from plugins.forums.models import (
    Board,
    Post,
    Report,
    Thread,
)
from plugins.forums.rows import (
    exists,
    now,
    post_row,
    seen_post,
    seen_thread,
    slug_of,
    thread_row,
    thread_rows,
    thread_url,
)
from plugins.forums.schemas import (
    Moderation,
    PostModeration,
    ReportCreate,
    ReportDecision,
)


async def moderate(ctx: ServiceContext, thread_id: int, data: Moderation) -> dict[str, Any]:
    """Lock, unlock, hide, unhide or move a thread: facilitators only."""
    thread, seer = await seen_thread(ctx, thread_id)
    if not seer.moderates:
        raise PermissionDenied("only facilitators moderate threads")
    changes: dict[str, Any] = {}
    if data.action in ("lock", "unlock"):
        changes["locked"] = data.action == "lock"
    elif data.action in ("hide", "unhide"):
        changes["hidden"] = data.action == "hide"
    else:
        if data.board_id is None:
            raise InvalidInput.field("board_id", "name the board to move the thread to")
        target = await Board.filter(id=data.board_id, community_id=thread["community_id"]).values(
            "id", "team_id"
        )
        if not target:
            raise InvalidInput.field("board_id", f"no board {data.board_id} in this community")
        changes["board_id"] = data.board_id
        if target[0]["team_id"] is not None:
            changes["team_id"] = target[0]["team_id"]
    async with community_write(thread["community_id"]):
        await Thread.filter(id=thread_id).update(**changes)
    return await thread_row(thread_id)


async def moderate_post(ctx: ServiceContext, post_id: int, data: PostModeration) -> dict[str, Any]:
    """Hide a post (everyone else sees a note in its place) or show it again:
    facilitators only."""
    _post, thread, seer = await seen_post(ctx, post_id)
    if not seer.moderates:
        raise PermissionDenied("only facilitators moderate posts")
    async with community_write(thread["community_id"]):
        await Post.filter(id=post_id).update(hidden=data.action == "hide")
    return await post_row(post_id, seer)


async def report_post(ctx: ServiceContext, post_id: int, data: ReportCreate) -> dict[str, Any]:
    """Report a post to the facilitators (anyone who sees it)."""
    _post, thread, seer = await seen_post(ctx, post_id)
    if seer.role is None and not seer.admin:
        raise PermissionDenied("you may not report posts here")
    async with community_write(thread["community_id"]):
        report = await Report.create(
            post_id=post_id,
            community_id=thread["community_id"],
            reporter_user_id=ctx.actor.user_id,
            reason=data.reason,
        )
    return {"id": report.id, "post_id": post_id, "reason": data.reason, "outcome": ""}


async def moderation_queue(ctx: ServiceContext, community_id: int) -> dict[str, Any]:
    """Open reports (oldest first) and hidden threads of a community: facilitators only."""
    seer = await viewer(ctx, community_id)
    if not seer.moderates:
        raise PermissionDenied("only facilitators see the moderation queue")
    reports = [
        dict(r)
        for r in await Report.filter(community_id=community_id, resolved_at__isnull=True)
        .order_by("created_at", "id")
        .values(
            "id",
            "post_id",
            "reason",
            "created_at",
            post_body="post__body",
            post_author="post__author_name",
            post_hidden="post__hidden",
            thread_id="post__thread_id",
            thread_title="post__thread__title",
        )
    ]
    slug = await slug_of(community_id)
    for report in reports:
        report["url"] = thread_url(slug, report["thread_id"]) + f"#post-{report['post_id']}"
    hidden, _ = await thread_rows(seer, Thread.filter(community_id=community_id, hidden=True))
    return {"reports": reports, "hidden_threads": hidden}


async def decide_report(
    ctx: ServiceContext, report_id: int, data: ReportDecision
) -> dict[str, Any]:
    """Close a report: dismiss it, or hide the post (every open report of it closes)."""
    rows = (
        await Report.filter(id=report_id).values("id", "post_id", "community_id")
        if exists(report_id)
        else []
    )
    missing = NotFound(f"no report {report_id}")
    if not rows:
        raise missing
    report = rows[0]
    seer = await viewer(ctx, report["community_id"], missing)
    if not seer.moderates:
        raise PermissionDenied("only facilitators decide reports")
    async with community_write(report["community_id"]):
        if data.outcome == "hidden":
            await Post.filter(id=report["post_id"]).update(hidden=True)
            closing = Report.filter(post_id=report["post_id"], resolved_at__isnull=True)
        else:
            closing = Report.filter(id=report_id)
        await closing.update(
            resolved_at=now(), resolved_by_user_id=ctx.actor.user_id, outcome=data.outcome
        )
    return {"id": report_id, "post_id": report["post_id"], "outcome": data.outcome}
