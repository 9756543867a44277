"""Threads: listed, opened, read (with one page of posts), replied to, followed, resolved
and searched."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from plugins.api import (
    Conflict,
    InvalidInput,
    Page,
    PermissionDenied,
    Person,
    ServiceContext,
    community_write,
    fold_line,
)
from plugins.forums import markup, notices
from plugins.forums.access import viewer
from plugins.forums.models import (
    Board,
    Follow,
    Post,
    ReadMark,
    Thread,
)
from plugins.forums.references import (
    mentioned_users,
    names_in,
    references_of,
    resolved_references,
    write_references,
)
from plugins.forums.rows import (
    POST_FIELDS,
    as_seen,
    board_of,
    now,
    post_row,
    read_marks,
    seen_board,
    seen_thread,
    thread_row,
    thread_rows,
    thread_url,
    unread,
)
from plugins.forums.schemas import (
    ReplyCreate,
    Resolution,
    ThreadCreate,
)


async def list_threads(
    ctx: ServiceContext, board_id: int, page: Page
) -> tuple[list[dict[str, Any]], int]:
    """A board's threads, the most recently active first, each with its unread marker."""
    board, seer = await seen_board(ctx, board_id)
    return await thread_rows(seer, Thread.filter(board_id=board["id"]), page)


async def _author(ctx: ServiceContext, community_id: int) -> str:
    """The name a post is signed with: the actor's person in the community, else their
    e-mail address."""
    if ctx.actor.user_id is None:
        return "NIC Platform"
    names = await Person.filter(user_id=ctx.actor.user_id, community_id=community_id).values_list(
        "name", flat=True
    )
    return str(names[0]) if names else ctx.actor.email


async def create_thread(ctx: ServiceContext, board_id: int, data: ThreadCreate) -> dict[str, Any]:
    """Open a thread with its first post; the author follows it."""
    board, seer = await seen_board(ctx, board_id)
    if not seer.may_post(board):
        raise PermissionDenied("you may not post on this board")
    community_id = board["community_id"]
    found = markup.scan(data.body)
    names = await names_in(community_id, found)
    html = markup.render(data.body, names)
    author = await _author(ctx, community_id)
    # The team a thread speaks for in the knowledge-flow graph: the board's team, else
    # the author's (their first team today), else none.
    team_id = board["team_id"] or (min(seer.team_ids) if seer.team_ids else None)
    stamp = now()
    async with community_write(community_id):
        thread = await Thread.create(
            board_id=board_id,
            community_id=community_id,
            team_id=team_id,
            title=data.title,
            author_user_id=ctx.actor.user_id,
            author_name=author,
            is_question=data.is_question,
            last_activity_at=stamp,
        )
        post = await Post.create(
            thread_id=thread.id,
            author_user_id=ctx.actor.user_id,
            author_name=author,
            body=data.body,
            html=html,
        )
        await write_references(post.id, thread.id, resolved_references(found, names), False)
        if ctx.actor.user_id is not None:
            await Follow.create(thread_id=thread.id, user_id=ctx.actor.user_id)
            await ReadMark.create(thread_id=thread.id, user_id=ctx.actor.user_id, read_at=stamp)
    await notices.mentioned(
        await mentioned_users(names) - {ctx.actor.user_id or 0},
        board,
        author,
        data.title,
        thread_url(names.slug, thread.id),
    )
    return await thread_row(thread.id)


async def get_thread(
    ctx: ServiceContext, thread_id: int, page: Page, *, mark_read: bool = True
) -> dict[str, Any]:
    """A thread with one page of its posts (oldest first), each with the post it quotes
    (that post's own text: quotes go one level deep); marks it read for the actor."""
    thread, seer = await seen_thread(ctx, thread_id)
    query = Post.filter(thread_id=thread_id)
    total = await query.count()
    posts = [
        as_seen(dict(p), seer)
        for p in await query.order_by("created_at", "id")
        .offset(page.offset)
        .limit(page.size)
        .values(*POST_FIELDS)
    ]
    quoted_ids = sorted({p["quote_id"] for p in posts if p["quote_id"]})
    quoted = {
        q["id"]: as_seen(dict(q), seer)
        for q in await Post.filter(id__in=quoted_ids).values("id", "author_name", "html", "hidden")
    }
    for post in posts:
        post["quote"] = quoted.get(post["quote_id"]) if post["quote_id"] else None
        post["may_edit"] = (
            seer.user_id is not None
            and post["author_user_id"] == seer.user_id
            and not thread["locked"]
            and not post["hidden"]
        )
    marks = await read_marks(seer, [thread_id])
    thread["unread"] = unread(thread, marks, seer)
    thread["posts"] = posts
    thread["post_total"] = total
    board = board_of(thread)
    thread["may_reply"] = seer.may_post(board) and (not thread["locked"])
    thread["moderates"] = seer.moderates
    thread["may_resolve"] = thread["is_question"] and (
        seer.moderates or (seer.user_id is not None and seer.user_id == thread["author_user_id"])
    )
    thread["following"] = (
        seer.user_id is not None
        and await Follow.filter(thread_id=thread_id, user_id=seer.user_id).exists()
    )
    thread["references"] = await references_of(thread_id)
    if mark_read and seer.user_id is not None:
        await _mark_read(thread_id, seer.user_id)
    return thread


