"""The domain, registered as a built-in plugin through the same hooks outside plugins use."""

from __future__ import annotations

from typing import Any

from core.hookspecs import hookimpl


@hookimpl
def nic_models() -> dict[str, dict[str, Any]]:
    return {
        "communities": {"models": ["communities.models"], "migrations": "migrations.communities"}
    }
