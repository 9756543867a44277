from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0005_web_sessions")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PasswordReset",
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
                        related_name="password_resets",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("digest", fields.CharField(unique=True, max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "nic_password_reset",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A link mailed to reset a password: single use, expiring, kept as its SHA-256 digest.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ResetRequest",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("email", fields.CharField(db_index=True, max_length=254)),
                ("address", fields.CharField(db_index=True, max_length=64)),
                (
                    "created_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True),
                ),
            ],
            options={
                "table": "nic_reset_request",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A request for a reset link, kept briefly to rate-limit them per address and per email.",
            },
            bases=["Model"],
        ),
    ]
