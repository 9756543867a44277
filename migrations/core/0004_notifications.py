from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("core", "0002_sign_in_attempts"),
        ("core", "0003_user_last_seen"),
    ]

    initial = False

    operations = [
        ops.CreateModel(
            name="Notification",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="notifications",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("community_id", fields.IntField(null=True)),
                ("source", fields.CharField(max_length=100)),
                ("kind", fields.CharField(default="", max_length=50)),
                ("text", fields.CharField(max_length=500)),
                ("url", fields.CharField(max_length=500)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("read_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "nic_notification",
                "app": "core",
                "indexes": [Index(fields=["user_id", "read_at"])],
                "pk_attr": "id",
                "table_description": "An in-app notice for one user (a reply, a mention, an invitation), from a plugin.",
            },
            bases=["Model"],
        ),
    ]
