"""Stored knowledge-flow results and the queue of analyses still to compute.

Web processes read results, workers write them (``communities.flow.worker``). A result
carries the community change counter it was computed at, so every process and machine
can tell a current result from a stale one with the counter alone.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from communities.models import Community


class FlowResult(Model):
    """One analysis of one community for one set of parameters, as computed by a worker."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="flow_results", on_delete=fields.CASCADE
    )
    analysis = fields.CharField(max_length=40)
    params = fields.CharField(max_length=400)
    """The parameters as canonical JSON (sorted keys), part of the result's identity."""
    counter = fields.IntField()
    """The community change counter the result was computed at."""
    computed_at = fields.DatetimeField()
    seconds = fields.FloatField(default=0)
    payload = fields.TextField(null=True)
    """The answer as JSON, or null when the analysis failed."""
    error = fields.TextField(null=True)
    """Why the analysis failed at this counter, for admins."""
    incomplete = fields.BooleanField(default=False)
    """A plugin failed to add its part to the graph: answered, but computed again when asked."""
    version = fields.IntField(default=1, db_default=1)
    """The version of the analysis that computed it: a result of another version is not served."""

    class Meta:
        table = "flow_result"
        unique_together = (("community", "analysis", "params"),)


class FlowJob(Model):
    """An analysis waiting for a worker: one row per community, analysis and parameters."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "communities.Community", related_name="flow_jobs", on_delete=fields.CASCADE
    )
    analysis = fields.CharField(max_length=40)
    params = fields.CharField(max_length=400)
    requested_at = fields.DatetimeField()
    not_before = fields.DatetimeField()
    """Not started before this time: writes in a burst push it back (debounce)."""
    claimed_at = fields.DatetimeField(null=True)
    """When a worker took the job; a claim older than the lease is taken again."""
    claimed_by = fields.CharField(max_length=100, null=True)
    attempts = fields.IntField(default=0)

    class Meta:
        table = "flow_job"
        unique_together = (("community", "analysis", "params"),)