async def _mark_read(thread_id: int, user_id: int) -> None:
    # Per-user state, not community data: no change counter, no transaction.
    stamp = now()
    if not await ReadMark.filter(thread_id=thread_id, user_id=user_id).update(read_at=stamp):
        try:
            await ReadMark.create(thread_id=thread_id, user_id=user_id, read_at=stamp)
        except IntegrityError:  # a second tab marked it in between
            await ReadMark.filter(thread_id=thread_id, user_id=user_id).update(read_at=stamp)


async def reply(ctx: ServiceContext, thread_id: int, data: ReplyCreate) -> dict[str, Any]:
    """Add a reply (optionally quoting a post of the thread); the author follows the
    thread; followers and the people mentioned are notified."""
    thread, seer = await seen_thread(ctx, thread_id)
    board = board_of(thread)
    if not seer.may_post(board):
        raise PermissionDenied("you may not post on this board")
    if thread["locked"]:
        raise Conflict("this thread is locked: no more replies")
    if (
        data.quote_of is not None
        and not await Post.filter(id=data.quote_of, thread_id=thread_id).exists()
    ):
        raise InvalidInput.field("quote_of", f"no post {data.quote_of} in this thread")
    community_id = thread["community_id"]
    found = markup.scan(data.body)
    names = await names_in(community_id, found)
    html = markup.render(data.body, names)
    author = await _author(ctx, community_id)
    user_id = ctx.actor.user_id
    async with community_write(community_id):
        post = await Post.create(
            thread_id=thread_id,
            author_user_id=user_id,
            author_name=author,
            body=data.body,
            html=html,
            quote_id=data.quote_of,
        )
        # One statement: two replies at once both count (no read-modify-write).
        await Thread.filter(id=thread_id).update(
            reply_count=F("reply_count") + 1, last_activity_at=post.created_at
        )
        await write_references(post.id, thread_id, resolved_references(found, names), False)
        followers = set(await Follow.filter(thread_id=thread_id).values_list("user_id", flat=True))
        if user_id is not None and user_id not in followers:
            try:
                async with community_write(community_id):  # a savepoint
                    await Follow.create(thread_id=thread_id, user_id=user_id)
            except IntegrityError:
                pass  # followed in between
    url = thread_url(names.slug, thread_id) + f"#post-{post.id}"
    mentioned = await mentioned_users(names) - {user_id or 0}
    await notices.mentioned(mentioned, board, author, thread["title"], url)
    others = {int(u) for u in followers} - mentioned - {user_id or 0}
    await notices.replied(others, board, author, thread["title"], url)
    return await post_row(post.id, seer)


async def follow(ctx: ServiceContext, thread_id: int, on: bool) -> bool:
    """Follow (or stop following) a thread: followers hear of every reply."""
    _thread, seer = await seen_thread(ctx, thread_id)
    if seer.user_id is None:
        raise PermissionDenied("only a signed-in user follows threads")
    if on:
        with suppress(IntegrityError):  # followed in another tab meanwhile
            await Follow.get_or_create(thread_id=thread_id, user_id=seer.user_id)
    else:
        await Follow.filter(thread_id=thread_id, user_id=seer.user_id).delete()
    return on


async def set_resolved(ctx: ServiceContext, thread_id: int, data: Resolution) -> dict[str, Any]:
    """Mark a question answered (or open again): its author or a facilitator."""
    thread, seer = await seen_thread(ctx, thread_id)
    if not thread["is_question"]:
        raise InvalidInput.field("resolved", "only a question is resolved")
    if not (seer.moderates or (seer.user_id and seer.user_id == thread["author_user_id"])):
        raise PermissionDenied("only the author or a facilitator resolves a question")
    async with community_write(thread["community_id"]):
        await Thread.filter(id=thread_id).update(resolved=data.resolved)
    return await thread_row(thread_id)


async def search(
    ctx: ServiceContext, community_id: int, text: str, page: Page
) -> tuple[list[dict[str, Any]], int]:
    """Threads whose title or a visible post contains ``text``, on boards the actor sees
    (hidden threads and hidden posts never match)."""
    seer = await viewer(ctx, community_id)
    text = fold_line(text)
    if not text:
        return [], 0
    if len(text) > 200:
        raise InvalidInput.field("q", "at most 200 characters")
    boards = await Board.filter(Q(community_id=community_id), seer.board_q()).values_list(
        "id", flat=True
    )
    by_title = await Thread.filter(
        board_id__in=list(boards), hidden=False, title__icontains=text
    ).values_list("id", flat=True)
    by_post = await Post.filter(
        thread__board_id__in=list(boards),
        thread__hidden=False,
        hidden=False,
        body__icontains=text,
    ).values_list("thread_id", flat=True)
    ids = sorted({int(i) for i in (*by_title, *by_post)})
    return await thread_rows(seer, Thread.filter(id__in=ids), page)
