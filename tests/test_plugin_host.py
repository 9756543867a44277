"""The plugin host: built-ins registered like outside plugins, results awaited, errors isolated."""

from __future__ import annotations

import logging
from typing import Any

import pluggy
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


# --- hooks declared by the domain and by plugins (nic_hookspecs) ---------------------------


class Misspelt:
    @hookimpl
    def nic_cycle_postd(self, cycle: dict[str, Any]) -> None:
        """A typo of a domain hook: no spec ever arrives for it."""


class BadSpecs:
    @hookimpl
    def nic_hookspecs(self) -> list[object]:
        return [object()]  # holds no hook specification


def test_the_domain_declares_its_hooks_and_the_kernel_only_its_own() -> None:
    from communities import hookspecs as domain
    from core import hookspecs as kernel

    host = PluginHost.from_settings(Settings(), autoload=False)
    namespaces = {
        name: host.pm.hook.__dict__[name].spec.namespace
        for name in ("nic_routes", "nic_cycle_posted", "nic_graph_contributions", "nic_team_kinds")
    }
    assert namespaces == {
        "nic_routes": kernel,
        "nic_cycle_posted": domain,
        "nic_graph_contributions": domain,
        "nic_team_kinds": domain,
    }
    assert not any(name.startswith(("nic_cycle", "nic_agenda")) for name in vars(kernel))


def test_a_misspelt_domain_hook_still_stops_start_up() -> None:
    with pytest.raises(pluggy.PluginValidationError, match="nic_cycle_postd"):
        PluginHost.from_settings(Settings(), [Misspelt()], autoload=False)


def test_specs_that_are_not_specs_stop_start_up_naming_the_plugin() -> None:
    with pytest.raises(SettingsError, match="plugin BadSpecs: nic_hookspecs failed"):
        PluginHost.from_settings(Settings(), [BadSpecs()], autoload=False)


async def test_with_convenings_blocked_its_agenda_hook_is_gone_and_the_others_still_load() -> None:
    host = PluginHost.from_settings(Settings(plugins_blocked=("convenings",)), autoload=False)
    assert {"rubrics", "forums"} <= set(host.plugin_names())
    assert "convenings" not in host.plugin_names()
    # rubrics and forums implement it as an optional hook: it is simply never called.
    assert host.pm.hook.nic_agenda_items.spec is None
