"""The forums' JSON API under ``/api/v1``: boards, threads, posts, moderation, search.

Every operation calls one service; the services check visibility and roles. A
community where the plugin is switched off answers 404 here, as its pages do.
"""

from __future__ import annotations

from typing import Any

from plugins.api import (
    ApiCall,
    Operation,
    QueryParam,
    ServiceContext,
    paginated,
    this_plugin,
)
from plugins.forums import services
from plugins.forums.models import Board, Post, Report, Thread
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

THIS = this_plugin(__name__)

TAG = "forums"


async def _community(call: ApiCall) -> int:
    community = await THIS.community(call.ctx, call.path["slug"])
    return int(community["id"])


async def _enabled_for(ctx: ServiceContext, model: Any, record_id: int, field: str) -> None:
    """404 where the record's community switched the forums off (or it does not exist:
    the service says so with its own message)."""
    if not 0 < record_id <= MAX_ID:
        return
    rows = await model.filter(id=record_id).values_list(field, flat=True)
    if rows:
        await THIS.require_on(ctx, int(rows[0]))


async def list_boards(call: ApiCall) -> list[dict[str, Any]]:
    return await services.list_boards(call.ctx, await _community(call))


async def create_board(call: ApiCall) -> dict[str, Any]:
    return await services.create_board(call.ctx, await _community(call), call.body_as(BoardCreate))


async def list_threads(call: ApiCall) -> dict[str, Any]:
    board_id = call.path["board_id"]
    await _enabled_for(call.ctx, Board, board_id, "community_id")
    rows, total = await services.list_threads(call.ctx, board_id, call.page)
    return paginated(rows, total, call.page)


async def create_thread(call: ApiCall) -> dict[str, Any]:
    board_id = call.path["board_id"]
    await _enabled_for(call.ctx, Board, board_id, "community_id")
    return await services.create_thread(call.ctx, board_id, call.body_as(ThreadCreate))


async def get_thread(call: ApiCall) -> dict[str, Any]:
    thread_id = call.path["thread_id"]
    await _enabled_for(call.ctx, Thread, thread_id, "community_id")
    thread = await services.get_thread(call.ctx, thread_id, call.page, mark_read=False)
    thread.pop("posts")
    return thread


async def list_posts(call: ApiCall) -> dict[str, Any]:
    thread_id = call.path["thread_id"]
    await _enabled_for(call.ctx, Thread, thread_id, "community_id")
    thread = await services.get_thread(call.ctx, thread_id, call.page)
    return paginated(thread["posts"], thread["post_total"], call.page)


async def reply(call: ApiCall) -> dict[str, Any]:
    thread_id = call.path["thread_id"]
    await _enabled_for(call.ctx, Thread, thread_id, "community_id")
    return await services.reply(call.ctx, thread_id, call.body_as(ReplyCreate))


async def follow(call: ApiCall) -> dict[str, Any]:
    thread_id = call.path["thread_id"]
    await _enabled_for(call.ctx, Thread, thread_id, "community_id")
    on = call.request.method == "PUT"
    return {"thread_id": thread_id, "following": await services.follow(call.ctx, thread_id, on)}


async def resolve(call: ApiCall) -> dict[str, Any]:
    thread_id = call.path["thread_id"]
    await _enabled_for(call.ctx, Thread, thread_id, "community_id")
    return await services.set_resolved(call.ctx, thread_id, call.body_as(Resolution))


async def moderate(call: ApiCall) -> dict[str, Any]:
    thread_id = call.path["thread_id"]
    await _enabled_for(call.ctx, Thread, thread_id, "community_id")
    return await services.moderate(call.ctx, thread_id, call.body_as(Moderation))


async def get_post(call: ApiCall) -> dict[str, Any]:
    post_id = call.path["post_id"]
    await _enabled_for(call.ctx, Post, post_id, "thread__community_id")
    return await services.get_post(call.ctx, post_id)


async def edit_post(call: ApiCall) -> dict[str, Any]:
    post_id = call.path["post_id"]
    await _enabled_for(call.ctx, Post, post_id, "thread__community_id")
    return await services.edit_post(call.ctx, post_id, call.body_as(PostEdit))


async def post_revisions(call: ApiCall) -> list[dict[str, Any]]:
    post_id = call.path["post_id"]
    await _enabled_for(call.ctx, Post, post_id, "thread__community_id")
    return await services.revisions(call.ctx, post_id)


