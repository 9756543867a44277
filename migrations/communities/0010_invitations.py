from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("communities", "0009_measure_notes")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Invitation",
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
                        related_name="invitations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "communities.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="invitations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("email", fields.CharField(db_index=True, max_length=254)),
                ("role", fields.CharField(max_length=32)),
                ("digest", fields.CharField(unique=True, max_length=64)),
                (
                    "invited_by",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="invited_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="invitations_sent",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "accepted_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "invitation",
                "app": "communities",
                "pk_attr": "id",
                "table_description": "An invitation mailed to a person to make an account: kept as its link's SHA-256 digest.",
            },
            bases=["Model"],
        ),
    ]
