from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0004_notifications")]

    initial = False

    operations = [
        ops.CreateModel(
            name="WebSession",
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
                        related_name="web_sessions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("digest", fields.CharField(unique=True, max_length=64)),
                (
                    "created_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True),
                ),
            ],
            options={
                "table": "nic_web_session",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A signed-in browser session. The cookie holds a random key, the table its digest.",
            },
            bases=["Model"],
        ),
    ]
