"""Agenda items for a convening: the questions most talked about since the last one.

A thread asked as a question and not resolved, on a board the whole community sees
(the agenda is shared with every team at the meeting), ranks by the posts written
between the previous convening and this one; the five most active are suggested.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from plugins.api import AgendaItem
from plugins.forums.models import Post, Thread

LIMIT = 5


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


async def open_questions(community_id: int, since: date | None, until: date) -> list[AgendaItem]:
    """Up to five items, the most active question first: two queries."""
    window = {"created_at__lt": _start(until + timedelta(days=1))}
    if since is not None:
        window["created_at__gte"] = _start(since)
    posts = await Post.filter(
        thread__community_id=community_id,
        thread__is_question=True,
        thread__resolved=False,
        thread__hidden=False,
        thread__board__visibility="community",
        hidden=False,
        **window,
    ).values_list("thread_id", flat=True)
    activity = Counter(int(t) for t in posts)
    if not activity:
        return []
    rows = await Thread.filter(id__in=list(activity)).values(
        "id", "title", "author_name", "board__name", slug="community__slug"
    )
    threads = sorted(rows, key=lambda r: (-activity[r["id"]], r["id"]))[:LIMIT]
    items = []
    for t in threads:
        count = activity[t["id"]]
        items.append(
            AgendaItem(
                title=f"Open question: {t['title']}",
                kind="open_question",
                detail=(
                    f"Asked by {t['author_name']} on {t['board__name']}; "
                    f"{count} post{'s' if count != 1 else ''} since the last convening, "
                    "not resolved yet."
                ),
                refs=(f"forum_thread:{t['id']}",),
                links=((t["title"], f"/communities/{t['slug']}/forums/threads/{t['id']}"),),
                minutes=10,
            )
        )
    return items
