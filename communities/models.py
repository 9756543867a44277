"""Tortoise models of the domain (Tortoise app label ``communities``).

Choices are kept as plain strings validated by the services, so plugins can add
team kinds and node kinds without a schema change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:  # imported for types only: Tortoise would count it as one of our models
    from core.models import User


class Community(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    method = fields.CharField(max_length=100, default="PDSA")
    time_zone = fields.CharField(max_length=64, default="UTC")
    created_at = fields.DatetimeField(auto_now_add=True)
    change_counter = fields.IntField(default=0, db_default=0)
    """Rises with every domain event in the community; caches of derived data key on it."""

    class Meta:
        table = "community"
        ordering = ["id"]


class CommunityRole(Model):
    """The role a user holds in a community: facilitator, member, researcher or observer."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="roles", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="community_roles", on_delete=fields.CASCADE
    )
    role = fields.CharField(max_length=32)

    class Meta:
        table = "community_role"
        unique_together = (("community", "user"),)


class Organization(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="organizations", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    kind = fields.CharField(max_length=32)

    class Meta:
        table = "organization"
        unique_together = (("community", "name"),)
        ordering = ["id"]


class Team(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="teams", on_delete=fields.CASCADE
    )
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "communities.Organization", related_name="teams", null=True, on_delete=fields.SET_NULL
    )
    parent: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "communities.Team", related_name="children", null=True, on_delete=fields.SET_NULL
    )
    name = fields.CharField(max_length=200)
    kind = fields.CharField(max_length=48)
    description = fields.TextField(default="")

    class Meta:
        table = "team"
        unique_together = (("community", "name"),)
        ordering = ["id"]


class Person(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="people", on_delete=fields.CASCADE
    )
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "communities.Organization", related_name="people", null=True, on_delete=fields.SET_NULL
    )
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="people", null=True, on_delete=fields.SET_NULL
    )
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=254, null=True)
    title = fields.CharField(max_length=200, default="")

    class Meta:
        table = "person"
        unique_together = (("community", "email"),)
        ordering = ["id"]


class Invitation(Model):
    """An invitation mailed to a person to make an account: kept as its link's SHA-256 digest.

    Usable once, until ``expires_at``, unless revoked. Sending it again revokes the old one.
    """

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="invitations", on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "communities.Person", related_name="invitations", on_delete=fields.CASCADE
    )
    email = fields.CharField(max_length=254, db_index=True)
    role = fields.CharField(max_length=32)
    digest = fields.CharField(max_length=64, unique=True)
    invited_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="invitations_sent", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    accepted_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "invitation"


class Membership(Model):
    id = fields.IntField(primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "communities.Person", related_name="memberships", on_delete=fields.CASCADE
    )
    team: fields.ForeignKeyRelation[Team] = fields.ForeignKeyField(
        "communities.Team", related_name="memberships", on_delete=fields.CASCADE
    )
    role = fields.CharField(max_length=32)
    start_date = fields.DateField()
    end_date = fields.DateField(null=True)

    class Meta:
        table = "membership"
        ordering = ["id"]


class Aim(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="aims", on_delete=fields.CASCADE
    )
    team: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "communities.Team", related_name="aims", null=True, on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=300)
    statement = fields.TextField(default="")
    target_date = fields.DateField(null=True)

    class Meta:
        table = "aim"
        ordering = ["id"]


class Driver(Model):
    """A primary driver of an aim, or a secondary driver under a primary one."""

    id = fields.IntField(primary_key=True)
    aim: fields.ForeignKeyRelation[Aim] = fields.ForeignKeyField(
        "communities.Aim", related_name="drivers", on_delete=fields.CASCADE
    )
    parent: fields.ForeignKeyNullableRelation[Driver] = fields.ForeignKeyField(
        "communities.Driver", related_name="secondary", null=True, on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=300)
    description = fields.TextField(default="")

    class Meta:
        table = "driver"
        ordering = ["id"]


class ChangeIdea(Model):
    id = fields.IntField(primary_key=True)
    driver: fields.ForeignKeyRelation[Driver] = fields.ForeignKeyField(
        "communities.Driver", related_name="change_ideas", on_delete=fields.CASCADE
    )
    team: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "communities.Team", related_name="change_ideas", null=True, on_delete=fields.SET_NULL
    )
    title = fields.CharField(max_length=300)
    description = fields.TextField(default="")
    stage = fields.CharField(max_length=16, default="testing")

    class Meta:
        table = "change_idea"
        ordering = ["id"]


