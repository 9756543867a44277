"""Threads, replies, edits and references through the services and the JSON API."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest

from plugins.api import (
    Conflict,
    InvalidInput,
    Page,
    PermissionDenied,
    community_graph,
    team_flow,
)
from plugins.convenings.agenda import agenda_items
from plugins.forums import services
from plugins.forums.schemas import PostEdit, ReplyCreate, Resolution, ThreadCreate
from tests.helpers import count_queries


async def _open(world: Any, who: str = "ana", board: str = "general", **extra: Any) -> dict:
    data = {"title": "Huddles", "body": "How do you run them?", **extra}
    status, thread = await world.users[who].api.post(
        f"/forums/boards/{world.boards[board]}/threads", data
    )
    assert status == 201, thread
    return thread


async def test_references_become_links_and_edges_between_teams(world) -> None:
    didt_cycle = world.cycles["didt"]
    # A version of the artifact, so it is in the graph.
    await world.admin.api.ok(
        "POST",
        f"/artifacts/{world.artifact}/versions",
        {"summary": "first", "created_on": "2024-09-01"},
        201,
    )
    thread = await _open(
        world, body=f"We copied #cycle-{didt_cycle} and #artifact-{world.artifact}, not #cycle-999"
    )
    _status, posts = await world.users["ana"].api.get(f"/forums/threads/{thread['id']}/posts")
    html = posts["items"][0]["html"]
    assert f'<a href="/cycles/{didt_cycle}" class="ref" title="District data wall"' in html
    assert f'href="/communities/cedar/artifacts/{world.artifact}"' in html
    assert "#cycle-999" in html and "/cycles/999" not in html
    got = await world.users["ana"].api.ok("GET", f"/forums/threads/{thread['id']}")
    assert {(r["kind"], r["id"]) for r in got["references"]} == {
        ("cycle", didt_cycle),
        ("artifact", world.artifact),
    }
    # The graph: the thread speaks for Ana's team (North), the cycle is the DIDT's.
    graph = await community_graph(world.admin.ctx.plugins, [world.community_id])
    node = f"forum_thread:{thread['id']}"
    assert graph.nodes[node]["team"] == f"team:{world.teams['north']}"
    assert graph.nodes[node]["level"] == "school"
    kinds = {d["kind"] for _, _, d in graph.in_edges(node, data=True)}
    assert kinds == {"referenced_in", "discussed_in"}
    assert graph.has_edge(f"cycle:{didt_cycle}", node)
    assert any(u.startswith("artifact_version:") for u, _ in graph.in_edges(node))
    flow = team_flow(graph)
    assert flow.graph.has_edge(f"team:{world.teams['didt']}", f"team:{world.teams['north']}")
    # The cycle's page shows the thread.
    page = await world.users["olu"].client.get(f"/cycles/{didt_cycle}")
    assert "Forum threads" in page.text and thread["title"] in page.text
    page = await world.users["olu"].client.get(f"/communities/cedar/artifacts/{world.artifact}")
    assert "Forum threads" in page.text and thread["title"] in page.text


async def test_a_hidden_thread_leaves_the_graph_and_the_panel(world) -> None:
    thread = await _open(world, body=f"About #cycle-{world.cycles['didt']}")
    fay = world.users["fay"]
    await fay.api.ok("POST", f"/forums/threads/{thread['id']}/moderation", {"action": "hide"})
    graph = await community_graph(world.admin.ctx.plugins, [world.community_id])
    assert f"forum_thread:{thread['id']}" not in graph
    page = await world.users["olu"].client.get(f"/cycles/{world.cycles['didt']}")
    assert "No forum thread refers to this cycle yet." in page.text
    status, _ = await world.users["ben"].api.get(f"/forums/threads/{thread['id']}")
    assert status == 404
    status, _ = await fay.api.get(f"/forums/threads/{thread['id']}")
    assert status == 200


async def test_two_replies_at_once_are_both_kept(world) -> None:
    thread = await _open(world)
    ana, ben = world.users["ana"], world.users["ben"]
    path = f"/forums/threads/{thread['id']}/replies"
    results = await asyncio.gather(
        ana.api.post(path, {"body": "Ana's answer"}),
        ben.api.post(path, {"body": "Ben's answer"}),
    )
    assert [status for status, _ in results] == [201, 201], results
    _status, posts = await ana.api.get(f"/forums/threads/{thread['id']}/posts")
    bodies = [p["body"] for p in posts["items"]]
    assert sorted(bodies[1:]) == ["Ana's answer", "Ben's answer"] and posts["total"] == 3
    got = await ana.api.ok("GET", f"/forums/threads/{thread['id']}")
    assert got["reply_count"] == 2


async def test_a_stale_edit_is_refused_with_both_versions(world) -> None:
    thread = await _open(world)
    ana = world.users["ana"]
    status, posts = await ana.api.get(f"/forums/threads/{thread['id']}/posts")
    post = posts["items"][0]
    path = f"/forums/posts/{post['id']}"
    first = await ana.api.ok("PATCH", path, {"body": "First fix", "version": 1})
    assert first["version"] == 2
    status, error = await ana.api.patch(path, {"body": "From an old tab", "version": 1})
    assert status == 409, error
    assert error["error"]["current"] == {"version": 2, "body": "First fix"}
    assert error["error"]["yours"] == {"version": 1, "body": "From an old tab"}
    assert (await ana.api.ok("GET", path))["body"] == "First fix"  # nothing overwritten
    history = await ana.api.ok("GET", path + "/revisions")
    assert [r["body"] for r in history] == ["How do you run them?"]
    # Others may not edit it; the page shows the conflict with both texts.
    status, _ = await world.users["ben"].api.patch(path, {"body": "mine", "version": 2})
    assert status == 403
    url = f"/communities/cedar/forums/posts/{post['id']}/edit"
    form = await ana.client.get(url)
    from core.testing import csrf_of

    stale = await ana.client.post(
        url, data={"csrf_token": csrf_of(form.text), "body": "Old tab text", "version": "1"}
    )
    assert stale.status_code == 409
    assert "First fix" in stale.text and "Old tab text" in stale.text
    assert 'name="version" value="2"' in stale.text


async def test_two_edits_at_once_keep_one_and_refuse_the_other(world) -> None:
    thread = await _open(world)
    ana = world.users["ana"]
    _, posts = await ana.api.get(f"/forums/threads/{thread['id']}/posts")
    path = f"/forums/posts/{posts['items'][0]['id']}"
    results = await asyncio.gather(
        ana.api.patch(path, {"body": "one", "version": 1}),
        ana.api.patch(path, {"body": "two", "version": 1}),
    )
    assert sorted(status for status, _ in results) == [200, 409]
    saved = await ana.api.ok("GET", path)
    assert saved["version"] == 2 and saved["body"] in ("one", "two")


async def test_quotes_go_one_level_deep(world) -> None:
    ana, ben = world.users["ana"], world.users["ben"]
    thread = await services.create_thread(
        ana.ctx, world.boards["general"], ThreadCreate(title="Q", body="Original **text**")
    )
    page = await services.get_thread(ana.ctx, thread["id"], Page(1, 10))
    first = page["posts"][0]["id"]
    second = await services.reply(ben.ctx, thread["id"], ReplyCreate(body="B", quote_of=first))
    third = await services.reply(
        ana.ctx, thread["id"], ReplyCreate(body="C", quote_of=second["id"])
    )
    page = await services.get_thread(ana.ctx, thread["id"], Page(1, 10))
    by_id = {p["id"]: p for p in page["posts"]}
    assert "<strong>text</strong>" in by_id[second["id"]]["quote"]["html"]
    assert by_id[third["id"]]["quote"]["html"] == "<p>B</p>\n"  # B's own text only
    with pytest.raises(InvalidInput) as problem:
        await services.reply(ana.ctx, thread["id"], ReplyCreate(body="x", quote_of=999999))
    assert "quote_of" in problem.value.fields


async def test_who_may_post_and_validation(world) -> None:
    for key in ("olu", "rae"):
        status, _ = await world.users[key].api.post(
            f"/forums/boards/{world.boards['general']}/threads", {"title": "x", "body": "y"}
        )
        assert status == 403, key
    status, error = await world.users["ana"].api.post(
        f"/forums/boards/{world.boards['general']}/threads", {"title": "", "body": "y"}
    )
    assert status == 422 and "title" in error["error"]["fields"]
    status, error = await world.users["fay"].api.post(
        "/communities/cedar/forums/boards", {"name": "Team", "visibility": "team"}
    )
    assert status == 422 and "team_id" in error["error"]["fields"]
    status, _ = await world.users["ana"].api.post(
        "/communities/cedar/forums/boards", {"name": "Mine"}
    )
    assert status == 403


async def test_unread_markers_follow_reading(world) -> None:
    thread = await _open(world)
    ben, ana = world.users["ben"], world.users["ana"]
    board = f"/forums/boards/{world.boards['general']}/threads"
    assert (await ben.api.ok("GET", board))["items"][0]["unread"] is True
    assert (await ana.api.ok("GET", board))["items"][0]["unread"] is False  # her own
    await ben.api.ok("GET", f"/forums/threads/{thread['id']}/posts")  # reads it
    assert (await ben.api.ok("GET", board))["items"][0]["unread"] is False
    await ana.api.ok("POST", f"/forums/threads/{thread['id']}/replies", {"body": "more"}, 201)
    assert (await ben.api.ok("GET", board))["items"][0]["unread"] is True
    page = await ben.client.get(f"/communities/cedar/forums/boards/{world.boards['general']}")
    assert 'class="badge new"' in page.text
    boards = await ben.api.ok("GET", "/communities/cedar/forums/boards")
    general = next(b for b in boards if b["name"] == "General")
    assert general["unread_count"] == 1 and general["thread_count"] == 1
    assert general["last_activity_at"][:4].isdigit() and "T" in general["last_activity_at"]


async def test_followers_and_mentions_are_notified_once(world) -> None:
    thread = await _open(world)  # Ana follows her thread
    ben, fay, sam = world.users["ben"], world.users["fay"], world.users["sam"]
    await ben.api.ok("PUT", f"/forums/threads/{thread['id']}/follow")
    body = f"Ask @[Ben Okafor](person:{world.people['ben']}) and @person-{world.people['fay']}"
    await sam.api.ok("POST", f"/forums/threads/{thread['id']}/replies", {"body": body}, 201)
    ana_notes = (await world.users["ana"].api.ok("GET", "/notifications"))["items"]
    assert [(n["kind"], n["text"]) for n in ana_notes] == [
        ("reply", "Sam Vale replied to “Huddles”")
    ]
    assert ana_notes[0]["url"].startswith(f"/communities/cedar/forums/threads/{thread['id']}#post-")
    ben_notes = (await ben.api.ok("GET", "/notifications"))["items"]
    assert [n["kind"] for n in ben_notes] == ["mention"]  # a follower mentioned: once
    assert [n["kind"] for n in (await fay.api.ok("GET", "/notifications"))["items"]] == ["mention"]
    assert (await sam.api.ok("GET", "/notifications"))["total"] == 0  # not for your own post
    # Sam follows now (he replied); Ben stops following.
    await ben.api.ok("DELETE", f"/forums/threads/{thread['id']}/follow")
    await world.users["ana"].api.ok(
        "POST", f"/forums/threads/{thread['id']}/replies", {"body": "thanks"}, 201
    )
    assert (await sam.api.ok("GET", "/notifications"))["total"] == 1
    assert (await ben.api.ok("GET", "/notifications"))["total"] == 1


async def test_questions_resolve_and_feed_the_agenda(world) -> None:
    ana, ben, fay = world.users["ana"], world.users["ben"], world.users["fay"]
    busy = await _open(world, title="Busy question", is_question=True)
    quiet = await _open(world, title="Quiet question", is_question=True)
    await _open(world, title="Not a question")
    secret = await _open(world, board="north", title="Team question", is_question=True)
    for _ in range(2):
        await ben.api.ok("POST", f"/forums/threads/{busy['id']}/replies", {"body": "hm"}, 201)
    for _ in range(5):
        await ana.api.ok("POST", f"/forums/threads/{secret['id']}/replies", {"body": "x"}, 201)
    today = date.today()
    items = await agenda_items(
        ana.ctx.plugins, world.community_id, today - timedelta(days=1), today
    )
    ours = [i for i in items if i.source == "forums"]
    assert [i.title for i in ours] == [
        "Open question: Busy question",
        "Open question: Quiet question",
    ]
    assert ours[0].refs == (f"forum_thread:{busy['id']}",) and ours[0].kind == "open_question"
    # Only the author or a facilitator resolves; a resolved question leaves the agenda.
    status, _ = await ben.api.put(f"/forums/threads/{quiet['id']}/resolution", {"resolved": True})
    assert status == 403
    await ana.api.ok("PUT", f"/forums/threads/{quiet['id']}/resolution", {"resolved": True})
    await fay.api.ok("PUT", f"/forums/threads/{busy['id']}/resolution", {"resolved": True})
    items = await agenda_items(ana.ctx.plugins, world.community_id, None, today)
    assert not [i for i in items if i.source == "forums"]
    with pytest.raises(InvalidInput):
        other = await _open(world, title="Plain")
        await services.set_resolved(ana.ctx, other["id"], Resolution(resolved=True))
    # Nothing since tomorrow.
    later = await agenda_items(
        ana.ctx.plugins, world.community_id, today + timedelta(days=1), today
    )
    assert not [i for i in later if i.source == "forums"]


async def test_service_errors(world) -> None:
    ana = world.users["ana"]
    thread = await services.create_thread(
        ana.ctx, world.boards["general"], ThreadCreate(title="T", body="b")
    )
    page = await services.get_thread(ana.ctx, thread["id"], Page(1, 5))
    with pytest.raises(PermissionDenied):
        await services.edit_post(
            world.users["ben"].ctx, page["posts"][0]["id"], PostEdit(body="x", version=1)
        )
    await services.moderate(world.users["fay"].ctx, thread["id"], _lock())
    with pytest.raises(Conflict):
        await services.reply(ana.ctx, thread["id"], ReplyCreate(body="late"))
    with pytest.raises(Conflict):
        await services.edit_post(ana.ctx, page["posts"][0]["id"], PostEdit(body="x", version=1))


def _lock() -> Any:
    from plugins.forums.schemas import Moderation

    return Moderation(action="lock")


async def test_query_counts_do_not_grow_with_posts_or_threads(world) -> None:
    ana, ben = world.users["ana"], world.users["ben"]
    thread = await _open(world, body=f"#cycle-{world.cycles['didt']} @person-{world.people['ben']}")
    board_url = f"/communities/cedar/forums/boards/{world.boards['general']}"
    await ben.client.get(thread["url"])  # his read mark exists from now on

    async def counts() -> tuple[int, int]:
        await ben.client.get(board_url)  # warm caches on both sides of the comparison
        with count_queries() as on_thread:
            assert (await ben.client.get(thread["url"])).status_code == 200
        with count_queries() as on_board:
            assert (await ben.client.get(board_url)).status_code == 200
        return len(on_thread), len(on_board)

    few = await counts()
    for n in range(12):
        await services.reply(
            ana.ctx, thread["id"], ReplyCreate(body=f"#cycle-{world.cycles['north']} n{n}")
        )
        await services.create_thread(
            ana.ctx, world.boards["general"], ThreadCreate(title=f"T{n}", body="b")
        )
    assert await counts() == few
