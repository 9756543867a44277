# Written by `nic makemigrations --app convenings --name initial`, then formatted; the
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
            name="ConveningFeed",
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
                        related_name="convening_feeds",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("token", fields.CharField(unique=True, max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "convening_feed",
                "app": "convenings",
                "pk_attr": "id",
                "table_description": "The secret token of a community calendar feed",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ConveningSeries",
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
                        related_name="convening_series",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=200)),
                ("cadence", fields.CharField(default="quarterly", max_length=16)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "convening_series",
                "app": "convenings",
                "unique_together": (("community", "name"),),
                "pk_attr": "id",
                "table_description": "A recurring series of joint convenings of a community",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Convening",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "series",
                    fields.ForeignKeyField(
                        "convenings.ConveningSeries",
                        source_field="series_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="convenings",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "community",
                    fields.ForeignKeyField(
                        "communities.Community",
                        source_field="community_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="convenings",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("title", fields.CharField(max_length=200)),
                ("status", fields.CharField(default="planning", db_index=True, max_length=16)),
                ("place", fields.CharField(default="", max_length=300)),
                ("video_url", fields.CharField(default="", max_length=500)),
                ("time_zone", fields.CharField(default="UTC", max_length=64)),
                ("starts_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("duration_minutes", fields.IntField(default=180)),
                ("sequence", fields.IntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                (
                    "teams",
                    fields.ManyToManyField(
                        "communities.Team",
                        unique=True,
                        db_constraint=True,
                        through="convening_team",
                        forward_key="team_id",
                        backward_key="convening_id",
                        related_name="convenings",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
            ],
            options={
                "table": "convening",
                "app": "convenings",
                "pk_attr": "id",
                "table_description": "One joint meeting of a series",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="AgendaEntry",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "convening",
                    fields.ForeignKeyField(
                        "convenings.Convening",
                        source_field="convening_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="agenda",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("position", fields.IntField(default=0)),
                ("title", fields.CharField(max_length=300)),
                ("kind", fields.CharField(default="other", max_length=48)),
                ("source", fields.CharField(default="", max_length=100)),
                ("detail", fields.TextField(default="", unique=False)),
                (
                    "refs",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "links",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("minutes", fields.IntField(null=True)),
                (
                    "presenter",
                    fields.ForeignKeyField(
                        "communities.Person",
                        source_field="presenter_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="convening_presentations",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("notes", fields.TextField(default="", unique=False)),
            ],
            options={
                "table": "convening_agenda_entry",
                "app": "convenings",
                "pk_attr": "id",
                "table_description": "One item of a convening agenda and its minutes",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="DateOption",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "convening",
                    fields.ForeignKeyField(
                        "convenings.Convening",
                        source_field="convening_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="options",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("starts_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "convening_option",
                "app": "convenings",
                "unique_together": (("convening", "starts_at"),),
                "pk_attr": "id",
                "table_description": "A date and time proposed for a convening",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Availability",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "option",
                    fields.ForeignKeyField(
                        "convenings.DateOption",
                        source_field="option_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="answers",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "communities.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="convening_answers",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("answer", fields.CharField(max_length=8)),
            ],
            options={
                "table": "convening_availability",
                "app": "convenings",
                "unique_together": (("option", "person"),),
                "pk_attr": "id",
                "table_description": "Whether an invitee can come on a proposed date",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Decision",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "convening",
                    fields.ForeignKeyField(
                        "convenings.Convening",
                        source_field="convening_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="decisions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "entry",
                    fields.ForeignKeyField(
                        "convenings.AgendaEntry",
                        source_field="entry_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="decisions",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("text", fields.TextField(unique=False)),
                (
                    "artifact_version",
                    fields.ForeignKeyField(
                        "communities.ArtifactVersion",
                        source_field="artifact_version_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="convening_decisions",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "cycles",
                    fields.ManyToManyField(
                        "communities.Cycle",
                        unique=True,
                        db_constraint=True,
                        through="convening_decision_cycle",
                        forward_key="cycle_id",
                        backward_key="convening_decision_id",
                        related_name="convening_decisions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "convening_decision",
                "app": "convenings",
                "pk_attr": "id",
                "table_description": "A decision taken at a convening and the cycles it rests on",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Invitee",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "convening",
                    fields.ForeignKeyField(
                        "convenings.Convening",
                        source_field="convening_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="invitees",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "communities.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="convening_invitations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("reason", fields.CharField(default="added", max_length=32)),
                ("removed", fields.BooleanField(default=False)),
                ("rsvp", fields.CharField(null=True, max_length=8)),
                ("attended", fields.BooleanField(null=True)),
                ("invited_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "convening_invitee",
                "app": "convenings",
                "unique_together": (("convening", "person"),),
                "pk_attr": "id",
                "table_description": "A person invited to a convening, their answer and attendance",
            },
            bases=["Model"],
        ),
    ]