class Innovation(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="innovations", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")

    class Meta:
        table = "innovation"
        unique_together = (("community", "name"),)
        ordering = ["id"]


class InnovationVersion(Model):
    id = fields.IntField(primary_key=True)
    innovation: fields.ForeignKeyRelation[Innovation] = fields.ForeignKeyField(
        "communities.Innovation", related_name="versions", on_delete=fields.CASCADE
    )
    number = fields.IntField()
    summary = fields.TextField(default="")
    released_on = fields.DateField()

    class Meta:
        table = "innovation_version"
        unique_together = (("innovation", "number"),)
        ordering = ["innovation_id", "number"]


class Measure(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="measures", on_delete=fields.CASCADE
    )
    team: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "communities.Team", related_name="measures", null=True, on_delete=fields.SET_NULL
    )
    name = fields.CharField(max_length=200)
    kind = fields.CharField(max_length=16)
    unit = fields.CharField(max_length=50, default="")
    description = fields.TextField(default="")
    operational_definition = fields.TextField(default="", db_default="")
    data_source = fields.CharField(max_length=200, default="", db_default="")
    collection_frequency = fields.CharField(max_length=16, null=True)
    goal = fields.FloatField(null=True)
    goal_date = fields.DateField(null=True)
    direction = fields.CharField(max_length=8, null=True)
    chart_type = fields.CharField(max_length=8, default="run", db_default="run")

    class Meta:
        table = "measure"
        ordering = ["id"]


class MeasurePhase(Model):
    """A split of a measure chart at a date, optionally judged against the phase before."""

    id = fields.IntField(primary_key=True)
    measure: fields.ForeignKeyRelation[Measure] = fields.ForeignKeyField(
        "communities.Measure", related_name="phases", on_delete=fields.CASCADE
    )
    start = fields.DateField()
    label = fields.CharField(max_length=200)
    frozen = fields.BooleanField(default=False)

    class Meta:
        table = "measure_phase"
        ordering = ["measure_id", "start"]
        unique_together = (("measure", "start"),)


class MeasureNote(Model):
    """A dated note on a measure chart, such as an event behind a point, by a person."""

    id = fields.IntField(primary_key=True)
    measure: fields.ForeignKeyRelation[Measure] = fields.ForeignKeyField(
        "communities.Measure", related_name="notes", on_delete=fields.CASCADE
    )
    date = fields.DateField()
    text = fields.TextField()
    author: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "communities.Person", related_name="measure_notes", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "measure_note"
        ordering = ["measure_id", "date", "id"]


