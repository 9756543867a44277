"""The forum pages: forms with CSRF and field errors, moderation and the reports queue,
search, navigation, the plugin switched off, and the demo."""

from __future__ import annotations

import re
from typing import Any

from core.testing import csrf_of
from plugins.forums import services
from plugins.forums.schemas import ThreadCreate

BOARDS = "/communities/cedar/forums"


async def test_a_member_posts_a_thread_with_a_picked_reference_and_replies(world) -> None:
    ana, ben = world.users["ana"], world.users["ben"]
    url = f"{BOARDS}/boards/{world.boards['general']}/new"
    form = await ana.client.get(url)
    assert form.status_code == 200 and "District data wall" in form.text  # the picker
    sent = await ana.client.post(
        url,
        data={
            "csrf_token": csrf_of(form.text),
            "title": "Data walls <b>anyone</b>?",
            "body": "We liked <script>alert(1)</script> this:",
            "reference": f"cycle:{world.cycles['didt']}",
            "mention": str(world.people["ben"]),
            "is_question": "1",
        },
    )
    assert sent.status_code == 303, sent.text
    page = await ben.client.get(sent.headers["location"])
    text = page.text
    assert "Data walls &lt;b&gt;anyone&lt;/b&gt;?" in text  # titles are escaped
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert f'href="/cycles/{world.cycles["didt"]}" class="ref"' in text
    assert ">@Ben Okafor</a>" in text and "Open question" in text
    # Ben quotes and replies.
    post_id = re.search(r'id="post-(\d+)"', text).group(1)
    quoting = await ben.client.get(sent.headers["location"] + f"?quote={post_id}")
    assert 'name="quote_of" value="' + post_id + '"' in quoting.text
    reply_url = sent.headers["location"] + "/reply"
    done = await ben.client.post(
        reply_url,
        data={"csrf_token": csrf_of(quoting.text), "body": "Yes, **here**", "quote_of": post_id},
    )
    assert done.status_code == 303
    after = (await ana.client.get(done.headers["location"].split("#")[0])).text
    assert "<strong>here</strong>" in after and "Ana Ruiz wrote:" in after
    # An empty reply is refused beside its field; a forged one is refused outright.
    token = csrf_of(quoting.text)
    empty = await ben.client.post(reply_url, data={"csrf_token": token, "body": " "})
    assert empty.status_code == 422 and 'id="e-body"' in empty.text
    assert (await ben.client.post(reply_url, data={"body": "x"})).status_code == 403


async def test_the_new_thread_form_names_its_fields_and_roles(world) -> None:
    ana, olu = world.users["ana"], world.users["olu"]
    url = f"{BOARDS}/boards/{world.boards['general']}/new"
    token = csrf_of((await ana.client.get(url)).text)
    bad = await ana.client.post(url, data={"csrf_token": token, "title": "", "body": ""})
    assert bad.status_code == 422 and 'id="e-title"' in bad.text and 'id="e-body"' in bad.text
    assert (await olu.client.get(url)).status_code == 403
    board = await olu.client.get(f"{BOARDS}/boards/{world.boards['general']}")
    assert board.status_code == 200 and "New thread" not in board.text
    assert "No threads yet." in board.text


async def test_facilitators_make_boards_through_the_form(world) -> None:
    fay, ana = world.users["fay"], world.users["ana"]
    page = await fay.client.get(BOARDS)
    assert "New board" in page.text and "Moderation queue" in page.text
    token = csrf_of(page.text)
    bad = await fay.client.post(
        BOARDS, data={"csrf_token": token, "name": "X", "visibility": "team"}
    )
    assert bad.status_code == 422 and 'id="e-team_id"' in bad.text
    made = await fay.client.post(
        BOARDS,
        data={
            "csrf_token": token,
            "name": "DIDT desk",
            "visibility": "team",
            "team_id": str(world.teams["didt"]),
        },
    )
    assert made.status_code == 303
    assert "DIDT desk" not in (await ana.client.get(BOARDS)).text  # Ana is not on the DIDT
    assert "DIDT desk" in (await world.users["ben"].client.get(BOARDS)).text
    assert "New board" not in (await ana.client.get(BOARDS)).text


