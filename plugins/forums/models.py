"""The forums' own Tortoise app, ``forums``, with foreign keys into the domain.

Users are the kernel's accounts: they are kept as plain ``*_user_id`` integers (the
façade does not expose the user model), with the author's name copied at posting time.
Model docstrings become table comments: keep them plain (no quotes or semicolons).
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from plugins.api import Community, Team

VISIBILITIES: dict[str, str] = {
    "community": "Everyone in the community",
    "team": "Members of the team and facilitators",
    "facilitators": "Facilitators only",
}
REFERENCE_KINDS = ("cycle", "artifact")


class Board(Model):
    """A forum board of a community or of one of its teams"""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="forum_boards", on_delete=fields.CASCADE
    )
    team: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "communities.Team", related_name="forum_boards", null=True, on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    visibility = fields.CharField(max_length=16, default="community")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "forum_board"
        unique_together = (("community", "name"),)


class Thread(Model):
    """A conversation on a board, opened by its first post"""

    id = fields.IntField(primary_key=True)
    board: fields.ForeignKeyRelation[Board] = fields.ForeignKeyField(
        "forums.Board", related_name="threads", on_delete=fields.CASCADE
    )
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="forum_threads", on_delete=fields.CASCADE
    )
    team: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "communities.Team", related_name="forum_threads", null=True, on_delete=fields.SET_NULL
    )
    title = fields.CharField(max_length=200)
    author_user_id = fields.IntField(null=True)
    author_name = fields.CharField(max_length=200, default="")
    is_question = fields.BooleanField(default=False)
    resolved = fields.BooleanField(default=False)
    locked = fields.BooleanField(default=False)
    hidden = fields.BooleanField(default=False)
    reply_count = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_activity_at = fields.DatetimeField()

    class Meta:
        table = "forum_thread"


class Post(Model):
    """One post of a thread, the first one opens it"""

    id = fields.IntField(primary_key=True)
    thread: fields.ForeignKeyRelation[Thread] = fields.ForeignKeyField(
        "forums.Thread", related_name="posts", on_delete=fields.CASCADE
    )
    author_user_id = fields.IntField(null=True)
    author_name = fields.CharField(max_length=200, default="")
    body = fields.TextField()
    html = fields.TextField()
    quote: fields.ForeignKeyNullableRelation[Post] = fields.ForeignKeyField(
        "forums.Post", related_name="quoted_by", null=True, on_delete=fields.SET_NULL
    )
    version = fields.IntField(default=1)
    hidden = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    edited_at = fields.DatetimeField(null=True)

    class Meta:
        table = "forum_post"


class PostRevision(Model):
    """An earlier text of an edited post"""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "forums.Post", related_name="revisions", on_delete=fields.CASCADE
    )
    version = fields.IntField()
    body = fields.TextField()
    edited_by_user_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "forum_post_revision"
        unique_together = (("post", "version"),)


class Reference(Model):
    """A cycle or artifact a post refers to"""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "forums.Post", related_name="references", on_delete=fields.CASCADE
    )
    thread: fields.ForeignKeyRelation[Thread] = fields.ForeignKeyField(
        "forums.Thread", related_name="references", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=16)
    target_id = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "forum_reference"
        unique_together = (("post", "kind", "target_id"),)
        indexes = (("kind", "target_id"),)


class Follow(Model):
    """A user following a thread"""

    id = fields.IntField(primary_key=True)
    thread: fields.ForeignKeyRelation[Thread] = fields.ForeignKeyField(
        "forums.Thread", related_name="follows", on_delete=fields.CASCADE
    )
    user_id = fields.IntField()

    class Meta:
        table = "forum_follow"
        unique_together = (("thread", "user_id"),)


class ReadMark(Model):
    """When a user last read a thread"""

    id = fields.IntField(primary_key=True)
    thread: fields.ForeignKeyRelation[Thread] = fields.ForeignKeyField(
        "forums.Thread", related_name="read_marks", on_delete=fields.CASCADE
    )
    user_id = fields.IntField()
    read_at = fields.DatetimeField()

    class Meta:
        table = "forum_read_mark"
        unique_together = (("thread", "user_id"),)


class Report(Model):
    """A post reported to the facilitators"""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "forums.Post", related_name="reports", on_delete=fields.CASCADE
    )
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="forum_reports", on_delete=fields.CASCADE
    )
    reporter_user_id = fields.IntField(null=True)
    reason = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)
    resolved_at = fields.DatetimeField(null=True)
    resolved_by_user_id = fields.IntField(null=True)
    outcome = fields.CharField(max_length=16, default="")

    class Meta:
        table = "forum_report"


__all__ = ["Board", "Follow", "Post", "PostRevision", "ReadMark", "Reference", "Report", "Thread"]
