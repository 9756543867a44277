"""What a post refers to: cycles, artifacts and people resolved in the thread's community,
the references stored per post, and the threads citing a cycle or an artifact; the
choices the reference pickers offer."""

from __future__ import annotations

from typing import Any

from plugins.api import (
    Artifact,
    Cycle,
    Person,
    Team,
)
from plugins.forums import markup
from plugins.forums.access import Viewer
from plugins.forums.models import (
    Reference,
    Thread,
)
from plugins.forums.rows import (
    slug_of,
    thread_url,
)

CHOICES = 200
"""How many of a community's latest cycles and artifacts the reference picker offers."""


async def names_in(community_id: int, found: markup.Found) -> markup.Names:
    """Resolve what a text names, in the thread's community only: three queries."""
    names = markup.Names(await slug_of(community_id))
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


def resolved_references(found: markup.Found, names: markup.Names) -> set[tuple[str, int]]:
    return {(kind, i) for kind, i in found.references if names.url(kind, i) is not None}


async def write_references(
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


async def mentioned_users(names: markup.Names) -> set[int]:
    if not names.people:
        return set()
    ids = await Person.filter(id__in=sorted(names.people), user_id__isnull=False).values_list(
        "user_id", flat=True
    )
    return {int(i) for i in ids}


async def references_of(thread_id: int) -> list[dict[str, Any]]:
    """The cycles and artifacts a thread refers to, with their titles: three queries."""
    refs = await Reference.filter(thread_id=thread_id).values_list("kind", "target_id")
    found = markup.Found(references={(k, int(i)) for k, i in refs})
    rows = await Thread.filter(id=thread_id).values_list("community_id", flat=True)
    if not found.references or not rows:
        return []
    names = await names_in(int(rows[0]), found)
    return [
        {"kind": kind, "id": i, "title": names.label(kind, i), "url": names.url(kind, i)}
        for kind, i in sorted(found.references)
        if names.url(kind, i)
    ]


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