async def test_moderation_lock_hide_move_and_the_reports_queue(world) -> None:
    ana, ben, fay = world.users["ana"], world.users["ben"], world.users["fay"]
    thread = await services.create_thread(
        ana.ctx, world.boards["general"], ThreadCreate(title="Rude one", body="Something rude")
    )
    url = thread["url"]
    page = await ben.client.get(url)
    assert "Moderate" not in page.text
    post_id = re.search(r'id="post-(\d+)"', page.text).group(1)
    # Ben reports the post.
    report_url = f"{BOARDS}/posts/{post_id}/report"
    form = await ben.client.get(report_url)
    assert (
        await ben.client.post(report_url, data={"csrf_token": csrf_of(form.text)})
    ).status_code == 422
    sent = await ben.client.post(
        report_url, data={"csrf_token": csrf_of(form.text), "reason": "Not kind"}
    )
    assert sent.status_code == 303
    # The queue is for facilitators.
    assert (await ben.client.get(f"{BOARDS}/moderation")).status_code == 403
    status, _ = await ben.api.get("/communities/cedar/forums/moderation")
    assert status == 403
    queue = await fay.client.get(f"{BOARDS}/moderation")
    assert "Not kind" in queue.text and "Something rude" in queue.text
    report_id = re.search(r"/reports/(\d+)/decision", queue.text).group(1)
    hidden = await fay.client.post(
        f"{BOARDS}/reports/{report_id}/decision",
        data={"csrf_token": csrf_of(queue.text), "outcome": "hidden"},
    )
    assert hidden.status_code == 303
    assert "No open reports." in (await fay.client.get(f"{BOARDS}/moderation")).text
    seen = (await ben.client.get(url)).text
    assert "Something rude" not in seen and "This post was hidden by a facilitator." in seen
    # A facilitator may show it again, and hide it once more, from the thread.
    shown = await fay.client.post(
        f"{BOARDS}/posts/{post_id}/moderation",
        data={"csrf_token": csrf_of(queue.text), "action": "unhide"},
    )
    assert shown.status_code == 303
    assert "Something rude" in (await ben.client.get(url)).text
    status, _ = await ben.api.post(f"/forums/posts/{post_id}/moderation", {"action": "hide"})
    assert status == 403
    await fay.api.ok("POST", f"/forums/posts/{post_id}/moderation", {"action": "hide"})
    assert "Something rude" not in (await ben.client.get(url)).text
    # Lock: no more replies; move to the staff board; hide the thread.
    page = await fay.client.get(url)
    token = csrf_of(page.text)
    assert "Moderate" in page.text
    locked = await fay.client.post(
        url + "/moderation", data={"csrf_token": token, "action": "lock"}
    )
    assert locked.status_code == 303
    status, _ = await ben.api.post(f"/forums/threads/{thread['id']}/replies", {"body": "x"})
    assert status == 409
    assert "This thread is locked" in (await ben.client.get(url)).text
    moved = await fay.client.post(
        url + "/moderation",
        data={"csrf_token": token, "action": "move", "board_id": str(world.boards["staff"])},
    )
    assert moved.status_code == 303
    assert (await ben.client.get(url)).status_code == 404  # the staff board is for facilitators
    status, error = await fay.api.post(
        f"/forums/threads/{thread['id']}/moderation", {"action": "move", "board_id": 999999}
    )
    assert status == 422 and "board_id" in error["error"]["fields"]
    await fay.api.ok(
        "POST",
        f"/forums/threads/{thread['id']}/moderation",
        {"action": "move", "board_id": world.boards["general"]},
    )
    await fay.api.ok("POST", f"/forums/threads/{thread['id']}/moderation", {"action": "hide"})
    assert (await ben.client.get(url)).status_code == 404
    assert "Rude one" in (await fay.client.get(f"{BOARDS}/moderation")).text
    status, _ = await ben.api.post(
        f"/forums/threads/{thread['id']}/moderation", {"action": "unhide"}
    )
    assert status == 404  # he does not even see it


async def test_search_finds_titles_and_posts_with_pages(world) -> None:
    ana = world.users["ana"]
    for n in range(27):
        await services.create_thread(
            ana.ctx, world.boards["general"], ThreadCreate(title=f"Thread {n}", body="walrus")
        )
    first = await ana.client.get(f"{BOARDS}/search?q=walrus")
    assert "27 threads found" in first.text and "Page 1 of 2" in first.text
    second = await ana.client.get(f"{BOARDS}/search?q=walrus&page=2")
    assert second.text.count('class="unread"') + second.text.count("<tr>") >= 2
    status, body = await ana.api.get("/communities/cedar/forums/search", q="Thread 1", per_page=5)
    assert status == 200 and body["total"] == 11 and len(body["items"]) == 5
    empty = await ana.client.get(f"{BOARDS}/search")
    assert "Type some words" in empty.text
    long = await ana.client.get(f"{BOARDS}/search?q=" + "x" * 300)
    assert long.status_code == 422 and 'id="e-q"' in long.text


async def test_navigation_and_the_page_of_all_forums(world, nic_client) -> None:
    ana = world.users["ana"]
    home = (await ana.client.get("/")).text
    assert 'href="/forums"' in home
    assert 'href="/forums"' not in (await nic_client.get("/")).text
    forums = await ana.client.get("/forums")
    assert forums.status_code == 200 and 'href="/communities/cedar/forums"' in forums.text
    assert (await nic_client.get("/forums")).status_code == 303


