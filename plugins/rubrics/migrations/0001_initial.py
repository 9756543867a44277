# Written by `nic makemigrations --app rubrics --name initial`, then formatted; the
# dependency on communities.0001_initial (where the tables our foreign keys point at are
# made) was set by hand.
import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("communities", "0001_initial")]

    initial = True

    operations = [
        ops.CreateModel(
            name="Rubric",
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
                        related_name="rubrics",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "rubric",
                "app": "rubrics",
                "unique_together": (("community", "name"),),
                "pk_attr": "id",
                "table_description": "A rubric of a community, its definition kept per version",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RubricVersion",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "rubric",
                    fields.ForeignKeyField(
                        "rubrics.Rubric",
                        source_field="rubric_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="versions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("number", fields.IntField()),
                (
                    "definition",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("note", fields.CharField(default="", max_length=300)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "rubric_version",
                "app": "rubrics",
                "unique_together": (("rubric", "number"),),
                "pk_attr": "id",
                "table_description": "One version of a rubric definition",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Assessment",
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
                        related_name="rubric_assessments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "team",
                    fields.ForeignKeyField(
                        "communities.Team",
                        source_field="team_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="rubric_assessments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "organization",
                    fields.ForeignKeyField(
                        "communities.Organization",
                        source_field="organization_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="rubric_assessments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "version",
                    fields.ForeignKeyField(
                        "rubrics.RubricVersion",
                        source_field="version_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="assessments",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("period", fields.CharField(max_length=7)),
                ("kind", fields.CharField(max_length=16)),
                ("held_on", fields.DateField()),
                ("note", fields.TextField(default="", unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "rubric_assessment",
                "app": "rubrics",
                "unique_together": (
                    ("team", "version", "period", "kind"),
                    ("organization", "version", "period", "kind"),
                ),
                "pk_attr": "id",
                "table_description": "An assessment of a team or organization for a period",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Consensus",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "assessment",
                    fields.ForeignKeyField(
                        "rubrics.Assessment",
                        source_field="assessment_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="consensus",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("indicator", fields.CharField(max_length=64)),
                ("level", fields.SmallIntField()),
                ("note", fields.TextField(default="", unique=False)),
            ],
            options={
                "table": "rubric_consensus",
                "app": "rubrics",
                "unique_together": (("assessment", "indicator"),),
                "pk_attr": "id",
                "table_description": "The level raters agreed on for one indicator",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RaterSheet",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "assessment",
                    fields.ForeignKeyField(
                        "rubrics.Assessment",
                        source_field="assessment_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sheets",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("user_id", fields.IntField()),
                ("rater_name", fields.CharField(max_length=200)),
                (
                    "submitted_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "rubric_rater_sheet",
                "app": "rubrics",
                "unique_together": (("assessment", "user_id"),),
                "pk_attr": "id",
                "table_description": "One rater and their scores, a draft until submitted",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Score",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "sheet",
                    fields.ForeignKeyField(
                        "rubrics.RaterSheet",
                        source_field="sheet_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="scores",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("indicator", fields.CharField(max_length=64)),
                ("level", fields.SmallIntField(null=True)),
                ("evidence", fields.TextField(default="", unique=False)),
                (
                    "cycle_ids",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "artifact_ids",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
            ],
            options={
                "table": "rubric_score",
                "app": "rubrics",
                "unique_together": (("sheet", "indicator"),),
                "pk_attr": "id",
                "table_description": "A rater score of one indicator with evidence",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Target",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "team",
                    fields.ForeignKeyField(
                        "communities.Team",
                        source_field="team_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="rubric_targets",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "organization",
                    fields.ForeignKeyField(
                        "communities.Organization",
                        source_field="organization_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="rubric_targets",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "rubric",
                    fields.ForeignKeyField(
                        "rubrics.Rubric",
                        source_field="rubric_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="targets",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("year", fields.SmallIntField()),
                ("indicator", fields.CharField(max_length=64)),
                ("level", fields.SmallIntField()),
            ],
            options={
                "table": "rubric_target",
                "app": "rubrics",
                "unique_together": (
                    ("team", "rubric", "year", "indicator"),
                    ("organization", "rubric", "year", "indicator"),
                ),
                "pk_attr": "id",
                "table_description": "A yearly target level of a team on one indicator",
            },
            bases=["Model"],
        ),
    ]
