"""Posts: read one, edit it (an edit that started from an older version is refused with
both texts), its earlier revisions."""

from __future__ import annotations

from typing import Any

from plugins.api import (
    Conflict,
    PermissionDenied,
    ServiceContext,
    community_write,
)
from plugins.forums import markup, notices
from plugins.forums.models import (
    Post,
    PostRevision,
)
from plugins.forums.references import (
    mentioned_users,
    names_in,
    resolved_references,
    write_references,
)
from plugins.forums.rows import (
    as_seen,
    board_of,
    now,
    post_row,
    seen_post,
)
from plugins.forums.schemas import (
    PostEdit,
)


async def get_post(ctx: ServiceContext, post_id: int) -> dict[str, Any]:
    post, thread, seer = await seen_post(ctx, post_id)
    post = as_seen(post, seer)
    post["thread_url"] = thread["url"]
    post["locked"] = thread["locked"]
    return post


async def edit_post(ctx: ServiceContext, post_id: int, data: PostEdit) -> dict[str, Any]:
    """Change a post's text, keeping the old one as a revision. The edit names the
    version it started from; if someone saved a newer one meanwhile, nothing is
    overwritten: :class:`Conflict` (409) carries both texts (``current`` and ``yours``)."""
    post, thread, seer = await seen_post(ctx, post_id)
    if ctx.actor.user_id is None or post["author_user_id"] != ctx.actor.user_id:
        raise PermissionDenied("only the author may edit a post")
    if thread["locked"]:
        raise Conflict("this thread is locked: posts can no longer be edited")
    if post["hidden"]:
        raise PermissionDenied("a hidden post can no longer be edited")
    community_id = thread["community_id"]
    before = markup.scan(post["body"])
    found = markup.scan(data.body)
    names = await names_in(community_id, found)
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
        await write_references(
            post_id, thread["id"], resolved_references(found, names), replace=True
        )
    new_people = found.people - before.people
    if new_people:
        newly = markup.Names(names.slug, people={p: "" for p in new_people if p in names.people})
        url = thread["url"] + f"#post-{post_id}"
        board = board_of(thread)
        mentioned = await mentioned_users(newly) - {ctx.actor.user_id}
        await notices.mentioned(mentioned, board, post["author_name"], thread["title"], url)
    return await post_row(post_id, seer)


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
    post, _thread, seer = await seen_post(ctx, post_id)
    if post["hidden"] and not seer.moderates:
        return []
    return list(
        await PostRevision.filter(post_id=post_id)
        .order_by("-version")
        .values("version", "body", "created_at")
    )
