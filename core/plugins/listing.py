"""The plugin listing ``nic plugins`` and the admin page show."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from core.plugin_config import shown
from core.plugins.folders import PluginFolders
from core.plugins.records import PluginFailure, SkippedPlugin


class PluginListing(PluginFolders):
    """Every plugin with what it contributes (a part of the plugin host)."""

    skipped: list[SkippedPlugin]
    failures: list[PluginFailure]
    _configs: dict[str, BaseModel]

    def describe(self) -> dict[str, list[dict[str, Any]]]:
        """What ``nic plugins --json`` and the admin page show; secrets redacted.

        ``plugins``: one row per plugin, loaded or kept from loading by the settings
        (``state`` is ``enabled``, ``disabled``, ``blocked`` or ``autoload off``);
        ``failures``: outside plugins that failed to load, with the error.
        """
        templates: dict[str, list[str]] = {}
        for name, value in self.collect_each("nic_template_dirs"):
            templates.setdefault(name, []).extend(
                str(p) for p in (value if isinstance(value, list | tuple) else [value])
            )
        static: dict[str, dict[str, str]] = {}
        for name, value in self.collect_each("nic_static_dirs"):
            static.setdefault(name, {}).update({k: str(v) for k, v in dict(value).items()})
        models: dict[str, list[str]] = {}
        for name, value in self.collect_each("nic_models"):
            models.setdefault(name, []).extend(value)
        rows: list[dict[str, Any]] = []
        for name in self._plugins_in_order():
            plugin = self.pm.get_plugin(name)
            own_static = self.convention_dir(name, "static")
            rows.append(
                {
                    "name": name,
                    "version": self.sources[name].version,
                    "state": "enabled",
                    "module": getattr(plugin, "__name__", None) or type(plugin).__module__,
                    "hooks": sorted(c.name for c in self.pm.get_hookcallers(plugin) or []),
                    "templates": self._plugin_template_dirs(name, templates.get(name, [])),
                    "static": {
                        **({name: own_static} if own_static else {}),
                        **static.get(name, {}),
                    },
                    "models": models.get(name, []),
                    "config": shown(self._configs.get(name)),
                }
            )
        for skipped in self.skipped:
            rows.append(
                {
                    "name": skipped.name,
                    "version": skipped.version,
                    "state": skipped.state,
                    "module": None,
                    "hooks": [],
                    "templates": [],
                    "static": {},
                    "models": [],
                    "config": None,
                }
            )
        failures = [{"name": f.name, "version": f.version, "error": f.error} for f in self.failures]
        rows.sort(key=lambda row: (row["state"] != "enabled", row["name"]))
        return {"plugins": rows, "failures": failures}
