from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("communities", "0007_flow_result_version")]

    initial = False

    operations = [
        ops.CreateModel(
            name="MeasurePhase",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "measure",
                    fields.ForeignKeyField(
                        "communities.Measure",
                        source_field="measure_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="phases",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("start", fields.DateField()),
                ("label", fields.CharField(max_length=200)),
                ("frozen", fields.BooleanField(default=False)),
            ],
            options={
                "table": "measure_phase",
                "app": "communities",
                "unique_together": (("measure", "start"),),
                "pk_attr": "id",
                "table_description": "A split of a measure chart at a date, optionally judged against the phase before.",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="DataPoint",
            name="denominator",
            field=fields.FloatField(null=True),
        ),
        ops.AddField(
            model_name="DataPoint",
            name="numerator",
            field=fields.FloatField(null=True),
        ),
        ops.AddField(
            model_name="Measure",
            name="chart_type",
            field=fields.CharField(default="run", db_default="run", max_length=8),
        ),
        ops.AddField(
            model_name="Measure",
            name="collection_frequency",
            field=fields.CharField(null=True, max_length=16),
        ),
        ops.AddField(
            model_name="Measure",
            name="data_source",
            field=fields.CharField(default="", db_default="", max_length=200),
        ),
        ops.AddField(
            model_name="Measure",
            name="direction",
            field=fields.CharField(null=True, max_length=8),
        ),
        ops.AddField(
            model_name="Measure",
            name="goal",
            field=fields.FloatField(null=True),
        ),
        ops.AddField(
            model_name="Measure",
            name="goal_date",
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name="Measure",
            name="operational_definition",
            field=fields.TextField(default="", db_default="", unique=False),
        ),
    ]
