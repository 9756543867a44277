"""How the flow workers stand: the queue, and the stored results of each community."""

from __future__ import annotations

import json
from typing import Any

from communities.flow.models import FlowResult
from communities.flow.queue import opened_queue
from communities.models import Community
from core.errors import NotFound
from core.settings import Settings


async def flow_status(settings: Settings, slug: str | None = None) -> dict[str, Any]:
    """The queued jobs, and per community how many stored results are current, stale or
    failed (with why, for admins)."""
    communities = Community.all() if slug is None else Community.filter(slug=slug)
    rows = await communities.values("id", "slug", "change_counter")
    if slug is not None and not rows:
        raise NotFound(f"no community with the slug {slug!r}")
    by_id = {row["id"]: row for row in rows}
    async with opened_queue(settings) as queue:
        jobs = await queue.waiting(list(by_id))
    results = await FlowResult.filter(community_id__in=list(by_id)).values(
        "community_id", "analysis", "params", "counter", "error", "computed_at", "seconds"
    )
    summary = {
        cid: {"community": row["slug"], "counter": row["change_counter"], "current": 0,
              "stale": 0, "failed": 0}
        for cid, row in by_id.items()
    }  # fmt: skip
    failures = []
    for result in results:
        counts = summary[result["community_id"]]
        if result["error"] is not None:
            counts["failed"] += 1
            failures.append(
                {
                    "community": counts["community"],
                    "analysis": result["analysis"],
                    "params": result["params"],
                    "error": json.loads(result["error"]).get("message"),
                    "computed_at": result["computed_at"],
                }
            )
        elif result["counter"] < counts["counter"]:
            counts["stale"] += 1
        else:
            counts["current"] += 1
    queued = [{**job, "community": by_id[job.pop("community_id")]["slug"]} for job in jobs]
    return {"queued": queued, "communities": list(summary.values()), "failures": failures}
