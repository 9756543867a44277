"""The plugin host: built-ins registered like outside plugins, results awaited, errors isolated."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from core.hookspecs import hookimpl
from core.plugins import PluginHost
from core.settings import Settings, SettingsError


class Raising:
    @hookimpl
    def nic_cycle_posted(self, cycle: dict[str, Any]) -> None:
        raise RuntimeError("boom")

    @hookimpl
    def nic_team_kinds(self) -> list[tuple[str, str]]:
        raise RuntimeError("no kinds today")


class Async:
    @hookimpl
    async def nic_site_stats(self) -> dict[str, int]:
        return {"sessions": 7}


def test_builtins_are_registered_and_essential_ones_cannot_be_switched_off() -> None:
    host = PluginHost.from_settings(Settings(), autoload=False)
    assert "communities" in host.plugin_names()
    apps = host.collect("nic_models")
    assert {"communities"} <= {label for contribution in apps for label in contribution}
    # NIC_PLUGINS_DISABLED is a deprecated alias of NIC_PLUGINS_BLOCKED: the same refusal.
    with pytest.raises(SettingsError, match="'communities' is essential and cannot be blocked"):
        PluginHost.from_settings(Settings(plugins_disabled=("communities",)), autoload=False)


async def test_awaitable_results_are_resolved() -> None:
    host = PluginHost.from_settings(Settings(), [Async()], autoload=False)
    stats = await host.call("nic_site_stats")
    assert {"sessions": 7} in stats


async def test_a_raising_plugin_is_logged_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    from tests.plugins.recorder import EventRecorder

    recorder = EventRecorder()
    host = PluginHost.from_settings(Settings(), [Raising(), recorder], autoload=False)
    with caplog.at_level(logging.ERROR, logger="nic.plugins"):
        await host.call("nic_cycle_posted", cycle={"id": 1, "community_id": 0})
    assert recorder.names() == ["cycle_posted"]
    assert "failed in nic_cycle_posted" in caplog.text


async def test_a_raising_plugin_does_not_break_a_request(app, admin, recorder) -> None:
    raising = Raising()
    app.state.plugins.pm.register(raising)
    try:
        status, body = await admin.post("/communities", {"slug": "c1", "name": "C1"})
        assert status == 201
        status, body = await admin.post(
            "/teams", {"community_id": body["id"], "name": "Hub", "kind": "improvement_hub"}
        )
        # The recorder's kind is still offered though another plugin failed to answer.
        assert status == 201, body
        status, kinds = await admin.get("/team-kinds")
        assert "improvement_hub" in {k["kind"] for k in kinds["items"]}
    finally:
        app.state.plugins.pm.unregister(raising)
