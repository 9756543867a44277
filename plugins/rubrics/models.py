"""The plugin's own Tortoise app, ``rubrics``, with foreign keys into the domain.

A rubric's definition (dimensions, indicators, levels and descriptors) is kept whole
per version as JSON: an assessment points at the version it used, so editing a rubric
(a new version) never changes what an old assessment meant. Scores name indicators by
their ``key`` within that version.

Model docstrings become table comments: keep them plain (no quotes or semicolons).
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from plugins.api import Community, Organization, Team

KINDS: dict[str, str] = {"self_review": "Self-review", "external_review": "External review"}


class Rubric(Model):
    """A rubric of a community, its definition kept per version"""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="rubrics", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "rubric"
        unique_together = (("community", "name"),)


class RubricVersion(Model):
    """One version of a rubric definition"""

    id = fields.IntField(primary_key=True)
    rubric: fields.ForeignKeyRelation[Rubric] = fields.ForeignKeyField(
        "rubrics.Rubric", related_name="versions", on_delete=fields.CASCADE
    )
    number = fields.IntField()
    definition = fields.JSONField()
    note = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "rubric_version"
        unique_together = (("rubric", "number"),)


class Assessment(Model):
    """An assessment of a team or organization for a period"""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="rubric_assessments", on_delete=fields.CASCADE
    )
    # Exactly one of team and organization is set (the services see to it).
    team: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "communities.Team", related_name="rubric_assessments", null=True, on_delete=fields.CASCADE
    )
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "communities.Organization",
        related_name="rubric_assessments",
        null=True,
        on_delete=fields.CASCADE,
    )
    version: fields.ForeignKeyRelation[RubricVersion] = fields.ForeignKeyField(
        "rubrics.RubricVersion", related_name="assessments", on_delete=fields.RESTRICT
    )
    period = fields.CharField(max_length=7)
    kind = fields.CharField(max_length=16)
    held_on = fields.DateField()
    note = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "rubric_assessment"
        unique_together = (
            ("team", "version", "period", "kind"),
            ("organization", "version", "period", "kind"),
        )


class RaterSheet(Model):
    """One rater and their scores, a draft until submitted"""

    id = fields.IntField(primary_key=True)
    assessment: fields.ForeignKeyRelation[Assessment] = fields.ForeignKeyField(
        "rubrics.Assessment", related_name="sheets", on_delete=fields.CASCADE
    )
    user_id = fields.IntField()
    rater_name = fields.CharField(max_length=200)
    submitted_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "rubric_rater_sheet"
        unique_together = (("assessment", "user_id"),)


class Score(Model):
    """A rater score of one indicator with evidence"""

    id = fields.IntField(primary_key=True)
    sheet: fields.ForeignKeyRelation[RaterSheet] = fields.ForeignKeyField(
        "rubrics.RaterSheet", related_name="scores", on_delete=fields.CASCADE
    )
    indicator = fields.CharField(max_length=64)
    level = fields.SmallIntField(null=True)
    evidence = fields.TextField(default="")
    cycle_ids = fields.JSONField(default=list)
    artifact_ids = fields.JSONField(default=list)

    class Meta:
        table = "rubric_score"
        unique_together = (("sheet", "indicator"),)


class Consensus(Model):
    """The level raters agreed on for one indicator"""

    id = fields.IntField(primary_key=True)
    assessment: fields.ForeignKeyRelation[Assessment] = fields.ForeignKeyField(
        "rubrics.Assessment", related_name="consensus", on_delete=fields.CASCADE
    )
    indicator = fields.CharField(max_length=64)
    level = fields.SmallIntField()
    note = fields.TextField(default="")

    class Meta:
        table = "rubric_consensus"
        unique_together = (("assessment", "indicator"),)


class Target(Model):
    """A yearly target level of a team on one indicator"""

    id = fields.IntField(primary_key=True)
    # Exactly one of team and organization is set, as on an assessment.
    team: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "communities.Team", related_name="rubric_targets", null=True, on_delete=fields.CASCADE
    )
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "communities.Organization",
        related_name="rubric_targets",
        null=True,
        on_delete=fields.CASCADE,
    )
    rubric: fields.ForeignKeyRelation[Rubric] = fields.ForeignKeyField(
        "rubrics.Rubric", related_name="targets", on_delete=fields.CASCADE
    )
    year = fields.SmallIntField()
    indicator = fields.CharField(max_length=64)
    level = fields.SmallIntField()

    class Meta:
        table = "rubric_target"
        unique_together = (
            ("team", "rubric", "year", "indicator"),
            ("organization", "rubric", "year", "indicator"),
        )
