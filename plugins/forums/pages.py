"""The forums' pages. They work without JavaScript (a small script of ours only puts
what the pickers choose at the cursor); every form is CSRF-checked by ``read_form``.

A community's forum pages answer 404 where its facilitators switched the plugin off,
and a board or thread the visitor may not see answers 404 as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from plugins.api import (
    Conflict,
    InvalidInput,
    NotFound,
    Page,
    PermissionDenied,
    ServiceContext,
    ServiceError,
    flash,
    form_values,
    id_or_none,
    kept_page,
    read_form,
    render,
    signed_in_context,
    this_plugin,
    validate,
)
from plugins.forums import services
from plugins.forums.models import Board
from plugins.forums.schemas import (
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

THREADS_PER_PAGE = 25
POSTS_PER_PAGE = 50
MAX_PAGE = 10_000


def _page(request: Request, size: int) -> Page:
    try:
        number = int(request.query_params.get("page", "1"))
    except ValueError:
        number = 1
    return Page(min(max(number, 1), MAX_PAGE), size)


def _pages(total: int, size: int) -> int:
    return max(1, -(-total // size))


async def _community(ctx: ServiceContext, request: Request) -> dict[str, Any]:
    return await THIS.community(ctx, request.path_params["slug"])


def _base(community: dict[str, Any]) -> str:
    return f"/communities/{community['slug']}/forums"


def _with_picks(values: dict[str, Any], picks: dict[str, list[dict[str, Any]]]) -> str:
    """The body with what the no-script pickers chose appended to it."""
    body = str(values.get("body", "")).rstrip()
    extra = []
    reference = str(values.get("reference", ""))
    if reference.startswith(("cycle:", "artifact:")):
        kind, _, number = reference.partition(":")
        if number.isdigit():
            extra.append(f"#{kind}-{number}")
    mention = str(values.get("mention", ""))
    if mention.isdigit():
        names = {str(p["id"]): p["name"] for p in picks["people"]}
        if mention in names:
            label = names[mention].replace("[", "(").replace("]", ")")
            extra.append(f"@[{label}](person:{mention})")
    return " ".join([body, *extra]).strip() if extra else body


# --- lists ----------------------------------------------------------------------------


async def all_forums_page(request: Request) -> Response:
    """The navigation's target: the forums of every community the visitor belongs to."""
    ctx = await signed_in_context(request)
    communities = await THIS.communities(ctx)
    return await render(request, "forums/index.html", {"communities": communities})


async def boards_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await _community(ctx, request)
    cid = community["id"]
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"visibility": "community"}
    if request.method == "POST":
        form = await read_form(request)
        values = form_values(form, ("name", "description", "visibility", "team_id"))
        if not values.get("team_id"):
            values.pop("team_id", None)
        data, errors = validate(BoardCreate, values)
        if data is not None:
            try:
                board = await services.create_board(ctx, cid, data)
            except InvalidInput as exc:
                errors = exc.fields
            else:
                url = f"{_base(community)}/boards/{board['id']}"
                flash(request, f"The board “{data.name}” is open.")
                return RedirectResponse(url, status_code=303)

    async def page() -> dict[str, Any]:
        manages = await ctx.allowed("manage", community_id=cid)
        return {
            "community": community,
            "boards": await services.list_boards(ctx, cid),
            "manages": manages,
            "teams": await services.team_choices(cid) if manages else [],
            "values": values,
            "errors": errors,
            "status": 422 if request.method == "POST" else 200,
        }

    # Which boards the viewer sees rests on who they are: kept per viewer.
    key = (ctx.actor.user_id, ctx.actor.is_admin)
    keep = request.method != "POST"
    return await kept_page(request, "forums/boards.html", community, key, page, keep=keep)


async def _board_in(
    ctx: ServiceContext, request: Request, community: dict[str, Any]
) -> dict[str, Any]:
    board = await services.get_board(ctx, request.path_params["board_id"])
    if board["community_id"] != community["id"]:
        raise NotFound("There is no such board in this community.")
    return board


