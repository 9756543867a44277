from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("communities", "0004_community_plugins"), ("core", "0005_web_sessions")]

    initial = False

    operations = [
        ops.CreateModel(
            name="FlowJob",
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
                        related_name="flow_jobs",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("analysis", fields.CharField(max_length=40)),
                ("params", fields.CharField(max_length=400)),
                ("requested_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("not_before", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("claimed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("claimed_by", fields.CharField(null=True, max_length=100)),
                ("attempts", fields.IntField(default=0)),
            ],
            options={
                "table": "flow_job",
                "app": "communities",
                "unique_together": (("community", "analysis", "params"),),
                "pk_attr": "id",
                "table_description": "An analysis waiting for a worker: one row per community, analysis and parameters.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="FlowResult",
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
                        related_name="flow_results",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("analysis", fields.CharField(max_length=40)),
                ("params", fields.CharField(max_length=400)),
                ("counter", fields.IntField()),
                ("computed_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("seconds", fields.FloatField(default=0)),
                ("payload", fields.TextField(null=True, unique=False)),
                ("error", fields.TextField(null=True, unique=False)),
                ("incomplete", fields.BooleanField(default=False)),
            ],
            options={
                "table": "flow_result",
                "app": "communities",
                "unique_together": (("community", "analysis", "params"),),
                "pk_attr": "id",
                "table_description": "One analysis of one community for one set of parameters, as computed by a worker.",
            },
            bases=["Model"],
        ),
    ]
