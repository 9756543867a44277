"""The community page's panel: the next convening and the latest ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from plugins.convenings.models import Convening
from plugins.convenings.times import shown

SHOWN = 3


async def community_panel(community: dict[str, Any], render: Callable[..., str]) -> str:
    now = datetime.now(UTC)
    rows = (
        await Convening.filter(community_id=community["id"])
        .exclude(status="cancelled")
        .values("id", "title", "starts_at", "time_zone", "status")
    )
    for row in rows:
        row["when"] = shown(row["starts_at"], row["time_zone"]) or "date not set yet"
    upcoming = sorted(
        (r for r in rows if r["starts_at"] is None or r["starts_at"] >= now),
        key=lambda r: (r["starts_at"] is not None, r["starts_at"] or now),
    )
    past = sorted(
        (r for r in rows if r["starts_at"] and r["starts_at"] < now),
        key=lambda r: r["starts_at"],
        reverse=True,
    )
    return render(
        "convenings/panel.html",
        upcoming=upcoming[:SHOWN],
        past=past[:SHOWN],
        slug=community["slug"],
    )