async def board_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await _community(ctx, request)
    board = await _board_in(ctx, request, community)
    page = _page(request, THREADS_PER_PAGE)
    threads, total = await services.list_threads(ctx, board["id"], page)
    context = {
        "community": community,
        "board": board,
        "threads": threads,
        "page": page.number,
        "pages": _pages(total, page.size),
    }
    return await render(request, "forums/board.html", context)


async def new_thread_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await _community(ctx, request)
    board = await _board_in(ctx, request, community)
    if not board["may_post"]:
        raise PermissionDenied("you may not post on this board")
    picks = await services.picker_choices(community["id"])
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = await read_form(request)
        values = form_values(form, ("title", "body", "is_question", "reference", "mention"))
        values["body"] = _with_picks(values, picks)
        data, errors = validate(
            ThreadCreate,
            {
                "title": values.get("title", ""),
                "body": values["body"],
                "is_question": bool(values.get("is_question")),
            },
        )
        if data is not None:
            try:
                thread = await services.create_thread(ctx, board["id"], data)
            except InvalidInput as exc:
                errors = exc.fields
            else:
                flash(request, "Your thread is posted.")
                return RedirectResponse(thread["url"], status_code=303)
    context = {
        "community": community,
        "board": board,
        "picks": picks,
        "values": values,
        "errors": errors,
    }
    return await render(request, "forums/thread_new.html", context, status=422 if errors else 200)


# --- a thread ---------------------------------------------------------------------------


async def _thread_in(
    ctx: ServiceContext, request: Request, community: dict[str, Any], page: Page
) -> dict[str, Any]:
    thread = await services.get_thread(ctx, request.path_params["thread_id"], page)
    if thread["community_id"] != community["id"]:
        raise NotFound("There is no such thread in this community.")
    return thread


async def _thread_context(
    ctx: ServiceContext, request: Request, community: dict[str, Any]
) -> dict[str, Any]:
    page = _page(request, POSTS_PER_PAGE)
    thread = await _thread_in(ctx, request, community, page)
    quote = None
    quote_id = id_or_none(request.query_params.get("quote", ""))
    if quote_id is not None:
        quote = next((p for p in thread["posts"] if p["id"] == quote_id), None)
    boards = (
        await Board.filter(community_id=community["id"]).order_by("name").values("id", "name")
        if thread["moderates"]
        else []
    )
    return {
        "community": community,
        "thread": thread,
        "page": page.number,
        "pages": _pages(thread["post_total"], page.size),
        "picks": await services.picker_choices(community["id"]) if thread["may_reply"] else {},
        "quote": quote,
        "boards": boards,
        "values": {"quote_of": quote["id"] if quote else ""},
        "errors": {},
    }


async def thread_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await _community(ctx, request)
    context = await _thread_context(ctx, request, community)
    return await render(request, "forums/thread.html", context)


async def reply_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await _community(ctx, request)
    form = await read_form(request)
    context = await _thread_context(ctx, request, community)
    thread = context["thread"]
    values = form_values(form, ("body", "quote_of", "reference", "mention"))
    values["body"] = _with_picks(values, context["picks"] or {"people": []})
    payload: dict[str, Any] = {"body": values["body"]}
    if str(values.get("quote_of", "")).strip():
        payload["quote_of"] = values["quote_of"]
    data, errors = validate(ReplyCreate, payload)
    if data is not None:
        try:
            post = await services.reply(ctx, thread["id"], data)
        except InvalidInput as exc:
            errors = exc.fields
        except Conflict as exc:
            errors = {"body": exc.message}
        else:
            last = _pages(thread["post_total"] + 1, POSTS_PER_PAGE)
            url = f"{thread['url']}?page={last}#post-{post['id']}"
            flash(request, "Your reply is posted.")
            return RedirectResponse(url, status_code=303)
    context.update(values=values, errors=errors)
    return await render(request, "forums/thread.html", context, status=422)