class Cycle(Model):
    """A PDSA cycle: plan, do, study, act, with a version for optimistic concurrency."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="cycles", on_delete=fields.CASCADE
    )
    team: fields.ForeignKeyRelation[Team] = fields.ForeignKeyField(
        "communities.Team", related_name="cycles", on_delete=fields.CASCADE
    )
    change_idea: fields.ForeignKeyNullableRelation[ChangeIdea] = fields.ForeignKeyField(
        "communities.ChangeIdea", related_name="cycles", null=True, on_delete=fields.SET_NULL
    )
    builds_on: fields.ForeignKeyNullableRelation[Cycle] = fields.ForeignKeyField(
        "communities.Cycle", related_name="ramps", null=True, on_delete=fields.SET_NULL
    )
    title = fields.CharField(max_length=300)
    status = fields.CharField(max_length=16, default="planning", db_index=True)
    plan_objective = fields.TextField(default="")
    plan_questions = fields.TextField(default="")
    plan_predictions = fields.TextField(default="")
    plan_who = fields.TextField(default="")
    plan_what = fields.TextField(default="")
    plan_when = fields.TextField(default="")
    plan_where = fields.TextField(default="")
    plan_measures = fields.TextField(default="")
    do_what_happened = fields.TextField(default="")
    do_observations = fields.TextField(default="")
    study_results = fields.TextField(default="")
    study_learning = fields.TextField(default="")
    act_decision = fields.CharField(max_length=16, null=True)
    act_rationale = fields.TextField(default="")
    act_next_steps = fields.TextField(default="")
    planned_start = fields.DateField(null=True)
    planned_end = fields.DateField(null=True)
    actual_start = fields.DateField(null=True)
    actual_end = fields.DateField(null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    authors: fields.ManyToManyRelation[Person] = fields.ManyToManyField(
        "communities.Person", related_name="cycles_authored", through="cycle_author"
    )
    measures: fields.ManyToManyRelation[Measure] = fields.ManyToManyField(
        "communities.Measure", related_name="cycles", through="cycle_measure"
    )

    class Meta:
        table = "cycle"
        ordering = ["id"]


class DataPoint(Model):
    id = fields.IntField(primary_key=True)
    measure: fields.ForeignKeyRelation[Measure] = fields.ForeignKeyField(
        "communities.Measure", related_name="data_points", on_delete=fields.CASCADE
    )
    cycle: fields.ForeignKeyNullableRelation[Cycle] = fields.ForeignKeyField(
        "communities.Cycle", related_name="data_points", null=True, on_delete=fields.SET_NULL
    )
    date = fields.DateField()
    value = fields.FloatField()
    numerator = fields.FloatField(null=True)
    denominator = fields.FloatField(null=True)
    note = fields.TextField(default="")

    class Meta:
        table = "data_point"
        ordering = ["measure_id", "date", "id"]


class Artifact(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="artifacts", on_delete=fields.CASCADE
    )
    team: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "communities.Team", related_name="artifacts", null=True, on_delete=fields.SET_NULL
    )
    derived_from: fields.ForeignKeyNullableRelation[Artifact] = fields.ForeignKeyField(
        "communities.Artifact", related_name="adaptations", null=True, on_delete=fields.SET_NULL
    )
    title = fields.CharField(max_length=300)
    kind = fields.CharField(max_length=32)
    description = fields.TextField(default="")
    vetting = fields.CharField(max_length=16, default="draft")
    created_at = fields.DatetimeField(auto_now_add=True)
    shared_with: fields.ManyToManyRelation[Team] = fields.ManyToManyField(
        "communities.Team", related_name="artifacts_shared", through="artifact_share"
    )

    class Meta:
        table = "artifact"
        ordering = ["id"]


class ArtifactVersion(Model):
    id = fields.IntField(primary_key=True)
    artifact: fields.ForeignKeyRelation[Artifact] = fields.ForeignKeyField(
        "communities.Artifact", related_name="versions", on_delete=fields.CASCADE
    )
    number = fields.IntField()
    summary = fields.TextField(default="")
    content = fields.TextField(default="")
    url = fields.CharField(max_length=500, default="")
    created_on = fields.DateField()
    author: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "communities.Person", related_name="artifact_versions", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "artifact_version"
        unique_together = (("artifact", "number"),)
        ordering = ["artifact_id", "number"]


class LearningLink(Model):
    """The record that ``source`` informed ``target``, both addressed as ``kind:id``."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="links", on_delete=fields.CASCADE
    )
    source = fields.CharField(max_length=64, db_index=True)
    target = fields.CharField(max_length=64, db_index=True)
    kind = fields.CharField(max_length=16)
    date = fields.DateField()
    note = fields.TextField(default="")
    recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="links_recorded", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "learning_link"
        unique_together = (("source", "target", "kind"),)
        ordering = ["id"]


class CycleRevision(Model):
    """One saved edit or phase change of a cycle: who, when, and each field before and after."""

    id = fields.IntField(primary_key=True)
    cycle: fields.ForeignKeyRelation[Cycle] = fields.ForeignKeyField(
        "communities.Cycle", related_name="revisions", on_delete=fields.CASCADE
    )
    version = fields.IntField()
    changed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="cycle_revisions", null=True, on_delete=fields.SET_NULL
    )
    changed_at = fields.DatetimeField(auto_now_add=True)
    changes: dict = fields.JSONField(default=dict)

    class Meta:
        table = "cycle_revision"
        ordering = ["cycle_id", "version"]


class CommunityPlugin(Model):
    """Whether a plugin is turned on in a community: no row means on.

    Facilitators switch plugins through ``communities.services.plugins``; the plugin
    host asks for the switched-off ones through ``nic_disabled_plugins``.
    """

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="plugin_switches", on_delete=fields.CASCADE
    )
    plugin = fields.CharField(max_length=100)
    enabled = fields.BooleanField(default=True)

    class Meta:
        table = "community_plugin"
        unique_together = (("community", "plugin"),)
