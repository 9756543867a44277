"""The plugin's own Tortoise app, ``convenings``, with foreign keys into the domain.

Times are stored in UTC (``starts_at``) beside the IANA zone name the meeting is held
in (``time_zone``), so a meeting keeps its local hour across a DST change.
Model docstrings become table comments: keep them plain (no quotes or semicolons).
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from plugins.api import ArtifactVersion, Community, Cycle, Person, Team

CADENCES: dict[str, str] = {"quarterly": "Quarterly", "monthly": "Monthly", "yearly": "Yearly"}
STATUSES: dict[str, str] = {
    "planning": "Planning",
    "confirmed": "Confirmed",
    "held": "Held",
    "cancelled": "Cancelled",
}
ANSWERS: dict[str, str] = {"yes": "Yes", "maybe": "If need be", "no": "No"}
RSVPS: dict[str, str] = {"yes": "Coming", "maybe": "Maybe", "no": "Not coming"}


class ConveningSeries(Model):
    """A recurring series of joint convenings of a community"""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="convening_series", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    cadence = fields.CharField(max_length=16, default="quarterly")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "convening_series"
        unique_together = (("community", "name"),)


class ConveningFeed(Model):
    """The secret token of a community calendar feed"""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="convening_feeds", on_delete=fields.CASCADE
    )
    token = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "convening_feed"


class Convening(Model):
    """One joint meeting of a series"""

    id = fields.IntField(primary_key=True)
    series: fields.ForeignKeyRelation[ConveningSeries] = fields.ForeignKeyField(
        "convenings.ConveningSeries", related_name="convenings", on_delete=fields.CASCADE
    )
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="convenings", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=200)
    status = fields.CharField(max_length=16, default="planning", db_index=True)
    place = fields.CharField(max_length=300, default="")
    video_url = fields.CharField(max_length=500, default="")
    time_zone = fields.CharField(max_length=64, default="UTC")
    starts_at = fields.DatetimeField(null=True)
    duration_minutes = fields.IntField(default=180)
    sequence = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    teams: fields.ManyToManyRelation[Team] = fields.ManyToManyField(
        "communities.Team", related_name="convenings", through="convening_team"
    )

    class Meta:
        table = "convening"


class DateOption(Model):
    """A date and time proposed for a convening"""

    id = fields.IntField(primary_key=True)
    convening: fields.ForeignKeyRelation[Convening] = fields.ForeignKeyField(
        "convenings.Convening", related_name="options", on_delete=fields.CASCADE
    )
    starts_at = fields.DatetimeField()

    class Meta:
        table = "convening_option"
        unique_together = (("convening", "starts_at"),)


class Availability(Model):
    """Whether an invitee can come on a proposed date"""

    id = fields.IntField(primary_key=True)
    option: fields.ForeignKeyRelation[DateOption] = fields.ForeignKeyField(
        "convenings.DateOption", related_name="answers", on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "communities.Person", related_name="convening_answers", on_delete=fields.CASCADE
    )
    answer = fields.CharField(max_length=8)

    class Meta:
        table = "convening_availability"
        unique_together = (("option", "person"),)


class Invitee(Model):
    """A person invited to a convening, their answer and attendance"""

    id = fields.IntField(primary_key=True)
    convening: fields.ForeignKeyRelation[Convening] = fields.ForeignKeyField(
        "convenings.Convening", related_name="invitees", on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "communities.Person", related_name="convening_invitations", on_delete=fields.CASCADE
    )
    reason = fields.CharField(max_length=32, default="added")
    removed = fields.BooleanField(default=False)
    rsvp = fields.CharField(max_length=8, null=True)
    attended = fields.BooleanField(null=True)
    invited_at = fields.DatetimeField(null=True)

    class Meta:
        table = "convening_invitee"
        unique_together = (("convening", "person"),)


class AgendaEntry(Model):
    """One item of a convening agenda and its minutes"""

    id = fields.IntField(primary_key=True)
    convening: fields.ForeignKeyRelation[Convening] = fields.ForeignKeyField(
        "convenings.Convening", related_name="agenda", on_delete=fields.CASCADE
    )
    position = fields.IntField(default=0)
    title = fields.CharField(max_length=300)
    kind = fields.CharField(max_length=48, default="other")
    source = fields.CharField(max_length=100, default="")
    detail = fields.TextField(default="")
    refs: list[str] = fields.JSONField(default=list)
    links: list[list[str]] = fields.JSONField(default=list)
    minutes = fields.IntField(null=True)
    presenter: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "communities.Person",
        related_name="convening_presentations",
        null=True,
        on_delete=fields.SET_NULL,
    )
    notes = fields.TextField(default="")

    class Meta:
        table = "convening_agenda_entry"


class Decision(Model):
    """A decision taken at a convening and the cycles it rests on"""

    id = fields.IntField(primary_key=True)
    convening: fields.ForeignKeyRelation[Convening] = fields.ForeignKeyField(
        "convenings.Convening", related_name="decisions", on_delete=fields.CASCADE
    )
    entry: fields.ForeignKeyNullableRelation[AgendaEntry] = fields.ForeignKeyField(
        "convenings.AgendaEntry", related_name="decisions", null=True, on_delete=fields.SET_NULL
    )
    text = fields.TextField()
    artifact_version: fields.ForeignKeyNullableRelation[ArtifactVersion] = fields.ForeignKeyField(
        "communities.ArtifactVersion",
        related_name="convening_decisions",
        null=True,
        on_delete=fields.SET_NULL,
    )
    cycles: fields.ManyToManyRelation[Cycle] = fields.ManyToManyField(
        "communities.Cycle", related_name="convening_decisions", through="convening_decision_cycle"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "convening_decision"