FOLLOWING = {
    True: "You follow this thread: new replies reach your notifications.",
    False: "You no longer follow this thread.",
}
RESOLVED = {True: "The question is marked resolved.", False: "The question is open again."}
MODERATED = {
    "lock": "The thread is locked: no new replies.",
    "unlock": "The thread is open for replies again.",
    "hide": "The thread is hidden from everyone but moderators.",
    "unhide": "The thread is shown again.",
    "move": "The thread is moved.",
}


async def _thread_action(request: Request, action: str) -> Response:
    """Follow, resolve and moderate: small forms that come back to the thread."""
    ctx = await signed_in_context(request)
    community = await _community(ctx, request)
    form = await read_form(request)
    thread_id = request.path_params["thread_id"]
    thread = await services.get_thread(ctx, thread_id, Page(1, 1), mark_read=False)
    if thread["community_id"] != community["id"]:
        raise NotFound("There is no such thread in this community.")
    values = form_values(form, ("action", "board_id", "resolved", "following"))
    if action == "follow":
        following = values.get("following") == "1"
        await services.follow(ctx, thread_id, following)
        flash(request, FOLLOWING[following])
    elif action == "resolution":
        resolved = values.get("resolved") == "1"
        await services.set_resolved(ctx, thread_id, Resolution(resolved=resolved))
        flash(request, RESOLVED[resolved])
    else:
        data, errors = validate(
            Moderation, {k: v for k, v in values.items() if k in ("action", "board_id") and v}
        )
        if data is None:
            raise InvalidInput("check the moderation form", errors)
        await services.moderate(ctx, thread_id, data)
        flash(request, MODERATED[data.action])
    return RedirectResponse(thread["url"], status_code=303)


async def follow_page(request: Request) -> Response:
    return await _thread_action(request, "follow")


async def resolution_page(request: Request) -> Response:
    return await _thread_action(request, "resolution")


async def moderation_action_page(request: Request) -> Response:
    return await _thread_action(request, "moderation")


# --- a post ---------------------------------------------------------------------------------


async def _post_in(
    ctx: ServiceContext, request: Request, community: dict[str, Any]
) -> dict[str, Any]:
    post = await services.get_post(ctx, request.path_params["post_id"])
    if post["community_id"] != community["id"]:
        raise NotFound("There is no such post in this community.")
    return post


async def edit_post_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await _community(ctx, request)
    post = await _post_in(ctx, request, community)
    values: dict[str, Any] = {"body": post["body"], "version": post["version"]}
    errors: dict[str, str] = {}
    conflict: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        form = await read_form(request)
        values = form_values(form, ("body", "version"))
        data, errors = validate(PostEdit, values)
        if data is not None:
            try:
                await services.edit_post(ctx, post["id"], data)
            except Conflict as exc:
                conflict = exc.detail.get("current")
                errors = {"body": exc.message}
                if conflict:
                    # The form now starts from the saved version, the visitor's text shown
                    # beside it to copy from: a second save overwrites nothing unseen.
                    values = {"body": data.body, "version": conflict["version"]}
                status = 409
            except ServiceError as exc:
                errors = exc.fields or {"body": exc.message}
                status = exc.status
            else:
                url = f"{post['thread_url']}#post-{post['id']}"
                flash(request, "Your edit is saved; the post's history keeps the earlier text.")
                return RedirectResponse(url, status_code=303)
        else:
            status = 422
    context = {
        "community": community,
        "post": post,
        "values": values,
        "errors": errors,
        "conflict": conflict,
    }
    return await render(request, "forums/post_edit.html", context, status=status)


