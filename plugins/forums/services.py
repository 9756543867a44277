"""Boards, threads, posts and edits: every forum rule lives here; pages, the JSON API,
the panels and the demo call these.

Reading checks the visibility rule of :mod:`plugins.forums.access` (a board or thread
the actor may not see answers 404, as if it did not exist); writing needs a role that
may post (facilitator or member) on a board the actor sees. Writes run inside
``community_write`` so the community's change counter moves with them (the graph holds
our threads). Notifications go out after the write committed (:mod:`.notices`).
"""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.functions import Count, Max

from plugins.api import (
    Artifact,
    Community,
    Conflict,
    Cycle,
    InvalidInput,
    NotFound,
    Page,
    PermissionDenied,
    Person,
    ServiceContext,
    Team,
    community_write,
    fold_line,
)
from plugins.forums import markup, notices
from plugins.forums.access import Viewer, viewer
from plugins.forums.models import (
    Board,
    Follow,
    Post,
    PostRevision,
    ReadMark,
    Reference,
    Report,
    Thread,
)
from plugins.forums.schemas import (
    MAX_ID,
    BoardCreate,
    Moderation,
    PostEdit,
    PostModeration,
    ReplyCreate,
    ReportCreate,
    ReportDecision,
    Resolution,
    ThreadCreate,
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
HIDDEN_POST = "This post was hidden by a facilitator."
CHOICES = 200
"""How many of a community's latest cycles and artifacts the reference picker offers."""


def now() -> datetime:
    return datetime.now(UTC)


async def _slug(community_id: int) -> str:
    rows = await Community.filter(id=community_id).values_list("slug", flat=True)
    return str(rows[0]) if rows else ""


def thread_url(slug: str, thread_id: int) -> str:
    return f"/communities/{slug}/forums/threads/{thread_id}"


# --- boards -------------------------------------------------------------------------


def _exists(record_id: int) -> bool:
    """Whether an id from a URL can name a row at all (ids are 32-bit)."""
    return 0 < record_id <= MAX_ID


async def _board(board_id: int) -> dict[str, Any]:
    rows = (
        []
        if not _exists(board_id)
        else await Board.filter(id=board_id).values(*BOARD_FIELDS, team_name="team__name")
    )
    if not rows:
        raise NotFound(f"no board {board_id}")
    return dict(rows[0])


async def _seen_board(ctx: ServiceContext, board_id: int) -> tuple[dict[str, Any], Viewer]:
    board = await _board(board_id)
    missing = NotFound(f"no board {board_id}")
    seer = await viewer(ctx, board["community_id"], missing)
    if not seer.sees_board(board):
        raise missing
    return board, seer


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
    board, seer = await _seen_board(ctx, board_id)
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


# --- threads ------------------------------------------------------------------------


async def _read_marks(seer: Viewer, thread_ids: list[int]) -> dict[int, datetime]:
    if seer.user_id is None or not thread_ids:
        return {}
    rows = await ReadMark.filter(user_id=seer.user_id, thread_id__in=thread_ids).values_list(
        "thread_id", "read_at"
    )
    return {int(thread_id): read_at for thread_id, read_at in rows}


def _unread(thread: dict[str, Any], marks: dict[int, datetime], seer: Viewer) -> bool:
    if seer.user_id is None:
        return False
    read_at = marks.get(thread["id"])
    return read_at is None or read_at < thread["last_activity_at"]


async def _threads(
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
    marks = await _read_marks(seer, [r["id"] for r in rows])
    for row in rows:
        row["unread"] = _unread(row, marks, seer)
        row["url"] = thread_url(row["community_slug"], row["id"])
    return rows, total


async def list_threads(
    ctx: ServiceContext, board_id: int, page: Page
) -> tuple[list[dict[str, Any]], int]:
    """A board's threads, the most recently active first, each with its unread marker."""
    board, seer = await _seen_board(ctx, board_id)
    return await _threads(seer, Thread.filter(board_id=board["id"]), page)


async def _author(ctx: ServiceContext, community_id: int) -> str:
    """The name a post is signed with: the actor's person in the community, else their
    e-mail address."""
    if ctx.actor.user_id is None:
        return "NIC Platform"
    names = await Person.filter(user_id=ctx.actor.user_id, community_id=community_id).values_list(
        "name", flat=True
    )
    return str(names[0]) if names else ctx.actor.email


async def _names(community_id: int, found: markup.Found) -> markup.Names:
    """Resolve what a text names, in the thread's community only: three queries."""
    names = markup.Names(await _slug(community_id))
    cycle_ids = [i for kind, i in found.references if kind == "cycle"]
    artifact_ids = [i for kind, i in found.references if kind == "artifact"]
    if cycle_ids:
        names.cycles = dict(
            await Cycle.filter(id__in=cycle_ids, community_id=community_id).values_list(
                "id", "title"
            )
        )
    if artifact_ids:
        names.artifacts = dict(
            await Artifact.filter(id__in=artifact_ids, community_id=community_id).values_list(
                "id", "title"
            )
        )
    if found.people:
        names.people = dict(
            await Person.filter(id__in=sorted(found.people), community_id=community_id).values_list(
                "id", "name"
            )
        )
    return names


def _resolved_references(found: markup.Found, names: markup.Names) -> set[tuple[str, int]]:
    return {(kind, i) for kind, i in found.references if names.url(kind, i) is not None}


async def _write_references(
    post_id: int, thread_id: int, wanted: set[tuple[str, int]], replace: bool
) -> None:
    if replace:
        existing = set(await Reference.filter(post_id=post_id).values_list("kind", "target_id"))
        gone = existing - wanted
        for kind, target in gone:
            await Reference.filter(post_id=post_id, kind=kind, target_id=target).delete()
        wanted = wanted - existing
    if wanted:
        await Reference.bulk_create(
            [
                Reference(post_id=post_id, thread_id=thread_id, kind=kind, target_id=target)
                for kind, target in sorted(wanted)
            ]
        )


async def _mentioned_users(names: markup.Names) -> set[int]:
    if not names.people:
        return set()
    ids = await Person.filter(id__in=sorted(names.people), user_id__isnull=False).values_list(
        "user_id", flat=True
    )
    return {int(i) for i in ids}


async def create_thread(ctx: ServiceContext, board_id: int, data: ThreadCreate) -> dict[str, Any]:
    """Open a thread with its first post; the author follows it."""
    board, seer = await _seen_board(ctx, board_id)
    if not seer.may_post(board):
        raise PermissionDenied("you may not post on this board")
    community_id = board["community_id"]
    found = markup.scan(data.body)
    names = await _names(community_id, found)
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
        await _write_references(post.id, thread.id, _resolved_references(found, names), False)
        if ctx.actor.user_id is not None:
            await Follow.create(thread_id=thread.id, user_id=ctx.actor.user_id)
            await ReadMark.create(thread_id=thread.id, user_id=ctx.actor.user_id, read_at=stamp)
    await notices.mentioned(
        await _mentioned_users(names) - {ctx.actor.user_id or 0},
        board,
        author,
        data.title,
        thread_url(names.slug, thread.id),
    )
    return await _thread_row(thread.id)


async def _thread_row(thread_id: int) -> dict[str, Any]:
    rows = (
        []
        if not _exists(thread_id)
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


async def _seen_thread(
    ctx: ServiceContext, thread_id: int, missing: NotFound | None = None
) -> tuple[dict[str, Any], Viewer]:
    """The thread and the actor's view, if they see it; else ``missing`` (by default the
    thread's NotFound; a post's, when the post was asked for)."""
    thread = await _thread_row(thread_id)
    missing = missing or NotFound(f"no thread {thread_id}")
    seer = await viewer(ctx, thread["community_id"], missing)
    if not seer.sees(thread["board_visibility"], thread["board_team_id"]) or (
        thread["hidden"] and not seer.moderates
    ):
        raise missing
    return thread, seer


def _board_of(thread: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": thread["board_id"],
        "community_id": thread["community_id"],
        "visibility": thread["board_visibility"],
        "team_id": thread["board_team_id"],
        "name": thread["board_name"],
    }


def _shown(post: dict[str, Any], seer: Viewer) -> dict[str, Any]:
    """A post as the viewer gets it: a hidden post's text only for facilitators.

    The stored HTML was sanitized when it was written; it is sanitized again here (nh3
    takes microseconds), so a post stored under an older, looser policy is never shown
    unsafe."""
    if post["hidden"] and not seer.moderates:
        return {**post, "body": "", "html": ""}
    return {**post, "html": markup.sanitize(post["html"])}


async def get_thread(
    ctx: ServiceContext, thread_id: int, page: Page, *, mark_read: bool = True
) -> dict[str, Any]:
    """A thread with one page of its posts (oldest first), each with the post it quotes
    (that post's own text: quotes go one level deep); marks it read for the actor."""
    thread, seer = await _seen_thread(ctx, thread_id)
    query = Post.filter(thread_id=thread_id)
    total = await query.count()
    posts = [
        _shown(dict(p), seer)
        for p in await query.order_by("created_at", "id")
        .offset(page.offset)
        .limit(page.size)
        .values(*POST_FIELDS)
    ]
    quoted_ids = sorted({p["quote_id"] for p in posts if p["quote_id"]})
    quoted = {
        q["id"]: _shown(dict(q), seer)
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
    marks = await _read_marks(seer, [thread_id])
    thread["unread"] = _unread(thread, marks, seer)
    thread["posts"] = posts
    thread["post_total"] = total
    board = _board_of(thread)
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


async def references_of(thread_id: int) -> list[dict[str, Any]]:
    """The cycles and artifacts a thread refers to, with their titles: three queries."""
    refs = await Reference.filter(thread_id=thread_id).values_list("kind", "target_id")
    found = markup.Found(references={(k, int(i)) for k, i in refs})
    rows = await Thread.filter(id=thread_id).values_list("community_id", flat=True)
    if not found.references or not rows:
        return []
    names = await _names(int(rows[0]), found)
    return [
        {"kind": kind, "id": i, "title": names.label(kind, i), "url": names.url(kind, i)}
        for kind, i in sorted(found.references)
        if names.url(kind, i)
    ]


async def reply(ctx: ServiceContext, thread_id: int, data: ReplyCreate) -> dict[str, Any]:
    """Add a reply (optionally quoting a post of the thread); the author follows the
    thread; followers and the people mentioned are notified."""
    thread, seer = await _seen_thread(ctx, thread_id)
    board = _board_of(thread)
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
    names = await _names(community_id, found)
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
        await _write_references(post.id, thread_id, _resolved_references(found, names), False)
        followers = set(await Follow.filter(thread_id=thread_id).values_list("user_id", flat=True))
        if user_id is not None and user_id not in followers:
            try:
                async with community_write(community_id):  # a savepoint
                    await Follow.create(thread_id=thread_id, user_id=user_id)
            except IntegrityError:
                pass  # followed in between
    url = thread_url(names.slug, thread_id) + f"#post-{post.id}"
    mentioned = await _mentioned_users(names) - {user_id or 0}
    await notices.mentioned(mentioned, board, author, thread["title"], url)
    others = {int(u) for u in followers} - mentioned - {user_id or 0}
    await notices.replied(others, board, author, thread["title"], url)
    return await _post_row(post.id, seer)


async def _post_row(post_id: int, seer: Viewer | None = None) -> dict[str, Any]:
    rows = await Post.filter(id=post_id).values(
        *POST_FIELDS, community_id="thread__community_id", thread_title="thread__title"
    )
    if not rows:
        raise NotFound(f"no post {post_id}")
    row = dict(rows[0])
    return _shown(row, seer) if seer is not None else row


async def _seen_post(ctx: ServiceContext, post_id: int) -> tuple[dict[str, Any], dict, Viewer]:
    rows = [] if not _exists(post_id) else await Post.filter(id=post_id).values("thread_id")
    missing = NotFound(f"no post {post_id}")
    if not rows:
        raise missing
    thread, seer = await _seen_thread(ctx, rows[0]["thread_id"], missing)
    return await _post_row(post_id), thread, seer


async def get_post(ctx: ServiceContext, post_id: int) -> dict[str, Any]:
    post, thread, seer = await _seen_post(ctx, post_id)
    post = _shown(post, seer)
    post["thread_url"] = thread["url"]
    post["locked"] = thread["locked"]
    return post


async def edit_post(ctx: ServiceContext, post_id: int, data: PostEdit) -> dict[str, Any]:
    """Change a post's text, keeping the old one as a revision. The edit names the
    version it started from; if someone saved a newer one meanwhile, nothing is
    overwritten: :class:`Conflict` (409) carries both texts (``current`` and ``yours``)."""
    post, thread, seer = await _seen_post(ctx, post_id)
    if ctx.actor.user_id is None or post["author_user_id"] != ctx.actor.user_id:
        raise PermissionDenied("only the author may edit a post")
    if thread["locked"]:
        raise Conflict("this thread is locked: posts can no longer be edited")
    if post["hidden"]:
        raise PermissionDenied("a hidden post can no longer be edited")
    community_id = thread["community_id"]
    before = markup.scan(post["body"])
    found = markup.scan(data.body)
    names = await _names(community_id, found)
    html = markup.render(data.body, names)
    async with community_write(community_id):
        rows = await Post.filter(id=post_id).values("version", "body")
        current = rows[0]
        if current["version"] != data.version:
            raise _stale(current, data)
        await PostRevision.create(
            post_id=post_id,
            version=current["version"],
            body=current["body"],
            edited_by_user_id=ctx.actor.user_id,
        )
        changed = await Post.filter(id=post_id, version=data.version).update(
            body=data.body, html=html, version=data.version + 1, edited_at=now()
        )
        if not changed:  # SQLite has no row lock: the version check in the update decides
            raise _stale(current, data)
        await _write_references(
            post_id, thread["id"], _resolved_references(found, names), replace=True
        )
    new_people = found.people - before.people
    if new_people:
        newly = markup.Names(names.slug, people={p: "" for p in new_people if p in names.people})
        url = thread["url"] + f"#post-{post_id}"
        board = _board_of(thread)
        mentioned = await _mentioned_users(newly) - {ctx.actor.user_id}
        await notices.mentioned(mentioned, board, post["author_name"], thread["title"], url)
    return await _post_row(post_id, seer)


def _stale(current: dict[str, Any], data: PostEdit) -> Conflict:
    return Conflict(
        "someone saved this post since you opened it: nothing was overwritten; "
        "compare both versions and edit again",
        {"version": f"the post is now at version {current['version']}"},
        detail={
            "current": {"version": current["version"], "body": current["body"]},
            "yours": {"version": data.version, "body": data.body},
        },
    )


async def revisions(ctx: ServiceContext, post_id: int) -> list[dict[str, Any]]:
    """A post's earlier texts, newest first, for whoever sees the post (those of a
    hidden post only for facilitators)."""
    post, _thread, seer = await _seen_post(ctx, post_id)
    if post["hidden"] and not seer.moderates:
        return []
    return list(
        await PostRevision.filter(post_id=post_id)
        .order_by("-version")
        .values("version", "body", "created_at")
    )


# --- following, resolving ------------------------------------------------------------


async def follow(ctx: ServiceContext, thread_id: int, on: bool) -> bool:
    """Follow (or stop following) a thread: followers hear of every reply."""
    _thread, seer = await _seen_thread(ctx, thread_id)
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
    thread, seer = await _seen_thread(ctx, thread_id)
    if not thread["is_question"]:
        raise InvalidInput.field("resolved", "only a question is resolved")
    if not (seer.moderates or (seer.user_id and seer.user_id == thread["author_user_id"])):
        raise PermissionDenied("only the author or a facilitator resolves a question")
    async with community_write(thread["community_id"]):
        await Thread.filter(id=thread_id).update(resolved=data.resolved)
    return await _thread_row(thread_id)


# --- moderation ---------------------------------------------------------------------


async def moderate(ctx: ServiceContext, thread_id: int, data: Moderation) -> dict[str, Any]:
    """Lock, unlock, hide, unhide or move a thread: facilitators only."""
    thread, seer = await _seen_thread(ctx, thread_id)
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
    return await _thread_row(thread_id)


async def moderate_post(ctx: ServiceContext, post_id: int, data: PostModeration) -> dict[str, Any]:
    """Hide a post (everyone else sees a note in its place) or show it again:
    facilitators only."""
    _post, thread, seer = await _seen_post(ctx, post_id)
    if not seer.moderates:
        raise PermissionDenied("only facilitators moderate posts")
    async with community_write(thread["community_id"]):
        await Post.filter(id=post_id).update(hidden=data.action == "hide")
    return await _post_row(post_id, seer)


async def report_post(ctx: ServiceContext, post_id: int, data: ReportCreate) -> dict[str, Any]:
    """Report a post to the facilitators (anyone who sees it)."""
    _post, thread, seer = await _seen_post(ctx, post_id)
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
    slug = await _slug(community_id)
    for report in reports:
        report["url"] = thread_url(slug, report["thread_id"]) + f"#post-{report['post_id']}"
    hidden, _ = await _threads(seer, Thread.filter(community_id=community_id, hidden=True))
    return {"reports": reports, "hidden_threads": hidden}


async def decide_report(
    ctx: ServiceContext, report_id: int, data: ReportDecision
) -> dict[str, Any]:
    """Close a report: dismiss it, or hide the post (every open report of it closes)."""
    rows = (
        await Report.filter(id=report_id).values("id", "post_id", "community_id")
        if _exists(report_id)
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


# --- search, listings for other pages --------------------------------------------------


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
    return await _threads(seer, Thread.filter(id__in=ids), page)


async def threads_citing(seer: Viewer, kind: str, target_id: int) -> list[dict[str, Any]]:
    """Threads that refer to a cycle or artifact, as this viewer may see them (for the
    panel on the cycle's page): one query."""
    rows = await (
        Reference.filter(kind=kind, target_id=target_id, thread__community_id=seer.community_id)
        .filter(seer.board_q("thread__board__"))
        .filter(thread__hidden=False)
        .order_by("-thread__last_activity_at")
        .values(
            "thread_id",
            title="thread__title",
            board="thread__board__name",
            slug="thread__community__slug",
            reply_count="thread__reply_count",
        )
    )
    seen: dict[int, dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(row["thread_id"], {**row, "url": thread_url(row["slug"], row["thread_id"])})
    return list(seen.values())


async def picker_choices(community_id: int) -> dict[str, list[dict[str, Any]]]:
    """The community's latest cycles and artifacts, and its people, for the form's pickers."""
    cycles = (
        await Cycle.filter(community_id=community_id)
        .order_by("-id")
        .limit(CHOICES)
        .values("id", "title", team="team__name")
    )
    artifacts = (
        await Artifact.filter(community_id=community_id)
        .order_by("-id")
        .limit(CHOICES)
        .values("id", "title")
    )
    people = (
        await Person.filter(community_id=community_id)
        .order_by("name", "id")
        .limit(CHOICES * 5)
        .values("id", "name")
    )
    return {"cycles": list(cycles), "artifacts": list(artifacts), "people": list(people)}


async def team_choices(community_id: int) -> list[dict[str, Any]]:
    """The community's teams, for the board form."""
    return list(await Team.filter(community_id=community_id).order_by("name").values("id", "name"))
