from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("communities", "0003_cycle_revisions"), ("core", "0003_user_last_seen")]

    initial = False

    operations = [
        ops.CreateModel(
            name="CommunityPlugin",
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
                        related_name="plugin_switches",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("plugin", fields.CharField(max_length=100)),
                ("enabled", fields.BooleanField(default=True)),
            ],
            options={
                "table": "community_plugin",
                "app": "communities",
                "unique_together": (("community", "plugin"),),
                "pk_attr": "id",
                "table_description": "Whether a plugin is turned on in a community: no row means on.",
            },
            bases=["Model"],
        ),
    ]