async def post_moderation_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await _community(ctx, request)
    post = await _post_in(ctx, request, community)
    form = await read_form(request)
    data, errors = validate(PostModeration, form_values(form, ("action",)))
    if data is None:
        raise InvalidInput("choose hide or unhide", errors)
    await services.moderate_post(ctx, post["id"], data)
    flash(request, "The post is hidden." if data.action == "hide" else "The post is shown again.")
    return RedirectResponse(f"{post['thread_url']}#post-{post['id']}", status_code=303)


async def history_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await _community(ctx, request)
    post = await _post_in(ctx, request, community)
    context = {
        "community": community,
        "post": post,
        "revisions": await services.revisions(ctx, post["id"]),
    }
    return await render(request, "forums/post_history.html", context)


async def report_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await _community(ctx, request)
    post = await _post_in(ctx, request, community)
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = await read_form(request)
        values = form_values(form, ("reason",))
        data, errors = validate(ReportCreate, values)
        if data is not None:
            await services.report_post(ctx, post["id"], data)
            flash(request, "Thank you: the facilitators will look at the post.")
            return RedirectResponse(post["thread_url"], status_code=303)
    context = {"community": community, "post": post, "values": values, "errors": errors}
    return await render(request, "forums/post_report.html", context, status=422 if errors else 200)


# --- moderation, search -----------------------------------------------------------------------


async def moderation_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await _community(ctx, request)
    queue = await services.moderation_queue(ctx, community["id"])
    return await render(request, "forums/moderation.html", {"community": community, **queue})


async def decision_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await _community(ctx, request)
    form = await read_form(request)
    data, errors = validate(ReportDecision, form_values(form, ("outcome",)))
    if data is None:
        raise InvalidInput("choose an outcome", errors)
    await services.decide_report(ctx, request.path_params["report_id"], data)
    outcome = "the post is hidden" if data.outcome == "hidden" else "the post stays as it is"
    flash(request, f"The report is decided: {outcome}.")
    return RedirectResponse(f"{_base(community)}/moderation", status_code=303)


async def search_page(request: Request) -> Response:
    ctx = await signed_in_context(request)
    community = await _community(ctx, request)
    text = request.query_params.get("q", "")
    page = _page(request, THREADS_PER_PAGE)
    errors: dict[str, str] = {}
    threads: list[dict[str, Any]] = []
    total = 0
    try:
        threads, total = await services.search(ctx, community["id"], text, page)
    except InvalidInput as exc:
        errors = exc.fields
    context = {
        "community": community,
        "q": text,
        "threads": threads,
        "total": total,
        "page": page.number,
        "pages": _pages(total, page.size),
        "errors": errors,
    }
    return await render(request, "forums/search.html", context, status=422 if errors else 200)


BASE = "/communities/{slug}/forums"
THREAD = BASE + "/threads/{thread_id:int}"
POST = BASE + "/posts/{post_id:int}"
ROUTES = [
    Route("/forums", all_forums_page),
    Route(BASE, boards_page, methods=["GET", "POST"]),
    Route(BASE + "/boards/{board_id:int}", board_page),
    Route(BASE + "/boards/{board_id:int}/new", new_thread_page, methods=["GET", "POST"]),
    Route(THREAD, thread_page),
    Route(THREAD + "/reply", reply_page, methods=["POST"]),
    Route(THREAD + "/follow", follow_page, methods=["POST"]),
    Route(THREAD + "/resolution", resolution_page, methods=["POST"]),
    Route(THREAD + "/moderation", moderation_action_page, methods=["POST"]),
    Route(POST + "/edit", edit_post_page, methods=["GET", "POST"]),
    Route(POST + "/history", history_page),
    Route(POST + "/moderation", post_moderation_page, methods=["POST"]),
    Route(POST + "/report", report_page, methods=["GET", "POST"]),
    Route(BASE + "/moderation", moderation_page),
    Route(BASE + "/reports/{report_id:int}/decision", decision_page, methods=["POST"]),
    Route(BASE + "/search", search_page),
]
