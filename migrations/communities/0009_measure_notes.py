from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("communities", "0008_measure_definitions_and_phases")]

    initial = False

    operations = [
        ops.CreateModel(
            name="MeasureNote",
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
                        related_name="notes",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("date", fields.DateField()),
                ("text", fields.TextField(unique=False)),
                (
                    "author",
                    fields.ForeignKeyField(
                        "communities.Person",
                        source_field="author_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="measure_notes",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
            ],
            options={
                "table": "measure_note",
                "app": "communities",
                "pk_attr": "id",
                "table_description": "A dated note on a measure chart, such as an event behind a point, by a person.",
            },
            bases=["Model"],
        ),
    ]
