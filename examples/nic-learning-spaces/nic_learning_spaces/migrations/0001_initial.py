# Written by `nic makemigrations --name initial`, then formatted. The dependency on
# communities.0001_initial (where the tables our foreign keys point at are made) was
# set by hand: the generator names the latest migration of the domain.
from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("communities", "0001_initial")]

    initial = True

    operations = [
        ops.CreateModel(
            name="LearningSpace",
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
                        related_name="learning_spaces",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=200)),
                ("kind", fields.CharField(max_length=32)),
                ("cadence", fields.CharField(max_length=16)),
                ("description", fields.TextField(default="", unique=False)),
                (
                    "facilitator",
                    fields.ForeignKeyField(
                        "communities.Person",
                        source_field="facilitator_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="learning_spaces_facilitated",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "participants",
                    fields.ManyToManyField(
                        "communities.Person",
                        unique=True,
                        db_constraint=True,
                        through="learning_space_participant",
                        forward_key="person_id",
                        backward_key="learning_space_id",
                        related_name="learning_spaces",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "learning_space",
                "app": "learning_spaces",
                "unique_together": (("community", "name"),),
                "pk_attr": "id",
                "table_description": "A recurring learning space of a community",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="LearningSession",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "space",
                    fields.ForeignKeyField(
                        "learning_spaces.LearningSpace",
                        source_field="space_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sessions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("held_on", fields.DateField()),
                ("notes", fields.TextField(default="", unique=False)),
                (
                    "shared_cycles",
                    fields.ManyToManyField(
                        "communities.Cycle",
                        unique=True,
                        db_constraint=True,
                        through="learning_session_cycle",
                        forward_key="cycle_id",
                        backward_key="learning_session_id",
                        related_name="learning_sessions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "learning_session",
                "app": "learning_spaces",
                "pk_attr": "id",
                "table_description": "One meeting of a learning space and the cycles shared at it",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="MonthlyFocus",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "space",
                    fields.ForeignKeyField(
                        "learning_spaces.LearningSpace",
                        source_field="space_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="focus",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("month", fields.SmallIntField()),
                ("focus", fields.CharField(max_length=300)),
            ],
            options={
                "table": "learning_space_focus",
                "app": "learning_spaces",
                "unique_together": (("space", "month"),),
                "pk_attr": "id",
                "table_description": "One month of a scope and sequence",
            },
            bases=["Model"],
        ),
    ]