async def test_switched_off_the_forums_answer_404_and_the_rest_works(world) -> None:
    thread = await services.create_thread(
        world.users["ana"].ctx,
        world.boards["general"],
        ThreadCreate(title="Before", body=f"on #cycle-{world.cycles['didt']}"),
    )
    admin = world.admin.api
    body = {"plugin": "forums", "enabled": False}
    await admin.ok("PUT", f"/communities/{world.community_id}/plugins", body)
    ana = world.users["ana"]
    for url in (
        BOARDS,
        thread["url"],
        f"{BOARDS}/search?q=x",
        f"{BOARDS}/boards/{world.boards['general']}",
    ):
        assert (await ana.client.get(url)).status_code == 404, url
    for path in (
        "/communities/cedar/forums/boards",
        f"/forums/threads/{thread['id']}",
        f"/forums/boards/{world.boards['general']}/threads",
    ):
        status, _ = await ana.api.get(path)
        assert status == 404, path
    cycle = await ana.client.get(f"/cycles/{world.cycles['didt']}")
    assert cycle.status_code == 200 and "Forum threads" not in cycle.text
    assert (await ana.client.get("/communities/cedar")).status_code == 200
    assert 'href="/communities/cedar/forums"' not in (await ana.client.get("/forums")).text
    graph = await admin.ok("GET", "/communities/cedar/flow/export/json")
    assert "forum_thread" not in str(graph)


async def test_demo_threads(nic_admin: Any) -> None:
    """The demo community loaded as ``nic demo`` loads it, then our demo threads."""
    from communities.examples.demo import demo_communities
    from communities.exchange import load_community
    from plugins.api import community_id_for_slug
    from plugins.forums.demo import load_demo

    document = demo_communities()[0]
    await load_community(nic_admin.ctx, document, "demo:test")
    cid = await community_id_for_slug(document["community"]["slug"])
    await load_demo(nic_admin.ctx, [cid])
    boards = await services.list_boards(nic_admin.ctx, cid)
    assert len(boards) == 2 and any(b["visibility"] == "team" for b in boards)
    assert sum(b["thread_count"] for b in boards) == 2


async def test_odd_input_never_breaks_a_page_or_the_api(world) -> None:
    """Huge ids, unknown records, bad choices and long text: 404s and 422s, never a 500."""
    ana, fay = world.users["ana"], world.users["fay"]
    huge = 2**40
    urls = (
        f"{BOARDS}/threads/{huge}",
        f"{BOARDS}/boards/{huge}",
        f"{BOARDS}/posts/{huge}/edit",
        f"{BOARDS}/threads/999999",
        f"{BOARDS}/boards/{world.boards['general']}?page=x",
        f"{BOARDS}/search?q=a&page=-3",
    )
    for url in urls:
        response = await ana.client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
    for path in (
        f"/forums/threads/{huge}",
        f"/forums/posts/{huge}",
        f"/forums/boards/{huge}/threads",
    ):
        status, _ = await ana.api.get(path)
        assert status == 404, path
    status, _ = await ana.api.post(f"/forums/threads/{huge}/replies", {"body": "x"})
    assert status == 404
    thread = await services.create_thread(
        ana.ctx,
        world.boards["general"],
        ThreadCreate(title="T", body=f"#cycle-{huge} @person-{huge}"),
    )
    bodies = (
        ({"body": "x", "quote_of": huge}, "quote_of"),
        ({"body": ""}, "body"),
        ({"body": "x" * 20001}, "body"),
        ({"body": "x", "extra": 1}, "extra"),
    )
    for body, field in bodies:
        status, error = await ana.api.post(f"/forums/threads/{thread['id']}/replies", body)
        assert status == 422 and field in error["error"]["fields"], (body, error)
    status, error = await fay.api.post(
        f"/forums/threads/{thread['id']}/moderation", {"action": "explode"}
    )
    assert status == 422 and "action" in error["error"]["fields"]
    status, error = await fay.api.post(
        f"/forums/threads/{thread['id']}/moderation", {"action": "move", "board_id": huge}
    )
    assert status == 422 and "board_id" in error["error"]["fields"]
    status, error = await fay.api.post(f"/forums/reports/{huge}/decision", {"outcome": "hidden"})
    assert status == 404
    page = await fay.client.get(thread["url"])
    bad = await fay.client.post(
        thread["url"] + "/moderation", data={"csrf_token": csrf_of(page.text), "action": "explode"}
    )
    assert bad.status_code == 422
    status, error = await ana.api.post(
        f"/forums/boards/{world.boards['general']}/threads", {"title": "x" * 201, "body": "b"}
    )
    assert status == 422 and "title" in error["error"]["fields"]
