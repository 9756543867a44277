"""Boards, threads, posts and edits: every forum rule lives in the modules named below;
pages, the JSON API, the panels and the demo call them through this one.

Reading checks the visibility rule of :mod:`plugins.forums.access` (a board or thread
the actor may not see answers 404, as if it did not exist); writing needs a role that
may post (facilitator or member) on a board the actor sees. Writes run inside
``community_write`` so the community's change counter moves with them (the graph holds
our threads). Notifications go out after the write committed (:mod:`.notices`).

:mod:`.boards`, :mod:`.threads`, :mod:`.posts` and :mod:`.moderation` hold the
operations; :mod:`.rows` finds rows as a viewer may see them; :mod:`.references`
resolves what posts refer to.
"""

from __future__ import annotations

from plugins.forums.boards import create_board, get_board, list_boards
from plugins.forums.moderation import (
    decide_report,
    moderate,
    moderate_post,
    moderation_queue,
    report_post,
)
from plugins.forums.posts import edit_post, get_post, revisions
from plugins.forums.references import picker_choices, references_of, team_choices, threads_citing
from plugins.forums.rows import thread_url
from plugins.forums.threads import (
    create_thread,
    follow,
    get_thread,
    list_threads,
    reply,
    search,
    set_resolved,
)

__all__ = [
    "create_board",
    "create_thread",
    "decide_report",
    "edit_post",
    "follow",
    "get_board",
    "get_post",
    "get_thread",
    "list_boards",
    "list_threads",
    "moderate",
    "moderate_post",
    "moderation_queue",
    "picker_choices",
    "references_of",
    "reply",
    "report_post",
    "revisions",
    "search",
    "set_resolved",
    "team_choices",
    "thread_url",
    "threads_citing",
]
