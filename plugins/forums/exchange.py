"""The plugin's section of the community file (``plugins.forums``): boards, their
threads and posts with earlier texts, and what each post refers to.

A post's text names cycles, artifacts and people by id (``#cycle-12``, ``@person-7``,
``[Ana](person:7)``); the file names them by the file's keys instead
(``#{cycle:cycle-3}``, ``@{person:person-2}``, ``[Ana](person:{person-2})``), and the
loader writes the new ids back. Who follows or has read a thread, and reports to the
facilitators, belong to signed-in accounts and are not written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import Field

from plugins.api import FileKeys, FileSection, SectionEntry, ServiceContext, moment
from plugins.forums import markup
from plugins.forums.graph import KIND
from plugins.forums.models import VISIBILITIES, Board, Post, PostRevision, Reference, Thread
from plugins.forums.references import names_in

_OUT = (
    (markup.REFERENCE, lambda m: (m.group(1), m.group(2)), "#{{{kind}:{key}}}"),
    (markup.PLAIN_MENTION, lambda m: ("person", m.group(1)), "@{{{kind}:{key}}}"),
    (
        re.compile(r"\]\(person:([1-9][0-9]{0,9})\)"),
        lambda m: ("person", m.group(1)),
        "](person:{{{key}}})",
    ),
)
_IN = (
    (re.compile(r"#\{(cycle|artifact):([^{}]+)\}"), "#{kind}-{id}"),
    (re.compile(r"@\{(person):([^{}]+)\}"), "@person-{id}"),
    (re.compile(r"\]\(person:\{([^{}]+)\}\)"), "](person:{id})"),
)


def _to_keys(text: str, keys: FileKeys) -> str:
    for pattern, parts, form in _OUT:

        def swap(
            m: re.Match[str], parts: Callable[..., tuple[str, str]] = parts, form: str = form
        ) -> str:
            kind, ident = parts(m)
            try:
                return form.format(kind=kind, key=keys.key(kind, int(ident)))
            except KeyError:
                return m.group(0)  # not a record of this community: left as written

        text = pattern.sub(swap, text)
    return text


def _to_ids(text: str, keys: FileKeys, where: str) -> str:
    for pattern, form in _IN:

        def swap(m: re.Match[str], form: str = form) -> str:
            kind, key = (m.group(1), m.group(2)) if m.lastindex == 2 else ("person", m.group(1))
            return form.format(kind=kind, id=keys.id(kind, key, where))

        text = pattern.sub(swap, text)
    return text


class RevisionEntry(SectionEntry):
    version: int = Field(ge=1)
    body: str
    created_at: datetime


class PostEntry(SectionEntry):
    key: str = Field(min_length=1)
    author_name: str = Field(default="", max_length=200)
    body: str = Field(min_length=1)
    quote: str | None = None
    version: int = Field(default=1, ge=1)
    hidden: bool = False
    created_at: datetime
    edited_at: datetime | None = None
    revisions: list[RevisionEntry] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)


class ThreadEntry(SectionEntry):
    key: str = Field(min_length=1)
    title: str = Field(min_length=1, max_length=200)
    team: str | None = None
    author_name: str = Field(default="", max_length=200)
    is_question: bool = False
    resolved: bool = False
    locked: bool = False
    hidden: bool = False
    created_at: datetime
    last_activity_at: datetime
    posts: list[PostEntry] = Field(min_length=1)


class BoardEntry(SectionEntry):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    visibility: str = "community"
    team: str | None = None
    threads: list[ThreadEntry] = Field(default_factory=list)


async def export(ctx: ServiceContext, community_id: int, keys: FileKeys) -> list[dict[str, Any]]:
    boards = await Board.filter(community_id=community_id).order_by("id").values()
    threads = await Thread.filter(community_id=community_id).order_by("id").values()
    posts = await Post.filter(thread__community_id=community_id).order_by("id").values()
    revisions = (
        await PostRevision.filter(post__thread__community_id=community_id)
        .order_by("post_id", "version")
        .values()
    )
    references = (
        await Reference.filter(thread__community_id=community_id)
        .order_by("id")
        .values("post_id", "kind", "target_id")
    )
    for n, t in enumerate(threads, 1):
        keys.add(KIND, t["id"], f"thread-{n}")
    post_keys = {p["id"]: f"post-{n}" for n, p in enumerate(posts, 1)}

    def post_doc(p: dict[str, Any]) -> dict[str, Any]:
        return {
            "key": post_keys[p["id"]],
            "author_name": p["author_name"],
            "body": _to_keys(p["body"], keys),
            "quote": post_keys.get(p["quote_id"]),
            "version": p["version"],
            "hidden": p["hidden"],
            "created_at": moment(p["created_at"]),
            "edited_at": moment(p["edited_at"]),
            "revisions": [
                {
                    "version": r["version"],
                    "body": _to_keys(r["body"], keys),
                    "created_at": moment(r["created_at"]),
                }
                for r in revisions
                if r["post_id"] == p["id"]
            ],
            "references": [
                f"{r['kind']}:{keys.key(r['kind'], r['target_id'])}"
                for r in references
                if r["post_id"] == p["id"] and keys.has(r["kind"], r["target_id"])
            ],
        }

    return [
        {
            "name": b["name"],
            "description": b["description"],
            "visibility": b["visibility"],
            "team": keys.key("team", b["team_id"]),
            "threads": [
                {
                    "key": keys.key(KIND, t["id"]),
                    "title": t["title"],
                    "team": keys.key("team", t["team_id"]),
                    "author_name": t["author_name"],
                    "is_question": t["is_question"],
                    "resolved": t["resolved"],
                    "locked": t["locked"],
                    "hidden": t["hidden"],
                    "created_at": moment(t["created_at"]),
                    "last_activity_at": moment(t["last_activity_at"]),
                    "posts": [post_doc(p) for p in posts if p["thread_id"] == t["id"]],
                }
                for t in threads
                if t["board_id"] == b["id"]
            ],
        }
        for b in boards
    ]


async def load(ctx: ServiceContext, community_id: int, data: Any, keys: FileKeys) -> int:
    entries = [keys.parse(BoardEntry, item, f"[{i}]") for i, item in enumerate(data or [])]
    post_ids: dict[str, int] = {}
    quotes: list[tuple[int, str, str]] = []
    for i, b in enumerate(entries):
        if b.visibility not in VISIBILITIES:
            raise keys.fail(f"[{i}].visibility", f"expected one of {', '.join(VISIBILITIES)}")
        board = await Board.create(
            community_id=community_id,
            name=b.name,
            description=b.description,
            visibility=b.visibility,
            team_id=keys.id("team", b.team, f"[{i}].team"),
        )
        for j, t in enumerate(b.threads):
            thread = await Thread.create(
                board_id=board.id,
                community_id=community_id,
                team_id=keys.id("team", t.team, f"[{i}].threads[{j}].team"),
                title=t.title,
                author_name=t.author_name,
                is_question=t.is_question,
                resolved=t.resolved,
                locked=t.locked,
                hidden=t.hidden,
                reply_count=len(t.posts) - 1,
                created_at=t.created_at,
                last_activity_at=t.last_activity_at,
            )
            keys.add(KIND, thread.id, t.key)
            for k, p in enumerate(t.posts):
                where = f"[{i}].threads[{j}].posts[{k}]"
                body = _to_ids(p.body, keys, f"{where}.body")
                names = await names_in(community_id, markup.scan(body))
                post = await Post.create(
                    thread_id=thread.id,
                    author_name=p.author_name,
                    body=body,
                    html=markup.render(body, names),
                    version=p.version,
                    hidden=p.hidden,
                    created_at=p.created_at,
                    edited_at=p.edited_at,
                )
                if p.key in post_ids:
                    raise keys.fail(f"{where}.key", f"{p.key!r} is used twice")
                post_ids[p.key] = post.id
                if p.quote is not None:
                    quotes.append((post.id, p.quote, f"{where}.quote"))
                await PostRevision.bulk_create(
                    [
                        PostRevision(
                            post_id=post.id,
                            version=r.version,
                            body=_to_ids(r.body, keys, f"{where}.revisions"),
                            created_at=r.created_at,
                        )
                        for r in p.revisions
                    ]
                )
                refs = []
                for ref in p.references:
                    kind, _, key = ref.partition(":")
                    if kind not in ("cycle", "artifact"):
                        raise keys.fail(
                            f"{where}.references", "expected cycle:<key> or artifact:<key>"
                        )
                    target = keys.id(kind, key, f"{where}.references")
                    refs.append(
                        Reference(post_id=post.id, thread_id=thread.id, kind=kind, target_id=target)
                    )
                await Reference.bulk_create(refs)
    for post_id, quoted, where in quotes:
        if quoted not in post_ids:
            raise keys.fail(where, f"no post {quoted!r} in this section")
        await Post.filter(id=post_id).update(quote_id=post_ids[quoted])
    return len(entries)


SECTION = FileSection("forums", export, load)