async def moderate_post(call: ApiCall) -> dict[str, Any]:
    post_id = call.path["post_id"]
    await _enabled_for(call.ctx, Post, post_id, "thread__community_id")
    return await services.moderate_post(call.ctx, post_id, call.body_as(PostModeration))


async def report_post(call: ApiCall) -> dict[str, Any]:
    post_id = call.path["post_id"]
    await _enabled_for(call.ctx, Post, post_id, "thread__community_id")
    return await services.report_post(call.ctx, post_id, call.body_as(ReportCreate))


async def moderation_queue(call: ApiCall) -> dict[str, Any]:
    return await services.moderation_queue(call.ctx, await _community(call))


async def decide_report(call: ApiCall) -> dict[str, Any]:
    report_id = call.path["report_id"]
    await _enabled_for(call.ctx, Report, report_id, "community_id")
    return await services.decide_report(call.ctx, report_id, call.body_as(ReportDecision))


async def search(call: ApiCall) -> dict[str, Any]:
    community_id = await _community(call)
    rows, total = await services.search(
        call.ctx, community_id, str(call.query.get("q", "")), call.page
    )
    return paginated(rows, total, call.page)


COMMUNITY = "/communities/{slug:str}/forums"
THREAD = "/forums/threads/{thread_id:int}"
POST = "/forums/posts/{post_id:int}"

OPERATIONS = (
    Operation("GET", COMMUNITY + "/boards", "forums_list_boards",
              "The boards of a community the caller sees", TAG, list_boards, many=True),
    Operation("POST", COMMUNITY + "/boards", "forums_create_board",
              "Make a board (facilitators)", TAG, create_board, body=BoardCreate, status=201),
    Operation("GET", "/forums/boards/{board_id:int}/threads", "forums_list_threads",
              "A board's threads, most recently active first", TAG, list_threads,
              paginated=True),
    Operation("POST", "/forums/boards/{board_id:int}/threads", "forums_create_thread",
              "Open a thread", TAG, create_thread, body=ThreadCreate, status=201),
    Operation("GET", THREAD, "forums_get_thread", "A thread and what it refers to", TAG,
              get_thread),
    Operation("GET", THREAD + "/posts", "forums_list_posts",
              "A thread's posts, oldest first (marks the thread read)", TAG, list_posts,
              paginated=True),
    Operation("POST", THREAD + "/replies", "forums_reply", "Reply to a thread", TAG, reply,
              body=ReplyCreate, status=201),
    Operation("PUT", THREAD + "/follow", "forums_follow", "Follow a thread", TAG, follow),
    Operation("DELETE", THREAD + "/follow", "forums_unfollow", "Stop following a thread",
              TAG, follow),
    Operation("PUT", THREAD + "/resolution", "forums_resolve",
              "Mark a question resolved or open", TAG, resolve, body=Resolution),
    Operation("POST", THREAD + "/moderation", "forums_moderate",
              "Lock, unlock, hide, unhide or move a thread (facilitators)", TAG, moderate,
              body=Moderation),
    Operation("GET", POST, "forums_get_post", "One post", TAG, get_post),
    Operation("PATCH", POST, "forums_edit_post",
              "Edit a post (409 with both texts when someone saved it meanwhile)", TAG,
              edit_post, body=PostEdit),
    Operation("GET", POST + "/revisions", "forums_post_revisions",
              "A post's earlier texts, newest first", TAG, post_revisions, many=True),
    Operation("POST", POST + "/moderation", "forums_moderate_post",
              "Hide a post or show it again (facilitators)", TAG, moderate_post,
              body=PostModeration),
    Operation("POST", POST + "/reports", "forums_report_post",
              "Report a post to the facilitators", TAG, report_post, body=ReportCreate,
              status=201),
    Operation("GET", COMMUNITY + "/moderation", "forums_moderation_queue",
              "Open reports and hidden threads (facilitators)", TAG, moderation_queue),
    Operation("POST", "/forums/reports/{report_id:int}/decision", "forums_decide_report",
              "Dismiss a report or hide the post (facilitators)", TAG, decide_report,
              body=ReportDecision),
    Operation("GET", COMMUNITY + "/search", "forums_search",
              "Threads matching words, on the boards the caller sees", TAG, search,
              paginated=True, query=(QueryParam("q", str, "words to look for"),)),
)  # fmt: skip
