"""The plugin's own Tortoise app, ``learning_spaces``, with foreign keys into the domain.

Model docstrings become table comments: keep them plain (no quotes or semicolons).
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from plugins.api import Community, Cycle, Person

KINDS: dict[str, str] = {
    "data_dive": "Data dive",
    "community_of_practice": "Community of practice",
    "onboarding": "Onboarding sessions",
}
CADENCES: dict[str, str] = {
    "weekly": "Weekly",
    "biweekly": "Every two weeks",
    "monthly": "Monthly",
    "quarterly": "Quarterly",
}


class LearningSpace(Model):
    """A recurring learning space of a community"""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="learning_spaces", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    kind = fields.CharField(max_length=32)
    cadence = fields.CharField(max_length=16)
    description = fields.TextField(default="")
    facilitator: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "communities.Person",
        related_name="learning_spaces_facilitated",
        null=True,
        on_delete=fields.SET_NULL,
    )
    participants: fields.ManyToManyRelation[Person] = fields.ManyToManyField(
        "communities.Person", related_name="learning_spaces", through="learning_space_participant"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "learning_space"
        unique_together = (("community", "name"),)


class MonthlyFocus(Model):
    """One month of a scope and sequence"""

    id = fields.IntField(primary_key=True)
    space: fields.ForeignKeyRelation[LearningSpace] = fields.ForeignKeyField(
        "learning_spaces.LearningSpace", related_name="focus", on_delete=fields.CASCADE
    )
    month = fields.SmallIntField()
    focus = fields.CharField(max_length=300)

    class Meta:
        table = "learning_space_focus"
        unique_together = (("space", "month"),)


class LearningSession(Model):
    """One meeting of a learning space and the cycles shared at it"""

    id = fields.IntField(primary_key=True)
    space: fields.ForeignKeyRelation[LearningSpace] = fields.ForeignKeyField(
        "learning_spaces.LearningSpace", related_name="sessions", on_delete=fields.CASCADE
    )
    held_on = fields.DateField()
    notes = fields.TextField(default="")
    shared_cycles: fields.ManyToManyRelation[Cycle] = fields.ManyToManyField(
        "communities.Cycle", related_name="learning_sessions", through="learning_session_cycle"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "learning_session"
