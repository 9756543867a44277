"""A team-only thread never reaches people outside the team: not in pages, the API,
search, notifications, the cycle panel or the graph and its export."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from plugins.api import Membership, NotFound, Page, community_graph
from plugins.forums import services
from plugins.forums.schemas import PostEdit, ReplyCreate, ThreadCreate

SECRET = "Zebra-secret plan"


async def _secret_thread(world: Any) -> dict[str, Any]:
    ana = world.users["ana"]
    body = (
        f"{SECRET}: we build on #cycle-{world.cycles['didt']} and #artifact-{world.artifact}. "
        f"@[Sam Vale](person:{world.people['sam']}) @person-{world.people['ben']}"
    )
    return await services.create_thread(
        ana.ctx, world.boards["north"], ThreadCreate(title=SECRET, body=body, is_question=True)
    )


async def test_boards_are_seen_by_who_the_rule_says(world) -> None:
    seen = {}
    for key, user in world.users.items():
        boards = await services.list_boards(user.ctx, world.community_id)
        seen[key] = {b["name"] for b in boards}
    assert seen["ana"] == {"General", "North room"}
    assert seen["fay"] == {"General", "North room", "Facilitators"}
    for key in ("ben", "olu", "rae", "sam"):
        assert seen[key] == {"General"}, key


async def test_a_team_only_thread_is_invisible_outside_the_team(world, nic_user) -> None:
    thread = await _secret_thread(world)
    tid = thread["id"]
    url = f"/communities/cedar/forums/threads/{tid}"
    stranger = await nic_user("stranger@else.example")
    for key in ("ben", "olu", "rae", "sam"):
        user = world.users[key]
        # services
        with pytest.raises(NotFound):
            await services.get_thread(user.ctx, tid, Page(1, 10))
        found, total = await services.search(user.ctx, world.community_id, "Zebra", Page(1, 10))
        assert total == 0 and not found
        # pages
        assert (await user.client.get(url)).status_code == 404
        board = await user.client.get(f"/communities/cedar/forums/boards/{world.boards['north']}")
        assert board.status_code == 404
        for page in (
            "/communities/cedar/forums",
            "/communities/cedar/forums/search?q=Zebra",
            f"/cycles/{world.cycles['didt']}",
        ):
            response = await user.client.get(page)
            assert response.status_code == 200 and SECRET not in response.text, (key, page)
        # API
        for path in (
            f"/forums/threads/{tid}",
            f"/forums/threads/{tid}/posts",
            f"/forums/boards/{world.boards['north']}/threads",
        ):
            status, _ = await user.api.get(path)
            assert status == 404, (key, path)
        status, body = await user.api.get("/communities/cedar/forums/search", q="Zebra")
        assert status == 200 and body["total"] == 0
        status, boards = await user.api.get("/communities/cedar/forums/boards")
        assert status == 200 and "North room" not in str(boards)
        status, _ = await user.api.post(f"/forums/threads/{tid}/replies", {"body": "hi"})
        assert status == 404
    assert (await stranger.client.get(url)).status_code == 404  # not even in the community
    # The team and the facilitators see it everywhere.
    for key in ("ana", "fay"):
        user = world.users[key]
        assert SECRET in (await user.client.get(url)).text
        status, body = await user.api.get("/communities/cedar/forums/search", q="Zebra")
        assert body["total"] == 1
        panel = (await user.client.get(f"/cycles/{world.cycles['didt']}")).text
        assert SECRET in panel


async def test_mentions_outside_the_team_are_not_notified(world) -> None:
    await _secret_thread(world)
    for key in ("sam", "ben"):  # mentioned, but not on North
        status, body = await world.users[key].api.get("/notifications")
        assert status == 200 and body["total"] == 0, body
    # A mention on a board they see reaches them.
    ana = world.users["ana"]
    await services.create_thread(
        ana.ctx,
        world.boards["general"],
        ThreadCreate(title="Hello", body=f"@person-{world.people['sam']} welcome"),
    )
    status, body = await world.users["sam"].api.get("/notifications")
    assert body["total"] == 1 and "Ana Ruiz mentioned you" in body["items"][0]["text"]


async def test_followers_hear_of_replies(world) -> None:
    thread = await _secret_thread(world)
    fay = world.users["fay"]
    await services.follow(fay.ctx, thread["id"], True)
    await services.reply(world.users["ana"].ctx, thread["id"], ReplyCreate(body="more"))
    status, body = await fay.api.get("/notifications")
    assert status == 200 and body["total"] == 1 and body["items"][0]["kind"] == "reply"


async def test_the_graph_and_its_export_hold_no_trace_of_a_team_only_thread(world) -> None:
    secret = await _secret_thread(world)
    public = await services.create_thread(
        world.users["ana"].ctx,
        world.boards["general"],
        ThreadCreate(title="Open talk", body=f"We tried #cycle-{world.cycles['didt']}"),
    )
    plugins = world.admin.ctx.plugins
    graph = await community_graph(plugins, [world.community_id])
    assert f"forum_thread:{public['id']}" in graph
    assert f"forum_thread:{secret['id']}" not in graph
    assert not [n for n, d in graph.nodes(data=True) if SECRET in str(d.get("label", ""))]
    fay = world.users["fay"]
    for fmt in ("json", "graphml", "gexf"):
        response = await fay.api.client.get(
            f"/api/v1/communities/cedar/flow/export/{fmt}", headers=fay.api.headers
        )
        assert response.status_code == 200, response.text
        assert f"forum_thread:{public['id']}" in response.text
        assert SECRET not in response.text and f"forum_thread:{secret['id']}" not in response.text


async def test_a_follower_who_left_the_team_hears_no_more(world) -> None:
    thread = await _secret_thread(world)  # Ana (North) opened it and follows it
    ana, fay = world.users["ana"], world.users["fay"]
    membership = await Membership.filter(person_id=world.people["ana"]).values_list("id", flat=True)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    await world.admin.api.ok("PATCH", f"/memberships/{membership[0]}", {"end_date": yesterday})
    await services.reply(fay.ctx, thread["id"], ReplyCreate(body="Any news?"))
    assert (await ana.api.ok("GET", "/notifications"))["total"] == 0
    status, _ = await ana.api.get(f"/forums/threads/{thread['id']}")
    assert status == 404  # and she no longer sees the thread


async def test_a_mention_added_by_an_edit_is_notified_once(world) -> None:
    ana, sam = world.users["ana"], world.users["sam"]
    thread = await services.create_thread(
        ana.ctx, world.boards["general"], ThreadCreate(title="Edit me", body="Hello")
    )
    page = await services.get_thread(ana.ctx, thread["id"], Page(1, 5))
    post = page["posts"][0]
    mention = f"Hello @person-{world.people['sam']}"
    edited = await services.edit_post(ana.ctx, post["id"], PostEdit(body=mention, version=1))
    await services.edit_post(
        ana.ctx, post["id"], PostEdit(body=mention + " again", version=edited["version"])
    )
    notes = (await sam.api.ok("GET", "/notifications"))["items"]
    assert [n["kind"] for n in notes] == ["mention"]


async def test_learning_links_reach_public_threads_only(world) -> None:
    """``forum_thread:<id>`` is a node kind: a link recorded by hand may point at a thread
    everyone sees, never at a team-only one (it would not be in the graph)."""
    secret = await _secret_thread(world)
    public = await services.create_thread(
        world.users["ana"].ctx, world.boards["general"], ThreadCreate(title="Open", body="b")
    )
    fay = world.users["fay"]
    status, link = await fay.api.post(
        "/links",
        {"source": f"cycle:{world.cycles['didt']}", "target": f"forum_thread:{public['id']}"},
    )
    assert status == 201, link
    graph = await community_graph(world.admin.ctx.plugins, [world.community_id])
    assert graph.has_edge(f"cycle:{world.cycles['didt']}", f"forum_thread:{public['id']}")
    status, error = await fay.api.post(
        "/links",
        {"source": f"cycle:{world.cycles['didt']}", "target": f"forum_thread:{secret['id']}"},
    )
    assert status in (404, 422), error
