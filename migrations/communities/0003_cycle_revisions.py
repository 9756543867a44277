from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0002_community_change_counter"),
        ("core", "0002_sign_in_attempts"),
    ]

    initial = False

    operations = [
        ops.CreateModel(
            name="CycleRevision",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "cycle",
                    fields.ForeignKeyField(
                        "communities.Cycle",
                        source_field="cycle_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="revisions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("version", fields.IntField()),
                (
                    "changed_by",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="changed_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="cycle_revisions",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("changed_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "changes",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
            ],
            options={
                "table": "cycle_revision",
                "app": "communities",
                "pk_attr": "id",
                "table_description": "One saved edit or phase change of a cycle: who, when, and each field before and after.",
            },
            bases=["Model"],
        ),
    ]
