"""The plugin manager an app owns, and the one helper that calls hooks.

Built-in plugins are listed in :data:`BUILTIN_PLUGINS` by module name and are
registered exactly as outside plugins are; outside plugins are found through
the ``nic`` entry-point group.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Iterable
from typing import Any

import pluggy

from core import hookspecs
from core.settings import Settings

logger = logging.getLogger("nic.plugins")

PROJECT = "nic"
ENTRY_POINT_GROUP = "nic"
BUILTIN_PLUGINS: tuple[str, ...] = ("communities.plugin",)
ESSENTIAL_PLUGINS: frozenset[str] = frozenset({"communities.plugin"})


class PluginHost:
    """Owns a pluggy manager; calls hooks with errors isolated per plugin."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm

    @classmethod
    def from_settings(
        cls, settings: Settings, extra: Iterable[object] = (), *, autoload: bool = True
    ) -> PluginHost:
        pm = pluggy.PluginManager(PROJECT)
        pm.add_hookspecs(hookspecs)
        disabled = set(settings.plugins_disabled)
        for module_name in BUILTIN_PLUGINS:
            short = module_name.split(".")[0]
            if module_name not in ESSENTIAL_PLUGINS and short in disabled:
                continue
            pm.register(importlib.import_module(module_name), name=short)
        if autoload:
            for name in disabled:
                pm.set_blocked(name)
            try:
                pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
            except Exception:  # an outside plugin that fails to import must not stop the site
                logger.exception("a plugin failed to load; it is skipped")
        for plugin in extra:
            pm.register(plugin)
        pm.check_pending()
        return cls(pm)

    def plugin_names(self) -> list[str]:
        return sorted(name for name, _ in self.pm.list_name_plugin() if name)

    def _impls(self, hook_name: str) -> list[pluggy.HookImpl]:
        caller = getattr(self.pm.hook, hook_name)
        # pluggy keeps the last registered first; call in registration order.
        return list(reversed(caller.get_hookimpls()))

    def collect(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Call a build-time hook synchronously; results that are lists are flattened."""
        results: list[Any] = []
        for impl in self._impls(hook_name):
            value = impl.function(**{k: kwargs[k] for k in impl.argnames if k in kwargs})
            if value is None:
                continue
            if isinstance(value, list | tuple):
                results.extend(value)
            else:
                results.append(value)
        return results

    async def call(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Call a hook, awaiting awaitable results; a plugin that raises is logged and skipped."""
        results: list[Any] = []
        for impl in self._impls(hook_name):
            try:
                value = impl.function(**{k: kwargs[k] for k in impl.argnames if k in kwargs})
                if inspect.isawaitable(value):
                    value = await value
            except Exception:
                logger.exception("plugin %s failed in %s", impl.plugin_name, hook_name)
                continue
            if value is not None:
                results.append(value)
        return results
