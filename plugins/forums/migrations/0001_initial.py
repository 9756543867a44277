# Written by `nic makemigrations --app forums --name initial`, then formatted; the
# dependency on communities.0001_initial (where the tables our foreign keys point at are
# made) was set by hand.
from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("communities", "0001_initial")]

    initial = True

    operations = [
        ops.CreateModel(
            name="Board",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "community",
                    fields.ForeignKeyField(
                        "communities.Community",
                        source_field="community_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="forum_boards",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "team",
                    fields.ForeignKeyField(
                        "communities.Team",
                        source_field="team_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="forum_boards",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=200)),
                ("description", fields.TextField(default="", unique=False)),
                ("visibility", fields.CharField(default="community", max_length=16)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "forum_board",
                "app": "forums",
                "unique_together": (("community", "name"),),
                "pk_attr": "id",
                "table_description": "A forum board of a community or of one of its teams",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Thread",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "board",
                    fields.ForeignKeyField(
                        "forums.Board",
                        source_field="board_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="threads",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "community",
                    fields.ForeignKeyField(
                        "communities.Community",
                        source_field="community_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="forum_threads",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "team",
                    fields.ForeignKeyField(
                        "communities.Team",
                        source_field="team_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="forum_threads",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("title", fields.CharField(max_length=200)),
                ("author_user_id", fields.IntField(null=True)),
                ("author_name", fields.CharField(default="", max_length=200)),
                ("is_question", fields.BooleanField(default=False)),
                ("resolved", fields.BooleanField(default=False)),
                ("locked", fields.BooleanField(default=False)),
                ("hidden", fields.BooleanField(default=False)),
                ("reply_count", fields.IntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("last_activity_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "forum_thread",
                "app": "forums",
                "pk_attr": "id",
                "table_description": "A conversation on a board, opened by its first post",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Follow",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "thread",
                    fields.ForeignKeyField(
                        "forums.Thread",
                        source_field="thread_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="follows",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("user_id", fields.IntField()),
            ],
            options={
                "table": "forum_follow",
                "app": "forums",
                "unique_together": (("thread", "user_id"),),
                "pk_attr": "id",
                "table_description": "A user following a thread",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Post",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "thread",
                    fields.ForeignKeyField(
                        "forums.Thread",
                        source_field="thread_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="posts",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("author_user_id", fields.IntField(null=True)),
                ("author_name", fields.CharField(default="", max_length=200)),
                ("body", fields.TextField(unique=False)),
                ("html", fields.TextField(unique=False)),
                (
                    "quote",
                    fields.ForeignKeyField(
                        "forums.Post",
                        source_field="quote_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="quoted_by",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("version", fields.IntField(default=1)),
                ("hidden", fields.BooleanField(default=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("edited_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "forum_post",
                "app": "forums",
                "pk_attr": "id",
                "table_description": "One post of a thread, the first one opens it",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PostRevision",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "post",
                    fields.ForeignKeyField(
                        "forums.Post",
                        source_field="post_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="revisions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("version", fields.IntField()),
                ("body", fields.TextField(unique=False)),
                ("edited_by_user_id", fields.IntField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "forum_post_revision",
                "app": "forums",
                "unique_together": (("post", "version"),),
                "pk_attr": "id",
                "table_description": "An earlier text of an edited post",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ReadMark",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "thread",
                    fields.ForeignKeyField(
                        "forums.Thread",
                        source_field="thread_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="read_marks",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("user_id", fields.IntField()),
                ("read_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "forum_read_mark",
                "app": "forums",
                "unique_together": (("thread", "user_id"),),
                "pk_attr": "id",
                "table_description": "When a user last read a thread",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Reference",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "post",
                    fields.ForeignKeyField(
                        "forums.Post",
                        source_field="post_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="references",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "thread",
                    fields.ForeignKeyField(
                        "forums.Thread",
                        source_field="thread_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="references",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("kind", fields.CharField(max_length=16)),
                ("target_id", fields.IntField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "forum_reference",
                "app": "forums",
                "unique_together": (("post", "kind", "target_id"),),
                "indexes": [Index(fields=["kind", "target_id"])],
                "pk_attr": "id",
                "table_description": "A cycle or artifact a post refers to",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Report",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "post",
                    fields.ForeignKeyField(
                        "forums.Post",
                        source_field="post_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="reports",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "community",
                    fields.ForeignKeyField(
                        "communities.Community",
                        source_field="community_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="forum_reports",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("reporter_user_id", fields.IntField(null=True)),
                ("reason", fields.TextField(unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "resolved_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("resolved_by_user_id", fields.IntField(null=True)),
                ("outcome", fields.CharField(default="", max_length=16)),
            ],
            options={
                "table": "forum_report",
                "app": "forums",
                "pk_attr": "id",
                "table_description": "A post reported to the facilitators",
            },
            bases=["Model"],
        ),
    ]
